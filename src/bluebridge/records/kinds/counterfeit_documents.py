"""Counterfeit and forged documents: alerts describing a false passport, identity card, visa or
other document in circulation, with the features that give the forgery away, so that border
and document examiners everywhere recognise it. The alert describes the forgery, not a holder;
the lookup key is the country whose document is imitated and the type of document."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from bluebridge.records.kinds.base import CountryCode, LookupKey, Payload, RecordKind

Feature = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
ImageReference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


class CounterfeitDocumentType(StrEnum):
    PASSPORT = "passport"
    IDENTITY_CARD = "identity_card"
    VISA = "visa"
    RESIDENCE_PERMIT = "residence_permit"
    TRAVEL_DOCUMENT = "travel_document"
    DRIVING_LICENCE = "driving_licence"
    OTHER = "other"


class CounterfeitDocument(Payload):
    """An alert on a counterfeit or forged document."""

    document_type: CounterfeitDocumentType
    country: CountryCode = Field(description="the country whose document is counterfeited")
    features: list[Feature] = Field(
        min_length=1,
        max_length=50,
        description="what reveals the forgery, e.g. 'laminate lacks the optically variable ink'",
    )
    images: list[ImageReference] = Field(
        default_factory=list, max_length=50, description="ids of stored images of the forgery"
    )


def _keys(alert: CounterfeitDocument) -> Sequence[LookupKey]:
    return [LookupKey("counterfeit_document", f"{alert.country}:{alert.document_type.value}")]


def _title(alert: CounterfeitDocument) -> str:
    kind = alert.document_type.value.replace("_", " ")
    return f"Counterfeit {kind} of {alert.country}"


KIND = RecordKind(
    name="counterfeit_documents",
    label="Counterfeit documents",
    payload=CounterfeitDocument,
    retention_years=10,
    keys=_keys,
    title=_title,
    personal_data=False,
    description=(
        "Alerts on counterfeit and forged travel and identity documents, with the features "
        "that reveal the forgery."
    ),
)
