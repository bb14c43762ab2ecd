"""Schema-generated input for every operation of the OpenAPI document (schemathesis 4.x,
through the ASGI application in-process): no answer is a server error, every answer has a
documented status and content type, every body matches its schema, and every error is a
problem document (RFC 9457).

``negative_data_rejection`` is left out on purpose: it reports a repeated scalar query
parameter (``?actor=a&actor=b``, where FastAPI keeps the last) as accepted invalid input, and,
for the administrator, a malformed Authorization header the substituted principal ignores.

How it is wired:

* The schema is the application's own OpenAPI document, built once at import (building it
  needs no database). ``schema.parametrize()`` makes one pytest test per operation, so the
  function-scoped fixtures of tests/conftest.py give each operation and caller a fresh store
  (a copy of the SQLite template, or the truncated PostgreSQL database); the Hypothesis
  examples of one test share it. ``schemathesis.pytest.from_fixture`` would load the schema
  from the ``app`` fixture instead, but with pytest 9.2 it fails on ``Node._nodeid``, which
  pytest no longer has.
* Each case goes to that test's application with ``case.call_and_validate(app=app)``.
* Callers, so that generation gets past the 401: a real API key with the officer and analyst
  roles; no key at all; a real General Secretariat DPO key for the audit routes; and a General
  Secretariat administrator. API keys cannot hold the administrator role and the API accepts
  nothing else, so for the last one the principal a signed-in administrator acts as replaces
  the API-key dependency: everything else, down to the store, runs as it would.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI, Request
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bluebridge.access.principal import Channel, Principal, Role
from bluebridge.api.app import OPENAPI_URL, create_app
from bluebridge.api.deps import api_principal, request_context
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from tests.conftest import World, bearer

MAX_EXAMPLES = 40


def _openapi_document() -> dict[str, Any]:
    """The document the application serves; an engine that is never connected will do."""
    settings_ = Settings(
        data_dir=Path(tempfile.gettempdir()),
        database_url="sqlite://",
        secret_key="test-secret-key-not-for-production",
    )
    return create_app(runtime=Runtime.start(settings_)).openapi()


schema = schemathesis.openapi.from_dict(_openapi_document())


def problem_documents(ctx: Any, response: Any, case: Any) -> None:
    """Every error is an RFC 9457 problem document about this very answer."""
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0].split(";")[0]
    assert content_type == "application/problem+json", f"error sent as {content_type!r}"
    body = response.json()
    assert body["status"] == response.status_code, body
    assert body["title"], body
    assert body["detail"], body
    assert body["request_id"] == response.headers["x-request-id"][0], body
    if response.status_code == 422:
        assert body["errors"], body
        assert all(e["field"] and e["reason"] for e in body["errors"]), body


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_documents,
]
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run, and on both stores
    # The store is fresh per operation and caller, shared by the examples of one test.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_document_is_the_one_served(client):
    assert client.get(OPENAPI_URL).json() == _openapi_document()
    assert len(list(schema.get_all_operations())) >= 19


@pytest.fixture(params=["officer_analyst_key", "no_key", "platform_administrator"])
def caller(request: pytest.FixtureRequest, app: FastAPI, world: World) -> dict[str, str]:
    """Headers to send (and, for the administrator, the principal the API sees)."""
    if request.param == "officer_analyst_key":
        return bearer(world.api_key(agency="FRA-NCB", roles=(Role.OFFICER, Role.ANALYST)))
    if request.param == "platform_administrator":
        signed_in = world.principal(world.user(agency="GS", roles=(Role.ADMINISTRATOR,)))

        def principal(http_request: Request) -> Principal:
            context = request_context(http_request, Channel.API)
            return dataclasses.replace(signed_in, context=context)

        app.dependency_overrides[api_principal] = principal
    return {}


# The live stream of unread counts never ends by design; its first event is tested in
# tests/messaging/test_messages_api_cli.py.
@schema.exclude(path="/api/v1/messages/events").parametrize()
@BOUNDED
def test_api(case: schemathesis.Case, app: FastAPI, caller: dict[str, str]) -> None:
    case.call_and_validate(app=app, headers=caller, checks=CHECKS)


@pytest.fixture
def dpo_key(world: World) -> dict[str, str]:
    return bearer(world.api_key(agency="GS", roles=(Role.DATA_PROTECTION_OFFICER,)))


@schema.include(path_regex="^/api/v1/audit/").parametrize()
@BOUNDED
def test_audit_as_data_protection_officer(
    case: schemathesis.Case, app: FastAPI, dpo_key: dict[str, str]
) -> None:
    case.call_and_validate(app=app, headers=dpo_key, checks=CHECKS)
