"""Ballistic information (IBIN): the marks a firearm leaves on cartridge cases and bullets,
as a comparison signature with its class characteristics, to link shootings across borders."""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from bluebridge.records.kinds.base import LookupKey, Payload, RecordKind
from bluebridge.records.kinds.firearms import compact_calibre

MIN_SIGNATURE = 8
MAX_SIGNATURE = 4096

CharacteristicName = Annotated[str, StringConstraints(min_length=1, max_length=50)]
CharacteristicValue = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class BallisticItem(StrEnum):
    CARTRIDGE_CASE = "cartridge_case"
    BULLET = "bullet"


class BallisticSample(Payload):
    """One cartridge case or bullet, as a comparison signature."""

    item: BallisticItem
    calibre: str = Field(min_length=1, max_length=50)
    class_characteristics: dict[CharacteristicName, CharacteristicValue] = Field(
        default_factory=dict,
        max_length=50,
        description='e.g. {"firing_pin_shape": "circular", "rifling_twist": "right"}',
    )
    signature: list[float] = Field(
        min_length=MIN_SIGNATURE,
        max_length=MAX_SIGNATURE,
        description=f"the comparison vector ({MIN_SIGNATURE} to {MAX_SIGNATURE} finite numbers)",
    )
    incident_reference: int | str | None = Field(
        default=None, description="an incident record id, or the owner's reference"
    )

    @field_validator("calibre")
    @classmethod
    def _calibre(cls, value: str) -> str:
        if not compact_calibre(value):
            raise ValueError("needs at least one letter or digit (A-Z, 0-9)")
        return value

    @field_validator("signature")
    @classmethod
    def _finite(cls, values: list[float]) -> list[float]:
        for index, value in enumerate(values):
            if not math.isfinite(value):
                raise ValueError(f"value {index} is {value}: every value must be finite")
        return values

    @field_validator("incident_reference")
    @classmethod
    def _reference(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, str) and not 1 <= len(value) <= 100:
            raise ValueError("a reference has 1 to 100 characters")
        if isinstance(value, int) and not 1 <= value <= 2**63 - 1:
            raise ValueError("a record id is a positive number")
        return value


def _keys(sample: BallisticSample) -> Sequence[LookupKey]:
    return [LookupKey("ballistics_calibre", compact_calibre(sample.calibre))]


def _title(sample: BallisticSample) -> str:
    item = sample.item.value.replace("_", " ").capitalize()
    return f"{item}, {sample.calibre}"


KIND = RecordKind(
    name="ballistics",
    label="Ballistic information",
    payload=BallisticSample,
    retention_years=30,
    keys=_keys,
    title=_title,
    personal_data=False,
    description=(
        "Cartridge cases and bullets recovered or test-fired, as comparison signatures that "
        "link firearms to shootings across borders."
    ),
)
