"""The hit outbox: a hit is in the owner's inbox at once, and its message on the network follows
after the check's commit, sent exactly once however many workers drain, kept when sending
fails, and sent by a served process on its own."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bluebridge.access.principal import Role
from bluebridge.api.app import create_app
from bluebridge.messaging.models import Message, MessageRecipient
from bluebridge.screening import outbox, service
from bluebridge.screening.models import ScreeningHit
from bluebridge.screening.queries import person_query
from bluebridge.store.engine import unit_of_work
from tests.conftest import bearer
from tests.screening.factories import enter, person


@pytest.fixture
def owners(world):
    return {
        "FRA": world.principal(world.user("FRA-NCB", (Role.OFFICER,))),
        "EGY": world.principal(world.user("EGY-NCB", (Role.OFFICER,))),
    }


@pytest.fixture
def border(world):
    return world.principal(world.user("DEU-NCB", (Role.BORDER_OFFICER,)))


FIRST = [
    "Amelie",
    "Bruno",
    "Chloe",
    "Denis",
    "Elodie",
    "Fabrice",
    "Gaelle",
    "Hugo",
    "Ines",
    "Julien",
    "Karine",
    "Lucien",
] * 2
LAST = [
    "Arnaud",
    "Bouvier",
    "Carpentier",
    "Duchamp",
    "Esnault",
    "Fontaine",
    "Giraud",
    "Hebert",
    "Jourdan",
    "Lacroix",
    "Mercier",
    "Navarro",
    "Olivier",
    "Perrin",
    "Quentin",
    "Renaud",
    "Sauvage",
    "Thibault",
    "Urbain",
    "Vasseur",
    "Wagner",
    "Xavier",
    "Yvernault",
    "Zimmer",
]


def screen(runtime, principal, *names, place=None):
    with unit_of_work(runtime.sessions) as session:
        return service.screen(
            session,
            runtime.screening,
            principal=principal,
            queries=[person_query(f"q{i}", [n]) for i, n in enumerate(names)],
            place=place,
        )


def messages_by_hit(runtime):
    with runtime.sessions() as session:
        rows = session.execute(
            select(Message.hit_id, MessageRecipient.agency_id, Message.form).join(
                MessageRecipient, MessageRecipient.message_id == Message.id
            )
        ).all()
    return {hit_id: (agency_id, form) for hit_id, agency_id, form in rows}


def waiting(runtime):
    with runtime.sessions() as session:
        return outbox.waiting(session)


def test_a_hit_waits_then_its_message_goes_once_to_the_owners_ncb(runtime, world, owners, border):
    french = enter(runtime, owners["FRA"], "persons", person(["Jeanne Moreau"], (1971, 3, 9)))
    egyptian = enter(runtime, owners["EGY"], "persons", person(["Omar Sharif"], (1932, 4, 10)))
    screen(runtime, border, "Jeanne Moreau", "Omar Sharif", place="Kehl")
    with runtime.sessions() as session:
        hits = {h.record_id: h for h in session.scalars(select(ScreeningHit))}
    assert set(hits) == {french, egyptian}  # in the owners' hit inboxes already
    assert all(h.notified_at is None for h in hits.values())
    assert waiting(runtime) == 2
    assert messages_by_hit(runtime) == {}

    assert runtime.hit_outbox.drain() == 2
    sent = messages_by_hit(runtime)
    assert sent == {
        hits[french].id: (world.agency("FRA-NCB").id, "hit_found"),
        hits[egyptian].id: (world.agency("EGY-NCB").id, "hit_found"),
    }
    assert waiting(runtime) == 0
    assert runtime.hit_outbox.drain() == 0  # nothing is sent twice
    assert messages_by_hit(runtime) == sent
    with runtime.sessions() as session:
        assert all(h.notified_at is not None for h in session.scalars(select(ScreeningHit)))
        senders = set(session.scalars(select(Message.sender_agency_id)))
    assert senders == {world.agency("DEU-NCB").id}


def test_a_hit_on_the_screening_agencys_own_record_is_marked_with_no_message(
    runtime, owners, world
):
    enter(runtime, owners["FRA"], "persons", person(["Alain Delon"], (1935, 11, 8)))
    french_border = world.principal(world.user("FRA-NCB", (Role.BORDER_OFFICER,)))
    screen(runtime, french_border, "Alain Delon")
    assert runtime.hit_outbox.drain() == 1
    assert waiting(runtime) == 0
    assert messages_by_hit(runtime) == {}


def test_a_failing_send_keeps_the_hits_for_the_next_try(runtime, owners, border):
    enter(runtime, owners["FRA"], "persons", person(["Jeanne Moreau"], (1971, 3, 9)))
    screen(runtime, border, "Jeanne Moreau")
    calls = []

    def broken(session, notes):
        runtime.notify_hits(session, notes)  # the messages are written, then the send fails
        calls.append(len(notes))
        raise RuntimeError("the network's keys cannot be opened")

    failing = outbox.HitOutbox(runtime.sessions, broken)
    with pytest.raises(RuntimeError):
        failing.drain()
    assert calls == [1]
    assert waiting(runtime) == 1  # rolled back: still waiting, no half-sent message
    assert messages_by_hit(runtime) == {}
    assert runtime.hit_outbox.drain() == 1
    assert len(messages_by_hit(runtime)) == 1


def test_workers_draining_together_send_each_hit_exactly_once(runtime, owners, border):
    names = [f"{first} {last}" for first, last in zip(FIRST, LAST, strict=True)]
    for n, name in enumerate(names):
        enter(runtime, owners["FRA"], "persons", person([name], (1970, 1, 1 + n)))
    screen(runtime, border, *names)
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ScreeningHit)) == 24
    assert waiting(runtime) == 24
    workers = [outbox.HitOutbox(runtime.sessions, runtime.notify_hits, batch=3) for _ in range(3)]
    errors: list[BaseException] = []

    def drain(worker):
        try:
            while waiting(runtime):
                worker.drain()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(w.sent for w in workers) == 24
    with runtime.sessions() as session:
        per_hit = session.execute(
            select(Message.hit_id, func.count()).group_by(Message.hit_id)
        ).all()
    assert len(per_hit) == 24
    assert {count for _, count in per_hit} == {1}


def test_a_served_process_sends_a_hits_message_within_two_seconds(runtime, world, owners):
    record_id = enter(runtime, owners["EGY"], "persons", person(["Omar Sharif"], (1932, 4, 10)))
    runtime.settings.run_hit_outbox = True
    key = world.api_key("DEU-NCB", (Role.BORDER_OFFICER,))
    with TestClient(create_app(runtime=runtime)) as client:
        response = client.get(
            "/api/v1/screen/person",
            params={"name": "Omar Sharif", "birthDate": "1932-04-10"},
            headers=bearer(key),
        )
        assert response.status_code == 200, response.text
        answered = time.monotonic()
        while time.monotonic() - answered < 2 and not messages_by_hit(runtime):
            time.sleep(0.05)
        sent = messages_by_hit(runtime)
    with runtime.sessions() as session:
        hit = session.scalars(select(ScreeningHit)).one()
    assert hit.record_id == record_id
    assert sent == {hit.id: (world.agency("EGY-NCB").id, "hit_found")}
    assert runtime.hit_outbox._thread is None  # stopped with the application
