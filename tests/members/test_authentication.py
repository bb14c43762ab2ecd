"""Signing in: passwords, lockout that reveals nothing, TOTP, enrolment, sessions, API keys."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from sqlalchemy import select, update

from bluebridge.access.principal import Channel, PrincipalKind, RequestContext, Role
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import AuthenticationFailed, InvalidInput
from bluebridge.members import authentication as auth
from bluebridge.members.models import ApiKey, User, WebSession
from bluebridge.members.security import token_digest
from bluebridge.store.engine import unit_of_work

CONTEXT = RequestContext(Channel.WEB, request_id="test-request-0001", client_address="198.51.100.7")


def sign_in(runtime, username: str, password: str) -> auth.SignIn:
    with unit_of_work(runtime.sessions) as session:
        return auth.sign_in_password(
            session,
            settings=runtime.settings,
            username=username,
            password=password,
            context=CONTEXT,
        )


def second_factor(runtime, user_id: int, code: str) -> auth.SignIn:
    with unit_of_work(runtime.sessions) as session:
        return auth.sign_in_second_factor(
            session, settings=runtime.settings, user_id=user_id, code=code, context=CONTEXT
        )


def actions(runtime) -> list[str]:
    with runtime.sessions() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_password_then_second_factor(runtime, world):
    account = world.user(roles=(Role.OFFICER,))
    first = sign_in(runtime, account.username, account.password)
    assert first.step is auth.SignInStep.SECOND_FACTOR
    done = second_factor(runtime, account.id, account.code())
    assert done.step is auth.SignInStep.DONE
    assert actions(runtime)[-2:] == ["login.password_accepted", "login.success"]


def test_user_without_second_factor_role_or_enrolment_signs_in_with_password(runtime, world):
    account = world.user(roles=(Role.OFFICER,), totp=False)
    assert sign_in(runtime, account.username, account.password).step is auth.SignInStep.DONE


def test_roles_that_administer_must_enrol_first(runtime, world):
    account = world.user(roles=(Role.ADMINISTRATOR,), totp=False)
    result = sign_in(runtime, account.username, account.password)
    assert result.step is auth.SignInStep.ENROL
    with unit_of_work(runtime.sessions) as session:
        uri = auth.begin_enrolment(session, settings=runtime.settings, user_id=account.id)
    secret = pyotp.parse_uri(uri).secret
    with unit_of_work(runtime.sessions) as session:
        wrong = auth.confirm_enrolment(
            session, settings=runtime.settings, user_id=account.id, code="000000", context=CONTEXT
        )
    assert wrong.step is auth.SignInStep.FAILED or pyotp.TOTP(secret).now() == "000000"
    with unit_of_work(runtime.sessions) as session:
        done = auth.confirm_enrolment(
            session,
            settings=runtime.settings,
            user_id=account.id,
            code=pyotp.TOTP(secret).now(),
            context=CONTEXT,
        )
    assert done.step is auth.SignInStep.DONE
    with runtime.sessions() as session:
        user = session.get(User, account.id)
        assert user is not None
        assert user.totp_confirmed
        assert secret not in (user.totp_secret_sealed or "")
    assert (
        sign_in(runtime, account.username, account.password).step is auth.SignInStep.SECOND_FACTOR
    )


def test_a_code_cannot_be_replayed(runtime, world):
    account = world.user()
    code = account.code()
    assert second_factor(runtime, account.id, code).step is auth.SignInStep.DONE
    assert second_factor(runtime, account.id, code).step is auth.SignInStep.FAILED


def test_wrong_password_and_unknown_user_are_indistinguishable(runtime, world):
    account = world.user()
    wrong = sign_in(runtime, account.username, "wrong password here")
    unknown = sign_in(runtime, "no.such.user", "wrong password here")
    assert wrong.step is unknown.step is auth.SignInStep.FAILED
    assert wrong.user is None
    assert unknown.user is None
    assert actions(runtime)[-2:] == ["login.failed", "login.failed"]


@pytest.mark.parametrize("exists", [True, False])
def test_lockout_after_repeated_failures_for_any_name(runtime, world, exists):
    account = world.user()
    name = account.username if exists else "ghost.user"
    threshold = runtime.settings.lockout_threshold
    results = [sign_in(runtime, name, "bad password!!") for _ in range(threshold)]
    assert [r.step for r in results[:-1]] == [auth.SignInStep.FAILED] * (threshold - 1)
    assert results[-1].step is auth.SignInStep.LOCKED
    assert results[-1].locked_until is not None
    # Even the right password is refused while locked, and the refusal is audited.
    locked = sign_in(runtime, name, account.password)
    assert locked.step is auth.SignInStep.LOCKED
    assert "login.locked" in actions(runtime)
    assert actions(runtime)[-1] == "login.refused_locked"


def test_lock_expires(runtime, world):
    account = world.user()
    for _ in range(runtime.settings.lockout_threshold):
        sign_in(runtime, account.username, "bad password!!")
    with unit_of_work(runtime.sessions) as session:
        from bluebridge.members.models import LoginThrottle

        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.username == account.username)
            .values(locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert (
        sign_in(runtime, account.username, account.password).step is auth.SignInStep.SECOND_FACTOR
    )


def test_inactive_account_cannot_sign_in(runtime, world):
    account = world.user()
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(User).where(User.id == account.id).values(active=False))
    assert sign_in(runtime, account.username, account.password).step is auth.SignInStep.FAILED


def test_web_session_expires_when_idle(runtime, world):
    account = world.user()
    with unit_of_work(runtime.sessions) as session:
        user = session.get(User, account.id)
        token = auth.start_web_session(
            session,
            settings=runtime.settings,
            user=user,
            stage="complete",
            second_factor=True,
            client_address=None,
        )
    with runtime.sessions() as session:
        live = auth.load_web_session(session, settings=runtime.settings, token=token)
        assert live is not None
        assert live.user_id == account.id
        stored = session.get(WebSession, token_digest(token))
        assert stored is not None  # the table holds the digest, never the token
    with unit_of_work(runtime.sessions) as session:
        stale = dt.datetime.now(dt.UTC) - dt.timedelta(
            minutes=runtime.settings.session_idle_minutes + 1
        )
        session.execute(update(WebSession).values(last_seen_at=stale))
    with runtime.sessions() as session:
        assert auth.load_web_session(session, settings=runtime.settings, token=token) is None


def test_password_change_needs_current_password(runtime, world):
    account = world.user(must_change_password=True)
    principal = world.principal(account)
    with runtime.sessions() as session, pytest.raises(InvalidInput, match="current_password"):
        auth.change_own_password(
            session,
            settings=runtime.settings,
            principal=principal,
            current_password="nope",
            new_password="x" * 20,
        )
    with unit_of_work(runtime.sessions) as session:
        auth.change_own_password(
            session,
            settings=runtime.settings,
            principal=principal,
            current_password=account.password,
            new_password="a brand new passphrase",
        )
    with runtime.sessions() as session:
        user = session.get(User, account.id)
        assert user is not None
        assert not user.must_change_password


def authenticate(runtime, key: str):
    """As the API does: the refusal's audit event is committed although the request fails."""
    with runtime.sessions() as session:
        try:
            return auth.authenticate_api_key(
                session, presented=key, context=RequestContext(Channel.API)
            )
        finally:
            session.commit()


