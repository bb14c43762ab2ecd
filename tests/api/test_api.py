"""The HTTP API through the ASGI application: authentication and its audit trail, access
rules, validation as problem documents, body limits, request ids and security headers, the
health probes, the read endpoints, and that a refused request changes nothing.

API keys cannot hold the administrator role, and the API accepts nothing but API keys, so no
real client can reach the administration routes yet. The tests of those routes sign in a user
the usual way (service functions) and put the principal that user acts as in place of the
API-key dependency (`act_as`): routing, validation, access rules, the service and the problem
documents all run as they would; only how the caller proved who they are is substituted."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from bluebridge.access.principal import Channel, Principal, Role, operator_principal
from bluebridge.api.app import create_app
from bluebridge.api.deps import api_principal, request_context
from bluebridge.api.middleware import RequestGuard
from bluebridge.audit import service as audit_service
from bluebridge.members import service
from bluebridge.members.authentication import API_KEY_FAILURE
from bluebridge.members.models import Agency, ApiKey
from bluebridge.members.security import issue_api_key, parse_api_key
from bluebridge.runtime import Runtime
from bluebridge.settings import Settings
from bluebridge.store import migrate
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work
from tests.conftest import PASSWORD, Account, World, bearer

PROBLEM_JSON = "application/problem+json"
MEMBER_COUNT = 196
# One NCB per member, the General Secretariat and the regional partner organizations.
AGENCY_COUNT = MEMBER_COUNT + 1 + len(service.REGIONAL_PARTNERS)
NEW_PASSWORD = "a fresh temporary passphrase 42"


# ---------------------------------------------------------------- helpers


def problem(response: Any, status: int) -> dict[str, Any]:
    """The RFC 9457 document of an error response, checked for shape and status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def fields(body: dict[str, Any]) -> dict[str, str]:
    """The field -> reason pairs of a 422 problem document."""
    return {e["field"]: e["reason"] for e in body["errors"]}


def scalar(runtime: Runtime, sql: str, **params: object) -> Any:
    with runtime.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def audit_events(runtime: Runtime, after: int = 0) -> list[dict[str, Any]]:
    with runtime.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT seq, action, outcome, actor_name, request_id, details, country,"
                " object_country FROM audit_events WHERE seq > :after ORDER BY seq"
            ),
            {"after": after},
        )
        return [dict(row._mapping) for row in rows]


def last_seq(runtime: Runtime) -> int:
    return int(scalar(runtime, "SELECT COALESCE(MAX(seq), 0) FROM audit_events"))


def counts(runtime: Runtime) -> dict[str, int]:
    tables = ("users", "agencies", "api_keys", "web_sessions")
    return {t: int(scalar(runtime, f"SELECT COUNT(*) FROM {t}")) for t in tables}  # noqa: S608


def key_row(runtime: Runtime, key: str) -> ApiKey:
    with runtime.sessions() as db:
        row = db.scalar(select(ApiKey).where(ApiKey.prefix == parse_api_key(key)))
        assert row is not None
        return row


def agency_id(runtime: Runtime, code: str) -> int:
    with runtime.sessions() as db:
        return service.get_agency_by_code(db, code=code).id


def user_body(agency: int, username: str = "new.officer", **overrides: Any) -> dict[str, Any]:
    return {
        "agency_id": agency,
        "username": username,
        "display_name": "New Officer",
        "roles": ["officer"],
        "password": NEW_PASSWORD,
        **overrides,
    }


@pytest.fixture
def act_as(app: FastAPI, world: World) -> Iterator[Callable[[Account], None]]:
    """Make the API see a signed-in user (with a second factor) as the caller."""

    def _act_as(account: Account) -> None:
        signed_in: Principal = world.principal(account)

        def principal(request: Request) -> Principal:
            return dataclasses.replace(signed_in, context=request_context(request, Channel.API))

        app.dependency_overrides[api_principal] = principal

    yield _act_as
    app.dependency_overrides.clear()


def small_limit_client(runtime: Runtime, limit: int = 1024) -> TestClient:
    runtime.settings.max_body_bytes = limit
    return TestClient(create_app(runtime=runtime), raise_server_exceptions=False)


# ---------------------------------------------------------------- 401: who is calling


