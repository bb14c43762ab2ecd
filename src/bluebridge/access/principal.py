"""The principal: who is acting, through which channel, from where. Every service function
receives one; nothing in a service reads the request or a global."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """What a user or API key may do. Declared once; the access rules read it."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    BORDER_OFFICER = "border_officer"
    ANALYST = "analyst"
    COMPLIANCE_REVIEWER = "compliance_reviewer"
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    ADMINISTRATOR = "administrator"


# Roles that publish, review or administer must pass a second factor (TOTP) to sign in.
ROLES_REQUIRING_SECOND_FACTOR = frozenset(
    {
        Role.SUPERVISOR,
        Role.COMPLIANCE_REVIEWER,
        Role.DATA_PROTECTION_OFFICER,
        Role.ADMINISTRATOR,
    }
)


class Channel(StrEnum):
    """How the principal reached us."""

    WEB = "web"
    API = "api"
    CLI = "cli"
    SYSTEM = "system"


class PrincipalKind(StrEnum):
    USER = "user"
    API_KEY = "api_key"
    OPERATOR = "operator"  # someone at the command line of the server itself
    SYSTEM = "system"  # the platform's own work after a request, for its agency (no roles)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Where an action comes from: channel, request id and client address, for the audit log."""

    channel: Channel
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    client_address: str | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """A user or API key acting for an agency of a country, with roles."""

    kind: PrincipalKind
    id: int | None
    name: str
    agency_id: int | None
    agency_kind: str | None
    country: str | None
    roles: frozenset[Role]
    context: RequestContext
    second_factor: bool = False
    region: str | None = None  # the agency's region (INTERPOL's five)
    specialty: str | None = None  # a specialized unit's field, e.g. child_protection
    nationality: str | None = None  # a person's own nationality, where recorded

    def has_role(self, *roles: Role) -> bool:
        """True when the principal holds at least one of the roles. A person's roles that
        publish, review or administer count only after the second factor was given."""
        held = self.roles.intersection(roles)
        if self.kind is PrincipalKind.USER and not self.second_factor:
            held = held - ROLES_REQUIRING_SECOND_FACTOR
        return bool(held)

    @property
    def is_operator(self) -> bool:
        """The server's own operator (the CLI), who may do what the installation allows."""
        return self.kind is PrincipalKind.OPERATOR


def operator_principal(name: str, context: RequestContext | None = None) -> Principal:
    """The principal for someone running `bluebridge` commands on the server."""
    return Principal(
        kind=PrincipalKind.OPERATOR,
        id=None,
        name=name,
        agency_id=None,
        agency_kind=None,
        country=None,
        roles=frozenset(Role),
        context=context or RequestContext(channel=Channel.CLI),
        second_factor=True,
    )
