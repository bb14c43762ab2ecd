"""Who sees which record: the one place that decides, as a SQL filter for every list, count,
search, export and link traversal, and as a check for a single record. The two forms say the
same thing and a property test holds them to it.

A record is seen in full by its owning agency, by the NCB of its owning country, by the
General Secretariat's compliance reviewers, by an agency its owner granted access for a while
(an answer to a request made through the network), and by others as its access policy allows;
a hit-only record by nobody else (screening tells others only whom to contact). Data protection
officers see the metadata of their country's records (the General Secretariat's, of all), not
the content. A record that is not active (expired, deleted) is seen by nobody."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select

from bluebridge.access import handling
from bluebridge.access.principal import Principal, Role
from bluebridge.members import reference
from bluebridge.members.models import AgencyKind, UnitSpecialty
from bluebridge.records.kinds.base import CountryCode
from bluebridge.records.models import Record, RecordAgencyGrant, RecordGrant
from bluebridge.store.base import utcnow

# Agencies of a member country, and the General Secretariat, are what "all members" means;
# regional and private partners see a record only when its policy names them.
MEMBER_AGENCY_KINDS = frozenset(
    {
        AgencyKind.NCB.value,
        AgencyKind.SPECIALIZED_UNIT.value,
        AgencyKind.BORDER_POST.value,
        AgencyKind.GENERAL_SECRETARIAT.value,
    }
)
ACTIVE = "active"


class AccessMode(StrEnum):
    ALL_MEMBERS = "all_members"
    LISTED = "listed"  # only the listed countries, regions, kinds of agency or specialties
    ALL_EXCEPT = "all_except"  # every member but the excluded countries
    HIT_ONLY = "hit_only"  # others learn only that a record exists and whom to contact


class GrantType(StrEnum):
    COUNTRY = "country"
    REGION = "region"
    AGENCY_KIND = "agency_kind"
    SPECIALTY = "specialty"
    EXCLUDE = "exclude"


class AccessPolicy(BaseModel):
    """Who, beyond the owner, may see a record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: AccessMode = AccessMode.ALL_MEMBERS
    countries: list[CountryCode] = Field(default_factory=list, max_length=200)
    regions: list[reference.Region] = Field(default_factory=list, max_length=5)
    agency_kinds: list[AgencyKind] = Field(default_factory=list, max_length=6)
    specialties: list[UnitSpecialty] = Field(default_factory=list, max_length=6)
    excluded_countries: list[CountryCode] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _consistent(self) -> AccessPolicy:
        listed = self.countries or self.regions or self.agency_kinds or self.specialties
        if self.mode is AccessMode.LISTED and not listed:
            raise ValueError(
                "a listed policy names at least one country, region, kind of agency or specialty"
            )
        if self.mode is not AccessMode.LISTED and listed:
            raise ValueError(
                f"a {self.mode.value} policy lists no countries, regions, kinds or specialties"
            )
        if self.mode is AccessMode.ALL_EXCEPT and not self.excluded_countries:
            raise ValueError("an all_except policy names the excluded countries")
        if self.mode is AccessMode.HIT_ONLY and self.excluded_countries:
            raise ValueError("a hit_only policy excludes no countries: it shows nobody the content")
        return self

    def grants(self) -> list[tuple[str, str]]:
        """The policy as rows of (grant type, value)."""
        rows = [(GrantType.COUNTRY.value, c) for c in self.countries]
        rows += [(GrantType.REGION.value, r.value) for r in self.regions]
        rows += [(GrantType.AGENCY_KIND.value, k.value) for k in self.agency_kinds]
        rows += [(GrantType.SPECIALTY.value, s.value) for s in self.specialties]
        rows += [(GrantType.EXCLUDE.value, c) for c in self.excluded_countries]
        return sorted(set(rows))

    @classmethod
    def from_record(cls, record: Record) -> AccessPolicy:
        values: dict[str, list[str]] = {t.value: [] for t in GrantType}
        for grant in record.grants:
            values[grant.grant_type].append(grant.value)
        return cls.model_validate(
            {
                "mode": record.access_mode,
                "countries": values[GrantType.COUNTRY],
                "regions": values[GrantType.REGION],
                "agency_kinds": values[GrantType.AGENCY_KIND],
                "specialties": values[GrantType.SPECIALTY],
                "excluded_countries": values[GrantType.EXCLUDE],
            }
        )


class GrantLike(Protocol):
    @property
    def grant_type(self) -> str: ...
    @property
    def value(self) -> str: ...


class Governed(Protocol):
    """What the rule reads of a record: a stored record, or a screening index's entry."""

    @property
    def status(self) -> str: ...
    @property
    def owner_agency_id(self) -> int: ...
    @property
    def owner_country(self) -> str | None: ...
    @property
    def access_mode(self) -> str: ...
    @property
    def grants(self) -> Iterable[GrantLike]: ...
    @property
    def handling_codes(self) -> Iterable[str]: ...


class Sight(StrEnum):
    """How much of a record a principal sees."""

    NONE = "none"
    METADATA = "metadata"  # a data protection officer's view: who, what kind, when; no content
    FULL = "full"


def _is_compliance(principal: Principal) -> bool:
    return principal.agency_kind == AgencyKind.GENERAL_SECRETARIAT.value and principal.has_role(
        Role.COMPLIANCE_REVIEWER
    )