def test_missing_key_is_401_problem(client, runtime):
    before = last_seq(runtime)
    response = client.get("/api/v1/me")
    body = problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert "API key" in body["detail"]
    assert body["instance"] == "/api/v1/me"
    # A request that presents no credential is not an authentication attempt: nothing to audit.
    assert audit_events(runtime, before) == []


def test_non_bearer_authorization_counts_as_no_key(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def _revoked(world: World) -> str:
    key = world.api_key()
    with unit_of_work(world.runtime.sessions) as db:
        service.revoke_api_key(
            db, principal=operator_principal("test"), key_id=key_row(world.runtime, key).id
        )
    return key


def _expired(world: World) -> str:
    key = world.api_key()
    with unit_of_work(world.runtime.sessions) as db:
        row = db.scalar(select(ApiKey).where(ApiKey.prefix == parse_api_key(key)))
        assert row is not None
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
    return key


def _wrong_secret(world: World) -> str:
    key = world.api_key()
    return key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")


def _agency_inactive(world: World) -> str:
    key = world.api_key(agency="DEU-NCB")
    with unit_of_work(world.runtime.sessions) as db:
        service.get_agency_by_code(db, code="DEU-NCB").active = False
    return key


REFUSED_KEYS: dict[str, tuple[Callable[[World], str], str | None]] = {
    # name: (how to make the key, reason the audit log records)
    "malformed": (lambda world: "not-a-bluebridge-key", "unknown key"),
    "malformed prefix": (lambda world: "bbk_short_secret", "unknown key"),
    "unknown": (lambda world: issue_api_key().plaintext, "unknown key"),
    "wrong secret": (_wrong_secret, "unknown key"),
    "revoked": (_revoked, "revoked"),
    "expired": (_expired, "expired"),
    "agency inactive": (_agency_inactive, "agency inactive"),
}


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
@pytest.mark.parametrize("kind", list(REFUSED_KEYS))
def test_refused_key_is_401_without_hint_and_audited(client, world, runtime, kind, header):
    make, reason = REFUSED_KEYS[kind]
    key = make(world)
    headers = bearer(key) if header == "bearer" else {"X-API-Key": key}
    before = last_seq(runtime)

    response = client.get("/api/v1/me", headers=headers)

    body = problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    # One text for every refused key: the caller learns nothing about why.
    assert body["detail"] == API_KEY_FAILURE
    events = audit_events(runtime, before)
    assert [e["action"] for e in events] == ["api_key.refused"]
    event = events[0]
    assert event["outcome"] == "denied"
    assert event["request_id"] == response.headers["x-request-id"]
    assert f'"reason":"{reason}"' in event["details"]
    assert key not in event["details"]  # the key itself is never written down
    prefix = parse_api_key(key)
    assert event["actor_name"] == f"api_key:{prefix or 'malformed'}"
    # And the refusal leaves the chain intact.
    with runtime.sessions() as db:
        assert audit_service.verify_chain(db).intact


def test_valid_key_in_either_header(client, world, runtime):
    key = world.api_key(roles=(Role.OFFICER, Role.ANALYST))
    before = last_seq(runtime)
    for headers in (bearer(key), {"X-API-Key": key}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["roles"] == ["analyst", "officer"]
        assert response.json()["kind"] == "api_key"
    assert audit_events(runtime, before) == []
    assert key_row(runtime, key).last_used_at is not None


def test_every_route_but_the_probes_needs_a_key(client, app):
    spec = client.get("/api/openapi.json").json()
    checked = 0
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            response = client.request(method.upper(), concrete, json={})
            problem(response, 401)
            checked += 1
    assert checked >= 15


# ---------------------------------------------------------------- 403 / 404: what they may do


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/api-keys"),
        ("GET", "/api/v1/audit/events"),
        ("GET", "/api/v1/audit/verify"),
    ],
)
def test_missing_role_is_403(client, world, method, path):
    key = world.api_key(roles=(Role.OFFICER, Role.ANALYST))
    body = problem(client.request(method, path, headers=bearer(key)), 403)
    assert "role" in body["detail"] or "only" in body["detail"]


def test_officer_key_cannot_create_agency(client, world, runtime):
    key = world.api_key(roles=(Role.OFFICER, Role.SUPERVISOR))
    before = counts(runtime)
    payload = {"code": "FRA-NEW", "name": "New unit", "kind": "border_post", "country": "FRA"}
    problem(client.post("/api/v1/agencies", json=payload, headers=bearer(key)), 403)
    assert counts(runtime) == before


