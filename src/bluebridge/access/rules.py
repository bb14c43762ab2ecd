"""The access rules of the foundation: who may administer which agency, and role checks.
Every service asks here; no other module decides."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import QueryableAttribute

from bluebridge.access.principal import Principal, Role
from bluebridge.errors import PermissionDenied

GENERAL_SECRETARIAT = "general_secretariat"


def require_role(principal: Principal, *roles: Role) -> None:
    """Refuse unless the principal holds one of the roles."""
    if principal.is_operator or principal.has_role(*roles):
        return
    names = ", ".join(role.value for role in roles)
    raise PermissionDenied(f"this action needs the role: {names}")


def is_platform_administrator(principal: Principal) -> bool:
    """An administrator of the General Secretariat, or the server's operator."""
    return principal.is_operator or (
        principal.has_role(Role.ADMINISTRATOR) and principal.agency_kind == GENERAL_SECRETARIAT
    )


def may_administer_agency(principal: Principal, agency_id: int) -> bool:
    """An agency administrator manages only their own agency; the platform's, all."""
    if is_platform_administrator(principal):
        return True
    return principal.has_role(Role.ADMINISTRATOR) and principal.agency_id == agency_id


def require_agency_administration(principal: Principal, agency_id: int) -> None:
    if not may_administer_agency(principal, agency_id):
        raise PermissionDenied("you may administer only your own agency")


def administered_agencies_filter(
    principal: Principal, agency_id_column: QueryableAttribute[int] | ColumnElement[int]
) -> ColumnElement[bool]:
    """A WHERE clause limiting rows to the agencies the principal administers."""
    if is_platform_administrator(principal):
        return true()
    if principal.has_role(Role.ADMINISTRATOR) and principal.agency_id is not None:
        return agency_id_column == principal.agency_id
    return agency_id_column == -1
