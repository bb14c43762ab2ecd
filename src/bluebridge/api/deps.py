"""FastAPI dependencies: the runtime, one database session per request (committed before the
response is sent), the request context, and the principal behind an API key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from bluebridge.access.principal import Channel, Principal, RequestContext
from bluebridge.errors import AuthenticationFailed
from bluebridge.members.authentication import authenticate_api_key
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_settings(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Settings:
    return runtime.settings


def db_session(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Iterator[Session]:
    """One transaction per request: committed if the handler succeeds, else rolled back."""
    session = runtime.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
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


def api_principal(
    request: Request,
    session: DbSession,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    header_key: Annotated[str | None, Security(_header)],
) -> Principal:
    """The principal of an API key given as a bearer token or in X-API-Key."""
    presented = bearer.credentials if bearer is not None else header_key
    context = request_context(request, Channel.API)
    if not presented:
        raise AuthenticationFailed("an API key is required (Authorization: Bearer …)")
    try:
        return authenticate_api_key(session, presented=presented, context=context)
    except AuthenticationFailed:
        # Keep the audit event of the refusal although the request fails.
        session.commit()
        raise


ApiPrincipal = Annotated[Principal, Depends(api_principal)]
