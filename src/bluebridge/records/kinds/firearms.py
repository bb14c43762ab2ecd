"""Lost, stolen, trafficked and smuggled firearms (iARMS), identified by make and serial number,
and described with the terms of the firearms reference table where one is linked."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from enum import StrEnum

from pydantic import Field, field_validator

from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    Payload,
    RecordKind,
    compact_identifier,
)


class FirearmType(StrEnum):
    PISTOL = "pistol"
    REVOLVER = "revolver"
    RIFLE = "rifle"
    SHOTGUN = "shotgun"
    SUBMACHINE_GUN = "submachine_gun"
    MACHINE_GUN = "machine_gun"
    OTHER = "other"


class FirearmStatus(StrEnum):
    LOST = "lost"
    STOLEN = "stolen"
    TRAFFICKED = "trafficked"
    SMUGGLED = "smuggled"


def compact_calibre(value: str) -> str:
    """A calibre for exact matching: "7.62×39 mm", "7,62 x 39mm" -> "762X39MM";
    ".45 ACP" -> "45ACP"."""
    text = unicodedata.normalize("NFKC", value).replace("×", "x").replace("✕", "x")
    return compact_identifier(text)


def require_compact(value: str) -> str:
    """ValueError when `value` keeps no letter or digit (A-Z, 0-9) once compacted."""
    if not compact_identifier(value):
        raise ValueError("needs at least one letter or digit (A-Z, 0-9)")
    return value


class Firearm(Payload):
    """A lost, stolen, trafficked or smuggled firearm."""

    serial_number: str = Field(min_length=1, max_length=50)
    make: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    calibre: str = Field(min_length=1, max_length=50, description='e.g. "9x19mm", ".45 ACP"')
    firearm_type: FirearmType
    country_of_manufacture: CountryCode | None = None
    status: FirearmStatus
    reference_id: int | None = Field(
        default=None, ge=1, le=2**63 - 1, description="a firearm_references record id"
    )

    @field_validator("serial_number")
    @classmethod
    def _serial(cls, value: str) -> str:
        return require_compact(value)

    @field_validator("calibre")
    @classmethod
    def _calibre(cls, value: str) -> str:
        if not compact_calibre(value):
            raise ValueError("needs at least one letter or digit (A-Z, 0-9)")
        return value


def _keys(firearm: Firearm) -> Sequence[LookupKey]:
    make, serial = compact_identifier(firearm.make), compact_identifier(firearm.serial_number)
    return [LookupKey("firearm", f"{make}:{serial}")]


def _title(firearm: Firearm) -> str:
    kind = firearm.firearm_type.value.replace("_", " ")
    return f"{firearm.make} {firearm.model} {kind} {firearm.serial_number}"


KIND = RecordKind(
    name="firearms",
    label="Lost, stolen and trafficked firearms",
    payload=Firearm,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=False,
    description=(
        "Firearms reported lost, stolen, trafficked or smuggled, identified by make and "
        "serial number."
    ),
)