def test_api_key_authenticates_as_its_agency(runtime, world):
    key = world.api_key("DEU-NCB", (Role.BORDER_OFFICER,))
    principal = authenticate(runtime, key)
    assert principal.kind is PrincipalKind.API_KEY
    assert principal.country == "DEU"
    assert principal.roles == frozenset({Role.BORDER_OFFICER})


@pytest.mark.parametrize("state", ["revoked", "expired", "tampered", "malformed"])
def test_bad_api_keys_are_refused_with_one_message(runtime, world, state):
    key = world.api_key()
    with unit_of_work(runtime.sessions) as session:
        if state == "revoked":
            session.execute(update(ApiKey).values(revoked_at=dt.datetime.now(dt.UTC)))
        elif state == "expired":
            session.execute(
                update(ApiKey).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
            )
    presented = {"tampered": key[:-2] + "xx", "malformed": "not-a-key"}.get(state, key)
    with pytest.raises(AuthenticationFailed) as caught:
        authenticate(runtime, presented)
    assert caught.value.detail == auth.API_KEY_FAILURE
    assert actions(runtime)[-1] == "api_key.refused"


def test_changed_secret_key_fails_the_second_factor_without_crashing(runtime, world):
    account = world.user()
    from pydantic import SecretStr

    other = runtime.settings.model_copy(
        update={"secret_key": SecretStr("a different installation key")}
    )
    other.__dict__.pop("secret", None)  # the cached derived key
    with unit_of_work(runtime.sessions) as session:
        result = auth.sign_in_second_factor(
            session, settings=other, user_id=account.id, code=account.code(), context=CONTEXT
        )
    assert result.step is auth.SignInStep.FAILED


