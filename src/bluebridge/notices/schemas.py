"""Pydantic shapes of the notices domain at the API's edge."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bluebridge.access.records import AccessPolicy
from bluebridge.members.reference import Region
from bluebridge.notices.content import NoticeContent
from bluebridge.notices.enums import SubjectRole

Id = Field(ge=1, le=2**53)


class SubjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_id: int = Id
    role: SubjectRole = SubjectRole.SUBJECT


class RecipientsIn(BaseModel):
    """Whom a diffusion goes to: countries, whole regions, or all members."""

    model_config = ConfigDict(extra="forbid")

    countries: list[str] = Field(default_factory=list, max_length=200)
    regions: list[Region] = Field(default_factory=list, max_length=5)
    all_members: bool = False


class NoticeIn(BaseModel):
    """A new notice request or diffusion, saved as a draft. The content's fields depend on the
    type (docs/notices.md); a draft may be incomplete, the checks at submission are not."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["notice", "diffusion"]
    type: str = Field(pattern=r"^[a-z]{2,12}$")
    content: NoticeContent = Field(default_factory=NoticeContent)
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=50)
    access_policy: AccessPolicy | None = None
    public_extract: bool = Field(
        default=False, description="consent to a public extract (red, yellow and UN notices)"
    )
    recipients: RecipientsIn | None = Field(default=None, description="a diffusion's recipients")


class NoticeChange(BaseModel):
    """The whole new content of a request, from the version read."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=2**31 - 1)
    content: NoticeContent = Field(default_factory=NoticeContent)
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=50)
    access_policy: AccessPolicy | None = None
    public_extract: bool = False
    recipients: RecipientsIn | None = None


class ReasonsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reasons: str = Field(min_length=1, max_length=5000)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["publish", "request_information", "refuse"]
    reasons: str = Field(min_length=1, max_length=5000)


class FlagOut(BaseModel):
    code: str
    article: str | None
    field: str
    reason: str
    evidence: str | None


class SubjectOut(BaseModel):
    record_id: int
    role: str
    kind: str | None = Field(description="absent when you do not see the record's content")
    title: str | None
    owner_country: str | None
    linked: bool = Field(description="a biometric record linked to the subject")


class EventOut(BaseModel):
    at: dt.datetime
    action: str
    actor_name: str
    country: str | None
    from_status: str | None
    to_status: str
    reasons: str | None


class RecipientOut(BaseModel):
    country: str
    sent_at: dt.datetime
    acknowledged_at: dt.datetime | None


class ContactOut(BaseModel):
    country: str | None
    agency_code: str | None
    agency_name: str | None


class NoticeSummaryOut(BaseModel):
    id: int
    kind: str
    type: str
    reference: str
    status: str
    review_state: str
    title: str
    requesting_country: str | None
    published_at: dt.datetime | None
    expires_at: dt.datetime | None
    updated_at: dt.datetime


class NoticeOut(NoticeSummaryOut):
    content: NoticeContent
    access_policy: AccessPolicy | None = Field(description="shown to the requester")
    public_extract: bool
    version: int
    asks: str = Field(description="what the notice asks of an officer who meets its subject")
    contact: ContactOut | None
    subjects: list[SubjectOut]
    flags: list[FlagOut] = Field(description="the automatic checks' flags (requester, reviewers)")
    events: list[EventOut] = Field(description="its history (requester, reviewers)")
    others: list[NoticeSummaryOut] = Field(description="the subjects' other requests (reviewers)")
    recipients: list[RecipientOut]
    acknowledged: bool | None = Field(description="for a recipient NCB of a diffusion")
    may_change: bool
    may_decide: bool
    from_diffusion_id: int | None
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    renewal_asked_at: dt.datetime | None
    created_at: dt.datetime
    created_by: str


class DashboardOut(BaseModel):
    since: dt.datetime
    target_hours: int
    waiting: int
    waiting_over_target: int
    oldest_waiting_hours: float | None
    decisions: int
    median_hours: float | None
    p90_hours: float | None
    within_target: float | None
    by_type: dict[str, int]
    by_region: dict[str, int]
    by_outcome: dict[str, int]
    by_day: list[tuple[str, int]]


class ExpiryOut(BaseModel):
    asked: int
    expired: int


class PublicPageOut(BaseModel):
    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int
    pages: int
