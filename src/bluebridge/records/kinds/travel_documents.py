"""Stolen and lost travel documents (SLTD): passports, identity cards, visas and other travel
documents reported stolen (blank or issued), lost, revoked or invalid. Only the issuing country
enters its own documents; the lookup key is the issuing country and the compacted number, as
read from the machine-readable zone at a border."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from bluebridge.errors import FieldProblem
from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    PastDate,
    Payload,
    RecordKind,
    compact_identifier,
)


class TravelDocumentType(StrEnum):
    PASSPORT = "passport"
    IDENTITY_CARD = "identity_card"
    VISA = "visa"
    RESIDENCE_PERMIT = "residence_permit"
    TRAVEL_DOCUMENT = "travel_document"


class TravelDocumentStatus(StrEnum):
    STOLEN_BLANK = "stolen_blank"
    STOLEN_ISSUED = "stolen_issued"
    LOST = "lost"
    REVOKED = "revoked"
    INVALID = "invalid"


def document_number(value: str) -> str:
    """A document number checked for length once compacted (2 to 20 letters and digits)."""
    compact = compact_identifier(value)
    if not 2 <= len(compact) <= 20:
        raise ValueError(
            f"a document number has 2 to 20 letters and digits once spaces and punctuation "
            f"are removed, not {len(compact)}"
        )
    return value


class TravelDocument(Payload):
    """One stolen, lost, revoked or invalid travel document."""

    number: str = Field(
        min_length=1, max_length=40, description="as printed; spaces and punctuation ignored"
    )
    issuing_country: CountryCode = Field(description="ISO 3166 or ICAO 9303 code (FRA, D…)")
    document_type: TravelDocumentType
    status: TravelDocumentStatus
    date_reported: PastDate
    holder_name: str | None = Field(default=None, min_length=1, max_length=200)
    date_of_issue: PastDate | None = None
    date_of_expiry: dt.date | None = None

    @field_validator("number")
    @classmethod
    def _number(cls, value: str) -> str:
        return document_number(value)

    @field_validator("date_of_expiry")
    @classmethod
    def _expiry_after_issue(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        issued = info.data.get("date_of_issue")
        if value is not None and isinstance(issued, dt.date) and value <= issued:
            raise ValueError(f"must be after the date of issue ({issued.isoformat()})")
        return value

    @property
    def compact_number(self) -> str:
        return compact_identifier(self.number)


def _keys(document: TravelDocument) -> Sequence[LookupKey]:
    return [LookupKey("document", f"{document.issuing_country}:{document.compact_number}")]


def _title(document: TravelDocument) -> str:
    kind = document.document_type.value.replace("_", " ").capitalize()
    status = document.status.value.replace("_", " ")
    return f"{kind} {document.issuing_country} {document.compact_number} ({status})"


def _owner_rule(
    document: TravelDocument, owner_country: str | None, owner_agency_kind: str
) -> list[FieldProblem]:
    if owner_country != document.issuing_country:
        return [
            FieldProblem(
                "issuing_country", "only an agency of the issuing country may enter this document"
            )
        ]
    return []


KIND = RecordKind(
    name="travel_documents",
    label="Stolen and lost travel documents",
    payload=TravelDocument,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=True,  # the holder's name may be present
    owner_rule=_owner_rule,
    description=(
        "Passports, identity cards, visas and other travel documents reported stolen, lost, "
        "revoked or invalid by the country that issued them."
    ),
)
