"""Stolen motor vehicles (SMV), identified by their vehicle identification number (ISO 3779)
and their registration plates. The VIN's check digit (position 9) is binding in North America;
elsewhere manufacturers need not use one, so a mismatch there is kept and flagged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    PastDate,
    Payload,
    RecordKind,
    compact_identifier,
)

VIN_LENGTH = 17
VIN_FORBIDDEN = frozenset("IOQ")  # never used, so as not to be read as 1 and 0
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
# World manufacturer identifiers beginning 1-5 are North American, where the check digit is
# mandatory (49 CFR 565).
CHECK_DIGIT_REGIONS = frozenset("12345")
FIRST_CAR_YEAR = 1886


def vin_check_digit(vin: str) -> str:
    """The check digit a 17-character VIN should carry at position 9 ("0"-"9" or "X")."""
    total = sum(VIN_VALUES[char] * weight for char, weight in zip(vin, VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalise_vin(value: str) -> str:
    """A VIN in upper case without spaces or hyphens, or ValueError saying what is wrong."""
    vin = compact_identifier(value)
    if len(vin) != VIN_LENGTH:
        raise ValueError(f"a VIN has {VIN_LENGTH} letters and digits, not {len(vin)}")
    for position, char in enumerate(vin, start=1):
        if char in VIN_FORBIDDEN:
            raise ValueError(
                f"a VIN never contains I, O or Q (found {char} at position {position})"
            )
    return vin


def vin_check_digit_matches(vin: str) -> bool:
    return vin[8] == vin_check_digit(vin)


class Plate(Payload):
    """A registration plate and the country that issued it."""

    number: str = Field(min_length=1, max_length=30)
    country: CountryCode

    @field_validator("number")
    @classmethod
    def _number(cls, value: str) -> str:
        compact = compact_identifier(value)
        if not 1 <= len(compact) <= 15:
            raise ValueError(
                f"a plate has 1 to 15 letters and digits (A-Z, 0-9) once spaces and punctuation "
                f"are removed, not {len(compact)}"
            )
        return value

    @property
    def compact_number(self) -> str:
        return compact_identifier(self.number)


def _next_year() -> int:
    return dt.datetime.now(dt.UTC).year + 1


class Vehicle(Payload):
    """A stolen motor vehicle."""

    vin: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="ISO 3779 vehicle identification number (17 characters)",
    )
    vin_check_digit_valid: bool | None = Field(
        default=None,
        validate_default=True,
        description=(
            "computed, any value given is ignored: whether position 9 of the VIN carries the "
            "right check digit (None without a VIN)"
        ),
    )
    plates: list[Plate] = Field(default_factory=list, max_length=10, validate_default=True)
    make: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    colour: str | None = Field(default=None, min_length=1, max_length=50)
    year: int | None = Field(default=None, description="model year")
    date_stolen: PastDate

    @field_validator("vin")
    @classmethod
    def _vin(cls, value: str | None) -> str | None:
        if value is None:
            return None
        vin = normalise_vin(value)
        if vin[0] in CHECK_DIGIT_REGIONS and not vin_check_digit_matches(vin):
            raise ValueError(f"check digit does not match: expected {vin_check_digit(vin)}")
        return vin

    @field_validator("vin_check_digit_valid", mode="before")
    @classmethod
    def _computed_check(cls, value: Any, info: ValidationInfo) -> bool | None:
        vin = info.data.get("vin")
        return vin_check_digit_matches(vin) if isinstance(vin, str) else None

    @field_validator("plates")
    @classmethod
    def _vin_or_plate(cls, plates: list[Plate], info: ValidationInfo) -> list[Plate]:
        if not plates and "vin" in info.data and info.data["vin"] is None:
            raise ValueError("give a VIN or at least one plate")
        return plates

    @field_validator("year")
    @classmethod
    def _year(cls, value: int | None) -> int | None:
        if value is not None and not FIRST_CAR_YEAR <= value <= _next_year():
            raise ValueError(f"must be from {FIRST_CAR_YEAR} to {_next_year()}, not {value}")
        return value


def _keys(vehicle: Vehicle) -> Sequence[LookupKey]:
    keys = [LookupKey("vin", vehicle.vin)] if vehicle.vin is not None else []
    keys += [LookupKey("plate", f"{p.country}:{p.compact_number}") for p in vehicle.plates]
    return keys


def _title(vehicle: Vehicle) -> str:
    name = f"{vehicle.make} {vehicle.model}"
    if vehicle.vin is not None:
        return f"{name} {vehicle.vin}"
    plate = vehicle.plates[0]
    return f"{name} {plate.country} {plate.compact_number}"


KIND = RecordKind(
    name="vehicles",
    label="Stolen motor vehicles",
    payload=Vehicle,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=False,
    description=(
        "Stolen motor vehicles, identified by their vehicle identification number and "
        "registration plates."
    ),
)
