"""The API called from a signed-in portal session: how a person administers over the API
(keys never hold the administrator role), with the CSRF token required for every change."""

from __future__ import annotations

from sqlalchemy import select

from bluebridge.access.principal import Role
from bluebridge.audit.models import AuditEvent
from bluebridge.members.models import User
from tests.web.test_portal_flow import csrf_of, sign_in

NEW_USER = {
    "agency_id": None,
    "username": "via.session",
    "display_name": "Created over the API",
    "roles": ["officer"],
    "password": "a temporary passphrase",
}


def signed_in(client, world, agency: str = "FRA-NCB", roles=(Role.ADMINISTRATOR,)):
    account = world.user(agency, roles)
    assert sign_in(client, account).status_code == 303
    return account, csrf_of(client.get("/").text)


def test_administrator_reads_and_changes_through_the_api(client, world, runtime):
    account, token = signed_in(client, world)
    listed = client.get("/api/v1/users")
    assert listed.status_code == 200, listed.text
    assert account.username in {u["username"] for u in listed.json()["items"]}
    body = {**NEW_USER, "agency_id": account.agency_id}
    created = client.post("/api/v1/users", json=body, headers={"X-CSRF-Token": token})
    assert created.status_code == 201, created.text
    with runtime.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).all()[
            -1
        ]
    assert (event.actor_name, event.channel) == (account.username, "api")


def test_change_without_csrf_token_is_refused_and_audited(client, world, runtime):
    account, _token = signed_in(client, world)
    body = {**NEW_USER, "agency_id": account.agency_id}
    refused = client.post("/api/v1/users", json=body)
    assert refused.status_code == 403
    assert "X-CSRF-Token" in refused.json()["detail"]
    wrong = client.post("/api/v1/users", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    with runtime.sessions() as session:
        assert session.scalars(select(User).where(User.username == "via.session")).first() is None
        denied = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access.denied")
        ).all()
    assert len(denied) == 2
    assert all(e.actor_name == account.username for e in denied)


def test_officer_session_gets_403_and_it_is_audited(client, world, runtime):
    account, _token = signed_in(client, world, roles=(Role.OFFICER,))
    assert client.get("/api/v1/users").status_code == 403
    with runtime.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "access.denied")
        ).one()
    assert event.actor_name == account.username
    assert "/api/v1/users" in event.details


def test_half_signed_in_session_is_not_enough(client, world):
    account = world.user()
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "username": account.username,
            "password": account.password,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    # The password was accepted but the second factor not yet given.
    response = client.get("/api/v1/me")
    assert response.status_code == 401


def test_an_api_key_wins_over_a_session_cookie(client, world):
    signed_in(client, world)
    key = world.api_key("DEU-NCB", (Role.ANALYST,))
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200
    assert me.json()["country"] == "DEU"
