"""The records API: enter, read, list, change, delete and look up, with problem documents that
name the payload's fields, and a 404 for what the caller may not see."""

from __future__ import annotations

from bluebridge.access.principal import Role
from tests.conftest import bearer

PASSPORT = {
    "payload": {
        "number": "12AB34567",
        "issuing_country": "FRA",
        "document_type": "passport",
        "status": "stolen_issued",
        "date_reported": "2026-01-15",
    },
    "source_type": "border_control",
    "source_grading": "A",
    "information_grading": "1",
}


def test_kinds_list_all_nineteen_with_schemas(client, world):
    response = client.get("/api/v1/records/kinds", headers=bearer(world.api_key()))
    assert response.status_code == 200
    kinds = response.json()
    assert len(kinds) == 19
    assert all(k["payload_schema"]["type"] == "object" for k in kinds)


def test_enter_read_change_and_delete(client, world):
    key = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    created = client.post("/api/v1/records/travel_documents", json=PASSPORT, headers=key)
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["access_policy"]["mode"] == "all_members"
    path = f"/api/v1/records/travel_documents/{record['id']}"
    assert client.get(path, headers=key).json()["payload"]["number"] == "12AB34567"
    changed = client.patch(
        path, json={"version": 1, "handling_codes": ["no_onward_transmission"]}, headers=key
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    stale = client.patch(path, json={"version": 1, "payload": PASSPORT["payload"]}, headers=key)
    assert stale.status_code == 409
    assert client.delete(path, headers=key).status_code == 200
    assert client.get(path, headers=key).status_code == 404


def test_payload_problems_name_the_field(client, world):
    key = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    bad = {
        **PASSPORT,
        "payload": {**PASSPORT["payload"], "issuing_country": "QQQ", "status": "misplaced"},
    }
    response = client.post("/api/v1/records/travel_documents", json=bad, headers=key)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"payload.issuing_country", "payload.status"} <= fields


def test_others_see_but_cannot_change_and_hidden_is_404(client, world):
    owner = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    other = bearer(world.api_key("DEU-NCB", (Role.OFFICER,)))
    shared = client.post("/api/v1/records/travel_documents", json=PASSPORT, headers=owner).json()
    hidden_body = {
        **PASSPORT,
        "access_policy": {"mode": "hit_only"},
        "payload": {**PASSPORT["payload"], "number": "X1"},
    }
    hidden = client.post("/api/v1/records/travel_documents", json=hidden_body, headers=owner).json()
    seen = client.get(f"/api/v1/records/travel_documents/{shared['id']}", headers=other).json()
    assert seen["access_policy"] is None  # the policy is the owner's business
    assert (
        client.patch(
            f"/api/v1/records/travel_documents/{shared['id']}",
            json={"version": 1, "handling_codes": []},
            headers=other,
        ).status_code
        == 403
    )
    missing = client.get(f"/api/v1/records/travel_documents/{hidden['id']}", headers=other)
    never = client.get("/api/v1/records/travel_documents/999999", headers=other)
    assert missing.status_code == never.status_code == 404
    listed = client.get("/api/v1/records/travel_documents", headers=other).json()
    assert [r["id"] for r in listed["items"]] == [shared["id"]]
    assert listed["total"] == 1
    found = client.get("/api/v1/records/lookup/document?value=FRA:X1", headers=other).json()
    # Hit-only: the lookup says whom to contact, and nothing of the record.
    assert found["records"] == []
    assert [(h["reference"], h["contact_agency_code"]) for h in found["possible_hits"]] == [
        (hidden["id"], "FRA-NCB")
    ]
