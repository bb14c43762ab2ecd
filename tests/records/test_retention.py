"""Retention: review, extension by the owner, expiry out of every read path, purge after the
grace period with only an audit trace left, the CLI command and the server's daily run."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from bluebridge.access.principal import Role
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import NotFound, PermissionDenied
from bluebridge.records import retention, service
from bluebridge.records.models import Record, RecordKey
from bluebridge.store.engine import unit_of_work
from tests.records.test_records_service import enter, passport


@pytest.fixture
def french(world):
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


def age(
    runtime, record_id: int, *, expires_in: dt.timedelta, updated_ago: dt.timedelta = dt.timedelta()
) -> None:
    now = dt.datetime.now(dt.UTC)
    with unit_of_work(runtime.sessions) as session:
        session.execute(
            update(Record)
            .where(Record.id == record_id)
            .values(
                expires_at=now + expires_in,
                review_date=now + expires_in - service.REVIEW_NOTICE,
                updated_at=now - updated_ago,
            )
        )


def test_review_is_asked_six_months_before_expiry(runtime, french):
    due_id, _, _ = enter(runtime, french, "travel_documents", passport(number="A1"))
    later_id, _, _ = enter(runtime, french, "travel_documents", passport(number="A2"))
    age(runtime, due_id, expires_in=dt.timedelta(days=100))
    with runtime.sessions() as session:
        due = retention.due_for_review(session, principal=french)
    assert [r.id for r in due.items] == [due_id]
    assert later_id not in [r.id for r in due.items]


def test_owner_extends_others_cannot(runtime, french, world):
    record_id, seq, _ = enter(runtime, french, "travel_documents", passport())
    age(runtime, record_id, expires_in=dt.timedelta(days=10))
    german = world.principal(world.user("DEU-NCB", (Role.OFFICER,)))
    with runtime.sessions() as session, pytest.raises(PermissionDenied):
        retention.extend(session, principal=german, record_id=record_id)
    with unit_of_work(runtime.sessions) as session:
        record = retention.extend(session, principal=french, record_id=record_id)
        assert record.seq > seq
        assert record.expires_at > dt.datetime.now(dt.UTC) + dt.timedelta(days=4 * 365)


def test_unreviewed_records_expire_then_are_purged(runtime, french):
    record_id, seq, _ = enter(runtime, french, "travel_documents", passport())
    kept_id, _, _ = enter(runtime, french, "travel_documents", passport(number="KEEP"))
    age(runtime, record_id, expires_in=-dt.timedelta(seconds=1))
    result = retention.run(runtime.sessions, grace_days=30)
    assert (result.expired, result.purged) == (1, 0)
    with runtime.sessions() as session:
        with pytest.raises(NotFound):
            service.get_record(session, principal=french, record_id=record_id)
        assert (
            session.scalars(select(RecordKey).where(RecordKey.record_id == record_id)).all() == []
        )
        assert service.list_records(session, principal=french).total == 1
        assert [c.id for c in service.changes_since(session, after_seq=seq)][-1] == record_id
    # After the grace period only the audit trace is left.
    age(runtime, record_id, expires_in=-dt.timedelta(days=40), updated_ago=dt.timedelta(days=31))
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(Record).where(Record.id == record_id).values(status="expired"))
    result = retention.run(runtime.sessions, grace_days=30)
    assert result.purged == 1
    with runtime.sessions() as session:
        assert session.get(Record, record_id) is None
        assert session.get(Record, kept_id) is not None
        actions = [
            e.action
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.object_id == str(record_id))
            )
        ]
    assert actions[-2:] == ["record.expire", "record.purge"]


def test_cli_records_expire(runtime, french, monkeypatch):
    from bluebridge.cli import app

    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    age(runtime, record_id, expires_in=-dt.timedelta(seconds=1))
    monkeypatch.setenv("BLUEBRIDGE_DATABASE_URL", runtime.settings.resolved_database_url)
    monkeypatch.setenv("BLUEBRIDGE_DATA_DIR", str(runtime.settings.data_dir))
    result = CliRunner().invoke(app, ["records", "expire"])
    assert result.exit_code == 0, result.output
    assert "expired 1 records" in result.output


def test_the_server_runs_the_job_at_start(runtime, french):
    from fastapi.testclient import TestClient

    from bluebridge.api.app import create_app

    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    age(runtime, record_id, expires_in=-dt.timedelta(seconds=1))
    runtime.settings.run_retention_job = True
    import time

    with TestClient(create_app(runtime=runtime)):
        for _ in range(50):
            with runtime.sessions() as session:
                if session.get(Record, record_id).status == "expired":
                    break
            time.sleep(0.1)
    with runtime.sessions() as session:
        assert session.get(Record, record_id).status == "expired"
