"""What a notice or diffusion says, as entered by the requester: one model for every kind
(a draft may be incomplete), the fields each kind uses, and what each kind must carry before
it is submitted. Completeness and the red notice's penalty thresholds are declared here as
data; `checks` applies them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from bluebridge.notices.enums import DiffusionType, NoticeType
from bluebridge.notices.indicators import OFFENCE_CATEGORIES
from bluebridge.text import has_control_characters

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Paragraph = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)
]
OffenceCategory = Literal[OFFENCE_CATEGORIES]  # type: ignore[valid-type]

MAX_PENALTY_MONTHS = 1200  # a hundred years; "life" is said apart
# A red notice for prosecution: an offence punishable by at least two years' deprivation of
# liberty; to serve a sentence: at least six months left to serve (INTERPOL's Rules, art. 83).
RED_MIN_PENALTY_MONTHS = 24
RED_MIN_REMAINING_MONTHS = 6


_LAYOUT = {9: None, 10: None, 13: None}  # tabs and line breaks are allowed in text


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        if isinstance(value, str) and has_control_characters(value.translate(_LAYOUT)):
            raise ValueError("must not contain control characters")
        return value


class LegalBasis(_Part):
    """The arrest warrant or judgement a red notice or wanted diffusion rests on."""

    kind: Literal["arrest_warrant", "judgement"] | None = None
    reference: Line | None = None
    date: dt.date | None = None
    authority: Line | None = None


class Offence(_Part):
    category: OffenceCategory | None = None
    description: Paragraph | None = None
    legal_provision: Line | None = None
    committed_on: dt.date | None = None
    place: Line | None = None
    max_penalty_months: int | None = Field(default=None, ge=0, le=MAX_PENALTY_MONTHS)
    life_imprisonment: bool = False
    death_penalty: bool = False


class Sentence(_Part):
    imposed_months: int | None = Field(default=None, ge=0, le=MAX_PENALTY_MONTHS)
    remaining_months: int | None = Field(default=None, ge=0, le=MAX_PENALTY_MONTHS)


class Disappearance(_Part):
    date: dt.date | None = None
    place: Line | None = None
    circumstances: Paragraph | None = None


class BodyIdentifier(_Part):
    kind: Literal["fingerprints", "dna", "face", "dental", "clothing", "other"]
    description: Paragraph


class BodyFound(_Part):
    date: dt.date | None = None
    place: Line | None = None
    sex: Literal["male", "female", "unknown"] | None = None
    estimated_age: Line | None = None
    description: Paragraph | None = None
    identifiers: list[BodyIdentifier] = Field(default_factory=list, max_length=20)


class Conviction(_Part):
    offence: Line | None = None
    date: dt.date | None = None
    court: Line | None = None
    sentence: Line | None = None


class Threat(_Part):
    kind: Literal["event", "person", "object", "process"] | None = None
    description: Paragraph | None = None
    valid_until: dt.date | None = None


class ModusOperandi(_Part):
    description: Paragraph | None = None
    objects: Paragraph | None = None
    devices: Paragraph | None = None
    concealment: Paragraph | None = None


class Asset(_Part):
    kind: Literal["account", "property", "vehicle", "company", "crypto_asset", "other"]
    description: Paragraph
    location: Line | None = None


class Sanction(_Part):
    committee: Line | None = None
    reference: Line | None = None
    measures: list[Literal["asset_freeze", "travel_ban", "arms_embargo"]] = Field(
        default_factory=list, max_length=3
    )
    listed_on: dt.date | None = None


class NoticeContent(_Part):
    """The content of a notice or diffusion of any kind; `FIELDS` says which a kind uses."""

    summary: Line | None = None
    facts: Paragraph | None = None
    offences: list[Offence] = Field(default_factory=list, max_length=20)
    purpose: Literal["prosecution", "sentence"] | None = None
    legal_basis: LegalBasis | None = None
    sentence: Sentence | None = None
    disappearance: Disappearance | None = None
    body: BodyFound | None = None
    conviction: Conviction | None = None
    threat: Threat | None = None
    modus_operandi: ModusOperandi | None = None
    assets: list[Asset] = Field(default_factory=list, max_length=50)
    sanction: Sanction | None = None
    information_sought: list[Literal["identity", "location", "activities"]] = Field(
        default_factory=list, max_length=3
    )
    subject_refugee_status: Literal["refugee", "asylum_seeker"] | None = None
    victim_is_state: bool = False


COMMON_FIELDS = frozenset({"summary", "facts", "subject_refugee_status", "victim_is_state"})
# The fields each kind of notice uses beyond the common ones; a diffusion uses its notice's.
FIELDS: dict[NoticeType, frozenset[str]] = {
    NoticeType.RED: frozenset({"offences", "purpose", "legal_basis", "sentence"}),
    NoticeType.YELLOW: frozenset({"disappearance"}),
    NoticeType.BLUE: frozenset({"offences", "information_sought"}),
    NoticeType.BLACK: frozenset({"body"}),
    NoticeType.GREEN: frozenset({"offences", "conviction"}),
    NoticeType.ORANGE: frozenset({"threat"}),
    NoticeType.PURPLE: frozenset({"modus_operandi", "offences"}),
    NoticeType.SILVER: frozenset({"assets", "offences"}),
    NoticeType.UN: frozenset({"sanction"}),
}

# What each kind must carry, as (field path, what it is), checked at submission. A path ending
# in "[]" names a list that needs at least one item; "offences[].x" each offence's x.
REQUIRED: dict[NoticeType, tuple[tuple[str, str], ...]] = {
    NoticeType.RED: (
        ("summary", "a one-line summary of the case"),
        ("facts", "the facts of the case"),
        ("offences[]", "at least one offence"),
        ("offences[].category", "the offence's category"),
        ("offences[].description", "what the offence is"),
        ("offences[].legal_provision", "the law that makes it an offence"),
        ("purpose", "prosecution or to serve a sentence"),
        ("legal_basis.kind", "an arrest warrant or a judgement"),
        ("legal_basis.reference", "the warrant's or judgement's reference"),
        ("legal_basis.date", "the date it was issued"),
        ("legal_basis.authority", "the authority that issued it"),
    ),
    NoticeType.YELLOW: (
        ("summary", "a one-line summary"),
        ("disappearance.date", "the date of disappearance"),
        ("disappearance.place", "the place of disappearance"),
    ),
    NoticeType.BLUE: (
        ("summary", "a one-line summary"),
        ("facts", "why the information is sought"),
        ("information_sought[]", "identity, location or activities"),
    ),
    NoticeType.BLACK: (
        ("summary", "a one-line summary"),
        ("body.date", "when the body was found"),
        ("body.place", "where the body was found"),
        ("body.identifiers[]", "at least one thing that may identify the body"),
    ),
    NoticeType.GREEN: (
        ("summary", "a one-line summary"),
        ("facts", "the criminal activity warned of"),
        ("conviction.offence", "the offence the person was convicted of"),
        ("conviction.date", "the date of the conviction"),
        ("conviction.court", "the court that convicted"),
    ),
    NoticeType.ORANGE: (
        ("summary", "a one-line summary"),
        ("threat.kind", "an event, a person, an object or a process"),
        ("threat.description", "the threat"),
    ),
    NoticeType.PURPLE: (
        ("summary", "a one-line summary"),
        ("facts", "the case it comes from"),
        ("modus_operandi.description", "the modus operandi"),
    ),
    NoticeType.SILVER: (
        ("summary", "a one-line summary"),
        ("facts", "the criminal activity the assets are linked to"),
        ("offences[]", "at least one offence"),
        ("offences[].category", "the offence's category"),
        ("assets[]", "at least one asset to locate"),
    ),
    NoticeType.UN: (
        ("summary", "a one-line summary"),
        ("sanction.committee", "the Security Council committee"),
        ("sanction.reference", "the committee's reference"),
        ("sanction.measures[]", "at least one measure"),
    ),
}

DIFFUSION_REQUIRED: dict[DiffusionType, tuple[tuple[str, str], ...]] = {
    DiffusionType.WANTED: (
        ("summary", "a one-line summary of the case"),
        ("facts", "the facts of the case"),
        ("offences[]", "at least one offence"),
        ("offences[].category", "the offence's category"),
        ("offences[].description", "what the offence is"),
        ("legal_basis.kind", "an arrest warrant or a judgement"),
        ("legal_basis.reference", "the warrant's or judgement's reference"),
        ("legal_basis.date", "the date it was issued"),
        ("legal_basis.authority", "the authority that issued it"),
    ),
    DiffusionType.MISSING: (
        ("summary", "a one-line summary"),
        ("disappearance.date", "the date of disappearance"),
        ("disappearance.place", "the place of disappearance"),
    ),
    DiffusionType.INFORMATION: (
        ("summary", "a one-line summary"),
        ("facts", "why the information is sought"),
    ),
    DiffusionType.WARNING: (
        ("summary", "a one-line summary"),
        ("facts", "the criminal activity warned of"),
    ),
}

# The record kinds a notice's subject may be, by kind of notice; None: it needs no subject.
SUBJECT_KINDS: dict[NoticeType, frozenset[str] | None] = {
    NoticeType.RED: frozenset({"persons"}),
    NoticeType.YELLOW: frozenset({"persons"}),
    NoticeType.BLUE: frozenset({"persons"}),
    NoticeType.BLACK: None,
    NoticeType.GREEN: frozenset({"persons"}),
    NoticeType.ORANGE: None,
    NoticeType.PURPLE: None,
    NoticeType.SILVER: frozenset({"persons", "organizations"}),
    NoticeType.UN: frozenset({"persons", "organizations"}),
}
BIOMETRIC_KINDS = frozenset({"fingerprints", "dna_profiles", "faces"})
DOCUMENT_KINDS = frozenset({"travel_documents", "admin_documents", "counterfeit_documents"})


def notice_type_of(kind: str, type_: str) -> NoticeType:
    """The kind of notice whose rules a notice or diffusion follows."""
    from bluebridge.notices.enums import DIFFUSION_AS_NOTICE, Kind

    if kind == Kind.DIFFUSION:
        return DIFFUSION_AS_NOTICE[DiffusionType(type_)]
    return NoticeType(type_)


def unused_fields(content: NoticeContent, notice_type: NoticeType) -> list[str]:
    """Fields given that this kind does not use."""
    allowed = COMMON_FIELDS | FIELDS[notice_type]
    given = content.model_dump(exclude_defaults=True)
    return sorted(name for name in given if name not in allowed)
