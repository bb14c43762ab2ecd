"""The portal through the ASGI app: sign-in with both factors, CSRF, lockout, languages."""

from __future__ import annotations

import re

import pyotp

from bluebridge.access.principal import Role

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]*)"')


def csrf_of(html: str) -> str:
    """The page's CSRF token, after checking that every form on the page carries it."""
    tokens = CSRF.findall(html)
    assert tokens, "no CSRF token in the page"
    assert len(set(tokens)) == 1, f"forms carry different tokens: {tokens}"
    assert tokens[0], "the forms carry an empty token"
    return tokens[0]


def sign_in(client, account, code: str | None = None):
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": account.username,
            "password": account.password,
            "csrf_token": csrf_of(page.text),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    if response.headers["location"].startswith("/login/second-factor"):
        form = client.get(response.headers["location"])
        response = client.post(
            "/login/second-factor",
            data={"code": code or account.code(), "csrf_token": csrf_of(form.text), "next": "/"},
            follow_redirects=False,
        )
    return response


def test_officer_signs_in_with_second_factor_and_sees_dashboard(client, world):
    account = world.user(roles=(Role.OFFICER,))
    response = sign_in(client, account)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert 'dir="ltr"' in dashboard.text
    assert "Test User" in dashboard.text


def test_language_switch_to_arabic_is_right_to_left(client, world):
    account = world.user()
    sign_in(client, account)
    response = client.get("/language/ar?next=/")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text


def test_wrong_password_and_unknown_user_read_the_same(client, world):
    account = world.user()
    page = client.get("/login")
    token = csrf_of(page.text)
    wrong = client.post(
        "/login",
        data={"username": account.username, "password": "nope-nope-nope", "csrf_token": token},
    )
    unknown = client.post(
        "/login",
        data={"username": "nobody.here", "password": "nope-nope-nope", "csrf_token": token},
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "Unknown user name or wrong password." in wrong.text
    assert "Unknown user name or wrong password." in unknown.text


def test_login_without_csrf_token_is_refused(client, world):
    account = world.user()
    response = client.post(
        "/login",
        data={"username": account.username, "password": account.password, "csrf_token": "0" * 64},
    )
    assert response.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_totp_code_is_refused(client, world):
    account = world.user()
    secret_code = pyotp.TOTP(account.totp_secret).now()
    wrong = "000000" if secret_code != "000000" else "111111"
    response = sign_in(client, account, code=wrong)
    assert response.status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303


def test_pages_need_sign_in(client):
    response = client.get("/admin/users", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