def test_inactive_agency_ends_its_sessions(runtime, world):
    from bluebridge.members.models import Agency

    account = world.user("FRA-NCB")
    with unit_of_work(runtime.sessions) as session:
        user = session.get(User, account.id)
        token = auth.start_web_session(
            session,
            settings=runtime.settings,
            user=user,
            stage="complete",
            second_factor=True,
            client_address=None,
        )
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(Agency).where(Agency.code == "FRA-NCB").values(active=False))
    with runtime.sessions() as session:
        assert auth.load_web_session(session, settings=runtime.settings, token=token) is None


def test_own_password_change_ends_every_session(runtime, world):
    account = world.user()
    with unit_of_work(runtime.sessions) as session:
        user = session.get(User, account.id)
        tokens = [
            auth.start_web_session(
                session,
                settings=runtime.settings,
                user=user,
                stage="complete",
                second_factor=True,
                client_address=None,
            )
            for _ in range(2)
        ]
    with unit_of_work(runtime.sessions) as session:
        auth.change_own_password(
            session,
            settings=runtime.settings,
            principal=world.principal(account),
            current_password=account.password,
            new_password="a completely new passphrase",
        )
    with runtime.sessions() as session:
        assert all(
            auth.load_web_session(session, settings=runtime.settings, token=t) is None
            for t in tokens
        )


def test_roles_that_need_a_second_factor_count_only_after_it(runtime, world):
    account = world.user("FRA-NCB", (Role.ADMINISTRATOR, Role.OFFICER))
    with runtime.sessions() as session:
        user = session.get(User, account.id)
        without = auth.principal_for_user(user, CONTEXT, second_factor=False)
        with_it = auth.principal_for_user(user, CONTEXT, second_factor=True)
    assert without.has_role(Role.OFFICER)
    assert not without.has_role(Role.ADMINISTRATOR)
    assert with_it.has_role(Role.ADMINISTRATOR)


def test_new_roles_end_the_users_sessions(runtime, world):
    from bluebridge.access.principal import operator_principal
    from bluebridge.members import service

    account = world.user("FRA-NCB", (Role.OFFICER,), totp=False)
    with unit_of_work(runtime.sessions) as session:
        user = session.get(User, account.id)
        token = auth.start_web_session(
            session,
            settings=runtime.settings,
            user=user,
            stage="complete",
            second_factor=False,
            client_address=None,
        )
    with unit_of_work(runtime.sessions) as session:
        service.update_user(
            session,
            principal=operator_principal("t"),
            user_id=account.id,
            roles=["officer", "administrator"],
        )
    with runtime.sessions() as session:
        assert auth.load_web_session(session, settings=runtime.settings, token=token) is None
    # At the next sign-in the new administrator must first enrol an authenticator.
    assert sign_in(runtime, account.username, account.password).step is auth.SignInStep.ENROL
