"""Portal pages: sign-in with the second factor, the dashboard, the agency directory, user
and API key administration, the audit log, and the language switch. Each page calls the
same service functions as the API; forms carry a CSRF token and show errors by field."""

from __future__ import annotations

import base64
from typing import Annotated, Any

import segno
from fastapi import APIRouter, FastAPI, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bluebridge.access import rules
from bluebridge.access.principal import Channel, Principal, Role
from bluebridge.api.deps import DbSession, client_address, request_context
from bluebridge.audit import service as audit_service
from bluebridge.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ServiceError
from bluebridge.members import authentication as auth
from bluebridge.members import reference, service
from bluebridge.members.models import AgencyKind, UnitSpecialty
from bluebridge.web import i18n
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _
from bluebridge.web.portal import (
    LANGUAGE_COOKIE,
    TEMPLATES,
    CsrfFailed,
    LoginRequired,
    PasswordChangeRequired,
    Visitor,
    safe_next,
    visit,
)

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=128)]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _administrator(visitor: Visitor) -> Principal:
    """The signed-in principal, who must hold the administrator role for this page."""
    principal = visitor.principal()
    if not principal.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied("this page needs the administrator role")
    return principal


def _form_agency_id(visitor: Visitor, principal: Principal, agency_code: str) -> int:
    """The agency a form names by code, or the principal's own when the field is empty."""
    code = agency_code.strip()
    if code:
        try:
            return service.get_agency_by_code(visitor.session, code=code).id
        except NotFound:
            raise InvalidInput.on(
                "agency_code", "no agency with this code that you administer"
            ) from None
    if principal.agency_id is None:
        raise InvalidInput.on("agency_code", "give the code of the agency")
    return principal.agency_id


def _errors(exc: ServiceError) -> dict[str, str]:
    errors = {p.field: p.reason for p in exc.problems}
    if not errors:
        errors["_"] = exc.detail
    return errors


# ---------------------------------------------------------------- sign-in


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: DbSession, next: str | None = None) -> Response:
    visitor = visit(request, session)
    if visitor.complete:
        return visitor.redirect(safe_next(next))
    return visitor.render("login.html", next=safe_next(next), errors={}, username="")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    csrf_token: Csrf,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    visitor = visit(request, session)
    visitor.check_csrf(csrf_token)
    settings = visitor.runtime.settings
    result = auth.sign_in_password(
        session,
        settings=settings,
        username=username,
        password=password,
        context=request_context(request, Channel.WEB),
    )
    if not result.accepted or result.user is None:
        if result.locked_until is not None:
            message = _(
                "Too many failed sign-ins: this account is locked until %(time)s. "
                "Try again then, or ask your agency's administrator."
            ) % {"time": i18n.format_datetime(result.locked_until, visitor.lang)}
        else:
            message = _("Unknown user name or wrong password.")
        return visitor.render(
            "login.html",
            status_code=401,
            next=safe_next(next),
            errors={"_": message},
            username=username,
        )
    stage = "complete" if result.step is auth.SignInStep.DONE else result.step.value
    token = auth.start_web_session(
        session,
        settings=settings,
        user=result.user,
        stage=stage,
        second_factor=False,
        client_address=client_address(request),
    )
    target = {
        "complete": safe_next(next),
        "second_factor": "/login/second-factor?next=" + safe_next(next),
        "enrol": "/login/enrol?next=" + safe_next(next),
    }[stage]
    response = visitor.redirect(target)
    visitor.sign_in(response, token)
    return response


def _pending(visitor: Visitor, stage: str) -> None:
    if visitor.web_session is None or visitor.web_session.stage != stage:
        raise LoginRequired("/")


def _complete_sign_in(visitor: Visitor, next_path: str) -> Response:
    """Replace the half-done session by a fresh one (no fixation) and go on."""
    assert visitor.web_session is not None
    visitor.web_session.revoked = True
    token = auth.start_web_session(
        visitor.session,
        settings=visitor.runtime.settings,
        user=visitor.web_session.user,
        stage="complete",
        second_factor=True,
        client_address=client_address(visitor.request),
    )
    response = visitor.redirect(safe_next(next_path))
    visitor.sign_in(response, token)
    return response


