"""The owner's access log: every look at a record from outside the owning agency is written
down, and only the owner and those who watch over it may read the log."""

from __future__ import annotations

import pytest

from bluebridge.access.principal import Role
from bluebridge.errors import NotFound
from bluebridge.records import service
from bluebridge.store.engine import unit_of_work
from tests.conftest import bearer
from tests.records.test_records_service import ENVELOPE, enter, passport


@pytest.fixture
def french(world):
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


@pytest.fixture
def german(world):
    return world.principal(world.user("DEU-NCB", (Role.OFFICER,)))


def _log(runtime, principal, record_id):
    with unit_of_work(runtime.sessions) as session:
        page = service.access_log(session, principal=principal, record_id=record_id)
        return [(e.action, e.actor_name, e.agency_code, e.country) for e in page.items]


def test_reads_lists_lookups_and_links_from_outside_are_logged_for_the_owner(
    runtime, french, german
):
    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    with unit_of_work(runtime.sessions) as session:
        service.get_record(session, principal=german, record_id=record_id)
        service.list_records(session, principal=german, kind_name="travel_documents")
        service.lookup(session, principal=german, key_type="document", values=["FRA:12AB34567"])
        # The owner's own reads are not outside looks.
        service.get_record(session, principal=french, record_id=record_id)
    entries = _log(runtime, french, record_id)
    assert [e[0] for e in entries] == ["lookup", "list", "read"]
    assert {e[1:] for e in entries} == {(german.name, "DEU-NCB", "DEU")}


def test_others_cannot_read_the_log_and_learn_nothing_from_trying(runtime, world, french, german):
    record_id, _, _ = enter(runtime, french, "travel_documents", passport())
    with pytest.raises(NotFound) as refused:
        _log(runtime, german, record_id)
    with pytest.raises(NotFound) as absent:
        _log(runtime, german, record_id + 1000)
    assert str(refused.value).replace(str(record_id), "N") == str(absent.value).replace(
        str(record_id + 1000), "N"
    )
    # The French data protection officer reads it (metadata sight); the owner's NCB too.
    dpo = world.principal(world.user("FRA-NCB", (Role.DATA_PROTECTION_OFFICER,)))
    assert _log(runtime, dpo, record_id) == []


def test_a_hidden_record_leaves_no_trace_in_the_log(runtime, world, french, german):
    hidden = service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        access_policy=service.access.AccessPolicy(mode="listed", countries=["ESP"]),
    )
    record_id, _, _ = enter(runtime, french, "travel_documents", passport(), hidden)
    with unit_of_work(runtime.sessions) as session:
        service.list_records(session, principal=german, kind_name="travel_documents")
        with pytest.raises(NotFound):
            service.get_record(session, principal=german, record_id=record_id)
    assert _log(runtime, french, record_id) == []


def test_the_access_log_over_the_api(client, world, runtime):
    owner_key = world.api_key("FRA-NCB", (Role.OFFICER,))
    reader_key = world.api_key("DEU-NCB", (Role.OFFICER,))
    body = {
        "payload": passport(),
        "source_type": "police_investigation",
        "source_grading": "B",
        "information_grading": "2",
    }
    created = client.post("/api/v1/records/travel_documents", json=body, headers=bearer(owner_key))
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    read = client.get(f"/api/v1/records/travel_documents/{record_id}", headers=bearer(reader_key))
    assert read.status_code == 200
    log = client.get(
        f"/api/v1/records/travel_documents/{record_id}/access-log", headers=bearer(owner_key)
    )
    assert log.status_code == 200, log.text
    items = log.json()["items"]
    assert [(i["action"], i["agency_code"], i["channel"]) for i in items] == [
        ("read", "DEU-NCB", "api")
    ]
    refused = client.get(
        f"/api/v1/records/travel_documents/{record_id}/access-log", headers=bearer(reader_key)
    )
    assert refused.status_code == 404


