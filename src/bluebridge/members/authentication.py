"""Signing in: passwords with lockout, the TOTP second factor and its enrolment, portal
sessions, and API keys. Every failure is audited and told to the caller in words that never
reveal whether an account exists."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from enum import StrEnum

import pyotp
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from bluebridge.access.principal import (
    ROLES_REQUIRING_SECOND_FACTOR,
    Principal,
    PrincipalKind,
    RequestContext,
    Role,
)
from bluebridge.audit import service as audit
from bluebridge.audit.service import Outcome
from bluebridge.errors import AuthenticationFailed, InvalidInput
from bluebridge.members.models import Agency, ApiKey, LoginThrottle, User, WebSession
from bluebridge.members.security import (
    SealBroken,
    burn_password_check,
    digests_equal,
    hash_password,
    needs_rehash,
    parse_api_key,
    seal,
    token_digest,
    unseal,
    verify_password,
)
from bluebridge.members.service import check_password_strength
from bluebridge.settings import Settings
from bluebridge.store.base import utcnow

log = logging.getLogger("bluebridge.members")
GENERIC_FAILURE = "Unknown user name or wrong password."
SESSION_COOKIE = "bb_session"
TOTP_ISSUER = "Bluebridge"
API_KEY_TOUCH_INTERVAL = dt.timedelta(minutes=1)


class SignInStep(StrEnum):
    FAILED = "failed"
    LOCKED = "locked"
    SECOND_FACTOR = "second_factor"  # password accepted; a TOTP code is due
    ENROL = "enrol"  # password accepted; the user must set up an authenticator first
    DONE = "done"


@dataclass(frozen=True, slots=True)
class SignIn:
    step: SignInStep
    user: User | None = None
    locked_until: dt.datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.step in (SignInStep.SECOND_FACTOR, SignInStep.ENROL, SignInStep.DONE)


def principal_for_user(user: User, context: RequestContext, *, second_factor: bool) -> Principal:
    """The principal a signed-in user acts as."""
    return Principal(
        kind=PrincipalKind.USER,
        id=user.id,
        name=user.username,
        agency_id=user.agency_id,
        agency_kind=user.agency.kind,
        country=user.agency.country,
        roles=frozenset(Role(r) for r in user.roles),
        context=context,
        second_factor=second_factor,
        region=user.agency.region,
        specialty=user.agency.specialty,
        nationality=user.nationality,
    )


def second_factor_required(user: User) -> bool:
    """Required for roles that publish, review or administer; used whenever enrolled."""
    return user.totp_confirmed or bool(
        ROLES_REQUIRING_SECOND_FACTOR.intersection(Role(r) for r in user.roles)
    )


def _throttle(session: Session, username: str) -> LoginThrottle:
    throttle = session.get(LoginThrottle, username)
    if throttle is None:
        throttle = LoginThrottle(username=username, failures=0)
        session.add(throttle)
    return throttle


def _locked_until(session: Session, username: str) -> dt.datetime | None:
    throttle = session.get(LoginThrottle, username)
    if (
        throttle is not None
        and throttle.locked_until is not None
        and throttle.locked_until > utcnow()
    ):
        return throttle.locked_until
    return None


def _register_failure(
    session: Session, settings: Settings, username: str, context: RequestContext, reason: str
) -> SignIn:
    now = utcnow()
    throttle = _throttle(session, username)
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= settings.lockout_threshold:
        throttle.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
        throttle.failures = 0
        audit.record(
            session,
            context=context,
            actor_name=username,
            action="login.locked",
            outcome=Outcome.DENIED,
            details={"locked_until": throttle.locked_until, "after": reason},
        )
        return SignIn(SignInStep.LOCKED, locked_until=throttle.locked_until)
    audit.record(
        session,
        context=context,
        actor_name=username,
        action="login.failed",
        outcome=Outcome.DENIED,
        details={"reason": reason, "failures": throttle.failures},
    )
    return SignIn(SignInStep.FAILED)


def sign_in_password(
    session: Session, *, settings: Settings, username: str, password: str, context: RequestContext
) -> SignIn:
    """First step of a sign-in. The caller commits whatever the outcome, so failures and
    lockouts are kept and audited."""
    username = username.strip().lower()[:64]
    locked = _locked_until(session, username)
    if locked is not None:
        burn_password_check(settings, password)
        audit.record(
            session,
            context=context,
            actor_name=username,
            action="login.refused_locked",
            outcome=Outcome.DENIED,
        )
        return SignIn(SignInStep.LOCKED, locked_until=locked)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        burn_password_check(settings, password)
        return _register_failure(session, settings, username, context, "unknown user")
    if not verify_password(settings, user.password_hash, password):
        return _register_failure(session, settings, username, context, "wrong password")
    if not user.active or not user.agency.active:
        return _register_failure(session, settings, username, context, "account inactive")
    if needs_rehash(settings, user.password_hash):
        user.password_hash = hash_password(settings, password)
    if not second_factor_required(user):
        _succeed(session, user, context, second_factor=False)
        return SignIn(SignInStep.DONE, user=user)
    step = SignInStep.SECOND_FACTOR if user.totp_confirmed else SignInStep.ENROL
    audit.record(
        session,
        context=context,
        actor_name=username,
        action="login.password_accepted",
        object_type="user",
        object_id=user.id,
        details={"next": step.value},
    )
    return SignIn(step, user=user)


def _succeed(session: Session, user: User, context: RequestContext, *, second_factor: bool) -> None:
    user.last_login_at = utcnow()
    throttle = session.get(LoginThrottle, user.username)
    if throttle is not None:
        session.delete(throttle)
    audit.record(
        session,
        principal=principal_for_user(user, context, second_factor=second_factor),
        action="login.success",
        object_type="user",
        object_id=user.id,
        details={"second_factor": second_factor},
    )


def _totp(settings: Settings, user: User) -> pyotp.TOTP:
    assert user.totp_secret_sealed is not None
    return pyotp.TOTP(unseal(settings, user.totp_secret_sealed))


def _accept_code(settings: Settings, user: User, code: str) -> bool:
    """Check a TOTP code, one step of clock drift either way, and never the same step twice."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6 or user.totp_secret_sealed is None:
        return False
    try:
        totp = _totp(settings, user)
    except SealBroken:
        # The installation's secret key changed: no code can be checked until an
        # administrator resets this user's second factor.
        log.error("second factor of user %s cannot be unsealed; reset it", user.id)
        return False
    now = utcnow()
    for drift in (0, -1, 1):
        at = now + dt.timedelta(seconds=drift * totp.interval)
        step = totp.timecode(at)
        if secrets.compare_digest(totp.at(at), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def sign_in_second_factor(
    session: Session, *, settings: Settings, user_id: int, code: str, context: RequestContext
) -> SignIn:
    """Second step: a TOTP code from the enrolled authenticator."""
    user = session.get(User, user_id)
    if user is None or not user.active or not user.totp_confirmed:
        return SignIn(SignInStep.FAILED)
    locked = _locked_until(session, user.username)
    if locked is not None:
        return SignIn(SignInStep.LOCKED, locked_until=locked)
    if not _accept_code(settings, user, code):
        return _register_failure(session, settings, user.username, context, "wrong second factor")
    _succeed(session, user, context, second_factor=True)
    return SignIn(SignInStep.DONE, user=user)


def begin_enrolment(session: Session, *, settings: Settings, user_id: int) -> str:
    """Give the user a new TOTP secret (kept sealed until confirmed); returns its otpauth URI."""
    user = session.get(User, user_id)
    if user is None or user.totp_confirmed:
        raise InvalidInput.on("code", "an authenticator is already enrolled")
    try:
        if user.totp_secret_sealed is not None:
            unseal(settings, user.totp_secret_sealed)
    except SealBroken:
        user.totp_secret_sealed = None
    if user.totp_secret_sealed is None:
        user.totp_secret_sealed = seal(settings, pyotp.random_base32())
    return enrolment_uri(settings, user)


def enrolment_uri(settings: Settings, user: User) -> str:
    return _totp(settings, user).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def enrolment_secret(settings: Settings, user: User) -> str:
    """The base32 secret, to type into an authenticator that cannot scan the code."""
    assert user.totp_secret_sealed is not None
    return unseal(settings, user.totp_secret_sealed)


def confirm_enrolment(
    session: Session, *, settings: Settings, user_id: int, code: str, context: RequestContext
) -> SignIn:
    """Finish enrolment with a first code from the new authenticator; this signs the user in."""
    user = session.get(User, user_id)
    if user is None or user.totp_confirmed or user.totp_secret_sealed is None:
        return SignIn(SignInStep.FAILED)
    if not _accept_code(settings, user, code):
        return _register_failure(session, settings, user.username, context, "wrong enrolment code")
    user.totp_confirmed = True
    audit.record(
        session,
        principal=principal_for_user(user, context, second_factor=True),
        action="user.second_factor_enrolled",
        object_type="user",
        object_id=user.id,
    )
    _succeed(session, user, context, second_factor=True)
    return SignIn(SignInStep.DONE, user=user)


def set_totp_secret(session: Session, *, settings: Settings, user: User, secret: str) -> None:
    """Enrol a known secret (the demo world prints it so a visitor can sign in)."""
    user.totp_secret_sealed = seal(settings, secret)
    user.totp_confirmed = True


def change_own_password(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    current_password: str,
    new_password: str,
) -> None:
    """A signed-in user replaces their password (required after an administrator's reset)."""
    user = session.get(User, principal.id) if principal.kind is PrincipalKind.USER else None
    if user is None:
        raise AuthenticationFailed("sign in as a user to change a password")
    if not verify_password(settings, user.password_hash, current_password):
        raise InvalidInput.on("current_password", "is not your current password")
    if current_password == new_password:
        raise InvalidInput.on("new_password", "must differ from the current password")
    check_password_strength(settings, new_password, user.username, field="new_password")
    user.password_hash = hash_password(settings, new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    # Every session ends; the portal gives the browser that made the change a fresh one.
    for web_session in session.scalars(
        select(WebSession).where(WebSession.user_id == user.id, WebSession.revoked.is_(False))
    ):
        web_session.revoked = True
    audit.record(
        session,
        principal=principal,
        action="user.password_change",
        object_type="user",
        object_id=user.id,
    )


# ---------------------------------------------------------------- portal sessions


def start_web_session(
    session: Session,
    *,
    settings: Settings,
    user: User,
    stage: str,
    second_factor: bool,
    client_address: str | None,
) -> str:
    """A new portal session; returns the cookie token (only its digest is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            token_digest=token_digest(token),
            user_id=user.id,
            stage=stage,
            second_factor=second_factor,
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_absolute_hours),
            client_address=client_address,
        )
    )
    return token


def load_web_session(session: Session, *, settings: Settings, token: str) -> WebSession | None:
    """The live session for a cookie token, or None when unknown, revoked, idle or expired."""
    if not token or len(token) > 128:
        return None
    web_session = session.get(WebSession, token_digest(token))
    if web_session is None or web_session.revoked:
        return None
    now = utcnow()
    idle_limit = web_session.last_seen_at + dt.timedelta(minutes=settings.session_idle_minutes)
    if now >= web_session.expires_at or now >= idle_limit:
        web_session.revoked = True
        return None
    if not web_session.user.active or not web_session.user.agency.active:
        return None
    # Touch at most once a minute: the idle clock needs no finer grain.
    if now - web_session.last_seen_at > dt.timedelta(minutes=1):
        web_session.last_seen_at = now
    return web_session


def end_web_session(session: Session, *, token: str, principal: Principal | None) -> None:
    web_session = session.get(WebSession, token_digest(token))
    if web_session is not None and not web_session.revoked:
        web_session.revoked = True
        if principal is not None:
            audit.record(
                session,
                principal=principal,
                action="logout",
                object_type="user",
                object_id=web_session.user_id,
            )


def purge_dead_sessions(session: Session) -> int:
    """Delete revoked and expired sessions and stale throttles; returns rows removed."""
    now = utcnow()
    removed = _rowcount(
        session.execute(
            delete(WebSession).where((WebSession.revoked.is_(True)) | (WebSession.expires_at < now))
        )
    )
    removed += _rowcount(
        session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.last_failure_at < now - dt.timedelta(days=1),
                (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now),
            )
        )
    )
    return removed


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------- API keys

API_KEY_FAILURE = "Invalid, expired or revoked API key."


# The key and its agency in one query, built once: every API request starts here.
_API_KEY_QUERY = select(
    ApiKey.id,
    ApiKey.prefix,
    ApiKey.key_digest,
    ApiKey.name,
    ApiKey.agency_id,
    ApiKey.roles,
    ApiKey.expires_at,
    ApiKey.revoked_at,
    ApiKey.last_used_at,
    Agency.kind.label("agency_kind"),
    Agency.country,
    Agency.region,
    Agency.specialty,
    Agency.active.label("agency_active"),
    Agency.code.label("agency_code"),
).join(Agency, Agency.id == ApiKey.agency_id)
_API_KEY_BY_PREFIX = _API_KEY_QUERY.where(ApiKey.prefix == bindparam("prefix"))


@dataclass(frozen=True, slots=True)
class ApiCaller:
    """Who is behind an API key: the principal, and its agency's code (for the hits it makes)."""

    principal: Principal
    agency_code: str


def authenticate_api_key(session: Session, *, presented: str, context: RequestContext) -> Principal:
    """The principal behind an API key; raises AuthenticationFailed (audited) otherwise."""
    return authenticate_api_caller(session, presented=presented, context=context).principal


def authenticate_api_caller(
    session: Session, *, presented: str, context: RequestContext
) -> ApiCaller:
    """The principal behind an API key and its agency's code, read in one query; raises
    AuthenticationFailed (audited) otherwise."""
    prefix = parse_api_key(presented)
    key = session.execute(_API_KEY_BY_PREFIX, {"prefix": prefix}).one_or_none() if prefix else None
    now = utcnow()
    reason: str | None = None
    if key is None or not digests_equal(key.key_digest, token_digest(presented.strip())):
        reason = "unknown key"
    elif key.revoked_at is not None:
        reason = "revoked"
    elif key.expires_at <= now:
        reason = "expired"
    elif not key.agency_active:
        reason = "agency inactive"
    if reason is not None or key is None:
        audit.record(
            session,
            context=context,
            actor_name=f"api_key:{prefix or 'malformed'}",
            action="api_key.refused",
            outcome=Outcome.DENIED,
            details={"reason": reason, "key_prefix": prefix},
        )
        raise AuthenticationFailed(API_KEY_FAILURE)
    if key.last_used_at is None or now - key.last_used_at > API_KEY_TOUCH_INTERVAL:
        # Written with the request's other changes at commit (once a minute per key).
        touched = session.get(ApiKey, key.id)
        if touched is not None:
            touched.last_used_at = now
    principal = Principal(
        kind=PrincipalKind.API_KEY,
        id=key.id,
        name=f"api_key:{key.prefix}:{key.name}",
        agency_id=key.agency_id,
        agency_kind=key.agency_kind,
        country=key.country,
        roles=frozenset(Role(r) for r in key.roles),
        context=context,
        second_factor=False,
        region=key.region,
        specialty=key.specialty,
    )
    return ApiCaller(principal, key.agency_code)
