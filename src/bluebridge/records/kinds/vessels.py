"""Vessels of interest (stolen, used in crime, or wanted), identified by their IMO ship
identification number, their MMSI (the radio identity in AIS messages), or name and flag."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import Field, ValidationInfo, field_validator

from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    Payload,
    RecordKind,
    compact_identifier,
    fold_compact,
)

IMO_WEIGHTS = (7, 6, 5, 4, 3, 2)


def imo_check_digit(first_six: str) -> int:
    """The check digit of an IMO number: the last digit of the weighted sum of its first six."""
    return sum(int(d) * w for d, w in zip(first_six, IMO_WEIGHTS, strict=True)) % 10


def normalise_imo(value: str) -> str:
    """The seven digits of an IMO number ("IMO 9074729" -> "9074729"), or ValueError."""
    digits = compact_identifier(value).removeprefix("IMO")
    if not re.fullmatch(r"[0-9]{7}", digits):
        raise ValueError("an IMO number has 7 digits, optionally after 'IMO'")
    expected = imo_check_digit(digits[:6])
    if int(digits[6]) != expected:
        raise ValueError(f"check digit does not match: expected {expected}")
    return digits


class Vessel(Payload):
    """A vessel of interest."""

    imo: str | None = Field(
        default=None, min_length=1, max_length=20, description="IMO number, e.g. IMO 9074729"
    )
    mmsi: str | None = Field(
        default=None, min_length=1, max_length=20, description="Maritime Mobile Service Identity"
    )
    name: str | None = Field(default=None, min_length=1, max_length=100, validate_default=True)
    flag: CountryCode
    vessel_type: str | None = Field(default=None, min_length=1, max_length=100)
    hull_id: str | None = Field(
        default=None, min_length=1, max_length=40, description="hull identification number"
    )

    @field_validator("imo")
    @classmethod
    def _imo(cls, value: str | None) -> str | None:
        return normalise_imo(value) if value is not None else None

    @field_validator("mmsi")
    @classmethod
    def _mmsi(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = compact_identifier(value)
        if not re.fullmatch(r"[0-9]{9}", digits):
            raise ValueError(f"an MMSI has 9 digits, not {value!r}")
        return digits

    @field_validator("name")
    @classmethod
    def _identified(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("imo", "") is None and info.data.get("mmsi", "") is None:
            raise ValueError("give at least one of imo, mmsi or name")
        if value is not None and not fold_compact(value):
            raise ValueError("has no letters or digits")
        return value


def _keys(vessel: Vessel) -> Sequence[LookupKey]:
    keys = []
    if vessel.imo is not None:
        keys.append(LookupKey("imo", vessel.imo))
    if vessel.mmsi is not None:
        keys.append(LookupKey("mmsi", vessel.mmsi))
    if vessel.name is not None:
        keys.append(LookupKey("vessel_name", f"{fold_compact(vessel.name)}:{vessel.flag}"))
    return keys


def _title(vessel: Vessel) -> str:
    parts = [vessel.name or ""]
    if vessel.imo is not None:
        parts.append(f"IMO {vessel.imo}")
    elif vessel.mmsi is not None:
        parts.append(f"MMSI {vessel.mmsi}")
    parts.append(f"({vessel.flag})")
    return " ".join(p for p in parts if p)


KIND = RecordKind(
    name="vessels",
    label="Vessels",
    payload=Vessel,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=False,
    description=(
        "Vessels of interest to police, identified by IMO number, MMSI, or name and flag."
    ),
)
