"""Links between records: made by the owner of the first record to a record it may see, and
never showing a record the reader may not see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bluebridge.access.principal import Role
from bluebridge.access.records import AccessPolicy
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import InvalidInput, NotFound, PermissionDenied
from bluebridge.records import service
from bluebridge.store.engine import unit_of_work
from tests.conftest import bearer
from tests.records.test_records_service import ENVELOPE, enter, passport

PERSON = {
    "names": [{"value": "Jean Dupont", "type": "primary"}],
    "status": "wanted",
    "nationalities": ["FRA"],
}


def hidden(envelope: service.Envelope = ENVELOPE) -> service.Envelope:
    return service.Envelope(
        source_type=envelope.source_type,
        source_grading=envelope.source_grading,
        information_grading=envelope.information_grading,
        access_policy=AccessPolicy.model_validate({"mode": "listed", "countries": ["FRA"]}),
    )


@pytest.fixture
def people(world):
    return (
        world.principal(world.user("FRA-NCB", (Role.OFFICER,))),
        world.principal(world.user("DEU-NCB", (Role.OFFICER,))),
        world.principal(world.user("JPN-NCB", (Role.OFFICER,))),
    )


def link(runtime, principal, from_id, to_id, relation=service.Relation.HOLDER):
    with unit_of_work(runtime.sessions) as session:
        return service.link_records(
            session, principal=principal, from_id=from_id, to_id=to_id, relation=relation
        ).id


def test_owner_links_and_both_ends_show_the_link(runtime, people):
    french, german, _ = people
    person, _, _ = enter(runtime, french, "persons", PERSON)
    document, _, _ = enter(runtime, french, "travel_documents", passport())
    link(runtime, french, person, document)
    with runtime.sessions() as session:
        from_person = service.links_of(session, principal=german, record_id=person)
        from_document = service.links_of(session, principal=german, record_id=document)
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "record.link")).one()
    assert [
        (lv.from_record.record.id, lv.relation, lv.to_record.record.id) for lv in from_person
    ] == [(person, "holder", document)]
    assert [lv.id for lv in from_document] == [lv.id for lv in from_person]
    assert event.object_id == str(person)


def test_a_record_the_reader_may_not_see_is_absent_from_links(runtime, people):
    french, _german, japanese = people
    person, _, _ = enter(runtime, french, "persons", PERSON)
    secret_document, _, _ = enter(
        runtime, french, "travel_documents", passport(number="S1"), hidden()
    )
    open_document, _, _ = enter(runtime, french, "travel_documents", passport(number="O1"))
    link(runtime, french, person, secret_document)
    link(runtime, french, person, open_document)
    with runtime.sessions() as session:
        seen_by_french = {
            lv.to_record.record.id
            for lv in service.links_of(session, principal=french, record_id=person)
        }
        seen_by_japanese = {
            lv.to_record.record.id
            for lv in service.links_of(session, principal=japanese, record_id=person)
        }
        with pytest.raises(NotFound):
            service.links_of(session, principal=japanese, record_id=secret_document)
    assert seen_by_french == {secret_document, open_document}
    assert seen_by_japanese == {open_document}


def test_only_the_owner_links_and_only_to_what_it_sees(runtime, people):
    french, german, _ = people
    person, _, _ = enter(runtime, french, "persons", PERSON)
    german_secret, _, _ = enter(
        runtime,
        german,
        "travel_documents",
        passport(number="G1", country="DEU"),
        service.Envelope(
            source_type=ENVELOPE.source_type,
            source_grading=ENVELOPE.source_grading,
            information_grading=ENVELOPE.information_grading,
            access_policy=AccessPolicy.model_validate({"mode": "hit_only"}),
        ),
    )
    german_open, _, _ = enter(
        runtime, german, "travel_documents", passport(number="G2", country="DEU")
    )
    with pytest.raises(PermissionDenied):
        link(runtime, german, person, german_open)
    with pytest.raises(InvalidInput, match="to_record_id"):
        link(runtime, french, person, german_secret)
    assert link(runtime, french, person, german_open)
    with pytest.raises(InvalidInput):
        link(runtime, french, person, person)


def test_links_through_the_api(client, world):
    key = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    body = {"source_type": "judicial", "source_grading": "A", "information_grading": "1"}
    person = client.post(
        "/api/v1/records/persons", json={**body, "payload": PERSON}, headers=key
    ).json()
    document = client.post(
        "/api/v1/records/travel_documents", json={**body, "payload": passport()}, headers=key
    ).json()
    made = client.post(
        f"/api/v1/records/persons/{person['id']}/links",
        json={"to_record_id": document["id"], "relation": "holder"},
        headers=key,
    )
    assert made.status_code == 201, made.text
    (only,) = made.json()
    assert only["to_record"]["id"] == document["id"]
    removed = client.delete(
        f"/api/v1/records/persons/{person['id']}/links/{only['id']}", headers=key
    )
    assert removed.status_code == 204
    assert client.get(f"/api/v1/records/persons/{person['id']}/links", headers=key).json() == []
