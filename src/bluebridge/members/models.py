"""Tables of the members domain: countries, agencies, users, web sessions, sign-in throttles
and API keys. Secrets are never stored in the clear: passwords as argon2id hashes, API keys
and session tokens as SHA-256 digests, TOTP secrets sealed under a key derived from the
installation's secret."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bluebridge.store.base import Base, utcnow


class AgencyKind(StrEnum):
    NCB = "ncb"
    SPECIALIZED_UNIT = "specialized_unit"
    BORDER_POST = "border_post"
    GENERAL_SECRETARIAT = "general_secretariat"
    REGIONAL_PARTNER = "regional_partner"
    PRIVATE_PARTNER = "private_partner"


class UnitSpecialty(StrEnum):
    ORGANIZED_CRIME = "organized_crime"
    CYBERCRIME = "cybercrime"
    COUNTER_TERRORISM = "counter_terrorism"
    FINANCIAL_INVESTIGATIONS = "financial_investigations"
    CHILD_PROTECTION = "child_protection"
    ENVIRONMENTAL_CRIME = "environmental_crime"


class Country(Base):
    """A member country, mirrored from the reference data so queries can join on region."""

    __tablename__ = "countries"

    alpha3: Mapped[str] = mapped_column(String(3), primary_key=True)
    alpha2: Mapped[str] = mapped_column(String(2), unique=True)
    numeric: Mapped[str] = mapped_column(String(3))
    icao_code: Mapped[str] = mapped_column(String(3), unique=True)
    region: Mapped[str] = mapped_column(String(32), index=True)
    name_en: Mapped[str] = mapped_column(String(120))


class Agency(Base):
    """An organization with accounts: an NCB, a unit, a border post, the General Secretariat,
    a regional or a private partner."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    specialty: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(ForeignKey("countries.alpha3"), index=True)
    region: Mapped[str | None] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], lazy="joined")


class User(Base):
    """A person with an account in one agency."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    password_hash: Mapped[str] = mapped_column(String(200))
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_secret_sealed: Mapped[str | None] = mapped_column(Text)
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(5))
    # The person's own nationality (alpha-3): a compliance reviewer decides on no request of it.
    nationality: Mapped[str | None] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column()

    agency: Mapped[Agency] = relationship(lazy="joined")


class LoginThrottle(Base):
    """Failed sign-ins per user name, kept for unknown names too so lockout reveals nothing."""

    __tablename__ = "login_throttles"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    last_failure_at: Mapped[dt.datetime | None] = mapped_column()


class WebSession(Base):
    """A portal session; the cookie holds a random token, the table only its digest."""

    __tablename__ = "web_sessions"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # "second_factor" or "enrol" while the sign-in is half done, then "complete".
    stage: Mapped[str] = mapped_column(String(16))
    second_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    client_address: Mapped[str | None] = mapped_column(String(64))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class ApiKey(Base):
    """A key for a machine client (a border system, a national case system)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_digest: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    last_used_at: Mapped[dt.datetime | None] = mapped_column()

    agency: Mapped[Agency] = relationship(lazy="joined")

    __table_args__ = (Index("ix_api_keys_agency_active", "agency_id", "revoked_at"),)
