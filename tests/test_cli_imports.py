"""`bluebridge records import` and `records export` against a real store: acting as a user
of an agency, the operator named in the audit, a summary with the first rejections, exit 1
when the job fails."""

from __future__ import annotations

import json

from sqlalchemy import select

from bluebridge.access.principal import Role
from bluebridge.audit.models import AuditEvent
from bluebridge.cli import app
from bluebridge.records.models import Record
from tests.test_cli import cli_env, runner  # noqa: F401 - the fixture is used by name

CSV = (
    "owner_reference,number,issuing_country,document_type,status,date_reported\n"
    "FR-1,11AA11,FRA,passport,lost,2026-01-15\n"
    "FR-2,22BB22,FRA,scroll,lost,2026-01-15\n"
)
DEFAULTS = [
    "--source-type",
    "border_control",
    "--source-grading",
    "B",
    "--information-grading",
    "2",
]


def test_import_acts_as_the_user_and_names_the_operator(cli_env, world, tmp_path):  # noqa: F811
    account = world.user("FRA-NCB", (Role.OFFICER,))
    source = tmp_path / "sltd.csv"
    source.write_text(CSV)
    args = ["records", "import", str(source), "--kind", "travel_documents", "--format", "csv"]
    result = runner.invoke(app, [*args, "--as", account.username, *DEFAULTS])
    assert result.exit_code == 0, result.output
    assert "1 records created" in result.output
    assert "payload.document_type" in result.output
    with cli_env.sessions() as session:
        record = session.scalars(select(Record)).one()
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "record.import")
        ).one()
    assert (record.created_by, record.owner_reference) == (account.username, "FR-1")
    assert event.actor_name == account.username
    assert event.channel == "cli"
    assert json.loads(event.details)["operator"]

    out = tmp_path / "out.ndjson"
    exported = runner.invoke(
        app,
        [
            "records",
            "export",
            "--kind",
            "travel_documents",
            "--format",
            "ftm",
            "--as",
            account.username,
            "--out",
            str(out),
        ],
    )
    assert exported.exit_code == 0, exported.output
    (entity,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert entity["id"] == "FR-1"


def test_a_failed_import_exits_1_with_the_reason(cli_env, world, tmp_path):  # noqa: F811
    account = world.user("FRA-NCB", (Role.OFFICER,))
    source = tmp_path / "bad.csv"
    source.write_text("owner_reference,wings\nx,y\n")
    result = runner.invoke(
        app,
        [
            "records",
            "import",
            str(source),
            "--kind",
            "travel_documents",
            "--format",
            "csv",
            "--as",
            account.username,
        ],
    )
    assert result.exit_code == 1
    assert "wings" in result.output


def test_refusals_exit_1(cli_env, world, tmp_path):  # noqa: F811
    analyst = world.user("FRA-NCB", (Role.ANALYST,))
    source = tmp_path / "sltd.csv"
    source.write_text(CSV)
    base = ["records", "import", str(source), "--kind", "travel_documents"]
    for extra in (
        ["--format", "csv", "--as", analyst.username],
        ["--format", "yaml", "--as", analyst.username],
        ["--format", "csv", "--as", "nobody"],
        ["--format", "csv", "--as", analyst.username, "--source-grading", "Z"],
    ):
        result = runner.invoke(app, base + extra)
        assert result.exit_code == 1, (extra, result.output)


def test_a_refused_export_leaves_an_existing_file_as_it_was(cli_env, world, tmp_path):  # noqa: F811
    account = world.user("FRA-NCB", (Role.OFFICER,))
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / "persons.ndjson"
    out.write_text("yesterday's export\n")
    base = ["records", "export", "--as", account.username, "--out", str(out)]
    for extra in (
        ["--kind", "spaceships", "--format", "ftm"],
        ["--kind", "persons", "--format", "stix"],
        ["--kind", "dna_profiles", "--format", "ftm"],
    ):
        result = runner.invoke(app, base + extra)
        assert result.exit_code == 1, (extra, result.output)
        assert out.read_text() == "yesterday's export\n", extra
    replaced = runner.invoke(app, [*base, "--kind", "persons", "--format", "ftm"])
    assert replaced.exit_code == 0, replaced.output
    assert out.read_text() == ""  # no persons yet: an empty export, written whole
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no partial file left
