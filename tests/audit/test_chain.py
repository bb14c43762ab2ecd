"""The audit chain: appends are ordered and linked; edits, deletions and reorderings are found."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import delete, func, select, text, update
from typer.testing import CliRunner

from bluebridge.access.principal import Channel, RequestContext, operator_principal
from bluebridge.audit import service as audit
from bluebridge.audit.models import AuditEvent, AuditHead
from bluebridge.cli import app as cli
from bluebridge.store.engine import unit_of_work


def _head(runtime) -> int:
    """The chain's last sequence number (a fresh store already records its reference sync)."""
    with runtime.sessions() as session:
        return session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0


def _ours(session, base: int):
    query = select(AuditEvent).where(AuditEvent.seq > base).order_by(AuditEvent.seq)
    return session.scalars(query).all()


def _append(runtime, count: int, prefix: str = "test.event") -> None:
    with unit_of_work(runtime.sessions) as session:
        for n in range(count):
            audit.record(
                session,
                principal=operator_principal("tester"),
                action=prefix,
                object_type="thing",
                object_id=n,
                details={"n": n, "password": "hunter2hunter2"},
            )


def test_events_are_chained_in_order(runtime):
    base = _head(runtime)
    _append(runtime, 5)
    with runtime.sessions() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [r.seq for r in rows] == list(range(1, base + 6))
        assert rows[0].prev_hash == audit.GENESIS_HASH
        for before, after in itertools.pairwise(rows):
            assert after.prev_hash == before.hash
        report = audit.verify_chain(session)
    assert report.intact
    assert report.events_checked == base + 5


def test_secrets_are_masked_in_details(runtime):
    base = _head(runtime)
    _append(runtime, 1)
    with runtime.sessions() as session:
        (row,) = _ours(session, base)
    assert "hunter2" not in row.details
    assert '"password":"***"' in row.details
    masked = audit.mask_secrets(
        {
            "key_prefix": "abc",
            "api_key": "x",
            "code": "123456",
            "agency_code": "FRA-NCB",
            "new_password": "p",
            "nested": {"token": "t", "csrf_token": "c"},
        }
    )
    assert masked == {
        "key_prefix": "abc",
        "api_key": "***",
        "code": "***",
        "agency_code": "FRA-NCB",
        "new_password": "***",
        "nested": {"token": "***", "csrf_token": "***"},
    }


def test_rolled_back_work_leaves_no_event(runtime):
    def failing_change() -> None:
        with unit_of_work(runtime.sessions) as session:
            audit.record(session, principal=operator_principal("tester"), action="doomed")
            raise RuntimeError("the change fails")

    base = _head(runtime)
    with pytest.raises(RuntimeError):
        failing_change()
    assert _head(runtime) == base


def test_an_event_needs_an_actor_context(runtime):
    with (
        runtime.sessions() as session,
        pytest.raises(ValueError, match="principal or a request context"),
    ):
        audit.record(session, action="nobody")


def test_anonymous_events_keep_the_context(runtime):
    base = _head(runtime)
    with unit_of_work(runtime.sessions) as session:
        audit.record(
            session,
            context=RequestContext(
                Channel.WEB, request_id="req-123456", client_address="203.0.113.9"
            ),
            actor_name="someone",
            action="login.failed",
            outcome=audit.Outcome.DENIED,
        )
    with runtime.sessions() as session:
        (row,) = _ours(session, base)
    assert (row.channel, row.request_id, row.client_address, row.actor_name) == (
        "web",
        "req-123456",
        "203.0.113.9",
        "someone",
    )
    assert row.at.tzinfo is not None


@pytest.mark.parametrize(
    ("tamper", "expected_seq", "reason"),
    [
        ("UPDATE audit_events SET details = 'edited' WHERE seq = :seq", 3, "edited"),
        ("UPDATE audit_events SET actor_name = 'mallory' WHERE seq = :seq", 2, "edited"),
        ("DELETE FROM audit_events WHERE seq = :seq", 4, "missing"),
        ("DELETE FROM audit_events WHERE seq = :seq", 6, "ends early"),
    ],
)
def test_tampering_is_found_and_named(runtime, tamper, expected_seq, reason):
    base = _head(runtime)
    _append(runtime, 6)
    with runtime.engine.begin() as connection:
        connection.execute(text(tamper), {"seq": base + expected_seq})
    with runtime.sessions() as session:
        report = audit.verify_chain(session)
    assert not report.intact
    assert report.problem is not None
    assert report.problem.seq == base + expected_seq
    assert reason in report.problem.reason


def test_reordering_is_found(runtime):
    base = _head(runtime)
    _append(runtime, 5)
    second, third = base + 2, base + 3
    with runtime.engine.begin() as connection:
        # Swap the content of two events but keep their sequence numbers.
        move = text("UPDATE audit_events SET seq = :to WHERE seq = :from")
        connection.execute(move, {"from": second, "to": -2})
        connection.execute(move, {"from": third, "to": second})
        connection.execute(move, {"from": -2, "to": third})
    with runtime.sessions() as session:
        report = audit.verify_chain(session)
    assert report.problem is not None
    assert report.problem.seq == second


