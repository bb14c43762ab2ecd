"""Tables of I-GRIP: a case (the victim country's request), its legs (one payment each, routed
to the beneficiary's country; an onward transfer is a new leg whose parent is the leg the
money left), every step taken on a leg, the identifiers of the beneficiaries that correlation
looks up (accounts, wallets, names, e-mails), and the alerts raised when two cases share one.

Amounts are kept as decimal text in the currency's own unit ("1250.00"): exact on SQLite as on
PostgreSQL, and summed in Python with `decimal`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bluebridge.store.base import Base, utcnow


class PaymentCase(Base):
    """A request for rapid interception, filed by a police unit of the victim's country."""

    __tablename__ = "payment_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    requesting_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    requesting_country: Mapped[str] = mapped_column(String(3), index=True)
    fraud_type: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    victim: Mapped[dict[str, Any]] = mapped_column(JSON)  # kind, name, country, e-mail
    summary: Mapped[str] = mapped_column(Text, default="")
    fraudster_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    reported_at: Mapped[dt.datetime] = mapped_column()  # when the victim found the fraud
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closing_note: Mapped[str | None] = mapped_column(Text)
    message_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    notice_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # silver notices asked

    legs: Mapped[list[PaymentLeg]] = relationship(
        back_populates="case", lazy="selectin", order_by="PaymentLeg.id"
    )


class PaymentLeg(Base):
    """One payment to intercept, in the beneficiary's country, with its state and clock."""

    __tablename__ = "payment_legs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(35), unique=True)  # fits ISO 20022 ids
    case_id: Mapped[int] = mapped_column(ForeignKey("payment_cases.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("payment_legs.id"), index=True)
    hop: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(4))  # USDT has four letters
    value_at: Mapped[dt.datetime] = mapped_column()
    ordering: Mapped[dict[str, Any]] = mapped_column(JSON)  # the account the money left
    beneficiary: Mapped[dict[str, Any]] = mapped_column(JSON)  # a financial account payload
    beneficiary_name: Mapped[str] = mapped_column(String(200))
    beneficiary_bank: Mapped[str | None] = mapped_column(String(200))
    beneficiary_bic: Mapped[str | None] = mapped_column(String(11))
    beneficiary_country: Mapped[str] = mapped_column(String(3), index=True)
    uetr: Mapped[str | None] = mapped_column(String(36), index=True)
    end_to_end_id: Mapped[str | None] = mapped_column(String(35))
    state: Mapped[str] = mapped_column(String(24), default="received", index=True)
    frozen_amount: Mapped[str | None] = mapped_column(String(40))
    returned_amount: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column()
    answered_at: Mapped[dt.datetime | None] = mapped_column()  # the first answer
    frozen_at: Mapped[dt.datetime | None] = mapped_column()  # the first freeze
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    acknowledge_due_at: Mapped[dt.datetime] = mapped_column()
    answer_due_at: Mapped[dt.datetime] = mapped_column()
    escalated: Mapped[list[str]] = mapped_column(JSON, default=list)  # "acknowledge", "answer"
    message_id: Mapped[int | None] = mapped_column(Integer)  # the routing message
    financial_record_id: Mapped[int | None] = mapped_column(Integer)

    case: Mapped[PaymentCase] = relationship(back_populates="legs")
    events: Mapped[list[LegEvent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="LegEvent.id"
    )

    __table_args__ = (Index("ix_payment_legs_open", "state", "answer_due_at"),)


class LegEvent(Base):
    """One step taken on a leg: who, when, from which state to which, and what came with it."""

    __tablename__ = "payment_leg_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leg_id: Mapped[int] = mapped_column(ForeignKey("payment_legs.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PaymentIdentifier(Base):
    """A beneficiary's account, wallet, name or e-mail in a case, as an exact lookup key: what
    cross-case correlation looks up."""

    __tablename__ = "payment_identifiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(300))
    case_id: Mapped[int] = mapped_column(ForeignKey("payment_cases.id"), index=True)
    leg_id: Mapped[int | None] = mapped_column(Integer)
    country: Mapped[str] = mapped_column(String(3))  # the requesting country of the case

    __table_args__ = (Index("ix_payment_identifiers_lookup", "value", "kind"),)


class CorrelationAlert(Base):
    """Two cases share a beneficiary's identifier. Raised on both; each side is shown the
    identifier (its own data) and whom to contact, never the other case's content."""

    __tablename__ = "payment_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("payment_cases.id"), index=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("payment_cases.id"), index=True)
    other_country: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("case_id", "other_case_id", "kind", "value", name="uq_payment_alert"),
    )
