"""Incidents: terrorist attacks, chemical, biological, radiological, nuclear and explosive
(CBRNE) attacks, improvised explosive devices, maritime piracy and environmental crimes, with
their modus operandi and, for devices, what they were made of, so that a similar attack in
another country is recognised. Persons and organizations involved are linked records; the
incident itself holds no personal data."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from bluebridge.records.kinds.base import CountryCode, LookupKey, PastDate, Payload, RecordKind

Material = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class IncidentType(StrEnum):
    TERRORIST_ATTACK = "terrorist_attack"
    CBRNE_ATTACK = "cbrne_attack"  # chemical, biological, radiological, nuclear, explosive
    IED = "ied"  # improvised explosive device
    MARITIME_PIRACY = "maritime_piracy"
    ENVIRONMENTAL_CRIME = "environmental_crime"
    OTHER = "other"


DEVICE_TYPES = frozenset({IncidentType.IED, IncidentType.CBRNE_ATTACK})


class Device(BaseModel):
    """The device of an IED or CBRNE attack."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    characteristics: str = Field(
        min_length=1,
        max_length=5000,
        description="construction, initiation, container, delivery",
    )
    materials: list[Material] = Field(
        default_factory=list, max_length=50, description="e.g. TATP, ammonium nitrate, sarin"
    )


class Casualties(BaseModel):
    """Persons killed and injured, where known."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    killed: int | None = Field(default=None, ge=0, le=1_000_000)
    injured: int | None = Field(default=None, ge=0, le=1_000_000)


class Incident(Payload):
    """An attack or other incident, with its modus operandi."""

    incident_type: IncidentType
    date: PastDate
    place: str = Field(min_length=1, max_length=300, description="where, in words")
    country: CountryCode
    modus_operandi: str = Field(min_length=1, max_length=5000)
    device: Device | None = Field(default=None, description="for an IED or CBRNE attack")
    casualties: Casualties | None = None

    @field_validator("device")
    @classmethod
    def _device(cls, value: Device | None, info: ValidationInfo) -> Device | None:
        incident_type = info.data.get("incident_type")
        if value is not None and incident_type is not None and incident_type not in DEVICE_TYPES:
            raise ValueError("only an IED or a CBRNE attack has a device")
        return value


def _keys(incident: Incident) -> Sequence[LookupKey]:
    key = f"{incident.country}:{incident.date.isoformat()}:{incident.incident_type.value}"
    return [LookupKey("incident", key)]


_TYPE_LABELS = {
    IncidentType.TERRORIST_ATTACK: "Terrorist attack",
    IncidentType.CBRNE_ATTACK: "CBRNE attack",
    IncidentType.IED: "IED",
    IncidentType.MARITIME_PIRACY: "Maritime piracy",
    IncidentType.ENVIRONMENTAL_CRIME: "Environmental crime",
    IncidentType.OTHER: "Incident",
}


def _title(incident: Incident) -> str:
    what = _TYPE_LABELS[incident.incident_type]
    return f"{what}, {incident.place} ({incident.country}), {incident.date.isoformat()}"


KIND = RecordKind(
    name="incidents",
    label="Incidents and modus operandi",
    payload=Incident,
    retention_years=5,
    keys=_keys,
    title=_title,
    personal_data=False,  # persons are linked records
    description=(
        "Terrorist and CBRNE attacks, improvised explosive devices, maritime piracy and "
        "environmental crimes, with their modus operandi and devices."
    ),
)
