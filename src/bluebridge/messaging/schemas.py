"""Pydantic shapes of the secure network at the API's edge."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bluebridge.messaging.forms import Form


class AddressIn(BaseModel):
    """Whom a message goes to: any mix of agencies, countries (their NCB), regions (their
    NCBs), all members (every NCB) and sharing groups, with copies to other agencies."""

    model_config = ConfigDict(extra="forbid")

    agencies: list[str] = Field(default_factory=list, max_length=500)
    countries: list[str] = Field(default_factory=list, max_length=200)
    regions: list[str] = Field(default_factory=list, max_length=5)
    all_members: bool = False
    groups: list[str] = Field(default_factory=list, max_length=20)
    copies: list[str] = Field(default_factory=list, max_length=100)


class ReferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["record", "notice", "hit", "case", "message", "payment_case", "payment_leg"]
    id: int = Field(ge=1, le=2**53)


class AttachmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(min_length=1, description="the file, base64-encoded")


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(default="", max_length=100_000)
    address: AddressIn = Field(default_factory=AddressIn)
    priority: Literal["routine", "urgent", "immediate"] = "routine"
    form: Form = Form.FREE
    form_data: dict[str, Any] | None = None
    handling_codes: list[str] = Field(default_factory=list, max_length=10)
    references: list[ReferenceIn] = Field(default_factory=list, max_length=50)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)
    in_reply_to: int | None = Field(default=None, ge=1, le=2**53)


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: list[MessageIn] = Field(min_length=1, max_length=500)


class SentOut(BaseModel):
    id: int
    uid: str = Field(description="the envelope's identifier, which the signature covers")
    thread_id: int | None
    recipients: list[str] = Field(description="the agencies it was delivered to (codes)")


class BatchOut(BaseModel):
    sent: list[SentOut]


class VerificationOut(BaseModel):
    valid: bool
    signature_valid: bool
    content_matches: bool | None
    signer: str
    key: str = Field(description="the signing key's fingerprint")


class ReceiptOut(BaseModel):
    agency_code: str
    role: str = Field(description="to, cc, or esc (reached by escalation)")
    delivered_at: dt.datetime
    read_at: dt.datetime | None
    escalated_at: dt.datetime | None


class MessageSummaryOut(BaseModel):
    id: int
    thread_id: int | None
    sender: str
    subject: str
    priority: str
    form: str
    sent_at: dt.datetime
    read_at: dt.datetime | None = Field(description="when your agency read it (inbox)")
    references: list[dict[str, Any]]


class MessageOut(MessageSummaryOut):
    body: str
    form_data: dict[str, Any]
    handling_codes: list[str]
    attachments: list[dict[str, Any]]
    in_reply_to_id: int | None
    verification: VerificationOut
    receipts: list[ReceiptOut] = Field(description="every recipient's, for the sender")
    thread: list[int]


class GroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=2, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    members: list[str] = Field(default_factory=list, max_length=500)


class GroupMembersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    members: list[str] = Field(max_length=500)


class GroupOut(BaseModel):
    code: str
    name: str
    owner: str
    members: list[str]


class UnreadOut(BaseModel):
    routine: int
    urgent: int
    immediate: int
    escalated: int = Field(description="of these, how many reached you by escalation")
