"""Pydantic shapes of the records domain at the API's edge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bluebridge.access.records import AccessPolicy
from bluebridge.records.kinds.base import (
    HandlingCode,
    InformationGrading,
    SourceGrading,
    SourceType,
)
from bluebridge.records.service import Relation


class RecordIn(BaseModel):
    """A record as its owner enters it; the payload follows the kind's schema
    (GET /api/v1/records/kinds lists each kind's JSON schema)."""

    model_config = ConfigDict(extra="forbid")

    payload: dict[str, Any]
    source_type: SourceType
    source_grading: SourceGrading
    information_grading: InformationGrading
    handling_codes: list[HandlingCode] = Field(default_factory=list, max_length=len(HandlingCode))
    access_policy: AccessPolicy | None = None
    owner_reference: str | None = Field(
        default=None, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$"
    )


class RecordChange(BaseModel):
    """A change by the owner, from the version it read."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=2**31 - 1)
    payload: dict[str, Any] | None = None
    source_type: SourceType | None = None
    source_grading: SourceGrading | None = None
    information_grading: InformationGrading | None = None
    handling_codes: list[HandlingCode] | None = Field(default=None, max_length=len(HandlingCode))
    access_policy: AccessPolicy | None = None


class RecordOut(BaseModel):
    id: int
    kind: str
    title: str
    sight: str = Field(description="full, or metadata (a data protection officer's view)")
    owner_agency_id: int
    owner_country: str | None
    status: str
    source_type: str
    source_grading: str
    information_grading: str
    handling_codes: list[str]
    access_policy: AccessPolicy | None = Field(description="shown to the owner only")
    payload: dict[str, Any] | None
    version: int
    seq: int
    review_date: dt.datetime
    expires_at: dt.datetime
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str


class KindOut(BaseModel):
    name: str
    label: str
    description: str
    personal_data: bool
    payload_schema: dict[str, Any]


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_record_id: int = Field(ge=1, le=2**53)
    relation: Relation


class LinkOut(BaseModel):
    id: int
    relation: str
    from_record: RecordOut
    to_record: RecordOut


class AccessEntryOut(BaseModel):
    at: dt.datetime
    action: str = Field(description="read, read_metadata, list, lookup, link, export or hit")
    actor_name: str
    agency_code: str | None
    agency_name: str | None
    country: str | None
    channel: str


class PossibleHitOut(BaseModel):
    """A hit-only record: it exists; contact the owner's NCB quoting the reference."""

    reference: int
    kind: str
    owner_country: str | None
    contact_agency_code: str | None
    contact_agency_name: str | None
    message: str


class LookupOut(BaseModel):
    records: list[RecordOut] = Field(description="the matching records you may see")
    possible_hits: list[PossibleHitOut] = Field(
        description="hit-only records that match: whom to contact, nothing of the content"
    )


class ReviewIn(BaseModel):
    """Why a data protection officer's review needs a record's content."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=10, max_length=500)
