"""Who sees and who changes what in I-GRIP, as SQL filters for lists and as checks for one.

- **Desks**: an NCB, or a specialized unit for financial investigations or cybercrime. Only a
  desk's officers and supervisors file requests and act on legs.
- **The requesting side** of a case (the agency that filed it and its country's NCB) sees the
  whole case: every leg, every step, the money flow. Only it closes the case.
- **A leg's country** (its desks) sees the case's header, its own legs, and the legs next to
  them on the money's path (where the money came from, where it went on), so that it can
  follow the money; it alone changes its legs' states.
- **The General Secretariat's** analysts and supervisors coordinate: they see every case.
- Nobody else learns that a case exists."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true

from bluebridge.access.principal import Principal, Role
from bluebridge.members.models import AgencyKind, UnitSpecialty
from bluebridge.payments.models import PaymentCase, PaymentLeg

DESK_SPECIALTIES = frozenset(
    {UnitSpecialty.FINANCIAL_INVESTIGATIONS.value, UnitSpecialty.CYBERCRIME.value}
)
ACTOR_ROLES = (Role.OFFICER, Role.SUPERVISOR)
READER_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ANALYST)


def is_desk(principal: Principal) -> bool:
    """An NCB, or a financial investigations or cybercrime unit, of a country."""
    if not principal.country:
        return False
    return principal.agency_kind == AgencyKind.NCB.value or (
        principal.agency_kind == AgencyKind.SPECIALIZED_UNIT.value
        and principal.specialty in DESK_SPECIALTIES
    )


def is_coordinator(principal: Principal) -> bool:
    """The server's operator, or an analyst or supervisor of the General Secretariat."""
    return principal.is_operator or (
        principal.agency_kind == AgencyKind.GENERAL_SECRETARIAT.value
        and principal.has_role(Role.ANALYST, Role.SUPERVISOR)
    )


def may_use(principal: Principal) -> bool:
    """Whether the principal has I-GRIP at all: a desk's reader, or a coordinator."""
    return is_coordinator(principal) or (is_desk(principal) and principal.has_role(*READER_ROLES))


def may_file(principal: Principal) -> bool:
    return is_desk(principal) and principal.has_role(*ACTOR_ROLES)


def is_requesting_side(principal: Principal, case: PaymentCase) -> bool:
    if principal.agency_id is not None and case.requesting_agency_id == principal.agency_id:
        return True
    return (
        principal.agency_kind == AgencyKind.NCB.value
        and principal.country is not None
        and case.requesting_country == principal.country
    )


def _requesting_side_filter(principal: Principal) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if principal.agency_id is not None:
        clauses.append(PaymentCase.requesting_agency_id == principal.agency_id)
    if principal.agency_kind == AgencyKind.NCB.value and principal.country:
        clauses.append(PaymentCase.requesting_country == principal.country)
    return or_(*clauses) if clauses else false()


def case_filter(principal: Principal) -> ColumnElement[bool]:
    """The cases the principal sees, as a WHERE clause on payment_cases."""
    if is_coordinator(principal):
        return true()
    if not may_use(principal):
        return false()
    own = _requesting_side_filter(principal)
    if not is_desk(principal):
        return own
    legs = exists(
        select(PaymentLeg.id).where(
            PaymentLeg.case_id == PaymentCase.id,
            PaymentLeg.beneficiary_country == principal.country,
        )
    )
    return or_(own, legs)


def sees_whole_case(principal: Principal, case: PaymentCase) -> bool:
    return is_coordinator(principal) or (may_use(principal) and is_requesting_side(principal, case))


def visible_legs(principal: Principal, case: PaymentCase) -> list[PaymentLeg]:
    """The legs of a case the principal sees: all of them for the requesting side and the
    coordinators; for a leg's country, its legs and those next to them on the money's path."""
    if sees_whole_case(principal, case):
        return list(case.legs)
    if not (may_use(principal) and is_desk(principal)):
        return []
    own = {leg.id for leg in case.legs if leg.beneficiary_country == principal.country}
    near = set(own)
    for leg in case.legs:
        if leg.id in own and leg.parent_id is not None:
            near.add(leg.parent_id)
        if leg.parent_id in own:
            near.add(leg.id)
    return [leg for leg in case.legs if leg.id in near]


def may_act_on_leg(principal: Principal, leg: PaymentLeg) -> bool:
    """Only the leg's country changes its state: its desks' officers and supervisors."""
    return (
        is_desk(principal)
        and principal.has_role(*ACTOR_ROLES)
        and principal.country == leg.beneficiary_country
    )


def may_close(principal: Principal, case: PaymentCase) -> bool:
    """Only the requesting side closes its case."""
    return principal.has_role(*ACTOR_ROLES) and is_requesting_side(principal, case)
