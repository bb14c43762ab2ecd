"""Tables of the notices domain: the notice or diffusion (its kind, state, content as entered,
the automatic checks' flags, its access policy), the records it concerns (referred to, never
copied), its grants, the countries a diffusion was sent to with their acknowledgements, and
the history of every step taken on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bluebridge.store.base import Base, utcnow


class Notice(Base):
    """A notice (reviewed before publication) or a diffusion (sent, then checked)."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    requesting_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    requesting_country: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(24))
    review_state: Mapped[str] = mapped_column(String(24), default="none")
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    access_mode: Mapped[str] = mapped_column(String(16))
    public_extract: Mapped[bool] = mapped_column(Boolean, default=False)
    from_diffusion_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    checked_at: Mapped[dt.datetime | None] = mapped_column()
    queued_at: Mapped[dt.datetime | None] = mapped_column()  # entered the review queue
    decided_at: Mapped[dt.datetime | None] = mapped_column()  # the last review decision
    decided_by: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[dt.datetime | None] = mapped_column()
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    renewal_asked_at: Mapped[dt.datetime | None] = mapped_column()
    ended_at: Mapped[dt.datetime | None] = mapped_column()

    grants: Mapped[list[NoticeGrant]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NoticeGrant.grant_type"
    )
    subjects: Mapped[list[NoticeSubject]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NoticeSubject.position"
    )
    recipients: Mapped[list[NoticeRecipient]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NoticeRecipient.country"
    )

    __table_args__ = (
        Index("ix_notices_status_type", "status", "type"),
        Index("ix_notices_requesting_country_status", "requesting_country", "status"),
        Index("ix_notices_review_state_queued", "review_state", "queued_at"),
        Index("ix_notices_status_expires_at", "status", "expires_at"),
    )


class NoticeGrant(Base):
    """One term of a notice's access policy, as a record's (see access.records)."""

    __tablename__ = "notice_grants"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    grant_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)


class NoticeSubject(Base):
    """A record the notice concerns: its subject, a document, a biometric record, an object."""

    __tablename__ = "notice_subjects"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_notice_subjects_record", "record_id", "notice_id"),)


class NoticeRecipient(Base):
    """A country a diffusion was sent to, and when its NCB acknowledged receipt."""

    __tablename__ = "notice_recipients"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column()
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_notice_recipients_country", "country", "notice_id"),)


class NoticeEvent(Base):
    """One step in a notice's life: who did what, from which state to which, and why."""

    __tablename__ = "notice_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str | None] = mapped_column(String(3))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_notice_events_notice_at", "notice_id", "at"),)
