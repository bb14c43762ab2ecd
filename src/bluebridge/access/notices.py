"""Who sees which notice or diffusion, as a SQL filter for lists and counts and as a check for
one, saying the same thing.

The requesting agency and its country's NCB see their requests in every state. The General
Secretariat's compliance reviewers see every request. Others see a notice only once it is
published, as its access policy allows (the same terms as a record's), and a diffusion only
while it is circulated to their country. A silver notice is seen only in the countries of
the silver pilot, and by the reviewers; it is never public."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select, true

from bluebridge.access.principal import Principal, PrincipalKind, Role
from bluebridge.access.records import (
    MEMBER_AGENCY_KINDS,
    AccessMode,
    GrantType,
    _grant_terms,
    _is_compliance,
)
from bluebridge.members.models import AgencyKind
from bluebridge.notices.enums import Kind, NoticeType, Status
from bluebridge.notices.models import Notice, NoticeGrant, NoticeRecipient

REQUESTER_ROLES = (Role.OFFICER, Role.SUPERVISOR)


def is_reviewer(principal: Principal) -> bool:
    """A compliance reviewer of the General Secretariat who passed the second factor."""
    return _is_compliance(principal) or principal.is_operator


def may_decide(principal: Principal) -> bool:
    """A compliance decision is a person's, signed in with the second factor (never a machine
    key's), or the server operator's."""
    return principal.is_operator or (
        principal.kind is PrincipalKind.USER and _is_compliance(principal)
    )


def _own(principal: Principal) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if principal.agency_id is not None:
        clauses.append(Notice.requesting_agency_id == principal.agency_id)
    if principal.agency_kind == AgencyKind.NCB.value and principal.country:
        clauses.append(Notice.requesting_country == principal.country)
    return or_(*clauses) if clauses else false()


# The clause depends on these of a principal only; built once for each such shape, it is
# shared by every check that needs it (screening asks for it on every check with a match, and
# building it is most of that query's cost in Python). Clauses are immutable, so sharing them
# between threads is safe; the shapes are few (one per agency and its grants' terms).
_FILTERS: dict[tuple[object, ...], ColumnElement[bool]] = {}
_FILTERS_MAX = 4096


def shape(principal: Principal, *, pilot: Collection[str]) -> tuple[object, ...]:
    """What of the principal (and the silver pilot) `visible_filter` depends on: two
    principals of one shape see the same notices."""
    return (
        is_reviewer(principal),
        principal.agency_id,
        principal.agency_kind,
        principal.country,
        principal.region,
        principal.specialty,
        frozenset(pilot),
    )


def visible_filter(principal: Principal, *, pilot: Collection[str]) -> ColumnElement[bool]:
    """Notices and diffusions the principal sees, as a WHERE clause."""
    key = shape(principal, pilot=pilot)
    clause = _FILTERS.get(key)
    if clause is None:
        clause = _visible_filter(principal, pilot=pilot)
        if len(_FILTERS) >= _FILTERS_MAX:
            _FILTERS.clear()
        _FILTERS[key] = clause
    return clause


def _visible_filter(principal: Principal, *, pilot: Collection[str]) -> ColumnElement[bool]:
    if is_reviewer(principal):
        return true()
    excluded: ColumnElement[bool] = false()
    if principal.country:
        excluded = exists(
            select(NoticeGrant.notice_id).where(
                NoticeGrant.notice_id == Notice.id,
                NoticeGrant.grant_type == GrantType.EXCLUDE.value,
                NoticeGrant.value == principal.country,
            )
        )
    published: list[ColumnElement[bool]] = []
    if principal.agency_kind in MEMBER_AGENCY_KINDS:
        published.append(
            Notice.access_mode.in_([AccessMode.ALL_MEMBERS.value, AccessMode.ALL_EXCEPT.value])
        )
    terms = _grant_terms(principal)
    if terms:
        published.append(
            and_(
                Notice.access_mode == AccessMode.LISTED.value,
                exists(
                    select(NoticeGrant.notice_id).where(
                        NoticeGrant.notice_id == Notice.id,
                        or_(
                            *[
                                and_(NoticeGrant.grant_type == t, NoticeGrant.value == v)
                                for t, v in terms
                            ]
                        ),
                    )
                ),
            )
        )
    clauses = [_own(principal)]
    if published:
        clauses.append(
            and_(
                Notice.kind == Kind.NOTICE.value,
                Notice.status == Status.PUBLISHED.value,
                or_(*published),
                not_(excluded),
            )
        )
    if principal.country and principal.agency_kind in MEMBER_AGENCY_KINDS:
        clauses.append(
            and_(
                Notice.kind == Kind.DIFFUSION.value,
                Notice.status == Status.CIRCULATED.value,
                exists(
                    select(NoticeRecipient.notice_id).where(
                        NoticeRecipient.notice_id == Notice.id,
                        NoticeRecipient.country == principal.country,
                    )
                ),
            )
        )
    silver: ColumnElement[bool] = Notice.type != NoticeType.SILVER.value
    if principal.country in pilot and principal.agency_kind in MEMBER_AGENCY_KINDS:
        silver = true()
    return and_(or_(*clauses), silver)


def is_own(principal: Principal, notice: Notice) -> bool:
    """The requesting agency, or its country's NCB."""
    if principal.agency_id is not None and notice.requesting_agency_id == principal.agency_id:
        return True
    return bool(
        principal.agency_kind == AgencyKind.NCB.value
        and principal.country
        and notice.requesting_country == principal.country
    )


def sees(principal: Principal, notice: Notice, *, pilot: Collection[str]) -> bool:
    """Whether the principal sees this one notice or diffusion (the filter's rule)."""
    if is_reviewer(principal):
        return True
    if notice.type == NoticeType.SILVER and not (
        principal.country in pilot and principal.agency_kind in MEMBER_AGENCY_KINDS
    ):
        return False
    if is_own(principal, notice):
        return True
    if notice.kind == Kind.NOTICE and notice.status == Status.PUBLISHED:
        grants = {(g.grant_type, g.value) for g in notice.grants}
        if principal.country and (GrantType.EXCLUDE.value, principal.country) in grants:
            return False
        if (
            notice.access_mode in (AccessMode.ALL_MEMBERS.value, AccessMode.ALL_EXCEPT.value)
            and principal.agency_kind in MEMBER_AGENCY_KINDS
        ):
            return True
        return notice.access_mode == AccessMode.LISTED.value and bool(
            grants.intersection(_grant_terms(principal))
        )
    if notice.kind == Kind.DIFFUSION and notice.status == Status.CIRCULATED:
        return bool(
            principal.country
            and principal.agency_kind in MEMBER_AGENCY_KINDS
            and any(r.country == principal.country for r in notice.recipients)
        )
    return False


def may_request(principal: Principal, notice_type: str, *, pilot: Collection[str]) -> bool:
    """An NCB's officer or supervisor requests notices and sends diffusions; a silver notice
    only from a country of the pilot."""
    if principal.is_operator:
        return True
    if principal.agency_kind != AgencyKind.NCB.value or not principal.has_role(*REQUESTER_ROLES):
        return False
    return notice_type != NoticeType.SILVER or principal.country in pilot


def may_change(principal: Principal, notice: Notice) -> bool:
    """Only the requesting NCB changes, cancels or withdraws its request."""
    return principal.is_operator or (
        is_own(principal, notice) and principal.has_role(*REQUESTER_ROLES)
    )


__all__ = [
    "is_own",
    "is_reviewer",
    "may_change",
    "may_decide",
    "may_request",
    "sees",
    "visible_filter",
]