def test_an_edit_with_a_recomputed_hash_is_caught_at_the_next_event(runtime):
    base = _head(runtime)
    _append(runtime, 4)
    with runtime.sessions() as session:
        row = session.get(AuditEvent, base + 2)
        assert row is not None
        row.actor_name = "mallory"
        row.hash = audit.event_hash(row)
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.seq == base + 2)
            .values(actor_name="mallory", hash=row.hash)
        )
        session.commit()
    with runtime.sessions() as session:
        report = audit.verify_chain(session)
    assert report.problem is not None
    assert report.problem.seq == base + 3


def test_concurrent_writers_keep_one_unbroken_chain(runtime):
    base = _head(runtime)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for _ in range(10):
                _append(runtime, 2, prefix=name)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with runtime.sessions() as session:
        report = audit.verify_chain(session)
    assert report.intact
    assert report.events_checked == base + 80


def test_cli_audit_verify_names_the_edited_event(runtime, monkeypatch):
    base = _head(runtime)
    _append(runtime, 5)
    monkeypatch.setenv("BLUEBRIDGE_DATABASE_URL", runtime.settings.resolved_database_url)
    monkeypatch.setenv("BLUEBRIDGE_DATA_DIR", str(runtime.settings.data_dir))
    runner = CliRunner()
    intact = runner.invoke(cli, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "intact" in intact.output
    with runtime.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_events SET action = 'nothing.to.see' WHERE seq = :seq"),
            {"seq": base + 4},
        )
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"event {base + 4}" in broken.output


def test_events_appended_together_hash_as_they_are_verified(runtime):
    """Several events of one transaction, in any script and with empty fields, are linked and
    hashed at commit (on PostgreSQL by the database) exactly as verify_chain recomputes them."""
    base = _head(runtime)
    context = RequestContext(Channel.API, request_id="req-unicode-1", client_address=None)
    with unit_of_work(runtime.sessions) as session:
        audit.record(session, context=context, actor_name="محمد عبد الرحمن", action="a.one")
        audit.record(
            session,
            principal=operator_principal("Ærøskøbing 王小明"),
            action="a.two",
            object_type="record",
            object_id=7,
            object_country="FRA",
            details={"name": 'Zoë "quoted" \\ back\u2028slash', "n": [1, 2.5, None, True]},
        )
        audit.record(session, context=context, action="a.three", details={"": "\u0000"})
    with runtime.sessions() as session:
        rows = _ours(session, base)
        assert [r.action for r in rows] == ["a.one", "a.two", "a.three"]
        assert [r.seq for r in rows] == [base + 1, base + 2, base + 3]
        for row in rows:
            assert audit.event_hash(row) == row.hash
        assert rows[0].actor_name == "محمد عبد الرحمن"
        head = session.get(AuditHead, 1)
        assert (head.seq, head.hash) == (rows[-1].seq, rows[-1].hash)
        assert audit.verify_chain(session).intact


def test_a_store_without_a_head_starts_the_chain(runtime):
    with unit_of_work(runtime.sessions) as session:
        session.execute(delete(AuditEvent))
        session.execute(delete(AuditHead))
    _append(runtime, 2)
    with runtime.sessions() as session:
        rows = _ours(session, 0)
        assert [r.seq for r in rows] == [1, 2]
        assert rows[0].prev_hash == audit.GENESIS_HASH
        assert audit.verify_chain(session).intact


def _record(session, action: str) -> None:
    audit.record(
        session, principal=operator_principal("tester"), action=action, object_type="thing"
    )


def test_a_savepoint_released_does_not_write_the_chain_before_the_commit(runtime):
    # Written at the savepoint, the head's lock would be held through the rest of the
    # transaction (two such transactions deadlocked on PostgreSQL).
    base = _head(runtime)
    with unit_of_work(runtime.sessions) as session:
        _record(session, "test.before")
        with session.begin_nested():
            _record(session, "test.inside")
        assert _ours(session, base) == []  # nothing appended yet
        _record(session, "test.after")
    with runtime.sessions() as session:
        actions = [event.action for event in _ours(session, base)]
        assert actions == ["test.before", "test.inside", "test.after"]
        assert audit.verify_chain(session).intact


def test_a_savepoint_rolled_back_drops_only_its_own_events(runtime):
    base = _head(runtime)
    with unit_of_work(runtime.sessions) as session:
        _record(session, "test.kept")
        try:
            with session.begin_nested():
                _record(session, "test.undone")
                raise ValueError("the savepoint's work fails")
        except ValueError:
            pass
        _record(session, "test.also_kept")
    with runtime.sessions() as session:
        actions = [event.action for event in _ours(session, base)]
        assert actions == ["test.kept", "test.also_kept"]
