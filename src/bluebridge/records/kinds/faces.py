"""Facial images: photographs of known persons and of unknown subjects (from a crime scene, a
surveillance camera or seized material), for face recognition. The record points at the image
held by the biometrics domain by an opaque reference; the payload carries no image data."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from bluebridge.records.kinds.base import (
    LookupKey,
    PastDate,
    Payload,
    RecordKind,
    check_record_reference,
)

KNOWN_RETENTION_YEARS = 5
UNKNOWN_RETENTION_YEARS = 15


class FaceSubject(StrEnum):
    KNOWN = "known"
    UNKNOWN = "unknown"


class Face(Payload):
    """One facial image, by reference."""

    image_reference: str = Field(
        min_length=1, max_length=200, description="opaque id of the stored image (no image data)"
    )
    subject: FaceSubject
    person_reference: int | str | None = Field(
        default=None, description="the known person (a record id)"
    )
    capture_date: PastDate | None = None
    quality: int = Field(ge=0, le=100, description="0-100, as the capture or matcher scores it")

    @field_validator("image_reference")
    @classmethod
    def _reference(cls, value: str) -> str:
        if value.lower().startswith("data:"):
            raise ValueError(
                "is the id of an image stored with the biometrics service, not the image itself"
            )
        if any(c.isspace() or not c.isprintable() for c in value):
            raise ValueError("an image reference has no spaces or control characters")
        return value

    @field_validator("person_reference")
    @classmethod
    def _person(cls, value: int | str | None, info: ValidationInfo) -> int | str | None:
        check_record_reference(value)
        if value is not None and info.data.get("subject") is FaceSubject.UNKNOWN:
            raise ValueError("the image of an unknown subject has no person reference")
        return value


def _retention(face: Face) -> int:
    if face.subject is FaceSubject.KNOWN:
        return KNOWN_RETENTION_YEARS
    return UNKNOWN_RETENTION_YEARS


def _keys(face: Face) -> Sequence[LookupKey]:
    return [LookupKey("face_image", face.image_reference)]


def _title(face: Face) -> str:
    who = "Known person" if face.subject is FaceSubject.KNOWN else "Unknown subject"
    when = f", {face.capture_date.isoformat()}" if face.capture_date else ""
    return f"{who}{when} (quality {face.quality})"


KIND = RecordKind(
    name="faces",
    label="Facial images",
    payload=Face,
    retention_years=_retention,
    keys=_keys,
    title=_title,
    personal_data=True,
    description=(
        "Facial images of known persons and unknown subjects for face recognition, by "
        "reference to the image held by the biometrics service."
    ),
)
