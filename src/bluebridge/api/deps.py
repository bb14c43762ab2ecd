"""FastAPI dependencies: the runtime, one database session per request (committed before the
response is sent, and a refusal after authentication audited), the request context, and the
principal behind an API key or a signed-in portal session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from bluebridge.access.principal import Channel, Principal, RequestContext
from bluebridge.audit import service as audit
from bluebridge.errors import AuthenticationFailed, PermissionDenied
from bluebridge.members.authentication import (
    SESSION_COOKIE,
    authenticate_api_caller,
    load_web_session,
    principal_for_user,
)
from bluebridge.members.security import digests_equal, session_csrf_token
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


# The dependencies that do no I/O are coroutines: FastAPI runs a plain function in a thread,
# and every hop to a thread and back is a wait for the GIL under load.
async def runtime_dependency(request: Request) -> Runtime:
    return get_runtime(request)


async def get_settings(runtime: Annotated[Runtime, Depends(runtime_dependency)]) -> Settings:
    return runtime.settings


# Ending a session may wait for the database: in a thread of its own, so that it never waits
# for a thread held by a request that waits for a connection (as FastAPI does for a plain
# generator), and shielded, so that a client going away still ends the transaction.
_ENDING = anyio.CapacityLimiter(1_000)


async def db_session(
    request: Request, runtime: Annotated[Runtime, Depends(runtime_dependency)]
) -> AsyncIterator[Session]:
    """One transaction per request: committed if the handler succeeds, else rolled back. A
    principal refused an action (403) leaves an audit event saying what it tried. Opening
    the session does no I/O (the connection is taken at the first query)."""
    session = runtime.sessions()
    try:
        yield session
    except BaseException as exc:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_end_refused, request, session, exc, limiter=_ENDING)
        raise
    else:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_end_committed, session, limiter=_ENDING)


def _end_committed(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _end_refused(request: Request, session: Session, exc: BaseException) -> None:
    try:
        session.rollback()
        principal: Principal | None = getattr(request.state, "principal", None)
        if isinstance(exc, PermissionDenied) and principal is not None:
            audit.record(
                session,
                principal=principal,
                action="access.denied",
                outcome=audit.Outcome.DENIED,
                details={"method": request.method, "path": request.url.path, "reason": exc.detail},
            )
            session.commit()
    finally:
        session.close()


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def request_context(request: Request, channel: Channel) -> RequestContext:
    return RequestContext(
        channel=channel,
        request_id=getattr(request.state, "request_id", None) or RequestContext(channel).request_id,
        client_address=client_address(request),
    )


DbSession = Annotated[Session, Depends(db_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer bbk_…`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key, as a header.")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="A signed-in portal session (with its CSRF token in `X-CSRF-Token` for changes).",
)


def _session_principal(
    request: Request, session: Session, settings: Settings, token: str
) -> Principal:
    """A person signed in to the portal, calling the API from it (administration needs a
    person who passed the second factor, never a machine key)."""
    web_session = load_web_session(session, settings=settings, token=token)
    if web_session is None or web_session.stage != "complete":
        raise AuthenticationFailed("the portal session has ended: sign in again")
    principal = principal_for_user(
        web_session.user,
        request_context(request, Channel.API),
        second_factor=web_session.second_factor,
    )
    request.state.principal = principal  # so that a refusal below is audited as this person's
    request.state.agency_code = web_session.user.agency.code
    if web_session.user.must_change_password:
        raise PermissionDenied("change your password in the portal first")
    if request.method not in SAFE_METHODS:
        presented = request.headers.get("x-csrf-token", "")
        if not presented or not digests_equal(presented, session_csrf_token(settings, token)):
            raise PermissionDenied("a change made with a portal session needs its X-CSRF-Token")
    return principal


def api_principal(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    header_key: Annotated[str | None, Security(_header)],
    session_token: Annotated[str | None, Security(_cookie)],
) -> Principal:
    """The principal of an API key (bearer token or X-API-Key), or else of the portal
    session whose cookie came with the request."""
    presented = bearer.credentials if bearer is not None else header_key
    if presented:
        try:
            caller = authenticate_api_caller(
                session, presented=presented, context=request_context(request, Channel.API)
            )
        except AuthenticationFailed:
            # Keep the audit event of the refusal although the request fails.
            session.commit()
            raise
        principal = caller.principal
        request.state.agency_code = caller.agency_code
    elif session_token:
        try:
            principal = _session_principal(request, session, settings, session_token)
        except AuthenticationFailed:
            session.commit()  # keep an expired session marked as ended
            raise
    else:
        raise AuthenticationFailed(
            "an API key (Authorization: Bearer …) or a signed-in portal session is required"
        )
    request.state.principal = principal
    return principal


ApiPrincipal = Annotated[Principal, Depends(api_principal)]
