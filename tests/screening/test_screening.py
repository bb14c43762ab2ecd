"""Screening through the service and the API: names across scripts, documents by MRZ, access
filtering of results, hit-only answers, stored hits and the owner's inbox, the audit, and an
index that follows the store."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import func, select

from bluebridge.access.principal import Role, operator_principal
from bluebridge.access.records import AccessMode, AccessPolicy
from bluebridge.audit.models import AuditEvent
from bluebridge.errors import InvalidInput, PermissionDenied
from bluebridge.records import service as records
from bluebridge.records.models import RecordAccess
from bluebridge.records.samples import sample_payload
from bluebridge.screening import service
from bluebridge.screening.models import ScreeningHit
from bluebridge.screening.queries import build_queries, build_query, person_query
from bluebridge.store.engine import unit_of_work
from tests.conftest import bearer
from tests.screening.factories import enter, person, td3


def run(runtime, principal, queries, **options):
    with unit_of_work(runtime.sessions) as session:
        results = service.screen(
            session, runtime.screening, principal=principal, queries=queries, **options
        )
        return [(r.status, r.matches) for r in results]


@pytest.fixture
def egypt(world):
    return world.principal(world.user("EGY-NCB", (Role.OFFICER,)))


@pytest.fixture
def france(world):
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


@pytest.fixture
def germany(world):
    return world.principal(world.user("DEU-NCB", (Role.OFFICER,)))


def test_an_arabic_name_is_found_by_its_latin_spellings_with_an_explanation(runtime, egypt, france):
    record_id = enter(
        runtime, egypt, "persons", person(["محمد عبد الرحمن حسن"], (1980, 4, 17), ["EGY"], "male")
    )
    for spelling in (
        "Mohamed Abdelrahman Hassan",
        "Muhammad Abdul Rahman Hasan",
        "HASSAN MOHAMMED ABDEL RAHMAN",
    ):
        [(status, matches)] = run(
            runtime, france, [person_query("q", [spelling], "1980-04-17", "EGY", "male")]
        )
        assert status == "hit", spelling
        [match] = matches
        assert match.record_id == record_id
        assert not match.possible_hit
        assert 0.8 <= match.score <= 1.0
        assert any("birth_date: same date" in line for line in match.explanation)
        assert match.features["birth_date"] > 0
        assert match.status == "wanted"


def test_the_wrong_person_is_not_flagged(runtime, egypt, france):
    enter(runtime, egypt, "persons", person(["Mohamed Hassan"], (1980, 4, 17), ["EGY"], "male"))
    queries = [
        person_query("other-family", ["Mohamed Saleh"], "1980-04-17"),
        person_query("other-given", ["Ahmed Hassan"], "1980-04-17"),
        person_query("other-birth", ["Mohamed Hassan"], "1962-11-02"),
    ]
    assert [status for status, _ in run(runtime, france, queries)] == ["no_hit"] * 3


def test_a_record_listed_for_one_country_is_not_shown_to_another(runtime, france, germany, egypt):
    policy = AccessPolicy(mode=AccessMode.LISTED, countries=["DEU"])
    enter(runtime, france, "persons", person(["Jean Dupont"], (1975, 1, 2)), policy)
    query = [person_query("q", ["Jean Dupont"], "1975-01-02")]
    assert run(runtime, germany, query)[0][0] == "hit"
    assert run(runtime, egypt, query)[0][0] == "no_hit"
    with runtime.sessions() as session:
        hits = session.scalars(select(ScreeningHit)).all()
    assert len(hits) == 1
    assert hits[0].country == "DEU"


def test_a_hit_only_record_tells_whom_to_contact_and_nothing_else(runtime, france, germany):
    policy = AccessPolicy(mode=AccessMode.HIT_ONLY)
    record_id = enter(runtime, france, "persons", person(["Pierre Martin"], (1969, 5, 5)), policy)
    [(status, [match])] = run(
        runtime, germany, [person_query("q", ["Pierre Martin"], "1969-05-05")]
    )
    assert status == "possible_hit"
    assert match.possible_hit
    assert match.record_id == record_id
    assert match.score is None
    assert match.title is None
    assert match.explanation == []
    assert match.features == {}
    assert match.contact is not None
    assert match.contact.country == "FRA"
    assert match.contact.agency_code == "FRA-NCB"
    assert (
        match.message == f"possible hit: contact {match.contact.agency_name}, reference {record_id}"
    )
    with runtime.sessions() as session:
        [hit] = session.scalars(select(ScreeningHit)).all()
        assert hit.hit_only
        assert hit.owner_country == "FRA"
        assert hit.country == "DEU"
        [log] = session.scalars(
            select(RecordAccess).where(RecordAccess.record_id == record_id)
        ).all()
        assert log.action == "hit"
        assert log.country == "DEU"


def test_the_owner_ncb_sees_the_hit_in_its_inbox_and_acknowledges_it(
    runtime, world, france, germany
):
    record_id = enter(
        runtime, france, "persons", person(["Marie Curie"], (1967, 11, 7), status="missing")
    )
    run(
        runtime,
        germany,
        [person_query("q", ["Marie Curie"], "1967-11-07")],
        place="Frankfurt airport",
    )
    with unit_of_work(runtime.sessions) as session:
        rows, total = service.hit_inbox(session, principal=france)
        assert total == 1
        [hit] = rows
        assert hit.record_id == record_id
        assert hit.place == "Frankfurt airport"
        assert hit.action == "missing"
        assert hit.query["names"] == ["Marie Curie"]
        assert hit.actor_name == germany.name
        assert service.hit_inbox(session, principal=germany)[1] == 0  # not the owner
        service.acknowledge_hit(session, principal=france, hit_id=hit.id)
    with runtime.sessions() as session:
        assert service.hit_inbox(session, principal=france, unacknowledged_only=True)[1] == 0
        events = session.scalars(select(AuditEvent.action)).all()
        assert "screening.hit_acknowledged" in events


def test_every_query_is_audited_with_counts_not_the_travellers_details(runtime, germany):
    run(runtime, germany, [person_query("a", ["Nobody Known"]), person_query("b", ["Another One"])])
    with runtime.sessions() as session:
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "screening.query")
        ).all()
    details = json.loads(event.details)
    assert details["queries"] == 2
    assert details["matches"] == 0
    assert "Nobody" not in str(event.details)


def test_the_index_follows_new_changed_and_deleted_records(runtime, france, germany):
    query = [person_query("q", ["Ivan Petrov"], "1985-03-03")]
    assert run(runtime, germany, query)[0][0] == "no_hit"  # builds the index
    record_id = enter(runtime, france, "persons", person(["Иван Петров"], (1985, 3, 3)))
    assert run(runtime, germany, query)[0][0] == "hit"
    with unit_of_work(runtime.sessions) as session:
        records.update_record(
            session,
            settings=runtime.settings,
            principal=france,
            record_id=record_id,
            payload=person(["Иван Сидоров"], (1985, 3, 3)),
            expected_version=1,
        )
    assert run(runtime, germany, query)[0][0] == "no_hit"
    assert run(runtime, germany, [person_query("q", ["Ivan Sidorov"], "1985-03-03")])[0][0] == "hit"
    with unit_of_work(runtime.sessions) as session:
        records.delete_record(session, principal=france, record_id=record_id)
    assert (
        run(runtime, germany, [person_query("q", ["Ivan Sidorov"], "1985-03-03")])[0][0] == "no_hit"
    )


def test_a_passport_mrz_is_checked_as_a_document_and_its_holder_as_a_person(
    runtime, france, germany
):
    document_id = enter(
        runtime,
        france,
        "travel_documents",
        {
            "number": "12AB34567",
            "issuing_country": "FRA",
            "document_type": "passport",
            "status": "stolen_issued",
            "date_reported": "2026-01-15",
        },
    )
    person_id = enter(runtime, france, "persons", person(["Luc Besson"], (1970, 1, 2)))
    mrz = td3("12AB34567", "FRA", "BESSON", "LUC", "700102")
    query = build_query("q", "Passport", {"mrz": mrz}, "q")
    [(status, matches)] = run(runtime, germany, [query])
    assert status == "hit"
    assert {m.record_id for m in matches} == {document_id, person_id}
    assert query.notes == []
    broken = build_query(
        "q",
        "Passport",
        {"mrz": td3("12AB34567", "FRA", "BESSON", "LUC", "700102", corrupt=True)},
        "q",
    )
    assert any("document_number" in note for note in broken.notes)
    [(status, matches)] = run(runtime, germany, [broken])
    assert {m.record_id for m in matches} == {document_id, person_id}  # still screened


def test_objects_are_screened_by_their_normalised_keys(runtime, france, germany):
    rng = random.Random(7)
    vehicle = sample_payload("vehicles", country="FRA", rng=rng)
    vehicle_id = enter(runtime, france, "vehicles", vehicle)
    plate = vehicle["plates"][0]
    queries = build_queries(
        {
            "vin": {"schema": "Vehicle", "properties": {"vin": vehicle["vin"].lower()}},
            "plate": {
                "schema": "Vehicle",
                "properties": {
                    "plate": " " + plate["number"].replace("-", " ") + " ",
                    "country": plate["country"],
                },
            },
            "doc": {"schema": "Passport", "properties": {"number": "12 ab 34567", "country": "D"}},
        }
    )
    assert queries[2].keys == ["document:DEU:12AB34567"]
    results = run(runtime, germany, queries)
    assert [status for status, _ in results] == ["hit", "hit", "no_hit"]
    assert results[0][1][0].record_id == vehicle_id
    assert results[0][1][0].explanation == [f"vin:{vehicle['vin']}: exact key"]


def test_bad_queries_are_refused_naming_the_field(runtime):
    with pytest.raises(InvalidInput, match=r"queries\.x\.properties\.birthDate\[0\]"):
        build_queries(
            {"x": {"schema": "Person", "properties": {"name": "A B", "birthDate": "1980-02-30"}}}
        )
    with pytest.raises(InvalidInput, match=r"queries\.x\.schema"):
        build_queries({"x": {"schema": "Spaceship", "properties": {}}})
    with pytest.raises(InvalidInput, match=r"queries\.x\.properties\.colour"):
        build_queries({"x": {"schema": "Person", "properties": {"colour": "red"}}})
    with pytest.raises(InvalidInput, match="at most 1000"):
        build_queries({str(i): {"properties": {"name": "A"}} for i in range(1001)})
    with pytest.raises(InvalidInput, match=r"queries\.x\.properties\.mrz\[0\]"):
        build_queries({"x": {"schema": "Passport", "properties": {"mrz": "not an mrz"}}})


def test_screening_needs_a_screening_role(runtime, world):
    admin = world.principal(world.user("FRA-NCB", (Role.ADMINISTRATOR,)))
    with pytest.raises(PermissionDenied):
        run(runtime, admin, [person_query("q", ["A B"])])


def test_the_api_screens_a_batch_and_single_checks(client, world, runtime, egypt):
    enter(runtime, egypt, "persons", person(["محمد علي"], (1990, 6, 1), ["EGY"]))
    key = world.api_key("DEU-NCB", (Role.BORDER_OFFICER,))
    body = {
        "queries": {
            "traveller-1": {
                "schema": "Person",
                "properties": {"name": ["Mohamed Ali"], "birthDate": ["1990-06-01"]},
            },
            "traveller-2": {"schema": "Person", "properties": {"name": ["Peter Brown"]}},
        },
        "place": "Berlin BER",
    }
    response = client.post("/api/v1/screen", json=body, headers=bearer(key))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["responses"]["traveller-1"]["status"] == "hit"
    result = data["responses"]["traveller-1"]["results"][0]
    assert result["caption"].startswith("محمد علي")
    assert result["score"] >= 0.8
    assert result["explanation"]
    assert data["responses"]["traveller-2"] == {
        "status": "no_hit",
        "query": {"schema": "Person", "names": ["Peter Brown"]},
        "notes": [],
        "results": [],
    }
    single = client.get(
        "/api/v1/screen/person",
        params={"name": "Muhammad Ali", "birthDate": "1990"},
        headers=bearer(key),
    )
    assert single.status_code == 200
    assert single.json()["status"] == "hit"
    bad = client.post(
        "/api/v1/screen",
        json={"queries": {"t": {"properties": {"name": "A", "birthDate": "yesterday"}}}},
        headers=bearer(key),
    )
    assert bad.status_code == 422
    assert "queries.t.properties.birthDate[0]" in bad.text
    compare = client.get(
        "/api/v1/screen/compare",
        params={"a": "Aleksandr Ivanov", "b": "Александр Иванов"},
        headers=bearer(key),
    )
    assert compare.status_code == 200
    assert compare.json()["score"] == 1.0
    inbox = client.get("/api/v1/hits", headers=bearer(world.api_key("EGY-NCB", (Role.OFFICER,))))
    assert inbox.status_code == 200
    assert inbox.json()["total"] == 2
    assert (
        client.get("/api/v1/hits", headers=bearer(key)).status_code == 403
    )  # a border officer has no inbox


def test_a_lowered_threshold_does_not_reveal_how_close_a_hidden_record_comes(
    runtime, france, germany
):
    policy = AccessPolicy(mode=AccessMode.HIT_ONLY)
    enter(runtime, france, "persons", person(["Pierre Martin"], (1969, 5, 5)), policy)
    visible = enter(runtime, france, "persons", person(["Pierre Martinez"], (1969, 5, 5)))
    query = [person_query("q", ["Pierre Marten"], "1969-05-05")]
    [(_, loose)] = run(runtime, germany, query, threshold=0.3)
    # The caller's low threshold finds the visible near-miss, and the hidden record is
    # decided at the installation's threshold: shown only as a possible hit when it reaches it,
    # and listed after the full hits by reference, whatever its score.
    assert loose[0].record_id == visible
    assert all(not m.possible_hit for m in loose[:-1])
    [(_, weak)] = run(
        runtime, germany, [person_query("q", ["Pierre Durand"], "1969-05-05")], threshold=0.1
    )
    assert not any(m.possible_hit for m in weak)


def test_a_check_over_http_stores_logs_and_audits_every_hit(client, world, runtime, france):
    """The single check as border systems call it: the record entered just before is screened,
    the hit is stored with the screening agency, noted in the owner's access log and audited
    in an intact chain; a revoked key is refused at its next request and changes nothing."""
    from bluebridge.audit import service as audit
    from bluebridge.members import service as members
    from bluebridge.members.models import ApiKey

    key = world.api_key("DEU-NCB", (Role.BORDER_OFFICER,))
    client.get("/api/v1/screen/person", params={"name": "Warm Up"}, headers=bearer(key))
    record_id = enter(runtime, france, "persons", person(["Jeanne Moreau"], (1971, 3, 9)))
    response = client.get(
        "/api/v1/screen/person",
        params={"name": "Jeanne Moreau", "birthDate": "1971-03-09", "place": "Kehl"},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    [match] = response.json()["results"]
    assert match["id"] == record_id
    with runtime.sessions() as session:
        [hit] = session.scalars(select(ScreeningHit)).all()
        assert (hit.record_id, hit.agency_code, hit.country, hit.place) == (
            record_id,
            "DEU-NCB",
            "DEU",
            "Kehl",
        )
        [log] = session.scalars(
            select(RecordAccess).where(RecordAccess.record_id == record_id)
        ).all()
        assert (log.action, log.country) == ("hit", "DEU")
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.request_id == hit.request_id)
        ).all()
        assert sorted(actions) == ["screening.hit", "screening.query"]
        assert hit.notified_at is None  # its message waits in the outbox
    # The hit is told to the record's owner as a message of the network, after the check's
    # commit; the audit ties the message to the check's request.
    assert runtime.hit_outbox.drain() == 1
    with runtime.sessions() as session:
        [sent] = session.scalars(
            select(AuditEvent).where(
                AuditEvent.request_id == hit.request_id, AuditEvent.action == "message.send"
            )
        ).all()
        assert (sent.actor_kind, sent.channel, sent.country) == ("system", "system", "DEU")
        assert session.get(ScreeningHit, hit.id).notified_at is not None
        assert audit.verify_chain(session).intact
        key_id = session.scalar(select(func.max(ApiKey.id)))
    with unit_of_work(runtime.sessions) as session:
        members.revoke_api_key(session, principal=operator_principal("test"), key_id=key_id)
    with runtime.sessions() as session:
        events_before = session.scalar(select(func.max(AuditEvent.seq)))
    refused = client.get(
        "/api/v1/screen/person", params={"name": "Jeanne Moreau"}, headers=bearer(key)
    )
    assert refused.status_code == 401
    with runtime.sessions() as session:
        assert len(session.scalars(select(ScreeningHit)).all()) == 1
        refusals = session.scalars(
            select(AuditEvent.action).where(AuditEvent.seq > events_before)
        ).all()
        assert refusals == ["api_key.refused"]
        assert audit.verify_chain(session).intact
