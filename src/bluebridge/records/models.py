"""Tables of the records domain: the record envelope shared by all 19 kinds (owner, grading,
handling codes, access policy, review and expiry, version and change sequence, payload), the
access grants that policies expand into, the lookup keys, the links between records, the
store-wide change sequence that indexes follow, the owner's access log of each record, the
import jobs with their rejected rows, and the access to a hit-only record that its owner grants
to one agency for a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bluebridge.store.base import Base, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class Record(Base):
    """One entry in one of the databases, owned by an agency of a country."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    owner_country: Mapped[str | None] = mapped_column(String(3))
    # The owner's own reference, so that a re-import updates instead of duplicating.
    owner_reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="active")
    source_type: Mapped[str] = mapped_column(String(32))
    source_grading: Mapped[str] = mapped_column(String(1))
    information_grading: Mapped[str] = mapped_column(String(1))
    handling_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    access_mode: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    review_date: Mapped[dt.datetime] = mapped_column()
    expires_at: Mapped[dt.datetime] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int] = mapped_column(BigId, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))

    grants: Mapped[list[RecordGrant]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RecordGrant.grant_type"
    )
    agency_grants: Mapped[list[RecordAgencyGrant]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RecordAgencyGrant.id"
    )

    __table_args__ = (
        UniqueConstraint("owner_agency_id", "kind", "owner_reference"),
        Index("ix_records_kind_status_seq", "kind", "status", "seq"),
        Index("ix_records_owner_country_status", "owner_country", "status"),
        # A list of one kind filtered by owner country, newest change first.
        Index("ix_records_kind_owner_country_status_seq", "kind", "owner_country", "status", "seq"),
        Index("ix_records_status_expires_at", "status", "expires_at"),
    )


class RecordGrant(Base):
    """One term of a record's access policy: a country, region, kind of agency or unit
    specialty that may see it, or a country excluded."""

    __tablename__ = "record_grants"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    grant_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_record_grants_lookup", "grant_type", "value", "record_id"),)


class RecordKey(Base):
    """A normalised value for exact lookup (document number and country, VIN, IBAN…)."""

    __tablename__ = "record_keys"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    key_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(300), primary_key=True)

    __table_args__ = (Index("ix_record_keys_lookup", "key_type", "value"),)


class RecordLink(Base):
    """A relation between two records (a person holds a document, is a member of a group…)."""

    __tablename__ = "record_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    from_record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    to_record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("from_record_id", "to_record_id", "relation"),)


class ChangeSequence(Base):
    """The store's monotonic change counter: every create, change, expiry and deletion of a
    record takes the next number, so that indexes can follow the store."""

    __tablename__ = "change_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigId)


class RecordAccess(Base):
    """One look at a record by someone outside the owning agency (a read, a list, an export,
    a link followed, a screening hit): the owner's view of who used its information. The
    audit log holds the same facts chained; this table answers "who saw record N" fast."""

    __tablename__ = "record_access"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str | None] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_record_access_record_at", "record_id", "at"),)


class ImportJob(Base):
    """One file of records imported by an agency: its progress while it runs, its outcome
    after. The rows it rejected are kept beside it, each with its line and reason."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    country: Mapped[str | None] = mapped_column(String(3))
    created_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    bytes_total: Mapped[int | None] = mapped_column(BigId)
    bytes_read: Mapped[int] = mapped_column(BigId, default=0)
    rows_read: Mapped[int] = mapped_column(BigId, default=0)
    created: Mapped[int] = mapped_column(BigId, default=0)
    updated: Mapped[int] = mapped_column(BigId, default=0)
    rejected: Mapped[int] = mapped_column(BigId, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (Index("ix_import_jobs_agency_created", "agency_id", "created_at"),)


class ImportRejection(Base):
    """A row of an import that was refused: its line number, the field and the reason."""

    __tablename__ = "import_rejections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    line: Mapped[int] = mapped_column(BigId)
    field: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500))

    __table_args__ = (Index("ix_import_rejections_job_line", "job_id", "line"),)


class RecordAgencyGrant(Base):
    """Access to a hit-only record granted by its owner to one agency, for a period, in answer
    to a request made through the network."""

    __tablename__ = "record_agency_grants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    until: Mapped[dt.datetime] = mapped_column()
    granted_by: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The request it answers, a message of the network.
    message_id: Mapped[int | None] = mapped_column(BigId)

    __table_args__ = (Index("ix_record_agency_grants_lookup", "agency_id", "record_id", "until"),)
