"""Criminal and terrorist organizations: groups, networks and the companies that front for them,
with their aliases, the regions where they are active and how they are financed. The name
and every alias become a folded lookup key (case, accents and spacing ignored), so that
"Cártel del  Golfo" and "CARTEL DEL GOLFO" are one organization."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from bluebridge.members.reference import Region
from bluebridge.records.kinds.base import LookupKey, Payload, RecordKind, fold_compact, fold_name

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class OrganizationType(StrEnum):
    CRIMINAL_GROUP = "criminal_group"
    TERRORIST_GROUP = "terrorist_group"
    NETWORK = "network"
    COMPANY_FRONT = "company_front"  # a company used as a front
    OTHER = "other"


def _foldable(value: str) -> str:
    if not fold_compact(value):
        raise ValueError(f"{value!r} has no letters or digits")
    return value


class Organization(Payload):
    """A criminal or terrorist group, network or front company."""

    name: Name
    aliases: list[Name] = Field(default_factory=list, max_length=50)
    organization_type: OrganizationType
    regions_of_activity: list[Region] = Field(
        default_factory=list, max_length=len(Region), description="INTERPOL regions"
    )
    financing_sources: list[Text] = Field(
        default_factory=list,
        max_length=50,
        description="e.g. drug trafficking, extortion, kidnapping for ransom, donations",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _foldable(value)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, values: list[str]) -> list[str]:
        for value in values:
            _foldable(value)
        return values

    @field_validator("regions_of_activity")
    @classmethod
    def _regions(cls, values: list[Region]) -> list[Region]:
        repeated = sorted({r.value for r in values if values.count(r) > 1})
        if repeated:
            raise ValueError(f"regions are listed once each; repeated: {', '.join(repeated)}")
        return values


def _keys(organization: Organization) -> Sequence[LookupKey]:
    names = [organization.name, *organization.aliases]
    return [LookupKey("organization", fold_name(name)) for name in names]


def _title(organization: Organization) -> str:
    kind = organization.organization_type.value.replace("_", " ")
    return f"{organization.name} ({kind})"


KIND = RecordKind(
    name="organizations",
    label="Criminal and terrorist organizations",
    payload=Organization,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=True,  # aliases and financing may name persons
    description=(
        "Criminal and terrorist groups, networks and front companies, with their aliases, "
        "regions of activity and sources of financing."
    ),
)
