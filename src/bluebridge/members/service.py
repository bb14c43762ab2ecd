"""Use cases of the members domain: the reference countries, agencies, users and API keys.
Plain functions taking a session and the principal acting; the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from bluebridge.access import rules
from bluebridge.access.principal import Principal, Role, operator_principal
from bluebridge.audit import service as audit
from bluebridge.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from bluebridge.members import reference
from bluebridge.members.models import (
    Agency,
    AgencyKind,
    ApiKey,
    Country,
    LoginThrottle,
    UnitSpecialty,
    User,
    WebSession,
)
from bluebridge.members.security import hash_password, issue_api_key
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow
from bluebridge.store.pagination import Page, paginate
from bluebridge.text import LIKE_ESCAPE, contains_pattern, has_control_characters

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
AGENCY_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
GENERAL_SECRETARIAT_CODE = "GS"
# The regional police organizations every installation knows, with the region they serve.
REGIONAL_PARTNERS = (
    ("ASEANAPOL", "ASEAN Chiefs of National Police", reference.Region.ASIA_SOUTH_PACIFIC),
    ("GCCPOL", "GCC Police", reference.Region.MENA),
    ("PICP", "Pacific Islands Chiefs of Police", reference.Region.ASIA_SOUTH_PACIFIC),
    ("AFRIPOL", "African Union Mechanism for Police Cooperation", reference.Region.AFRICA),
    ("AMERIPOL", "Police Community of the Americas", reference.Region.AMERICAS),
)

# Which roles each kind of agency may hold; a private partner only checks documents.
ROLES_BY_AGENCY_KIND: dict[AgencyKind, frozenset[Role]] = {
    AgencyKind.GENERAL_SECRETARIAT: frozenset(Role),
    AgencyKind.NCB: frozenset(Role) - {Role.COMPLIANCE_REVIEWER},
    AgencyKind.SPECIALIZED_UNIT: frozenset(
        {
            Role.OFFICER,
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.ADMINISTRATOR,
            Role.DATA_PROTECTION_OFFICER,
        }
    ),
    AgencyKind.BORDER_POST: frozenset({Role.BORDER_OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}),
    AgencyKind.REGIONAL_PARTNER: frozenset(
        {Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR}
    ),
    AgencyKind.PRIVATE_PARTNER: frozenset({Role.BORDER_OFFICER, Role.ADMINISTRATOR}),
}
# Administration needs a person who passed a second factor, never a machine key.
ROLES_NOT_FOR_API_KEYS = frozenset({Role.ADMINISTRATOR})


def _control_character_problems(**fields: str) -> list[FieldProblem]:
    return [
        FieldProblem(field, "must not contain control characters")
        for field, value in fields.items()
        if has_control_characters(value)
    ]


# ---------------------------------------------------------------- reference data


def sync_reference(session: Session) -> int:
    """Mirror the member countries into the store and make sure the General Secretariat and
    one NCB per member exist. Idempotent; returns how many rows it added."""
    added = 0
    existing = {c.alpha3: c for c in session.scalars(select(Country))}
    for member in reference.member_countries():
        row = existing.get(member.alpha3)
        if row is None:
            row = Country(alpha3=member.alpha3)
            session.add(row)
            added += 1
        row.alpha2, row.numeric, row.icao_code = member.alpha2, member.numeric, member.icao_code
        row.region, row.name_en = member.region.value, member.name("en")
    session.flush()
    codes = set(session.scalars(select(Agency.code)))
    if GENERAL_SECRETARIAT_CODE not in codes:
        session.add(
            Agency(
                code=GENERAL_SECRETARIAT_CODE,
                name="General Secretariat",
                kind=AgencyKind.GENERAL_SECRETARIAT.value,
            )
        )
        added += 1
    for member in reference.member_countries():
        code = ncb_code(member.alpha3)
        if code not in codes:
            session.add(
                Agency(
                    code=code,
                    name=f"NCB {member.name('en')}",
                    kind=AgencyKind.NCB.value,
                    country=member.alpha3,
                    region=member.region.value,
                )
            )
            added += 1
    for code, name, region in REGIONAL_PARTNERS:
        if code not in codes:
            session.add(
                Agency(
                    code=code,
                    name=name,
                    kind=AgencyKind.REGIONAL_PARTNER.value,
                    region=region.value,
                )
            )
            added += 1
    session.flush()
    if added:
        audit.record(
            session,
            principal=operator_principal("bluebridge"),
            action="reference.sync",
            details={"rows_added": added, "members": len(reference.member_countries())},
        )
    return added


def ncb_code(alpha3: str) -> str:
    return f"{alpha3}-NCB"


def country_names(lang: str) -> dict[str, str]:
    """Member names in a language, by alpha-3."""
    return {m.alpha3: m.name(lang) for m in reference.member_countries()}


# ---------------------------------------------------------------- agencies


def get_agency(session: Session, *, principal: Principal, agency_id: int) -> Agency:
    """One agency of the directory, which every signed-in principal may read."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"no agency with id {agency_id}")
    return agency


