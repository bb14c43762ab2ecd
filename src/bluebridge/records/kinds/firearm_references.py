"""The firearms reference table (IFRT): the makes, models, calibres and types of firearm, kept
by the General Secretariat so that every country describes a firearm in the same terms."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field, field_validator

from bluebridge.errors import FieldProblem
from bluebridge.records.kinds.base import (
    CountryCode,
    LookupKey,
    Payload,
    RecordKind,
    compact_identifier,
)
from bluebridge.records.kinds.firearms import FirearmType, compact_calibre, require_compact

GENERAL_SECRETARIAT = "general_secretariat"  # members.models.AgencyKind.GENERAL_SECRETARIAT


class FirearmReference(Payload):
    """One entry of the reference table: a make, model and calibre of a type of firearm."""

    make: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    calibre: str = Field(min_length=1, max_length=50)
    firearm_type: FirearmType
    country_of_manufacture: CountryCode | None = None

    @field_validator("make", "model")
    @classmethod
    def _compactable(cls, value: str) -> str:
        return require_compact(value)

    @field_validator("calibre")
    @classmethod
    def _calibre(cls, value: str) -> str:
        if not compact_calibre(value):
            raise ValueError("needs at least one letter or digit (A-Z, 0-9)")
        return value


def _keys(entry: FirearmReference) -> Sequence[LookupKey]:
    make, model = compact_identifier(entry.make), compact_identifier(entry.model)
    return [LookupKey("firearm_reference", f"{make}:{model}:{compact_calibre(entry.calibre)}")]


def _title(entry: FirearmReference) -> str:
    return f"{entry.make} {entry.model} ({entry.calibre})"


def _owner_rule(
    entry: FirearmReference, owner_country: str | None, owner_agency_kind: str
) -> list[FieldProblem]:
    if owner_agency_kind != GENERAL_SECRETARIAT:
        return [FieldProblem("_", "only the General Secretariat may enter the reference table")]
    return []


KIND = RecordKind(
    name="firearm_references",
    label="Firearms reference table",
    payload=FirearmReference,
    retention_years=99,  # reference data, not information about anyone
    keys=_keys,
    title=_title,
    personal_data=False,
    owner_rule=_owner_rule,
    description=(
        "The reference table of firearm makes, models, calibres and types, kept by the "
        "General Secretariat so that every country describes firearms alike."
    ),
)