def test_someone_elses_user_is_404_not_403_for_a_key(client, world):
    key = world.api_key(roles=(Role.OFFICER,))
    colleague = world.user(agency="FRA-NCB")
    known = problem(client.get(f"/api/v1/users/{colleague.id}", headers=bearer(key)), 404)
    unknown = problem(client.get("/api/v1/users/999999", headers=bearer(key)), 404)
    # Existence is not revealed: the two answers differ only by the id they repeat.
    assert known["detail"].replace(str(colleague.id), "N") == unknown["detail"].replace(
        "999999", "N"
    )


def test_api_keys_cannot_be_administrators(world, runtime):
    from bluebridge.errors import InvalidInput

    with runtime.sessions() as db, pytest.raises(InvalidInput) as refused:
        service.create_api_key(
            db,
            settings=runtime.settings,
            principal=operator_principal("test"),
            agency_id=agency_id(runtime, "GS"),
            name="admin robot",
            roles=["administrator"],
            expires_in_days=30,
        )
    assert [p.field for p in refused.value.problems] == ["roles"]


def test_ncb_administrator_sees_404_for_another_agencys_user(client, world, act_as, runtime):
    admin = world.user(agency="FRA-NCB", roles=(Role.ADMINISTRATOR,))
    own = world.user(agency="FRA-NCB")
    foreign = world.user(agency="DEU-NCB")
    act_as(admin)
    before_counts, before_seq = counts(runtime), last_seq(runtime)

    assert client.get(f"/api/v1/users/{own.id}").status_code == 200
    for method, path, payload in [
        ("GET", f"/api/v1/users/{foreign.id}", None),
        ("PATCH", f"/api/v1/users/{foreign.id}", {"display_name": "Renamed"}),
        ("POST", f"/api/v1/users/{foreign.id}/password", {"new_password": NEW_PASSWORD}),
        ("POST", f"/api/v1/users/{foreign.id}/unlock", None),
        ("POST", "/api/v1/users", user_body(foreign.agency_id)),
        (
            "POST",
            "/api/v1/api-keys",
            {"agency_id": foreign.agency_id, "name": "k", "roles": ["officer"]},
        ),
    ]:
        problem(client.request(method, path, json=payload), 404)

    listed = client.get("/api/v1/users?per_page=200").json()
    assert {u["agency_id"] for u in listed["items"]} == {admin.agency_id}
    assert {u["username"] for u in listed["items"]} == {admin.username, own.username}
    filtered = client.get(f"/api/v1/users?agency_id={foreign.agency_id}").json()
    assert filtered["items"] == []
    assert filtered["total"] == 0
    assert counts(runtime) == before_counts
    assert audit_events(runtime, before_seq) == []


def test_general_secretariat_administrator_manages_every_agency(client, world, act_as, runtime):
    admin = world.user(agency="GS", roles=(Role.ADMINISTRATOR,))
    foreign = world.user(agency="DEU-NCB")
    act_as(admin)

    assert client.get(f"/api/v1/users/{foreign.id}").json()["username"] == foreign.username
    renamed = client.patch(f"/api/v1/users/{foreign.id}", json={"display_name": "Renamed"})
    assert renamed.status_code == 200
    assert renamed.json()["display_name"] == "Renamed"
    listed = client.get("/api/v1/users?per_page=200").json()
    assert {admin.username, foreign.username} <= {u["username"] for u in listed["items"]}
    verify = client.get("/api/v1/audit/verify")
    assert verify.status_code == 200
    assert verify.json()["intact"] is True


def test_ncb_administrator_adds_units_only_in_its_own_country(client, world, act_as, runtime):
    act_as(world.user(agency="FRA-NCB", roles=(Role.ADMINISTRATOR,)))
    own = {"code": "FRA-BP-1", "name": "Border post", "kind": "border_post", "country": "FR"}
    created = client.post("/api/v1/agencies", json=own)
    assert created.status_code == 201, created.text
    assert created.json()["country"] == "FRA"
    assert created.json()["parent_id"] == agency_id(runtime, "FRA-NCB")
    foreign = {**own, "code": "DEU-BP-1", "country": "DEU"}
    problem(client.post("/api/v1/agencies", json=foreign), 403)
    problem(client.post("/api/v1/agencies", json=own), 409)


