"""Tables of the secure network: each agency's key versions (public keys in the clear, private
keys sealed under the master key), sharing groups, messages (routing metadata in the clear;
subject, body, form and attachments encrypted; the sender's signature over the envelope),
the content key wrapped for each agency that may read a message, the recipients with their
delivery and read receipts and escalation, attachments, and the time-limited access to a
hit-only record that its owner grants through the network."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bluebridge.store.base import Base, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class AgencyKey(Base):
    """One version of an agency's key pairs: Ed25519 to sign, X25519 to receive."""

    __tablename__ = "agency_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    signing_public: Mapped[bytes] = mapped_column(LargeBinary(32))
    encryption_public: Mapped[bytes] = mapped_column(LargeBinary(32))
    signing_private_sealed: Mapped[str] = mapped_column(Text)
    encryption_private_sealed: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (UniqueConstraint("agency_id", "version"),)


class SharingGroup(Base):
    """A named set of agencies, possibly across countries, that its owner manages."""

    __tablename__ = "sharing_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    members: Mapped[list[SharingGroupMember]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SharingGroupMember.agency_id"
    )


class SharingGroupMember(Base):
    __tablename__ = "sharing_group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("sharing_groups.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class Message(Base):
    """One message: who sent it, its priority and form, what it refers to, and its content
    encrypted under a key of its own, signed by the sending agency."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    thread_id: Mapped[int | None] = mapped_column(BigId, index=True)
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    sender_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    sender_country: Mapped[str | None] = mapped_column(String(3))
    sender_name: Mapped[str] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(String(32))
    handling_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    references: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The screening hit a hit-found message tells of: its conversation is the thread.
    hit_id: Mapped[int | None] = mapped_column(BigId, index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The encrypted content: subject, body, form fields, the attachments' names and types.
    content: Mapped[bytes] = mapped_column(LargeBinary)
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)  # what was signed
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    signing_key_id: Mapped[int] = mapped_column(ForeignKey("agency_keys.id"))

    recipients: Mapped[list[MessageRecipient]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MessageRecipient.agency_id"
    )

    __table_args__ = (Index("ix_messages_sender_sent", "sender_agency_id", "sent_at"),)


class MessageKey(Base):
    """A message's content key, wrapped for one agency's encryption key version."""

    __tablename__ = "message_keys"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("agency_keys.id"))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)


class MessageRecipient(Base):
    """An agency a message was delivered to, and what became of it there."""

    __tablename__ = "message_recipients"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))  # to, cc
    priority: Mapped[str] = mapped_column(String(16))  # the message's, for the inbox counts
    delivered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column()
    read_by: Mapped[str | None] = mapped_column(String(200))
    escalated_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (
        Index("ix_message_recipients_agency_read", "agency_id", "read_at", "message_id"),
        Index("ix_message_recipients_unread_priority", "priority", "read_at", "escalated_at"),
    )


class MessageAttachment(Base):
    """A file sent with a message, encrypted under the message's content key."""

    __tablename__ = "message_attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(BigId)
    content: Mapped[bytes] = mapped_column(LargeBinary)
