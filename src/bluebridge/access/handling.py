"""Handling codes: what a recipient may do with a record beyond reading it. Decided here, as
SQL filters and single-record checks that say the same thing, next to the visibility rules.

- ``police_use_only``: only police see it. Private partners (document checks for airlines,
  banks) never see such a record, whatever its access policy lists.
- ``no_onward_transmission``: not to be passed on without the owner's consent. An export is a
  copy leaving the platform's control, so such a record of another agency is left out of every
  export; its owner (and its owner's NCB) still export it.
- ``not_for_judicial_use``: not for use in court without the owner's consent. It is shown
  with the record and carried into exports, so whoever holds the copy sees the restriction.

A hit-only record is exported by its owner and its owner's NCB alone: the General
Secretariat's compliance reviewers see it to review it, not to copy it out."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, String, and_, cast, not_, or_, true

from bluebridge.access.principal import Principal
from bluebridge.members.models import AgencyKind
from bluebridge.records.kinds.base import HandlingCode
from bluebridge.records.models import Record

HIT_ONLY = "hit_only"  # the access mode (access.records.AccessMode, which imports this module)


def carries(code: HandlingCode) -> ColumnElement[bool]:
    """Records whose handling codes include the code, as a WHERE clause. The codes are a JSON
    list of enumeration values, none of which is part of another, so the quoted value found
    in the list's text is the code itself, on SQLite and PostgreSQL alike."""
    return cast(Record.handling_codes, String).like(f'%"{code.value}"%')


def police_only_blocks(principal: Principal) -> bool:
    """True when the principal may not see records marked police_use_only."""
    return principal.agency_kind == AgencyKind.PRIVATE_PARTNER.value


def shown_to(principal: Principal, codes: Iterable[str]) -> bool:
    """The handling codes of a record let this (non-owning) principal see it."""
    return not (police_only_blocks(principal) and HandlingCode.POLICE_USE_ONLY.value in codes)


def visible_to_filter(principal: Principal) -> ColumnElement[bool]:
    """The handling-code part of visibility for a principal who does not own the records."""
    if police_only_blocks(principal):
        return not_(carries(HandlingCode.POLICE_USE_ONLY))
    return true()


def _may_pass_on_own(principal: Principal) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if principal.agency_id is not None:
        clauses.append(Record.owner_agency_id == principal.agency_id)
    if principal.agency_kind == AgencyKind.NCB.value and principal.country:
        clauses.append(Record.owner_country == principal.country)
    return or_(*clauses) if clauses else not_(true())


def export_filter(principal: Principal) -> ColumnElement[bool]:
    """Records the principal may copy out of the platform (with the visibility filter): not
    another's record marked no_onward_transmission, nor another's hit-only record."""
    if principal.is_operator:
        return true()
    return or_(
        and_(
            not_(carries(HandlingCode.NO_ONWARD_TRANSMISSION)),
            Record.access_mode != HIT_ONLY,
        ),
        _may_pass_on_own(principal),
    )


def may_export(principal: Principal, record: Record) -> bool:
    """The single-record form of export_filter."""
    restricted = (
        HandlingCode.NO_ONWARD_TRANSMISSION.value in (record.handling_codes or [])
        or record.access_mode == HIT_ONLY
    )
    if principal.is_operator or not restricted:
        return True
    if principal.agency_id is not None and principal.agency_id == record.owner_agency_id:
        return True
    return bool(
        principal.agency_kind == AgencyKind.NCB.value
        and principal.country
        and principal.country == record.owner_country
    )


__all__ = [
    "carries",
    "export_filter",
    "may_export",
    "police_only_blocks",
    "shown_to",
    "visible_to_filter",
]