def test_administrator_issues_and_revokes_a_key_end_to_end(client, world, act_as, runtime):
    admin = world.user(agency="FRA-NCB", roles=(Role.ADMINISTRATOR,))
    act_as(admin)
    refused = client.post(
        "/api/v1/api-keys",
        json={"agency_id": admin.agency_id, "name": "robot", "roles": ["administrator"]},
    )
    assert fields(problem(refused, 422)) == {
        "roles": "an API key cannot hold the role administrator"
    }
    created = client.post(
        "/api/v1/api-keys",
        json={"agency_id": admin.agency_id, "name": "robot", "roles": ["officer"]},
    )
    assert created.status_code == 201, created.text
    issued = created.json()
    listed = client.get("/api/v1/api-keys").json()["items"]
    assert [k["prefix"] for k in listed] == [issued["prefix"]]
    assert "key" not in listed[0]  # shown once, at creation
    assert client.delete(f"/api/v1/api-keys/{issued['id']}").json()["revoked_at"] is not None

    client.app.dependency_overrides.clear()  # now as the machine client with the key
    problem(client.get("/api/v1/me", headers=bearer(issued["key"])), 401)
    actions = [e["action"] for e in audit_events(runtime)]
    assert actions[-3:] == ["api_key.create", "api_key.revoke", "api_key.refused"]


# ---------------------------------------------------------------- 422: what they sent


@pytest.fixture
def officer_key(world: World) -> dict[str, str]:
    return bearer(world.api_key(roles=(Role.OFFICER,)))


def test_malformed_json_is_422(client, officer_key):
    response = client.post(
        "/api/v1/users",
        content=b'{"agency_id": 1,',
        headers={**officer_key, "Content-Type": "application/json"},
    )
    assert fields(problem(response, 422)) == {"body": "is not valid JSON"}


def test_missing_fields_are_named(client, officer_key):
    body = problem(client.post("/api/v1/users", json={}, headers=officer_key), 422)
    assert fields(body) == {
        "agency_id": "is required",
        "username": "is required",
        "display_name": "is required",
        "roles": "is required",
        "password": "is required",
    }
    assert body["detail"].startswith("agency_id: is required")


def test_wrong_types_are_named(client, officer_key):
    payload = user_body(1, agency_id="France", roles="officer", display_name=7)
    reasons = fields(problem(client.post("/api/v1/users", json=payload, headers=officer_key), 422))
    assert set(reasons) == {"agency_id", "roles", "display_name"}
    assert "integer" in reasons["agency_id"]
    assert "list" in reasons["roles"]
    assert "string" in reasons["display_name"]


def test_unknown_role_and_out_of_range_id_are_named(client, officer_key):
    payload = user_body(2**31, roles=["officer", "sheriff"])
    reasons = fields(problem(client.post("/api/v1/users", json=payload, headers=officer_key), 422))
    assert set(reasons) == {"agency_id", "roles.1"}
    assert "officer" in reasons["roles.1"]  # names the roles it accepts


def test_extra_fields_are_refused(client, officer_key):
    payload = user_body(1, is_superuser=True)
    reasons = fields(problem(client.post("/api/v1/users", json=payload, headers=officer_key), 422))
    assert reasons == {"is_superuser": "Extra inputs are not permitted"}


def test_body_that_is_not_an_object(client, officer_key):
    reasons = fields(problem(client.post("/api/v1/users", json=[1], headers=officer_key), 422))
    assert list(reasons) == ["body"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/agencies?per_page=0", "query.per_page"),
        ("/api/v1/agencies?per_page=201", "query.per_page"),
        ("/api/v1/agencies?page=x", "query.page"),
        ("/api/v1/agencies?kind=police_station", "query.kind"),
        ("/api/v1/agencies?country=FRAN", "query.country"),
        ("/api/v1/agencies/0", "path.agency_id"),
        ("/api/v1/agencies/2147483648", "path.agency_id"),
        ("/api/v1/agencies/abc", "path.agency_id"),
        ("/api/v1/members?region=atlantis", "query.region"),
        ("/api/v1/users?agency_id=99999999999999999999", "query.agency_id"),
        ("/api/v1/api-keys?agency_id=2147483648", "query.agency_id"),
    ],
)
def test_bad_parameters_are_named(client, officer_key, path, field):
    assert field in fields(problem(client.get(path, headers=officer_key), 422))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/agencies?q=fr%00",
        "/api/v1/agencies?country=F%00A",
        "/api/v1/audit/events?action=%00",
        "/api/v1/audit/events?actor=x%0Ay",
    ],
)
def test_control_characters_in_filters_are_422(client, world, path):
    # PostgreSQL refuses NUL in text: without the check this was a 500 on that store.
    key = bearer(world.api_key(agency="GS", roles=(Role.DATA_PROTECTION_OFFICER,)))
    reasons = fields(problem(client.get(path, headers=key), 422))
    assert len(reasons) == 1
    assert next(iter(reasons.values())).startswith("must not contain control characters")


