"""What every portal page needs: the language, the signed-in principal from the session
cookie, CSRF protection on every form, and rendering with flash messages. Pages themselves
live in routes.py and call the domain services like every other way in."""

from __future__ import annotations

import secrets
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bluebridge.access import payments as igrip_access
from bluebridge.access import rules
from bluebridge.access.principal import Channel, Principal, Role
from bluebridge.api.deps import request_context
from bluebridge.members.authentication import SESSION_COOKIE, load_web_session, principal_for_user
from bluebridge.members.models import User, WebSession
from bluebridge.members.security import csrf_token, digests_equal, session_csrf_token
from bluebridge.runtime import Runtime
from bluebridge.screening import service as screening_service
from bluebridge.web import i18n

PRESESSION_COOKIE = "bb_pre"
LANGUAGE_COOKIE = "bb_lang"
FLASH_COOKIE = "bb_flash"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATES = i18n.make_jinja_env(TEMPLATES_DIR)


class LoginRequired(Exception):
    """The page needs a signed-in user; the handler redirects to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class CsrfFailed(Exception):
    """A form arrived without the token of this browser's session."""


class PasswordChangeRequired(Exception):
    """The user must choose a new password before anything else."""


@dataclass
class Visitor:
    """One browser's request: its language, its cookies, and its signed-in user if any."""

    request: Request
    runtime: Runtime
    session: Session
    lang: str
    web_session: WebSession | None = None
    session_token: str | None = None
    pre_token: str | None = None
    new_pre_token: bool = False
    flashes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def user(self) -> User | None:
        return self.web_session.user if self.web_session is not None else None

    @property
    def complete(self) -> bool:
        return self.web_session is not None and self.web_session.stage == "complete"

    def principal(self, *, allow_pending_password_change: bool = False) -> Principal:
        """The signed-in principal, or LoginRequired; a user who must change the password
        reaches nothing else until it is done."""
        if not self.complete or self.web_session is None:
            raise LoginRequired(self.request.url.path)
        if self.web_session.user.must_change_password and not allow_pending_password_change:
            raise PasswordChangeRequired
        principal = principal_for_user(
            self.web_session.user,
            request_context(self.request, Channel.WEB),
            second_factor=self.web_session.second_factor,
        )
        self.request.state.principal = principal  # for the audit of a refusal
        return principal

    @property
    def csrf_binding(self) -> str:
        if self.session_token:
            return "s:" + self.session_token
        if self.pre_token is None:
            self.pre_token, self.new_pre_token = secrets.token_urlsafe(24), True
        return "p:" + self.pre_token

    @property
    def csrf(self) -> str:
        if self.session_token:
            return session_csrf_token(self.runtime.settings, self.session_token)
        return csrf_token(self.runtime.settings, self.csrf_binding)

    def check_csrf(self, presented: str) -> None:
        """CsrfFailed unless a form carries the token of this browser's session."""
        if not presented or not digests_equal(presented, self.csrf):
            raise CsrfFailed

    def flash(self, kind: str, text: str) -> None:
        self.flashes.append((kind, text))

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        principal = self.principal(allow_pending_password_change=True) if self.complete else None
        html = i18n.render(
            TEMPLATES,
            template,
            self.lang,
            principal=principal,
            user=self.user if self.complete else None,
            principal_is_admin=principal is not None and principal.has_role(Role.ADMINISTRATOR),
            principal_is_platform_admin=principal is not None
            and rules.is_platform_administrator(principal),
            may_read_audit=principal is not None
            and principal.has_role(Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER),
            may_screen=principal is not None and screening_service.may_screen(principal),
            may_read_hits=principal is not None
            and (principal.is_operator or principal.has_role(*screening_service.INBOX_ROLES)),
            may_use_igrip=principal is not None and igrip_access.may_use(principal),
            agency_name=self.user.agency.name if self.complete and self.user else None,
            csrf_token=self.csrf,
            current_path=self.request.url.path,
            flashes=self._pending_flashes() + self.flashes,
            static_url="/static",
            **context,
        )
        response = HTMLResponse(html, status_code=status_code)
        self.finish(response)
        return response

    def _pending_flashes(self) -> list[tuple[str, str]]:
        raw = self.request.cookies.get(FLASH_COOKIE)
        if not raw:
            return []
        kind, _, text = urllib.parse.unquote(raw).partition("|")
        if kind not in ("success", "info", "error"):
            return []
        return [(kind, text[:300])]

    def redirect(self, path: str, *, flash: tuple[str, str] | None = None) -> RedirectResponse:
        response = RedirectResponse(path, status_code=303)
        self.finish(response)
        if flash is not None:
            self._set_cookie(
                response, FLASH_COOKIE, urllib.parse.quote(f"{flash[0]}|{flash[1]}"), max_age=60
            )
        return response

    def finish(self, response: Response) -> None:
        """Set the cookies this visit needs on the response."""
        if self.new_pre_token and self.pre_token is not None:
            self._set_cookie(response, PRESESSION_COOKIE, self.pre_token, max_age=3600 * 12)
        if self.request.cookies.get(FLASH_COOKIE):
            response.delete_cookie(FLASH_COOKIE, path="/")
        response.headers["cache-control"] = "no-store"

    def _set_cookie(
        self, response: Response, name: str, value: str, *, max_age: int | None = None
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            secure=self.runtime.settings.cookie_secure,
            httponly=True,
            samesite="strict" if name != LANGUAGE_COOKIE else "lax",
        )

    def sign_in(self, response: Response, token: str) -> None:
        self._set_cookie(
            response,
            SESSION_COOKIE,
            token,
            max_age=self.runtime.settings.session_absolute_hours * 3600,
        )

    def sign_out(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/")

    def set_language(self, response: Response, lang: str) -> None:
        self._set_cookie(response, LANGUAGE_COOKIE, lang, max_age=3600 * 24 * 365)


def visit(request: Request, session: Session) -> Visitor:
    """The visitor of a request, with the session cookie checked against the store."""
    runtime: Runtime = request.app.state.runtime
    lang = i18n.negotiate_language(
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
        runtime.settings.default_language,
    )
    visitor = Visitor(request=request, runtime=runtime, session=session, lang=lang)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        web_session = load_web_session(session, settings=runtime.settings, token=token)
        if web_session is not None:
            visitor.web_session, visitor.session_token = web_session, token
            if web_session.user.language and LANGUAGE_COOKIE not in request.cookies:
                visitor.lang = web_session.user.language
    visitor.pre_token = request.cookies.get(PRESESSION_COOKIE)
    # The handler runs in its own context (a worker thread), so this lasts for this request.
    i18n.activate(visitor.lang)
    return visitor


def safe_next(value: str | None) -> str:
    """A local path to return to, never another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
