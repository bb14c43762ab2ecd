"""The `bluebridge` command against a real store."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bluebridge.cli import app
from bluebridge.members.models import ApiKey, User

runner = CliRunner()


@pytest.fixture
def cli_env(runtime, monkeypatch):
    monkeypatch.setenv("BLUEBRIDGE_DATABASE_URL", runtime.settings.resolved_database_url)
    monkeypatch.setenv("BLUEBRIDGE_DATA_DIR", str(runtime.settings.data_dir))
    monkeypatch.setenv("BLUEBRIDGE_SECRET_KEY", "cli-test-secret")
    for name, value in (("TIME_COST", "1"), ("MEMORY_KIB", "1024"), ("PARALLELISM", "1")):
        monkeypatch.setenv(f"BLUEBRIDGE_ARGON2_{name}", value)
    return runtime


def test_db_upgrade_is_idempotent(cli_env):
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    from bluebridge.store import migrate

    assert f"revision {migrate.head_revision()}" in result.output


def test_users_create_list_and_reset(cli_env):
    created = runner.invoke(
        app,
        [
            "users",
            "create",
            "first.admin",
            "--agency",
            "GS",
            "--role",
            "administrator",
            "--password",
            "a long temporary passphrase",
        ],
    )
    assert created.exit_code == 0, created.output
    listed = runner.invoke(app, ["users", "list", "--agency", "GS"])
    assert listed.exit_code == 0
    assert "first.admin" in listed.output
    reset = runner.invoke(
        app, ["users", "reset-password", "first.admin", "--password", "another long passphrase"]
    )
    assert reset.exit_code == 0, reset.output
    with cli_env.sessions() as session:
        user = session.scalars(select(User).where(User.username == "first.admin")).one()
        assert user.must_change_password


def test_users_create_reports_every_problem(cli_env):
    result = runner.invoke(
        app,
        ["users", "create", "X", "--agency", "FRA-NCB", "--role", "officer", "--password", "short"],
    )
    assert result.exit_code == 1
    assert "username" in result.output
    assert "password" in result.output


def test_unknown_user_reset_fails_clearly(cli_env):
    result = runner.invoke(
        app, ["users", "reset-password", "nobody", "--password", "a long temporary passphrase"]
    )
    assert result.exit_code == 1
    assert "no user named 'nobody'" in result.output


def test_apikeys_create_prints_key_once_and_revoke(cli_env):
    created = runner.invoke(
        app,
        [
            "apikeys",
            "create",
            "--agency",
            "FRA-NCB",
            "--name",
            "e-gates",
            "--role",
            "border_officer",
            "--days",
            "30",
        ],
    )
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("bbk_")
    with cli_env.sessions() as session:
        stored = session.scalars(select(ApiKey)).one()
        assert key not in stored.key_digest
    revoked = runner.invoke(app, ["apikeys", "revoke", key])
    assert revoked.exit_code == 0, revoked.output
    with cli_env.sessions() as session:
        assert session.scalars(select(ApiKey)).one().revoked_at is not None


def test_demo_refuses_an_existing_database_without_reset(cli_env):
    result = runner.invoke(app, ["demo", "--no-serve", "--countries", "FRA"])
    assert result.exit_code == 1
    assert "--reset" in result.output


@pytest.mark.sqlite_only
def test_unreachable_database_names_url_without_password(monkeypatch, tmp_path):
    monkeypatch.setenv("BLUEBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(
        "BLUEBRIDGE_DATABASE_URL", "postgresql+psycopg://bb:s3cr3tpw@127.0.0.1:1/bluebridge"
    )
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "database unreachable" in result.output
    assert "127.0.0.1:1/bluebridge" in result.output
    assert "s3cr3tpw" not in result.output


def test_reset_second_factor_and_verify_is_recorded(cli_env, world):
    from bluebridge.audit.models import AuditEvent

    account = world.user()
    result = runner.invoke(app, ["users", "reset-second-factor", account.username])
    assert result.exit_code == 0, result.output
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    with cli_env.sessions() as session:
        user = session.get(User, account.id)
        assert user is not None
        assert not user.totp_confirmed
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions[-2:] == ["user.second_factor_reset", "audit.verify"]