def test_control_characters_and_lone_surrogates_in_bodies_are_422(client, world, act_as, runtime):
    admin = world.user(agency="FRA-NCB", roles=(Role.ADMINISTRATOR,))
    act_as(admin)
    before = counts(runtime)
    for payload in (
        user_body(admin.agency_id, display_name="Nul\x00Byte"),
        user_body(admin.agency_id, email="a\x00@example.org"),
    ):
        field = "display_name" if "Nul" in payload["display_name"] else "email"
        assert field in fields(problem(client.post("/api/v1/users", json=payload), 422))
    raw = b'{"display_name": "\\ud800"}'
    response = client.patch(
        f"/api/v1/users/{admin.id}", content=raw, headers={"Content-Type": "application/json"}
    )
    assert "display_name" in fields(problem(response, 422))
    assert counts(runtime) == before


def test_service_rules_come_back_as_named_fields(client, world, act_as):
    admin = world.user(agency="FRA-NCB", roles=(Role.ADMINISTRATOR,))
    act_as(admin)
    payload = user_body(
        admin.agency_id,
        username="Bad Name!",
        email="not-an-address",
        roles=["compliance_reviewer"],  # not held in an NCB
        password="short",
    )
    reasons = fields(problem(client.post("/api/v1/users", json=payload), 422))
    assert set(reasons) == {"username", "email", "roles", "password"}
    assert "compliance_reviewer" in reasons["roles"]
    taken = client.post("/api/v1/users", json=user_body(admin.agency_id, username=admin.username))
    assert fields(problem(taken, 409)) == {"username": "already in use"}


# ---------------------------------------------------------------- a refusal changes nothing


def test_refused_requests_change_nothing(client, world, act_as, runtime):
    officer = bearer(world.api_key(roles=(Role.OFFICER,)))
    before_counts, before_seq = counts(runtime), last_seq(runtime)
    fra = agency_id(runtime, "FRA-NCB")

    problem(client.post("/api/v1/users", json=user_body(fra, roles=[]), headers=officer), 422)
    problem(client.post("/api/v1/users", json=user_body(fra), headers=officer), 404)
    problem(client.post("/api/v1/users", json=user_body(fra), headers=bearer("bbk_x")), 401)
    unit = {"code": "FRA-X", "name": "X", "kind": "border_post", "country": "FRA"}
    problem(client.post("/api/v1/agencies", json=unit, headers=officer), 403)
    problem(client.post("/api/v1/agencies", json={**unit, "kind": "ncb"}, headers=officer), 403)
    problem(client.post("/api/v1/api-keys", json={"agency_id": fra}, headers=officer), 422)
    assert counts(runtime) == before_counts
    # A bad key and each refusal after authentication leave an event; nothing else does.
    assert [e["action"] for e in audit_events(runtime, before_seq)] == [
        "api_key.refused",
        "access.denied",
        "access.denied",
    ]

    admin = world.user(agency="FRA-NCB", roles=(Role.ADMINISTRATOR,))
    act_as(admin)
    before_counts, before_seq = counts(runtime), last_seq(runtime)
    problem(client.post("/api/v1/users", json=user_body(fra, password="weak")), 422)
    problem(client.post("/api/v1/agencies", json={**unit, "specialty": "cybercrime"}), 422)
    problem(client.patch(f"/api/v1/users/{admin.id}", json={"roles": ["officer"]}), 422)
    problem(client.patch(f"/api/v1/users/{admin.id}", json={"active": False}), 422)

    assert counts(runtime) == before_counts
    with runtime.sessions() as db:
        refreshed = service.get_user(db, principal=operator_principal("t"), user_id=admin.id)
        assert refreshed.roles == ["administrator"]
        assert refreshed.active
    assert audit_events(runtime, before_seq) == []