def _grant_terms(principal: Principal) -> list[tuple[str, str]]:
    terms = []
    if principal.country:
        terms.append((GrantType.COUNTRY.value, principal.country))
    if principal.region:
        terms.append((GrantType.REGION.value, principal.region))
    if principal.agency_kind:
        terms.append((GrantType.AGENCY_KIND.value, principal.agency_kind))
    if principal.specialty:
        terms.append((GrantType.SPECIALTY.value, principal.specialty))
    return terms


def content_filter(principal: Principal) -> ColumnElement[bool]:
    """Records whose content the principal sees in full, as a WHERE clause."""
    if principal.is_operator:
        return Record.status == ACTIVE
    if _is_compliance(principal):
        return Record.status == ACTIVE
    clauses: list[ColumnElement[bool]] = []
    if principal.agency_id is not None:
        clauses.append(Record.owner_agency_id == principal.agency_id)
    if principal.agency_kind == AgencyKind.NCB.value and principal.country:
        clauses.append(Record.owner_country == principal.country)
    excluded: ColumnElement[bool] = false()
    if principal.country:
        excluded = exists(
            select(RecordGrant.record_id).where(
                RecordGrant.record_id == Record.id,
                RecordGrant.grant_type == GrantType.EXCLUDE.value,
                RecordGrant.value == principal.country,
            )
        )
    if principal.agency_kind in MEMBER_AGENCY_KINDS:
        clauses.append(
            and_(
                Record.access_mode.in_([AccessMode.ALL_MEMBERS.value, AccessMode.ALL_EXCEPT.value]),
                not_(excluded),
            )
        )
    if principal.agency_id is not None:
        # Access its owner granted this agency for a while, through the network.
        clauses.append(
            exists(
                select(RecordAgencyGrant.id).where(
                    RecordAgencyGrant.record_id == Record.id,
                    RecordAgencyGrant.agency_id == principal.agency_id,
                    RecordAgencyGrant.until > utcnow(),
                )
            )
        )
    terms = _grant_terms(principal)
    if terms:
        listed = exists(
            select(RecordGrant.record_id).where(
                RecordGrant.record_id == Record.id,
                or_(*[and_(RecordGrant.grant_type == t, RecordGrant.value == v) for t, v in terms]),
            )
        )
        clauses.append(
            and_(
                Record.access_mode == AccessMode.LISTED.value,
                listed,
                not_(excluded),
                handling.visible_to_filter(principal),
            )
        )
    if not clauses:
        return false()
    return and_(Record.status == ACTIVE, or_(*clauses))


def metadata_filter(principal: Principal) -> ColumnElement[bool]:
    """Records whose metadata (not content) a data protection officer sees, as a WHERE clause."""
    if not principal.has_role(Role.DATA_PROTECTION_OFFICER):
        return false()
    if principal.agency_kind == AgencyKind.GENERAL_SECRETARIAT.value:
        return Record.status == ACTIVE
    if principal.country:
        return and_(Record.status == ACTIVE, Record.owner_country == principal.country)
    return false()


def visible_filter(principal: Principal) -> ColumnElement[bool]:
    """Records the principal sees at all (in full or as metadata)."""
    return or_(content_filter(principal), metadata_filter(principal))


def sight(principal: Principal, record: Governed) -> Sight:
    """How much of one record the principal sees; the same rule as the filters above."""
    if record.status != ACTIVE:
        return Sight.NONE
    if principal.is_operator or _is_compliance(principal):
        return Sight.FULL
    if principal.agency_id is not None and record.owner_agency_id == principal.agency_id:
        return Sight.FULL
    if (
        principal.agency_kind == AgencyKind.NCB.value
        and principal.country
        and record.owner_country == principal.country
    ):
        return Sight.FULL
    if principal.agency_id is not None:
        now = utcnow()
        for granted in getattr(record, "agency_grants", ()):
            if granted.agency_id == principal.agency_id and granted.until > now:
                return Sight.FULL
    grants = {(g.grant_type, g.value) for g in record.grants}
    excluded = (
        principal.country is not None and (GrantType.EXCLUDE.value, principal.country) in grants
    )
    mode = record.access_mode
    if not excluded:
        if (
            mode in (AccessMode.ALL_MEMBERS.value, AccessMode.ALL_EXCEPT.value)
            and principal.agency_kind in MEMBER_AGENCY_KINDS
        ):
            return Sight.FULL
        if (
            mode == AccessMode.LISTED.value
            and grants.intersection(_grant_terms(principal))
            and handling.shown_to(principal, list(record.handling_codes or []))
        ):
            return Sight.FULL
    if principal.has_role(Role.DATA_PROTECTION_OFFICER):
        if principal.agency_kind == AgencyKind.GENERAL_SECRETARIAT.value:
            return Sight.METADATA
        if principal.country and record.owner_country == principal.country:
            return Sight.METADATA
    return Sight.NONE


def may_change(principal: Principal, record: Record) -> bool:
    """Only the owning agency changes or deletes its records (and the server's operator)."""
    return principal.is_operator or (
        principal.agency_id is not None and principal.agency_id == record.owner_agency_id
    )


__all__ = [
    "AccessMode",
    "AccessPolicy",
    "GrantType",
    "Sight",
    "content_filter",
    "may_change",
    "metadata_filter",
    "sight",
    "visible_filter",
]
