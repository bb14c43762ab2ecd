"""Sending many messages at once (all or none, every problem named by its message), the
country's NCB read by a supervisor of its other agencies, and what escalation shows to whom."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from bluebridge.access.principal import Role
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import InvalidInput, NotFound
from bluebridge.messaging import service
from bluebridge.messaging.models import Message, MessageRecipient
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work
from tests.conftest import bearer
from tests.messaging.conftest import read, send


def _draft(n: int, to: str = "DEU-NCB", **fields):  # type: ignore[no-untyped-def]
    return service.Draft(
        subject=f"Sighting {n}",
        body=f"Seen at the port, report {n}.",
        address=service.Address(agencies=(to,)),
        **fields,
    )


def _count(runtime, model, *where) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_many_messages_are_sent_in_one_transaction_each_signed_and_audited(
    runtime, france, germany, spain
):
    drafts = [_draft(n, ("DEU-NCB", "ESP-NCB")[n % 2]) for n in range(6)]
    with unit_of_work(runtime.sessions) as session:
        sent = service.send_many(
            session, settings=runtime.settings, principal=france, bus=None, drafts=drafts
        )
        ids = [m.id for m in sent]
        assert len(set(ids)) == 6
        assert len({m.envelope["uid"] for m in sent}) == 6
        assert all(m.thread_id == m.id for m in sent)
    assert _count(runtime, AuditEvent, AuditEvent.action == "message.send") == 6
    for n, message_id in enumerate(ids):
        reader = (germany, spain)[n % 2]
        view = read(runtime, reader, message_id)
        assert view.subject == f"Sighting {n}"
        assert view.verification.valid
    # Each went only where it was addressed.
    with pytest.raises(NotFound):
        read(runtime, spain, ids[0])


def test_a_bad_message_in_a_batch_sends_none_and_is_named_by_its_position(runtime, france):
    drafts = [
        _draft(0),
        dataclasses.replace(_draft(1), subject=" ", priority="soon"),
        _draft(2, to="NOWHERE-1"),
    ]
    before = _count(runtime, Message)
    with unit_of_work(runtime.sessions) as session, pytest.raises(InvalidInput) as raised:
        service.send_many(
            session, settings=runtime.settings, principal=france, bus=None, drafts=drafts
        )
    fields = {p.field for p in raised.value.problems}
    assert fields == {"messages.1.subject", "messages.1.priority", "messages.2.address.agencies.0"}
    assert _count(runtime, Message) == before
    with unit_of_work(runtime.sessions) as session, pytest.raises(InvalidInput) as raised:
        service.send_many(session, settings=runtime.settings, principal=france, bus=None, drafts=[])
    assert [p.field for p in raised.value.problems] == ["messages"]


def test_the_batch_endpoint_sends_all_or_none(client, world):
    france = world.api_key("FRA-NCB", (Role.OFFICER,))
    germany = world.api_key("DEU-NCB", (Role.OFFICER,))
    body = {
        "messages": [
            {"subject": f"Leg {n}", "body": "Please freeze.", "address": {"countries": ["DEU"]}}
            for n in range(3)
        ]
    }
    sent = client.post("/api/v1/messages/batch", json=body, headers=bearer(france))
    assert sent.status_code == 201, sent.text
    assert [s["recipients"] for s in sent.json()["sent"]] == [["DEU-NCB"]] * 3
    inbox = client.get("/api/v1/messages", headers=bearer(germany)).json()
    assert sorted(m["subject"] for m in inbox["items"]) == ["Leg 0", "Leg 1", "Leg 2"]
    body["messages"][2]["address"] = {"agencies": ["NO-SUCH"]}
    body["messages"][1]["attachments"] = [{"filename": "a.txt", "content_base64": "%%%"}]
    refused = client.post("/api/v1/messages/batch", json=body, headers=bearer(france))
    assert refused.status_code == 422
    named = {e["field"] for e in refused.json()["errors"]}
    assert "messages.1.attachments.0.content_base64" in named
    after = client.get("/api/v1/messages", headers=bearer(germany)).json()
    assert after["total"] == 3


def test_a_supervisor_of_a_border_post_reads_its_ncbs_messages_an_officer_does_not(
    runtime, world, france
):
    world.unit("DEU", code="DEU-BP-FRA", kind="border_post")
    message_id = send(runtime, france, address=service.Address(countries=("DEU",)))
    supervisor = world.principal(world.user("DEU-BP-FRA", (Role.SUPERVISOR,)))
    officer = world.principal(world.user("DEU-BP-FRA", (Role.BORDER_OFFICER,)))
    view = read(runtime, supervisor, message_id)
    assert view.verification.valid
    assert view.subject == "Request for information"
    with pytest.raises(NotFound):
        read(runtime, officer, message_id)
    with runtime.sessions() as session:
        assert service.inbox(session, settings=runtime.settings, principal=officer).total == 0
        assert service.unread_counts(session, principal=officer)["routine"] == 0
        assert service.reader_codes(session, supervisor) == ["DEU-BP-FRA", "DEU-NCB"]
        assert service.reader_codes(session, officer) == ["DEU-BP-FRA"]
        # The read receipt is the NCB's, taken by the supervisor.
        recipient = session.scalar(
            select(MessageRecipient).where(MessageRecipient.message_id == message_id)
        )
        assert recipient is not None
        assert recipient.read_at is not None
        assert recipient.read_by == supervisor.name
    # Without the second factor the supervisor role counts for nothing.
    unverified = dataclasses.replace(supervisor, second_factor=False)
    with pytest.raises(NotFound):
        read(runtime, unverified, message_id)
    # Another country's supervisor reads nothing of it.
    other = world.principal(world.user("ESP-NCB", (Role.SUPERVISOR,)))
    with pytest.raises(NotFound):
        read(runtime, other, message_id)


def test_an_escalated_message_shows_in_the_ncbs_escalated_box_and_counts(runtime, world, france):
    world.unit("DEU", code="DEU-CT", kind="specialized_unit")
    message_id = send(
        runtime, france, priority="immediate", address=service.Address(agencies=("DEU-CT",))
    )
    routine = send(runtime, france)  # to the NCB, not escalated
    supervisor = world.principal(world.user("DEU-NCB", (Role.SUPERVISOR,)))
    with runtime.sessions() as session:
        assert service.unread_counts(session, principal=supervisor)["escalated"] == 0
    later = utcnow() + dt.timedelta(minutes=runtime.settings.message_escalation_minutes + 1)
    with unit_of_work(runtime.sessions) as session:
        assert service.escalate(session, settings=runtime.settings, bus=None, now=later) == 1
    with runtime.sessions() as session:
        counts = service.unread_counts(session, principal=supervisor)
        assert counts["escalated"] == 1
        assert counts["immediate"] == 1
        assert counts["routine"] == 1
        box = service.inbox(
            session, settings=runtime.settings, principal=supervisor, box="escalated"
        )
        assert [i.message.id for i in box.items] == [message_id]
        assert routine not in [i.message.id for i in box.items]
        with pytest.raises(InvalidInput) as raised:
            service.inbox(session, settings=runtime.settings, principal=supervisor, box="trash")
        assert raised.value.problems[0].field == "box"


def test_two_workers_making_an_agencys_first_key_at_once_agree_on_it(runtime, world):
    import threading

    from bluebridge.messaging import keys
    from bluebridge.messaging.models import AgencyKey

    agency = world.unit("DEU", code="DEU-NEWUNIT", kind="specialized_unit")
    # PostgreSQL lets both transactions read before either writes; SQLite takes its write
    # lock at the start of each, so there the second simply waits for the first.
    together = runtime.engine.dialect.name != "sqlite"
    barrier = threading.Barrier(2)
    made: list[int] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            with unit_of_work(runtime.sessions) as session:
                session.execute(select(func.count()).select_from(AgencyKey))  # a snapshot
                if together:
                    barrier.wait(5)
                made.append(keys.active_keys(session, runtime.settings, [agency.id])[agency.id].id)
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failed == []
    assert len(set(made)) == 1
    assert _count(runtime, AgencyKey, AgencyKey.agency_id == agency.id) == 1