# ---------------------------------------------------------------- 413: how much they sent


def test_declared_body_over_the_limit_is_413(runtime, world):
    key = bearer(world.api_key())
    before = counts(runtime), last_seq(runtime)
    with small_limit_client(runtime) as client:
        response = client.post(
            "/api/v1/agencies",
            content=b"{" + b" " * 2000 + b"}",
            headers={**key, "Content-Type": "application/json"},
        )
        body = problem(response, 413)
        assert "1024 bytes" in body["detail"]
        assert response.headers["x-frame-options"] == "DENY"
        # At the limit, the body goes through to the application.
        at_limit = b'{"code": "FRA-Y"' + b" " * (1024 - 17) + b"}"
        assert len(at_limit) == 1024
        response = client.post(
            "/api/v1/agencies",
            content=at_limit,
            headers={**key, "Content-Type": "application/json"},
        )
        assert response.status_code == 422, response.text
    assert (counts(runtime), last_seq(runtime)) == before


def test_chunked_body_over_the_limit_is_413(runtime, world):
    key = bearer(world.api_key())
    before = counts(runtime), last_seq(runtime)

    def chunks(total: int) -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(total // 100):
            yield b"x" * 100
        yield b'"}'

    with small_limit_client(runtime) as client:
        headers = {**key, "Content-Type": "application/json"}
        response = client.post("/api/v1/agencies", content=chunks(5000), headers=headers)
        assert "content-length" not in response.request.headers
        assert response.request.headers["transfer-encoding"] == "chunked"
        problem(response, 413)
        # A chunked body under the limit is read and validated as usual.
        small = client.post("/api/v1/agencies", content=chunks(300), headers=headers)
        assert small.status_code == 422
        assert "code" in fields(small.json())
    assert (counts(runtime), last_seq(runtime)) == before


@pytest.mark.parametrize("declared", [b"12abc", b"-1", b"+5", b"1_0", b""])
def test_invalid_content_length_is_400(declared):
    sent = asyncio.run(_through_guard([(b"content-length", declared)]))
    assert sent[0]["status"] == 400
    assert dict(sent[0]["headers"])[b"content-type"] == b"application/problem+json"


# ---------------------------------------------------------------- request ids and headers

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def test_request_id_is_echoed_when_well_formed(client, officer_key, runtime):
    response = client.get(
        "/api/v1/me", headers={**officer_key, "X-Request-ID": "trace-1234.abcd_EF"}
    )
    assert response.headers["x-request-id"] == "trace-1234.abcd_EF"
    body = problem(client.get("/api/v1/me", headers={"X-Request-ID": "trace-5678.abcd"}), 401)
    assert body["request_id"] == "trace-5678.abcd"
    refused = client.get("/api/v1/me", headers={**bearer("bbk_x"), "X-Request-ID": "trace-9999"})
    assert audit_events(runtime)[-1]["request_id"] == "trace-9999" == refused.json()["request_id"]


@pytest.mark.parametrize(
    "incoming", [None, "", "short", "has space 123", "x" * 65, "semi;colon;1234", "ünïcödé-12345"]
)
def test_request_id_is_generated_when_absent_or_malformed(client, incoming):
    headers = {} if incoming is None else {"X-Request-ID": incoming.encode()}
    response = client.get("/healthz", headers=headers)
    generated = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated), generated
    assert client.get("/healthz", headers=headers).headers["x-request-id"] != generated


def test_request_id_with_a_trailing_newline_is_replaced():
    # HTTP clients refuse to send it, so straight through the middleware.
    sent = asyncio.run(_through_guard([(b"x-request-id", b"abcdefgh1234\n")]))
    echoed = dict(sent[0]["headers"])[b"x-request-id"]
    assert re.fullmatch(rb"[0-9a-f]{32}", echoed), echoed


def test_security_headers_on_every_answer(client, officer_key):
    for response in (
        client.get("/healthz"),
        client.get("/api/v1/me", headers=officer_key),
        client.get("/api/v1/me"),
        client.get("/api/v1/members/XX", headers=officer_key),
        client.get("/api/v1/agencies?page=0", headers=officer_key),
        client.get("/api/v1/no-such-route"),
        client.get("/api/openapi.json"),
    ):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (response.request.url, name)
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp


