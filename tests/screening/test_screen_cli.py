"""`bluebridge screen` against the store: a person, a passport's MRZ and a manifest, with the
hits stored and told to their owners, and clear refusals."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bluebridge.access.principal import Role
from bluebridge.audit.models import AuditEvent
from bluebridge.cli import app
from bluebridge.messaging.models import Message, MessageRecipient
from bluebridge.screening.models import ScreeningHit
from tests.screening.factories import enter, person, td3

runner = CliRunner()


@pytest.fixture
def france(world):
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


@pytest.fixture
def officer(world):
    return world.user("DEU-NCB", (Role.BORDER_OFFICER,), username="officer.kehl")


def test_a_person_is_screened_with_the_officers_sight_and_the_owner_is_told(
    cli_env, world, france, officer
):
    runtime = cli_env
    record_id = enter(runtime, france, "persons", person(["Jeanne Moreau"], (1971, 3, 9)))
    result = runner.invoke(
        app,
        [
            "screen",
            "--name",
            "MOREAU Jeanne",
            "--dob",
            "1971-03-09",
            "--as",
            "officer.kehl",
            "--place",
            "Kehl",
        ],
    )
    assert result.exit_code == 0, result.output
    assert str(record_id) in result.stdout
    assert "Jeanne Moreau" in result.stdout
    owner_ncb = world.agency("FRA-NCB").id
    with runtime.sessions() as session:
        hit = session.scalars(select(ScreeningHit)).one()
        assert (hit.record_id, hit.agency_code, hit.place, hit.channel) == (
            record_id,
            "DEU-NCB",
            "Kehl",
            "cli",
        )
        # The command tells the owner's NCB before it ends, as a served process would.
        assert hit.notified_at is not None
        [(recipient,)] = session.execute(
            select(MessageRecipient.agency_id).join(
                Message, Message.id == MessageRecipient.message_id
            )
        ).all()
        assert recipient == owner_ncb
        assert session.scalar(select(func.count()).where(AuditEvent.action == "screening.query"))


def test_a_passport_mrz_and_a_manifest_are_screened(cli_env, france, officer, tmp_path):
    runtime = cli_env
    record_id = enter(runtime, france, "persons", person(["Jeanne Moreau"], (1971, 3, 9)))
    mrz = td3("X1234567", "FRA", "MOREAU", "JEANNE", "710309")
    result = runner.invoke(app, ["screen", "--mrz", mrz, "--as", "officer.kehl"])
    assert result.exit_code == 0, result.output
    assert str(record_id) in result.stdout
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "name,birth_date\nJeanne Moreau,1971-03-09\nPeter Brown,1970-01-01\nBad Date,1980-13-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.csv"
    batch = runner.invoke(
        app, ["screen", "--file", str(manifest), "--out", str(out), "--as", "officer.kehl"]
    )
    assert batch.exit_code == 0, batch.output
    # (the console wraps long lines at its width)
    assert "3 rows (1 error, 1 hit, 1 no_hit)" in " ".join(batch.stdout.split())
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["status"] for r in rows[:2]] == ["hit", "no_hit"]
    assert "birth_date" in rows[2]["error"]  # the bad row is reported, the good ones kept


def test_bad_requests_are_refused_clearly(cli_env, tmp_path):
    nothing = runner.invoke(app, ["screen"])
    assert nothing.exit_code == 1
    assert "--name" in nothing.output
    no_out = runner.invoke(app, ["screen", "--file", str(tmp_path / "m.csv")])
    assert no_out.exit_code == 1
    assert "--out" in no_out.output
    bad_date = runner.invoke(app, ["screen", "--name", "Jeanne Moreau", "--dob", "1971-13-40"])
    assert bad_date.exit_code == 1
    assert "dob" in bad_date.output or "birth" in bad_date.output
    stranger = runner.invoke(app, ["screen", "--name", "Jeanne Moreau", "--as", "nobody"])
    assert stranger.exit_code == 1
    assert "nobody" in stranger.output