def test_a_hit_only_record_answers_a_lookup_with_whom_to_contact_and_nothing_else(
    client, world, runtime
):
    owner_key = world.api_key("FRA-NCB", (Role.OFFICER,))
    reader_key = world.api_key("DEU-NCB", (Role.OFFICER,))
    body = {
        "payload": passport(),
        "source_type": "police_investigation",
        "source_grading": "B",
        "information_grading": "2",
        "access_policy": {"mode": "hit_only"},
    }
    created = client.post("/api/v1/records/travel_documents", json=body, headers=bearer(owner_key))
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    found = client.get(
        "/api/v1/records/lookup/document?value=FRA:12AB34567", headers=bearer(reader_key)
    )
    assert found.status_code == 200
    answer = found.json()
    assert answer["records"] == []
    assert answer["possible_hits"] == [
        {
            "reference": record_id,
            "kind": "travel_documents",
            "owner_country": "FRA",
            "contact_agency_code": "FRA-NCB",
            "contact_agency_name": answer["possible_hits"][0]["contact_agency_name"],
            "message": f"possible hit: contact the NCB of FRA, reference {record_id}",
        }
    ]
    assert "12AB" not in found.text  # nothing of the content
    # The reader still cannot open it, and the owner sees the hit in its access log.
    opened = client.get(f"/api/v1/records/travel_documents/{record_id}", headers=bearer(reader_key))
    assert opened.status_code == 404
    log = client.get(
        f"/api/v1/records/travel_documents/{record_id}/access-log", headers=bearer(owner_key)
    ).json()
    assert [(i["action"], i["agency_code"]) for i in log["items"]] == [("hit", "DEU-NCB")]
    # The owner's own lookup shows the record itself, not a possible hit.
    own = client.get(
        "/api/v1/records/lookup/document?value=FRA:12AB34567", headers=bearer(owner_key)
    ).json()
    assert [r["id"] for r in own["records"]] == [record_id]
    assert own["possible_hits"] == []


def _spain_only():
    return service.Envelope(
        source_type=ENVELOPE.source_type,
        source_grading=ENVELOPE.source_grading,
        information_grading=ENVELOPE.information_grading,
        access_policy=service.access.AccessPolicy(mode="listed", countries=["ESP"]),
    )


def test_a_data_protection_officer_opens_content_for_a_review_with_a_reason(
    runtime, world, french, german
):
    from sqlalchemy import select

    from bluebridge.audit.models import AuditEvent
    from bluebridge.errors import InvalidInput

    record_id, _, _ = enter(runtime, french, "travel_documents", passport(), _spain_only())
    unit = world.unit("FRA")
    dpo = world.principal(world.user(unit.code, (Role.DATA_PROTECTION_OFFICER,)))
    with unit_of_work(runtime.sessions) as session:
        assert service.get_record(session, principal=dpo, record_id=record_id).payload is None
        with pytest.raises(InvalidInput) as short:
            service.open_for_review(session, principal=dpo, record_id=record_id, reason="why")
        assert short.value.problems[0].field == "reason"
        view = service.open_for_review(
            session,
            principal=dpo,
            record_id=record_id,
            reason="Subject access request 2026-117: check the data held",
        )
        assert view.sight is service.access.Sight.FULL
        assert view.payload is not None
        assert view.payload["number"] == "12 ab-345/67"
        # Nobody else gains anything by giving a reason.
        with pytest.raises(NotFound):
            service.open_for_review(
                session, principal=german, record_id=record_id, reason="curious about it"
            )
    with runtime.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "record.review_read")
        ).one()
        assert "Subject access request 2026-117" in event.details
    assert ("review", dpo.name, unit.code, "FRA") in _log(runtime, french, record_id)


def test_a_review_over_the_api_and_in_the_portal(client, world, runtime):
    from tests.web.test_portal_flow import csrf_of, sign_in

    french = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    record_id, _, _ = enter(runtime, french, "travel_documents", passport(), _spain_only())
    unit = world.unit("FRA")
    account = world.user(unit.code, (Role.DATA_PROTECTION_OFFICER,))
    assert sign_in(client, account).status_code == 303
    page = client.get(f"/records/travel_documents/{record_id}")
    assert page.status_code == 200
    assert "12 ab-345/67" not in page.text
    assert f'action="/records/travel_documents/{record_id}/review"' in page.text
    token = csrf_of(page.text)
    refused = client.post(
        f"/records/travel_documents/{record_id}/review",
        data={"csrf_token": token, "reason": "short"},
    )
    assert refused.status_code == 422
    assert 'id="e-reason"' in refused.text
    assert "12 ab-345/67" not in refused.text
    opened = client.post(
        f"/records/travel_documents/{record_id}/review",
        data={"csrf_token": token, "reason": "Complaint 2026-88 from the data subject"},
    )
    assert opened.status_code == 200
    assert "12 ab-345/67" in opened.text
    forged = client.post(
        f"/records/travel_documents/{record_id}/review",
        data={"csrf_token": "forged", "reason": "Complaint 2026-88 from the data subject"},
    )
    assert forged.status_code == 403
    # The API answers the same, here from the signed-in session with its CSRF token.
    api = client.post(
        f"/api/v1/records/travel_documents/{record_id}/review",
        json={"reason": "Complaint 2026-88 from the data subject"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 200, api.text
    assert api.json()["payload"]["number"] == "12 ab-345/67"
