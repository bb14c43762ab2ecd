"""Stolen administrative documents (SAD): blank vehicle registration certificates, permits,
seals and the like, reported one by one or as a range of serial numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    Payload,
    RecordKind,
    compact_identifier,
)

_TRAILING_DIGITS = re.compile(r"^(.*?)([0-9]+)$")


class AdminDocumentType(StrEnum):
    VEHICLE_REGISTRATION = "vehicle_registration"
    PERMIT = "permit"
    SEAL = "seal"
    OTHER = "other"


def _serial(value: str | None) -> str | None:
    if value is None:
        return None
    compact = compact_identifier(value)
    if not 1 <= len(compact) <= 30:
        raise ValueError(
            f"a serial number has 1 to 30 letters and digits once spaces and punctuation are "
            f"removed, not {len(compact)}"
        )
    return value


def _split(serial: str, field: str) -> tuple[str, int]:
    match = _TRAILING_DIGITS.match(compact_identifier(serial))
    if match is None:
        raise ValueError(f"a range needs {field} to end in digits")
    return match.group(1), int(match.group(2))


class AdminDocument(Payload):
    """A stolen blank administrative document, or a range of them."""

    document_type: AdminDocumentType
    description: str | None = Field(default=None, min_length=1, max_length=500)
    issuing_country: CountryCode
    serial_from: str | None = Field(default=None, min_length=1, max_length=40)
    serial_to: str | None = Field(default=None, min_length=1, max_length=40, validate_default=True)
    serial_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        validate_default=True,
        description="a single serial; or give the range serial_from to serial_to instead",
    )

    @field_validator("serial_from")
    @classmethod
    def _from(cls, value: str | None) -> str | None:
        return _serial(value)

    @field_validator("serial_to")
    @classmethod
    def _range(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = _serial(value)
        if "serial_from" not in info.data:
            return value  # serial_from was refused already
        start = info.data["serial_from"]
        if start is None and value is None:
            return None
        if start is None:
            raise ValueError("a range needs serial_from as well")
        if value is None:
            raise ValueError("a range needs serial_to as well")
        start_compact, end_compact = compact_identifier(start), compact_identifier(value)
        if len(start_compact) != len(end_compact):
            raise ValueError(
                f"must have as many characters as serial_from ({len(start_compact)}), "
                f"not {len(end_compact)}"
            )
        start_prefix, start_number = _split(start, "serial_from")
        end_prefix, end_number = _split(value, "serial_to")
        if start_prefix != end_prefix:
            raise ValueError(
                f"must have the prefix of serial_from ({start_prefix!r}), not {end_prefix!r}"
            )
        if end_number < start_number:
            raise ValueError(f"must not come before serial_from ({start_compact})")
        return value

    @field_validator("serial_number")
    @classmethod
    def _one_form(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = _serial(value)
        if "serial_from" not in info.data or "serial_to" not in info.data:
            return value  # the range was refused already
        has_range = info.data["serial_from"] is not None
        if value is not None and has_range:
            raise ValueError("give a single serial_number or a range, not both")
        if value is None and not has_range:
            raise ValueError("give a serial_number, or a range serial_from to serial_to")
        return value

    def serials(self) -> tuple[str, str]:
        """The compacted first and last serial numbers (the same for a single document)."""
        if self.serial_number is not None:
            single = compact_identifier(self.serial_number)
            return single, single
        return compact_identifier(self.serial_from or ""), compact_identifier(self.serial_to or "")


def _keys(document: AdminDocument) -> Sequence[LookupKey]:
    country = document.issuing_country
    first, last = document.serials()
    if document.serial_number is not None:
        return [LookupKey("admin_document", f"{country}:{first}")]
    return [
        LookupKey("admin_document_from", f"{country}:{first}"),
        LookupKey("admin_document_to", f"{country}:{last}"),
    ]


def _title(document: AdminDocument) -> str:
    kind = document.document_type.value.replace("_", " ").capitalize()
    first, last = document.serials()
    serials = first if first == last else f"{first}–{last}"
    return f"{kind} {document.issuing_country} {serials}"


KIND = RecordKind(
    name="admin_documents",
    label="Stolen administrative documents",
    payload=AdminDocument,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=False,
    description=(
        "Stolen blank administrative documents, such as vehicle registration certificates, "
        "permits and seals, singly or as a range of serial numbers."
    ),
)