def get_agency_by_code(session: Session, *, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code.upper()))
    if agency is None:
        raise NotFound(f"no agency with code {code!r}")
    return agency


def list_agencies(
    session: Session,
    *,
    principal: Principal,
    country: str | None = None,
    kind: str | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[Agency]:
    """The agency directory, filtered and paginated."""
    query = select(Agency).order_by(Agency.country.is_(None).desc(), Agency.country, Agency.code)
    if country:
        try:
            resolved = reference.resolve_country_code(country).alpha3 or country.upper()
        except reference.UnknownCountryCode as exc:
            raise InvalidInput.on("country", str(exc)) from None
        query = query.where(Agency.country == resolved)
    if kind:
        query = query.where(Agency.kind == kind)
    if search:
        pattern = contains_pattern(search)
        query = query.where(
            or_(
                func.lower(Agency.name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Agency.code).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    return paginate(session, query, page=page, per_page=per_page)


def create_agency(
    session: Session,
    *,
    principal: Principal,
    code: str,
    name: str,
    kind: AgencyKind,
    country: str | None = None,
    specialty: UnitSpecialty | None = None,
    region: str | None = None,
) -> Agency:
    """Add an agency. The platform's administrators add any; an NCB's administrator adds the
    specialized units and border posts of its own country, attached to that NCB."""
    if not rules.is_platform_administrator(principal) and not (
        principal.has_role(Role.ADMINISTRATOR) and principal.agency_kind == AgencyKind.NCB.value
    ):
        raise PermissionDenied("only the platform's and NCBs' administrators add agencies")
    problems: list[FieldProblem] = _control_character_problems(code=code, name=name)
    code = code.strip().upper()
    name = name.strip()
    if not AGENCY_CODE_PATTERN.match(code):
        problems.append(FieldProblem("code", "use 2-40 capital letters, digits or hyphens"))
    if not name or len(name) > 200:
        problems.append(FieldProblem("name", "give a name of 1 to 200 characters"))
    country_code: str | None = None
    if kind in (AgencyKind.NCB, AgencyKind.SPECIALIZED_UNIT, AgencyKind.BORDER_POST):
        if not country:
            problems.append(FieldProblem("country", "required for this kind of agency"))
        else:
            try:
                member = reference.resolve_country_code(country).member
            except ValueError as exc:
                problems.append(FieldProblem("country", str(exc)))
            else:
                if member is None:
                    problems.append(FieldProblem("country", "not a member country"))
                else:
                    country_code = member.alpha3
    elif country:
        problems.append(FieldProblem("country", "this kind of agency belongs to no country"))
    if kind is AgencyKind.SPECIALIZED_UNIT and specialty is None:
        problems.append(FieldProblem("specialty", "required for a specialized unit"))
    if kind is not AgencyKind.SPECIALIZED_UNIT and specialty is not None:
        problems.append(FieldProblem("specialty", "only specialized units have one"))
    if kind is AgencyKind.GENERAL_SECRETARIAT:
        problems.append(FieldProblem("kind", "there is one General Secretariat"))
    region_value: str | None = None
    if region:
        try:
            region_value = reference.Region(region).value
        except ValueError:
            problems.append(FieldProblem("region", f"unknown region {region!r}"))
    if problems:
        raise InvalidInput("the agency cannot be created", problems)
    if session.scalar(select(Agency.id).where(Agency.code == code)) is not None:
        raise Conflict("an agency with this code exists", [FieldProblem("code", "already in use")])

    parent: Agency | None = None
    if country_code is not None:
        parent = session.scalar(select(Agency).where(Agency.code == ncb_code(country_code)))
    if not rules.is_platform_administrator(principal):
        own = principal.agency_id
        allowed = (
            principal.has_role(Role.ADMINISTRATOR)
            and principal.agency_kind == AgencyKind.NCB.value
            and kind in (AgencyKind.SPECIALIZED_UNIT, AgencyKind.BORDER_POST)
            and parent is not None
            and parent.id == own
        )
        if not allowed:
            raise PermissionDenied(
                "only an NCB's administrator may add units and border posts, in its own country"
            )
    if kind is AgencyKind.NCB and parent is not None:
        raise Conflict("this country has its NCB", [FieldProblem("country", "NCB exists")])
    if region_value is None and country_code is not None:
        region_value = reference.member_by_alpha3(country_code).region.value
    agency = Agency(
        code=code,
        name=name,
        kind=kind.value,
        specialty=specialty.value if specialty else None,
        country=country_code,
        region=region_value,
        parent_id=parent.id if parent is not None and kind is not AgencyKind.NCB else None,
    )
    session.add(agency)
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="agency.create",
        object_type="agency",
        object_id=agency.id,
        object_country=country_code,
        details={"agency_code": code, "kind": kind.value},
    )
    return agency


# ---------------------------------------------------------------- users


def _validate_roles(agency: Agency, roles: Iterable[str], field: str = "roles") -> list[Role]:
    result: list[Role] = []
    allowed = ROLES_BY_AGENCY_KIND[AgencyKind(agency.kind)]
    for value in roles:
        try:
            role = Role(value)
        except ValueError:
            raise InvalidInput.on(field, f"unknown role {value!r}") from None
        if role not in allowed:
            raise InvalidInput.on(field, f"a {agency.kind} cannot hold the role {role.value}")
        if role not in result:
            result.append(role)
    if not result:
        raise InvalidInput.on(field, "give at least one role")
    return result


def check_password_strength(
    settings: Settings, password: str, username: str, field: str = "password"
) -> None:
    """Refuse short passwords and passwords built on the user name, naming the field."""
    if len(password) < settings.password_min_length:
        raise InvalidInput.on(field, f"use at least {settings.password_min_length} characters")
    if len(password) > 256:
        raise InvalidInput.on(field, "use at most 256 characters")
    if username and username.lower() in password.lower():
        raise InvalidInput.on(field, "must not contain the user name")
    if len(set(password)) < 5:
        raise InvalidInput.on(field, "use more varied characters")


def create_user(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    agency_id: int,
    username: str,
    display_name: str,
    roles: Iterable[str],
    password: str,
    email: str | None = None,
    must_change_password: bool = True,
    nationality: str | None = None,
) -> User:
    """Open an account in an agency the principal administers."""
    agency = session.get(Agency, agency_id)
    if agency is None or not rules.may_administer_agency(principal, agency_id):
        raise NotFound(f"no agency with id {agency_id} that you administer")
    problems = _control_character_problems(
        username=username, display_name=display_name, email=email or ""
    )
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        problems.append(
            FieldProblem(
                "username", "use 3-64 lower-case letters, digits, dots, hyphens or underscores"
            )
        )
    display_name = display_name.strip()
    if not display_name or len(display_name) > 200:
        problems.append(FieldProblem("display_name", "give a name of 1 to 200 characters"))
    if email is not None:
        email = email.strip() or None
        if email is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            problems.append(FieldProblem("email", "not an e-mail address"))
    try:
        role_list = _validate_roles(agency, roles)
    except InvalidInput as exc:
        problems.extend(exc.problems)
        role_list = []
    try:
        check_password_strength(settings, password, username)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if nationality is not None:
        try:
            resolved = reference.resolve_country_code(nationality).alpha3
        except reference.UnknownCountryCode:
            resolved = None
        if resolved is None:
            problems.append(FieldProblem("nationality", "not a country code (ISO 3166)"))
        nationality = resolved
    if problems:
        raise InvalidInput("the account cannot be created", problems)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("this user name is taken", [FieldProblem("username", "already in use")])
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        agency_id=agency.id,
        roles=[r.value for r in role_list],
        password_hash=hash_password(settings, password),
        must_change_password=must_change_password,
        nationality=nationality,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="user.create",
        object_type="user",
        object_id=user.id,
        object_country=agency.country,
        details={"username": username, "roles": user.roles, "agency": agency.code},
    )
    return user


def _audit_foreign_read(
    session: Session, principal: Principal, object_type: str, object_id: int, country: str | None
) -> None:
    """Record a read of another country's data (house rule: such reads are always audited)."""
    if country is not None and country != principal.country:
        audit.record(
            session,
            principal=principal,
            action=f"{object_type}.read",
            object_type=object_type,
            object_id=object_id,
            object_country=country,
        )


def _audit_foreign_list(
    session: Session,
    principal: Principal,
    object_type: str,
    rows: Iterable[Agency],
    filters: dict[str, object],
) -> None:
    """Record a listing that showed other countries' accounts or keys, naming the countries."""
    foreign = sorted({a.country or "-" for a in rows if a.country != principal.country})
    if foreign:
        audit.record(
            session,
            principal=principal,
            action=f"{object_type}.list",
            object_type=object_type,
            details={"countries": foreign, "filters": filters},
        )


def _administered_user(session: Session, principal: Principal, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not rules.may_administer_agency(principal, user.agency_id):
        raise NotFound(f"no user with id {user_id} that you administer")
    return user


def get_user(session: Session, *, principal: Principal, user_id: int) -> User:
    """A user the principal administers, or the principal's own account."""
    if principal.id == user_id and principal.kind.value == "user":
        user = session.get(User, user_id)
        if user is not None:
            return user
    user = _administered_user(session, principal, user_id)
    _audit_foreign_read(session, principal, "user", user.id, user.agency.country)
    return user


def list_users(
    session: Session,
    *,
    principal: Principal,
    agency_id: int | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[User]:
    """Accounts in the agencies the principal administers."""
    rules.require_role(principal, Role.ADMINISTRATOR)
    query = (
        select(User)
        .where(rules.administered_agencies_filter(principal, User.agency_id))
        .order_by(User.username)
    )
    if agency_id is not None:
        query = query.where(User.agency_id == agency_id)
    if search:
        pattern = contains_pattern(search)
        query = query.where(
            or_(
                func.lower(User.username).like(pattern, escape=LIKE_ESCAPE),
                func.lower(User.display_name).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    result = paginate(session, query, page=page, per_page=per_page)
    filters: dict[str, object] = {"agency_id": agency_id, "search": search}
    _audit_foreign_list(session, principal, "user", (u.agency for u in result.items), filters)
    return result


def update_user(
    session: Session,
    *,
    principal: Principal,
    user_id: int,
    display_name: str | None = None,
    email: str | None = None,
    roles: Iterable[str] | None = None,
    active: bool | None = None,
) -> User:
    """Change an account's name, e-mail, roles or whether it may sign in."""
    user = _administered_user(session, principal, user_id)
    problems = _control_character_problems(display_name=display_name or "", email=email or "")
    if problems:
        raise InvalidInput("the account cannot be changed", problems)
    changes: dict[str, object] = {}
    if display_name is not None:
        display_name = display_name.strip()
        if not display_name or len(display_name) > 200:
            raise InvalidInput.on("display_name", "give a name of 1 to 200 characters")
        user.display_name = display_name
        changes["display_name"] = display_name
    if email is not None:
        email = email.strip()
        if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            raise InvalidInput.on("email", "not an e-mail address")
        user.email = email or None
        changes["email"] = user.email
    if roles is not None:
        new_roles = [r.value for r in _validate_roles(user.agency, roles)]
        if principal.id == user.id and Role.ADMINISTRATOR.value not in new_roles:
            raise InvalidInput.on("roles", "you cannot remove your own administrator role")
        changes["roles"] = {"before": user.roles, "after": new_roles}
        if set(new_roles) != set(user.roles):
            # New roles take effect at the next sign-in, with the second factor they may need.
            _revoke_sessions(session, user.id)
        user.roles = new_roles
    if active is not None:
        if principal.id == user.id and not active:
            raise InvalidInput.on("active", "you cannot deactivate your own account")
        user.active = active
        changes["active"] = active
        if not active:
            _revoke_sessions(session, user.id)
    audit.record(
        session,
        principal=principal,
        action="user.update",
        object_type="user",
        object_id=user.id,
        object_country=user.agency.country,
        details=changes,
    )
    return user


def _revoke_sessions(session: Session, user_id: int) -> None:
    for web_session in session.scalars(
        select(WebSession).where(WebSession.user_id == user_id, WebSession.revoked.is_(False))
    ):
        web_session.revoked = True


def reset_password(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    user_id: int,
    new_password: str,
) -> User:
    """Set a temporary password that the user must change at the next sign-in."""
    user = _administered_user(session, principal, user_id)
    check_password_strength(settings, new_password, user.username, field="new_password")
    user.password_hash = hash_password(settings, new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    _revoke_sessions(session, user.id)
    _clear_throttle(session, user.username)
    audit.record(
        session,
        principal=principal,
        action="user.password_reset",
        object_type="user",
        object_id=user.id,
        object_country=user.agency.country,
    )
    return user


def unlock_user(session: Session, *, principal: Principal, user_id: int) -> User:
    """Lift a lockout after failed sign-ins."""
    user = _administered_user(session, principal, user_id)
    _clear_throttle(session, user.username)
    audit.record(
        session,
        principal=principal,
        action="user.unlock",
        object_type="user",
        object_id=user.id,
        object_country=user.agency.country,
    )
    return user


def reset_second_factor(session: Session, *, principal: Principal, user_id: int) -> User:
    """Forget a user's authenticator; the user enrols a new one at the next sign-in."""
    user = _administered_user(session, principal, user_id)
    user.totp_secret_sealed = None
    user.totp_confirmed = False
    user.totp_last_step = None
    _revoke_sessions(session, user.id)
    audit.record(
        session,
        principal=principal,
        action="user.second_factor_reset",
        object_type="user",
        object_id=user.id,
        object_country=user.agency.country,
    )
    return user


def _clear_throttle(session: Session, username: str) -> None:
    throttle = session.get(LoginThrottle, username)
    if throttle is not None:
        session.delete(throttle)


def lockout_state(session: Session, *, username: str) -> LoginThrottle | None:
    return session.get(LoginThrottle, username.strip().lower())


# ---------------------------------------------------------------- API keys


def create_api_key(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    agency_id: int,
    name: str,
    roles: Iterable[str],
    expires_in_days: int,
) -> tuple[ApiKey, str]:
    """Issue a key for a machine client. The plaintext is returned once and never stored."""
    agency = session.get(Agency, agency_id)
    if agency is None or not rules.may_administer_agency(principal, agency_id):
        raise NotFound(f"no agency with id {agency_id} that you administer")
    problems = _control_character_problems(name=name)
    name = name.strip()
    if not name or len(name) > 120:
        problems.append(FieldProblem("name", "give a name of 1 to 120 characters"))
    if not 1 <= expires_in_days <= settings.api_key_max_days:
        problems.append(
            FieldProblem("expires_in_days", f"must be from 1 to {settings.api_key_max_days}")
        )
    role_list: list[Role] = []
    try:
        role_list = _validate_roles(agency, roles)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    for role in role_list:
        if role in ROLES_NOT_FOR_API_KEYS:
            problems.append(FieldProblem("roles", f"an API key cannot hold the role {role.value}"))
    if problems:
        raise InvalidInput("the API key cannot be created", problems)
    issued = issue_api_key()
    key = ApiKey(
        prefix=issued.prefix,
        key_digest=issued.digest,
        name=name,
        agency_id=agency.id,
        roles=[r.value for r in role_list],
        created_by=principal.name,
        expires_at=utcnow() + dt.timedelta(days=expires_in_days),
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="api_key.create",
        object_type="api_key",
        object_id=key.id,
        object_country=agency.country,
        details={"key_prefix": key.prefix, "roles": key.roles, "expires_at": key.expires_at},
    )
    return key, issued.plaintext


def list_api_keys(
    session: Session,
    *,
    principal: Principal,
    agency_id: int | None = None,
    include_revoked: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page[ApiKey]:
    """Keys of the agencies the principal administers."""
    rules.require_role(principal, Role.ADMINISTRATOR)
    query = (
        select(ApiKey)
        .where(rules.administered_agencies_filter(principal, ApiKey.agency_id))
        .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    )
    if agency_id is not None:
        query = query.where(ApiKey.agency_id == agency_id)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    result = paginate(session, query, page=page, per_page=per_page)
    _audit_foreign_list(
        session, principal, "api_key", (k.agency for k in result.items), {"agency_id": agency_id}
    )
    return result


def _administered_key(session: Session, principal: Principal, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None or not rules.may_administer_agency(principal, key.agency_id):
        raise NotFound(f"no API key with id {key_id} that you administer")
    return key


def get_api_key(session: Session, *, principal: Principal, key_id: int) -> ApiKey:
    key = _administered_key(session, principal, key_id)
    _audit_foreign_read(session, principal, "api_key", key.id, key.agency.country)
    return key


def get_api_key_by_prefix(session: Session, *, principal: Principal, prefix: str) -> ApiKey:
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise NotFound(f"no API key with prefix {prefix!r} that you administer")
    return _administered_key(session, principal, key.id)


def revoke_api_key(session: Session, *, principal: Principal, key_id: int) -> ApiKey:
    """Revoke a key at once; requests with it are refused from now on."""
    key = _administered_key(session, principal, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        key.revoked_by = principal.name
        audit.record(
            session,
            principal=principal,
            action="api_key.revoke",
            object_type="api_key",
            object_id=key.id,
            object_country=key.agency.country,
            details={"key_prefix": key.prefix},
        )
    return key


def count_dashboard(session: Session, *, principal: Principal) -> dict[str, int]:
    """Figures for the dashboard, each limited to what the principal may see."""

    def count(query: Select[Any]) -> int:
        return int(session.execute(query).scalar_one())

    figures = {
        "members": count(select(func.count()).select_from(Country)),
        "agencies": count(select(func.count()).select_from(Agency)),
    }
    if principal.has_role(Role.ADMINISTRATOR):
        figures["users"] = count(
            select(func.count())
            .select_from(User)
            .where(rules.administered_agencies_filter(principal, User.agency_id))
        )
        figures["api_keys"] = count(
            select(func.count())
            .select_from(ApiKey)
            .where(
                rules.administered_agencies_filter(principal, ApiKey.agency_id),
                ApiKey.revoked_at.is_(None),
            )
        )
    return figures
