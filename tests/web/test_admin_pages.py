"""Administration in the portal: every form posts with its CSRF token, shows field errors, and
reaches only what the administrator may manage."""

from __future__ import annotations

from sqlalchemy import select

from bluebridge.access.principal import Role
from bluebridge.audit.models import AuditEvent
from bluebridge.members.models import Agency, ApiKey, User
from tests.web.test_portal_flow import csrf_of, sign_in


def admin_client(client, world, agency: str = "GS"):
    account = world.user(agency, (Role.ADMINISTRATOR,))
    assert sign_in(client, account).status_code == 303
    return account


def post_form(client, path: str, data: dict, page: str | None = None):
    html = client.get(page or path).text
    return client.post(path, data={**data, "csrf_token": csrf_of(html)}, follow_redirects=False)


def test_create_user_through_the_form(client, world, runtime):
    admin_client(client, world)
    response = post_form(
        client,
        "/admin/users/new",
        {
            "agency_code": "DEU-NCB",
            "username": "k.weber",
            "display_name": "Karin Weber",
            "email": "k.weber@example.org",
            "roles": ["officer", "analyst"],
            "password": "a temporary passphrase",
        },
    )
    assert response.status_code == 303, response.text
    with runtime.sessions() as session:
        user = session.scalars(select(User).where(User.username == "k.weber")).one()
        assert sorted(user.roles) == ["analyst", "officer"]
        assert user.must_change_password
    detail = client.get(response.headers["location"])
    assert "Karin Weber" in detail.text


def test_form_errors_are_shown_by_field_and_nothing_is_saved(client, world, runtime):
    admin_client(client, world)
    response = post_form(
        client,
        "/admin/users/new",
        {"agency_code": "FRA-NCB", "username": "X", "display_name": "", "password": "short"},
    )
    assert response.status_code == 422
    assert 'id="e-username"' in response.text
    assert 'id="e-password"' in response.text
    assert 'id="e-roles"' in response.text
    assert 'aria-invalid="true"' in response.text
    with runtime.sessions() as session:
        assert session.scalars(select(User).where(User.username == "x")).first() is None


def test_user_detail_actions(client, world, runtime):
    admin_client(client, world, "FRA-NCB")
    target = world.user("FRA-NCB")
    page = f"/admin/users/{target.id}"
    updated = post_form(
        client,
        page,
        {
            "action": "update",
            "display_name": "Renamed",
            "email": "",
            "roles": ["analyst"],
            "active": "on",
        },
    )
    assert updated.status_code == 303, updated.text
    reset = post_form(
        client, page, {"action": "reset_password", "new_password": "another temporary one"}
    )
    assert reset.status_code == 303
    weak = post_form(client, page, {"action": "reset_password", "new_password": "short"})
    assert weak.status_code == 422
    assert 'id="e-new_password"' in weak.text
    assert post_form(client, page, {"action": "unlock"}).status_code == 303
    assert post_form(client, page, {"action": "reset_second_factor"}).status_code == 303
    with runtime.sessions() as session:
        user = session.get(User, target.id)
        assert user is not None
        assert (user.display_name, user.roles, user.totp_confirmed) == (
            "Renamed",
            ["analyst"],
            False,
        )
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {
        "user.update",
        "user.password_reset",
        "user.unlock",
        "user.second_factor_reset",
    } <= actions


def test_agency_administrator_cannot_open_another_agencys_user(client, world):
    admin_client(client, world, "FRA-NCB")
    german = world.user("DEU-NCB")
    response = client.get(f"/admin/users/{german.id}")
    assert response.status_code == 404
    assert german.username not in response.text


def test_officer_gets_a_page_not_a_json_error(client, world):
    sign_in(client, world.user())
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text


def test_create_and_revoke_api_key_in_the_portal(client, world, runtime):
    admin_client(client, world, "FRA-NCB")
    created = post_form(
        client,
        "/admin/api-keys/new",
        {
            "name": "Terminal 2 e-gates",
            "agency_code": "",
            "roles": ["officer"],
            "expires_in_days": "30",
        },
    )
    assert created.status_code == 200, created.text
    assert 'data-testid="api-key"' in created.text
    with runtime.sessions() as session:
        key = session.scalars(select(ApiKey)).one()
    assert key.agency.code == "FRA-NCB"
    listing = client.get("/admin/api-keys")
    assert key.prefix in listing.text
    assert "bbk_" + key.prefix + "_" not in listing.text  # never shown again
    revoked = post_form(client, f"/admin/api-keys/{key.id}/revoke", {}, page="/admin/api-keys")
    assert revoked.status_code == 303
    with runtime.sessions() as session:
        assert session.scalars(select(ApiKey)).one().revoked_at is not None