def test_api_explorer_page_keeps_all_headers_but_the_csp(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "content-security-policy" not in response.headers  # its inline script
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


async def _through_guard(headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    async def inner(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/x", "headers": headers}
    await RequestGuard(inner, max_body_bytes=1024)(scope, receive, send)
    return sent


# ---------------------------------------------------------------- health probes


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_when_current(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["migrations"] == "current"
    assert response.json()["revision"] == migrate.head_revision()


@pytest.mark.parametrize("revision", ["0000_older", "ffffffffffff"])
def test_readyz_is_503_when_migrations_are_not_current(client, runtime, revision):
    head = migrate.head_revision()
    # alembic_version is outside the tables the PostgreSQL fixture truncates: always restore.
    try:
        with runtime.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["migrations"] == "behind"
        assert body["current"] == revision
        assert body["head"] == head
        assert client.get("/healthz").status_code == 200  # alive, only not ready
    finally:
        with runtime.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
        secret_key="test-secret-key-not-for-production",
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"
        assert "sqlite" not in response.text  # no connection details leak
        assert client.get("/healthz").status_code == 200


# ---------------------------------------------------------------- members


def test_list_members(client, officer_key):
    response = client.get("/api/v1/members", headers=officer_key)
    assert response.status_code == 200
    members = response.json()
    assert len(members) == MEMBER_COUNT
    assert len({m["alpha3"] for m in members}) == MEMBER_COUNT
    france = next(m for m in members if m["alpha3"] == "FRA")
    assert france == {
        "alpha2": "FR",
        "alpha3": "FRA",
        "numeric": "250",
        "icao_code": "FRA",
        "region": "europe",
        "names": {"ar": "فرنسا", "en": "France", "es": "Francia", "fr": "France"},
    }
    europe = client.get("/api/v1/members?region=europe", headers=officer_key).json()
    assert 0 < len(europe) < MEMBER_COUNT
    assert {m["region"] for m in europe} == {"europe"}
    regions = ["africa", "americas", "asia_south_pacific", "europe", "middle_east_north_africa"]
    total = sum(
        len(client.get(f"/api/v1/members?region={r}", headers=officer_key).json()) for r in regions
    )
    assert total == MEMBER_COUNT


@pytest.mark.parametrize("code", ["DE", "de", "DEU", "276", "D", "D<<", " deu "])
def test_member_by_any_code(client, officer_key, code):
    response = client.get(f"/api/v1/members/{code}", headers=officer_key)
    assert response.status_code == 200, response.text
    assert response.json()["alpha3"] == "DEU"
    assert response.json()["icao_code"] == "D"


@pytest.mark.parametrize("code", ["XX", "ZZZ", "999", "ATA", "XPO", "%00"])
def test_unknown_or_non_member_code_is_404(client, officer_key, code):
    body = problem(client.get(f"/api/v1/members/{code}", headers=officer_key), 404)
    assert body["instance"].startswith("/api/v1/members/")


# ---------------------------------------------------------------- agency directory


def test_agency_directory_pages(client, officer_key):
    seen: list[int] = []
    page, pages = 1, None
    while pages is None or page <= pages:
        response = client.get(f"/api/v1/agencies?page={page}&per_page=50", headers=officer_key)
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == AGENCY_COUNT
        assert body["per_page"] == 50
        assert body["page"] == page
        pages = body["pages"]
        assert len(body["items"]) == (50 if page < pages else AGENCY_COUNT - 50 * (pages - 1))
        seen += [a["id"] for a in body["items"]]
        page += 1
    assert pages == -(-AGENCY_COUNT // 50)
    assert len(seen) == len(set(seen)) == AGENCY_COUNT
    first = client.get("/api/v1/agencies?per_page=1", headers=officer_key).json()["items"][0]
    # Agencies of no country (the General Secretariat, the regional partners) come first.
    assert first["code"] in {"GS", *(code for code, _, _ in service.REGIONAL_PARTNERS)}
    assert first["country"] is None
    beyond = client.get("/api/v1/agencies?page=99", headers=officer_key).json()
    assert beyond["items"] == []
    assert beyond["total"] == AGENCY_COUNT


def test_agency_directory_filters(client, officer_key, world):
    unit = world.unit("FRA")

    def codes(query: str) -> set[str]:
        response = client.get(f"/api/v1/agencies?per_page=200&{query}", headers=officer_key)
        assert response.status_code == 200, response.text
        return {a["code"] for a in response.json()["items"]}

    assert codes("country=FRA") == {"FRA-NCB", unit.code}
    assert codes("country=fra") == {"FRA-NCB", unit.code}
    assert codes("country=FRA&kind=ncb") == {"FRA-NCB"}
    assert codes("kind=specialized_unit") == {unit.code}
    assert codes("kind=general_secretariat") == {"GS"}
    assert len(codes("kind=ncb")) == MEMBER_COUNT
    assert "FRA-NCB" in codes("q=france")
    assert codes(f"q={unit.name.upper()}") == {unit.code}
    assert codes("q=no-such-agency-anywhere") == set()


def test_one_agency(client, officer_key, runtime):
    fra = agency_id(runtime, "FRA-NCB")
    response = client.get(f"/api/v1/agencies/{fra}", headers=officer_key)
    assert response.status_code == 200
    assert response.json()["code"] == "FRA-NCB"
    assert response.json()["kind"] == "ncb"
    problem(client.get("/api/v1/agencies/999999", headers=officer_key), 404)


# ---------------------------------------------------------------- the audit log


def test_audit_events_access_rules(client, world, runtime):
    world.user(agency="FRA-NCB")  # user.create events with object_country FRA
    world.user(agency="DEU-NCB")  # ... and DEU
    for roles in [(Role.OFFICER,), (Role.ANALYST, Role.SUPERVISOR)]:
        key = bearer(world.api_key(agency="GS", roles=roles))
        problem(client.get("/api/v1/audit/events", headers=key), 403)

    national = bearer(world.api_key(agency="FRA-NCB", roles=(Role.DATA_PROTECTION_OFFICER,)))
    response = client.get("/api/v1/audit/events?per_page=200", headers=national)
    assert response.status_code == 200, response.text
    events = response.json()["items"]
    assert events
    assert all("FRA" in (e["country"], e["object_country"]) for e in events)
    assert [e["seq"] for e in events] == sorted((e["seq"] for e in events), reverse=True)

    platform = bearer(world.api_key(agency="GS", roles=(Role.DATA_PROTECTION_OFFICER,)))
    everything = client.get("/api/v1/audit/events?per_page=200", headers=platform).json()
    assert {"FRA", "DEU"} <= {e["object_country"] for e in everything["items"]}
    assert everything["total"] > response.json()["total"]
    # Reading the log is itself written to it.
    reads = client.get("/api/v1/audit/events?action=audit.read", headers=platform).json()
    assert reads["total"] == 2  # the national and the platform reads before this one
    filtered = client.get("/api/v1/audit/events?action=user.create", headers=platform).json()
    assert {e["action"] for e in filtered["items"]} == {"user.create"}


def test_audit_verify_access_rules(client, world, runtime):
    for agency, roles in [
        ("GS", (Role.OFFICER, Role.ANALYST)),
        ("GS", (Role.COMPLIANCE_REVIEWER,)),
        ("FRA-NCB", (Role.DATA_PROTECTION_OFFICER,)),
    ]:
        key = bearer(world.api_key(agency=agency, roles=roles))
        problem(client.get("/api/v1/audit/verify", headers=key), 403)

    dpo = bearer(world.api_key(agency="GS", roles=(Role.DATA_PROTECTION_OFFICER,)))
    before = last_seq(runtime)
    response = client.get("/api/v1/audit/verify", headers=dpo)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "intact": True,
        "events_checked": before,
        "first_problem_seq": None,
        "reason": None,
    }
    assert audit_events(runtime, before)[-1]["action"] == "audit.verify"


def test_audit_verify_reports_a_broken_chain(client, world, runtime):
    dpo = bearer(world.api_key(agency="GS", roles=(Role.DATA_PROTECTION_OFFICER,)))
    world.user(agency="FRA-NCB")
    with runtime.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 1")
        )
    report = client.get("/api/v1/audit/verify", headers=dpo).json()
    assert report["intact"] is False
    assert report["first_problem_seq"] == 1


def test_world_has_the_reference_agencies(runtime):
    # The counts above rely on a fresh store per test.
    with runtime.sessions() as db:
        assert len(db.scalars(select(Agency)).all()) == AGENCY_COUNT
    assert PASSWORD  # the factories' password, long enough for the policy
