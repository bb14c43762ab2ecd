"""Fingerprints and palm prints (AFIS): ten-prints of known persons and latent prints of
unknown subjects from crime scenes or recovered devices. The record points at a stored
template (ISO/IEC 19794-2, ANSI/INCITS 378, ANSI/NIST-ITL type 4/9/14) or image; the biometric
data itself is held by the biometrics domain, not in the payload."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from bluebridge.records.kinds.base import LookupKey, Payload, RecordKind, check_record_reference

# Friction ridge generalized positions, ANSI/NIST-ITL 1-2011 Table 8.
FINGER_POSITIONS: dict[int, str] = {
    0: "unknown_finger",
    1: "right_thumb",
    2: "right_index",
    3: "right_middle",
    4: "right_ring",
    5: "right_little",
    6: "left_thumb",
    7: "left_index",
    8: "left_middle",
    9: "left_ring",
    10: "left_little",
}
PALM_POSITIONS: dict[int, str] = {
    20: "unknown_palm",
    21: "right_full_palm",
    22: "right_writers_palm",
    23: "left_full_palm",
    24: "left_writers_palm",
    25: "right_lower_palm",
    26: "right_upper_palm",
    27: "left_lower_palm",
    28: "left_upper_palm",
    29: "right_other",
    30: "left_other",
    31: "right_interdigital",
    32: "right_thenar",
    33: "right_hypothenar",
    34: "left_interdigital",
    35: "left_thenar",
    36: "left_hypothenar",
}
POSITIONS = {**FINGER_POSITIONS, **PALM_POSITIONS}
_POSITION_CODES = {name: code for code, name in POSITIONS.items()}

KNOWN_RETENTION_YEARS = 5
LATENT_RETENTION_YEARS = 15


def _position(value: Any) -> int:
    """A position code from its number (7, "7") or name ("left_index")."""
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "_").replace("-", "_")
        if text in _POSITION_CODES:
            return _POSITION_CODES[text]
        if not text.isdigit():
            raise ValueError(f"{value!r} is not an ANSI/NIST-ITL finger or palm position")
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or value not in POSITIONS:
        raise ValueError(
            f"{value!r} is not an ANSI/NIST-ITL finger or palm position "
            "(0-10 for fingers, 20-36 for palms)"
        )
    return value


Position = Annotated[int, BeforeValidator(_position)]


class Subject(StrEnum):
    KNOWN = "known"
    UNKNOWN_LATENT = "unknown_latent"


class LatentSource(StrEnum):
    CRIME_SCENE = "crime_scene"
    RECOVERED_DEVICE = "recovered_device"


class Fingerprint(Payload):
    """A set of finger or palm prints, by reference to a stored template or image."""

    positions: list[Position] = Field(
        min_length=1, max_length=len(POSITIONS), description="ANSI/NIST-ITL position codes"
    )
    template_reference: str | None = Field(
        default=None, min_length=1, max_length=200, description="id of the stored template"
    )
    template_format: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        validate_default=True,
        description='e.g. "ISO/IEC 19794-2:2005", "ANSI/INCITS 378", "NIST-ITL type-4"',
    )
    image_reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        validate_default=True,
        description="id of the stored image",
    )
    quality: int | None = Field(default=None, ge=0, le=100, description="0-100, NFIQ-like")
    subject: Subject
    latent_source: LatentSource | None = Field(default=None, validate_default=True)
    person_reference: int | str | None = Field(
        default=None, validate_default=True, description="the known person (a record id)"
    )

    @field_validator("positions")
    @classmethod
    def _distinct(cls, positions: list[int]) -> list[int]:
        repeated = sorted({p for p in positions if positions.count(p) > 1})
        if repeated:
            raise ValueError(f"positions are listed once each; repeated: {repeated}")
        return positions

    @field_validator("template_format")
    @classmethod
    def _format_with_template(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("template_reference") is not None:
            raise ValueError("a template_reference needs its template_format")
        return value

    @field_validator("image_reference")
    @classmethod
    def _template_or_image(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("template_reference", "") is None:
            raise ValueError("give a template_reference or an image_reference")
        return value

    @field_validator("latent_source")
    @classmethod
    def _latent_source(
        cls, value: LatentSource | None, info: ValidationInfo
    ) -> LatentSource | None:
        subject = info.data.get("subject")
        if subject is Subject.UNKNOWN_LATENT and value is None:
            raise ValueError("a latent of an unknown subject needs its source")
        if subject is Subject.KNOWN and value is not None:
            raise ValueError("only a latent of an unknown subject has a latent source")
        return value

    @field_validator("person_reference")
    @classmethod
    def _person(cls, value: int | str | None, info: ValidationInfo) -> int | str | None:
        check_record_reference(value)
        if value is not None and info.data.get("subject") is Subject.UNKNOWN_LATENT:
            raise ValueError("a latent of an unknown subject has no person reference")
        return value


def _retention(print_set: Fingerprint) -> int:
    if print_set.subject is Subject.KNOWN:
        return KNOWN_RETENTION_YEARS
    return LATENT_RETENTION_YEARS


def _keys(print_set: Fingerprint) -> Sequence[LookupKey]:
    if print_set.template_reference is None:
        return []
    return [LookupKey("fingerprint_template", print_set.template_reference)]


def _title(print_set: Fingerprint) -> str:
    if print_set.subject is Subject.KNOWN:
        what = "Known person"
    else:
        source = print_set.latent_source.value.replace("_", " ") if print_set.latent_source else ""
        what = f"Latent ({source})" if source else "Latent"
    if len(print_set.positions) == 1:
        where = POSITIONS[print_set.positions[0]].replace("_", " ")
    else:
        where = f"{len(print_set.positions)} positions"
    return f"{what}, {where}"


KIND = RecordKind(
    name="fingerprints",
    label="Fingerprints",
    payload=Fingerprint,
    retention_years=_retention,
    keys=_keys,
    title=_title,
    personal_data=True,
    description=(
        "Finger and palm prints of known persons and latent prints of unknown subjects, by "
        "reference to the stored template or image."
    ),
)
