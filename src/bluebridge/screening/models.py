"""Tables of screening: every hit (who screened what, where and when, which record matched
and how well), for the owner's hit inbox; and the public keys of border posts that receive
offline copies (MIND)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bluebridge.store.base import Base, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class ScreeningHit(Base):
    """One record matched by one screening query. The query is kept for hits only: a query
    that matched nothing leaves an audit event with counts, not the traveller's details."""

    __tablename__ = "screening_hits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # when it reached the hub
    screened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # when it was made
    record_id: Mapped[int] = mapped_column(BigId)
    record_kind: Mapped[str] = mapped_column(String(40))
    owner_agency_id: Mapped[int] = mapped_column(Integer)
    owner_country: Mapped[str | None] = mapped_column(String(3))
    score: Mapped[float] = mapped_column(Float)
    hit_only: Mapped[bool] = mapped_column(default=False)
    query: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation: Mapped[list[str]] = mapped_column(JSON, default=list)
    action: Mapped[str | None] = mapped_column(String(200))  # what the owner asked for
    actor_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(Integer)
    agency_code: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(3))
    place: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default="online")  # online / offline
    request_id: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column()
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    # When the owner was sent the hit's message on the network (or it was found that none is
    # due): empty while the hit waits in the outbox (screening/outbox.py).
    notified_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (
        Index("ix_screening_hits_owner_country_at", "owner_country", "at"),
        Index("ix_screening_hits_owner_agency_at", "owner_agency_id", "at"),
        Index("ix_screening_hits_record", "record_id"),
        Index(
            "ix_screening_hits_waiting",
            "id",
            postgresql_where=text("notified_at IS NULL"),
            sqlite_where=text("notified_at IS NULL"),
        ),
    )


class MindKey(Base):
    """A border post's public key (X25519): its offline copies are encrypted for it."""

    __tablename__ = "mind_keys"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the raw 32 bytes
    key_id: Mapped[str] = mapped_column(String(32))
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    registered_by: Mapped[str] = mapped_column(String(200))