@router.get("/login/second-factor", response_class=HTMLResponse)
def second_factor_form(request: Request, session: DbSession, next: str | None = None) -> Response:
    visitor = visit(request, session)
    _pending(visitor, "second_factor")
    return visitor.render("second_factor.html", next=safe_next(next), errors={})


@router.post("/login/second-factor", response_class=HTMLResponse)
def second_factor(
    request: Request,
    session: DbSession,
    csrf_token: Csrf,
    code: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    visitor = visit(request, session)
    _pending(visitor, "second_factor")
    visitor.check_csrf(csrf_token)
    assert visitor.web_session is not None
    result = auth.sign_in_second_factor(
        session,
        settings=visitor.runtime.settings,
        user_id=visitor.web_session.user_id,
        code=code,
        context=request_context(request, Channel.WEB),
    )
    if result.step is auth.SignInStep.DONE:
        return _complete_sign_in(visitor, next)
    if result.step is auth.SignInStep.LOCKED:
        visitor.web_session.revoked = True
        response = visitor.redirect(
            "/login",
            flash=("error", _("Too many failed sign-ins: this account is locked for now.")),
        )
        visitor.sign_out(response)
        return response
    return visitor.render(
        "second_factor.html",
        status_code=401,
        next=safe_next(next),
        errors={
            "code": _("This code is not valid. Enter the current code from your authenticator.")
        },
    )


def _qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#0b2545", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_form(request: Request, session: DbSession, next: str | None = None) -> Response:
    visitor = visit(request, session)
    _pending(visitor, "enrol")
    assert visitor.web_session is not None
    settings = visitor.runtime.settings
    uri = auth.begin_enrolment(session, settings=settings, user_id=visitor.web_session.user_id)
    return visitor.render(
        "enrol.html",
        next=safe_next(next),
        errors={},
        qr=_qr_data_uri(uri),
        secret=auth.enrolment_secret(settings, visitor.web_session.user),
    )


@router.post("/login/enrol", response_class=HTMLResponse)
def enrol(
    request: Request,
    session: DbSession,
    csrf_token: Csrf,
    code: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    visitor = visit(request, session)
    _pending(visitor, "enrol")
    visitor.check_csrf(csrf_token)
    assert visitor.web_session is not None
    settings = visitor.runtime.settings
    result = auth.confirm_enrolment(
        session,
        settings=settings,
        user_id=visitor.web_session.user_id,
        code=code,
        context=request_context(request, Channel.WEB),
    )
    if result.step is auth.SignInStep.DONE:
        return _complete_sign_in(visitor, next)
    uri = auth.begin_enrolment(session, settings=settings, user_id=visitor.web_session.user_id)
    return visitor.render(
        "enrol.html",
        status_code=401,
        next=safe_next(next),
        errors={
            "code": _("This code is not valid. Enter the current code from your authenticator.")
        },
        qr=_qr_data_uri(uri),
        secret=auth.enrolment_secret(settings, visitor.web_session.user),
    )


@router.post("/logout")
def logout(request: Request, session: DbSession, csrf_token: Csrf) -> Response:
    visitor = visit(request, session)
    visitor.check_csrf(csrf_token)
    principal = visitor.principal(allow_pending_password_change=True) if visitor.complete else None
    if visitor.session_token:
        auth.end_web_session(session, token=visitor.session_token, principal=principal)
    response = visitor.redirect("/login", flash=("info", _("You have signed out.")))
    visitor.sign_out(response)
    return response


@router.get("/language/{code}")
def switch_language(
    request: Request, session: DbSession, code: str, next: str | None = None
) -> Response:
    visitor = visit(request, session)
    lang = code if code in i18n.LANGUAGES else visitor.lang
    if visitor.complete and visitor.user is not None:
        visitor.user.language = lang
    response = visitor.redirect(safe_next(next))
    visitor.set_language(response, lang)
    return response


# ---------------------------------------------------------------- account


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    visitor.principal(allow_pending_password_change=True)
    return visitor.render("password.html", errors={})


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    session: DbSession,
    csrf_token: Csrf,
    current_password: Annotated[str, Form(max_length=1024)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
    confirm_password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal(allow_pending_password_change=True)
    visitor.check_csrf(csrf_token)
    if new_password != confirm_password:
        return visitor.render(
            "password.html",
            status_code=422,
            errors={"confirm_password": _("The two new passwords differ.")},
        )
    try:
        auth.change_own_password(
            session,
            settings=visitor.runtime.settings,
            principal=principal,
            current_password=current_password,
            new_password=new_password,
        )
    except InvalidInput as exc:
        return visitor.render("password.html", status_code=422, errors=_errors(exc))
    # Changing the password ended every session; this browser continues in a fresh one.
    assert visitor.web_session is not None
    token = auth.start_web_session(
        session,
        settings=visitor.runtime.settings,
        user=visitor.web_session.user,
        stage="complete",
        second_factor=visitor.web_session.second_factor,
        client_address=client_address(request),
    )
    response = visitor.redirect("/", flash=("success", _("Your password has been changed.")))
    visitor.sign_in(response, token)
    return response


# ---------------------------------------------------------------- dashboard


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    figures = service.count_dashboard(session, principal=principal)
    agency = (
        service.get_agency(session, principal=principal, agency_id=principal.agency_id or 0)
        if principal.agency_id
        else None
    )
    regions = [
        (
            region,
            reference.REGION_NAMES[region].get(visitor.lang, reference.REGION_NAMES[region]["en"]),
            len(reference.countries_in_region(region)),
        )
        for region in reference.Region
    ]
    return visitor.render(
        "dashboard.html",
        figures=figures,
        agency=agency,
        regions=regions,
        region_max=max(count for _, _, count in regions),
        country_name=_country_name(agency.country, visitor.lang)
        if agency and agency.country
        else None,
        **_labels(visitor),
    )


def _country_name(alpha3: str | None, lang: str) -> str:
    if not alpha3:
        return ""
    try:
        return reference.member_by_alpha3(alpha3).name(lang)
    except KeyError:
        return alpha3


# ---------------------------------------------------------------- agencies


AGENCY_KIND_LABELS = {
    AgencyKind.NCB: N_("National Central Bureau"),
    AgencyKind.SPECIALIZED_UNIT: N_("Specialized unit"),
    AgencyKind.BORDER_POST: N_("Border post"),
    AgencyKind.GENERAL_SECRETARIAT: N_("General Secretariat"),
    AgencyKind.REGIONAL_PARTNER: N_("Regional partner"),
    AgencyKind.PRIVATE_PARTNER: N_("Private partner"),
}
SPECIALTY_LABELS = {
    UnitSpecialty.ORGANIZED_CRIME: N_("Organized crime"),
    UnitSpecialty.CYBERCRIME: N_("Cybercrime"),
    UnitSpecialty.COUNTER_TERRORISM: N_("Counter-terrorism"),
    UnitSpecialty.FINANCIAL_INVESTIGATIONS: N_("Financial investigations"),
    UnitSpecialty.CHILD_PROTECTION: N_("Child protection"),
    UnitSpecialty.ENVIRONMENTAL_CRIME: N_("Environmental crime"),
}
ROLE_LABELS = {
    Role.OFFICER: N_("Officer"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.BORDER_OFFICER: N_("Border officer"),
    Role.ANALYST: N_("Analyst"),
    Role.COMPLIANCE_REVIEWER: N_("Compliance reviewer"),
    Role.DATA_PROTECTION_OFFICER: N_("Data protection officer"),
    Role.ADMINISTRATOR: N_("Administrator"),
}


def _labels(visitor: Visitor) -> dict[str, Any]:
    return {
        "kind_labels": {k.value: _(v) for k, v in AGENCY_KIND_LABELS.items()},
        "specialty_labels": {k.value: _(v) for k, v in SPECIALTY_LABELS.items()},
        "role_labels": {k.value: _(v) for k, v in ROLE_LABELS.items()},
        "countries": sorted(
            ((m.alpha3, m.name(visitor.lang)) for m in reference.member_countries()),
            key=lambda c: c[1],
        ),
    }


@router.get("/admin/agencies", response_class=HTMLResponse)
def agencies(
    request: Request,
    session: DbSession,
    country: Annotated[str | None, Query(max_length=3)] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    kind = kind if kind in {k.value for k in AgencyKind} else None
    result = service.list_agencies(
        session,
        principal=principal,
        country=country or None,
        kind=kind,
        search=q,
        page=page,
        per_page=50,
    )
    names = service.country_names(visitor.lang)
    return visitor.render(
        "agencies.html",
        page=result,
        filters={"country": country or "", "kind": kind or "", "q": q or ""},
        country_names=names,
        may_create=principal.has_role(Role.ADMINISTRATOR),
        **_labels(visitor),
    )


@router.get("/admin/agencies/new", response_class=HTMLResponse)
def agency_form(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    _administrator(visitor)
    return visitor.render("agency_new.html", errors={}, values={}, **_labels(visitor))


@router.post("/admin/agencies/new", response_class=HTMLResponse)
def create_agency(
    request: Request,
    session: DbSession,
    csrf_token: Csrf,
    code: Annotated[str, Form(max_length=60)] = "",
    name: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form(max_length=40)] = "",
    country: Annotated[str, Form(max_length=3)] = "",
    specialty: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    visitor.check_csrf(csrf_token)
    values = {"code": code, "name": name, "kind": kind, "country": country, "specialty": specialty}
    try:
        try:
            agency_kind = AgencyKind(kind)
        except ValueError:
            raise InvalidInput.on("kind", "choose a kind of agency") from None
        try:
            unit = UnitSpecialty(specialty) if specialty else None
        except ValueError:
            raise InvalidInput.on("specialty", "choose a specialty") from None
        agency = service.create_agency(
            session,
            principal=principal,
            code=code,
            name=name,
            kind=agency_kind,
            country=country or None,
            specialty=unit,
        )
    except (InvalidInput, Conflict) as exc:
        return visitor.render(
            "agency_new.html",
            status_code=422,
            errors=_errors(exc),
            values=values,
            **_labels(visitor),
        )
    return visitor.redirect(
        f"/admin/agencies?q={agency.code}", flash=("success", _("The agency has been created."))
    )


# ---------------------------------------------------------------- users


@router.get("/admin/users", response_class=HTMLResponse)
def users(
    request: Request,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    result = service.list_users(session, principal=principal, search=q, page=page, per_page=50)
    return visitor.render("users.html", page=result, filters={"q": q or ""}, **_labels(visitor))


def _administered_agencies(visitor: Visitor) -> list[tuple[int, str]]:
    principal = visitor.principal()
    if principal.agency_id is not None and not rules.is_platform_administrator(principal):
        agency = service.get_agency(
            visitor.session, principal=principal, agency_id=principal.agency_id
        )
        return [(agency.id, f"{agency.code} · {agency.name}")]
    result = service.list_agencies(visitor.session, principal=principal, per_page=200)
    options = [(a.id, f"{a.code} · {a.name}") for a in result.items]
    return options


@router.get("/admin/users/new", response_class=HTMLResponse)
def user_form(
    request: Request, session: DbSession, agency: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    visitor = visit(request, session)
    _administrator(visitor)
    return visitor.render(
        "user_new.html", errors={}, values={"agency_code": agency or ""}, **_labels(visitor)
    )


@router.post("/admin/users/new", response_class=HTMLResponse)
def create_user(
    request: Request,
    session: DbSession,
    csrf_token: Csrf,
    agency_code: Annotated[str, Form(max_length=60)] = "",
    username: Annotated[str, Form(max_length=100)] = "",
    display_name: Annotated[str, Form(max_length=300)] = "",
    email: Annotated[str, Form(max_length=300)] = "",
    nationality: Annotated[str, Form(max_length=10)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    visitor.check_csrf(csrf_token)
    values: dict[str, Any] = {
        "agency_code": agency_code,
        "username": username,
        "display_name": display_name,
        "email": email,
        "nationality": nationality,
        "roles": roles or [],
    }
    try:
        agency_id = _form_agency_id(visitor, principal, agency_code)
        user = service.create_user(
            session,
            settings=visitor.runtime.settings,
            principal=principal,
            agency_id=agency_id,
            username=username,
            display_name=display_name,
            email=email or None,
            roles=roles or [],
            password=password,
            nationality=nationality.strip() or None,
        )
    except NotFound:
        return visitor.render(
            "user_new.html",
            status_code=422,
            errors={"agency_code": "no agency with this code that you administer"},
            values=values,
            **_labels(visitor),
        )
    except (InvalidInput, Conflict) as exc:
        return visitor.render(
            "user_new.html", status_code=422, errors=_errors(exc), values=values, **_labels(visitor)
        )
    return visitor.redirect(
        f"/admin/users/{user.id}", flash=("success", _("The account has been created."))
    )


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_detail(request: Request, session: DbSession, user_id: RowId) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    user = service.get_user(session, principal=principal, user_id=user_id)
    if not principal.has_role(Role.ADMINISTRATOR):
        raise NotFound("no such user")
    throttle = service.lockout_state(session, username=user.username)
    return visitor.render(
        "user_detail.html", account=user, throttle=throttle, errors={}, **_labels(visitor)
    )


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def update_user(
    request: Request,
    session: DbSession,
    user_id: RowId,
    csrf_token: Csrf,
    action: Annotated[str, Form(max_length=40)] = "update",
    display_name: Annotated[str, Form(max_length=300)] = "",
    email: Annotated[str, Form(max_length=300)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    active: Annotated[str, Form(max_length=5)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    visitor.check_csrf(csrf_token)
    settings = visitor.runtime.settings
    try:
        if action == "update":
            service.update_user(
                session,
                principal=principal,
                user_id=user_id,
                display_name=display_name,
                email=email,
                roles=roles or [],
                active=active == "on",
            )
            message = _("The account has been updated.")
        elif action == "reset_password":
            service.reset_password(
                session,
                settings=settings,
                principal=principal,
                user_id=user_id,
                new_password=new_password,
            )
            message = _(
                "A temporary password has been set; the user must change it at the next sign-in."
            )
        elif action == "unlock":
            service.unlock_user(session, principal=principal, user_id=user_id)
            message = _("The account has been unlocked.")
        elif action == "reset_second_factor":
            service.reset_second_factor(session, principal=principal, user_id=user_id)
            message = _(
                "The authenticator has been reset; the user enrols a new one at the next sign-in."
            )
        else:
            raise InvalidInput.on("action", "unknown action")
    except InvalidInput as exc:
        session.rollback()
        user = service.get_user(session, principal=principal, user_id=user_id)
        throttle = service.lockout_state(session, username=user.username)
        return visitor.render(
            "user_detail.html",
            status_code=422,
            account=user,
            throttle=throttle,
            errors=_errors(exc),
            **_labels(visitor),
        )
    return visitor.redirect(f"/admin/users/{user_id}", flash=("success", message))


# ---------------------------------------------------------------- API keys


@router.get("/admin/api-keys", response_class=HTMLResponse)
def api_keys(
    request: Request, session: DbSession, page: PageQuery = 1, revoked: bool = False
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    result = service.list_api_keys(session, principal=principal, include_revoked=revoked, page=page)
    return visitor.render("api_keys.html", page=result, revoked=revoked, **_labels(visitor))


API_KEY_ROLES = [r for r in Role if r not in service.ROLES_NOT_FOR_API_KEYS]


@router.get("/admin/api-keys/new", response_class=HTMLResponse)
def api_key_form(request: Request, session: DbSession) -> Response:
    visitor = visit(request, session)
    _administrator(visitor)
    return visitor.render(
        "api_key_new.html",
        errors={},
        values={"expires_in_days": 90},
        key_roles=API_KEY_ROLES,
        **_labels(visitor),
    )


@router.post("/admin/api-keys/new", response_class=HTMLResponse)
def create_api_key(
    request: Request,
    session: DbSession,
    csrf_token: Csrf,
    name: Annotated[str, Form(max_length=300)] = "",
    agency_code: Annotated[str, Form(max_length=60)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    expires_in_days: Annotated[str, Form(max_length=10)] = "90",
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    visitor.check_csrf(csrf_token)
    values: dict[str, Any] = {
        "name": name,
        "agency_code": agency_code,
        "roles": roles or [],
        "expires_in_days": expires_in_days,
    }
    try:
        try:
            days = int(expires_in_days)
        except ValueError:
            raise InvalidInput.on("expires_in_days", "give a whole number of days") from None
        agency_id = _form_agency_id(visitor, principal, agency_code)
        key, plaintext = service.create_api_key(
            session,
            settings=visitor.runtime.settings,
            principal=principal,
            agency_id=agency_id,
            name=name,
            roles=roles or [],
            expires_in_days=days,
        )
    except NotFound:
        return visitor.render(
            "api_key_new.html",
            status_code=422,
            errors={"agency_code": "no agency with this code that you administer"},
            values=values,
            key_roles=API_KEY_ROLES,
            **_labels(visitor),
        )
    except InvalidInput as exc:
        return visitor.render(
            "api_key_new.html",
            status_code=422,
            errors=_errors(exc),
            values=values,
            key_roles=API_KEY_ROLES,
            **_labels(visitor),
        )
    return visitor.render("api_key_created.html", key=key, plaintext=plaintext, **_labels(visitor))


@router.post("/admin/api-keys/{key_id}/revoke")
def revoke_api_key(
    request: Request, session: DbSession, key_id: RowId, csrf_token: Csrf
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    visitor.check_csrf(csrf_token)
    service.revoke_api_key(session, principal=principal, key_id=key_id)
    return visitor.redirect(
        "/admin/api-keys", flash=("success", _("The API key has been revoked."))
    )


# ---------------------------------------------------------------- audit log


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: DbSession,
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    page: PageQuery = 1,
) -> Response:
    visitor = visit(request, session)
    principal = visitor.principal()
    result = audit_service.list_events(
        session,
        principal=principal,
        action=action or None,
        actor_name=actor or None,
        page=page,
        per_page=50,
    )
    return visitor.render(
        "audit.html", page=result, filters={"action": action or "", "actor": actor or ""}
    )


# ---------------------------------------------------------------- errors


def install(app: FastAPI) -> None:
    """Handlers that answer portal requests with pages rather than problem documents."""

    @app.exception_handler(PasswordChangeRequired)
    async def _password_change(request: Request, exc: PasswordChangeRequired) -> Response:
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        target = "/login" if exc.next_path in ("/", "") else f"/login?next={exc.next_path}"
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return _error_page(
            request, 403, _("This form has expired. Go back, reload the page and try again.")
        )

    app.state.portal_error_page = _error_page


def _error_page(request: Request, status: int, message: str) -> Response:
    """A portal page for an error, in the visitor's language."""
    runtime = request.app.state.runtime
    lang = i18n.negotiate_language(
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
        runtime.settings.default_language,
    )
    with i18n.use_language(lang):
        titles = {
            400: _("This request cannot be answered"),
            401: _("Sign-in needed"),
            403: _("Not allowed"),
            404: _("Not found"),
            405: _("Not found"),
        }
        title = titles.get(status, _("Something went wrong"))
    html = i18n.render(
        TEMPLATES,
        "error.html",
        lang,
        status=status,
        title=title,
        message=message,
        principal=None,
        csrf_token=None,
        current_path=request.url.path,
        flashes=[],
        static_url="/static",
    )
    return HTMLResponse(html, status_code=status)