def test_api_key_form_refuses_administrator_role(client, world):
    admin_client(client, world, "FRA-NCB")
    response = post_form(
        client,
        "/admin/api-keys/new",
        {"name": "bad", "roles": ["administrator"], "expires_in_days": "30"},
    )
    assert response.status_code == 422
    assert 'id="e-roles"' in response.text


def test_create_agency_through_the_form(client, world, runtime):
    admin_client(client, world)
    response = post_form(
        client,
        "/admin/agencies/new",
        {
            "code": "EGY-CYBER2",
            "name": "Cybercrime unit 2",
            "kind": "specialized_unit",
            "country": "EGY",
            "specialty": "cybercrime",
        },
    )
    assert response.status_code == 303, response.text
    with runtime.sessions() as session:
        assert (
            session.scalars(select(Agency).where(Agency.code == "EGY-CYBER2")).one().country
            == "EGY"
        )
    listed = client.get("/admin/agencies?q=EGY-CYBER2")
    assert "EGY-CYBER2" in listed.text


def test_must_change_password_before_going_on(client, world):
    account = world.user(must_change_password=True)
    sign_in(client, account)
    assert client.get("/", follow_redirects=False).headers["location"] == "/account/password"
    mismatch = post_form(
        client,
        "/account/password",
        {
            "current_password": account.password,
            "new_password": "new passphrase one",
            "confirm_password": "other",
        },
    )
    assert mismatch.status_code == 422
    changed = post_form(
        client,
        "/account/password",
        {
            "current_password": account.password,
            "new_password": "new passphrase one",
            "confirm_password": "new passphrase one",
        },
    )
    assert changed.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200


def test_audit_log_page_for_administrators(client, world):
    admin_client(client, world)
    page = client.get("/admin/audit?action=login.success")
    assert page.status_code == 200
    assert "login.success" in page.text


def test_forms_without_token_are_refused(client, world, runtime):
    admin_client(client, world)
    response = client.post(
        "/admin/agencies/new",
        data={
            "code": "FRA-EVIL",
            "name": "x",
            "kind": "border_post",
            "country": "FRA",
            "csrf_token": "",
        },
    )
    # An empty token is a missing field (a 400 page); a wrong one is refused (a 403 page).
    assert response.status_code == 400
    wrong = client.post(
        "/admin/agencies/new",
        data={
            "code": "FRA-EVIL",
            "name": "x",
            "kind": "border_post",
            "country": "FRA",
            "csrf_token": "f" * 64,
        },
    )
    assert wrong.status_code == 403
    with runtime.sessions() as session:
        assert session.scalars(select(Agency).where(Agency.code == "FRA-EVIL")).first() is None


def test_logout_ends_the_session(client, world):
    sign_in(client, world.user())
    response = post_form(client, "/logout", {}, page="/")
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_nul_in_a_form_is_a_field_error_not_a_crash(client, world):
    admin_client(client, world)
    response = post_form(
        client,
        "/admin/users/new",
        {
            "agency_code": "FRA-NCB",
            "username": "ok.user",
            "display_name": "Bad\x00",
            "roles": ["officer"],
            "password": "a temporary passphrase",
        },
    )
    assert response.status_code == 422
    assert 'id="e-display_name"' in response.text
    assert client.get("/admin/audit?action=%00").status_code in (400, 422)
    assert client.get("/admin/users?q=%00").status_code in (400, 422)


def test_impossible_portal_address_is_a_page_in_the_visitors_language(client, world):
    admin_client(client, world)
    client.get("/language/fr?next=/")
    response = client.get("/admin/users/99999999999999999999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr"' in response.text
    assert "Introuvable" in response.text or "introuvable" in response.text.lower()
    unknown = client.get("/no/such/page")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/no-such-thing")
    assert api.headers["content-type"] == "application/problem+json"
