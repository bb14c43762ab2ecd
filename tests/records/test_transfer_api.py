"""The import and export routes: a file posted as the body becomes a job whose summary names
each rejected row; jobs are the importing agency's alone; exports stream what the caller may
see; every error is a problem document."""

from __future__ import annotations

import json
import time

from bluebridge.access.principal import Role
from tests.conftest import bearer

CSV = (
    "owner_reference,number,issuing_country,document_type,status,date_reported\n"
    "FR-1,11AA11,FRA,passport,lost,2026-01-15\n"
    "FR-2,22BB22,FRA,scroll,lost,2026-01-15\n"
)
DEFAULTS = "source_type=border_control&source_grading=B&information_grading=2"


def post_csv(client, key, body=CSV, query=DEFAULTS, kind="travel_documents", fmt="csv"):
    return client.post(
        f"/api/v1/records/{kind}/import?format={fmt}&filename=sltd.csv&{query}",
        content=body.encode() if isinstance(body, str) else body,
        headers={**key, "content-type": "text/csv"},
    )


def test_an_import_answers_with_its_summary_and_rejections(client, world):
    key = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    response = post_csv(client, key)
    assert response.status_code == 201, response.text
    job = response.json()
    assert (job["status"], job["created"], job["rejected"], job["filename"]) == (
        "done",
        1,
        1,
        "sltd.csv",
    )
    assert job["rejections"] == [
        {"line": 3, "field": "payload.document_type", "reason": job["rejections"][0]["reason"]}
    ]
    assert job["bytes_read"] == job["bytes_total"] == len(CSV)
    again = post_csv(client, key).json()
    assert (again["created"], again["updated"]) == (0, 1)
    listed = client.get("/api/v1/imports", headers=key).json()
    assert [j["id"] for j in listed["items"]] == [again["id"], job["id"]]
    page = client.get(f"/api/v1/imports/{job['id']}/rejections", headers=key).json()
    assert [r["line"] for r in page["items"]] == [3]


def test_another_countrys_job_is_a_404_like_one_that_never_was(client, world):
    french = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    german = bearer(world.api_key("DEU-NCB", (Role.OFFICER,)))
    job_id = post_csv(client, french).json()["id"]
    for suffix in ("", "/rejections"):
        hidden = client.get(f"/api/v1/imports/{job_id}{suffix}", headers=german)
        absent = client.get(f"/api/v1/imports/{job_id + 99}{suffix}", headers=german)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.headers["content-type"] == "application/problem+json"
        assert hidden.json()["detail"].replace(str(job_id), "N") == absent.json()["detail"].replace(
            str(job_id + 99), "N"
        )
    assert client.get("/api/v1/imports", headers=german).json()["total"] == 0


def test_errors_are_problem_documents(client, world):
    officer = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    analyst = bearer(world.api_key("FRA-NCB", (Role.ANALYST,)))
    cases = [
        (post_csv(client, analyst), 403),
        (post_csv(client, officer, fmt="stix"), 422),
        (post_csv(client, officer, fmt="yaml"), 422),
        (post_csv(client, officer, kind="spaceships"), 404),
        (post_csv(client, officer, query='access_policy={"mode":"listed"}'), 422),
        (post_csv(client, {}), 401),
        (client.get("/api/v1/records/persons/export?format=stix", headers=officer), 422),
        (client.get("/api/v1/records/dna_profiles/export?format=ftm", headers=officer), 422),
    ]
    for response, expected in cases:
        assert response.status_code == expected, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == expected


def test_a_broken_file_is_a_failed_job_not_a_server_error(client, world):
    key = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    response = post_csv(
        client, key, body=b"\xff\xfe\x00garbage", fmt="stix", kind="cyber_indicators"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    assert "UTF-8" in response.json()["error"]
    not_a_bundle = post_csv(client, key, body="[1, 2]", fmt="stix", kind="cyber_indicators")
    assert "STIX 2.1 bundle" in not_a_bundle.json()["error"]
    bad_jsonl = post_csv(client, key, body=b"\x00\x01\n{]\n", fmt="jsonl")
    assert bad_jsonl.json()["rejected"] == 2


def test_without_waiting_the_job_runs_on(client, world):
    key = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    response = post_csv(client, key, query=DEFAULTS + "&wait=false")
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert response.headers["location"] == f"/api/v1/imports/{job_id}"
    for _ in range(100):
        job = client.get(f"/api/v1/imports/{job_id}", headers=key).json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert (job["status"], job["created"], job["rejected"]) == ("done", 1, 1)


def test_a_file_larger_than_the_body_limit_goes_through_the_import(client, world, runtime):
    key = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    rows = [
        f"FR-{n},{n:06d}AB,FRA,passport,lost,2026-01-15\n"
        for n in range(runtime.settings.max_body_bytes // 30)
    ]
    body = CSV.splitlines(keepends=True)[0] + "".join(rows)
    assert len(body) > runtime.settings.max_body_bytes
    job = post_csv(client, key, body=body).json()
    assert job["created"] == len(rows)
    too_big = client.post("/api/v1/records/travel_documents", content=body.encode(), headers=key)
    assert too_big.status_code == 413


def test_export_streams_what_the_caller_may_see(client, world):
    french = bearer(world.api_key("FRA-NCB", (Role.OFFICER,)))
    german = bearer(world.api_key("DEU-NCB", (Role.OFFICER,)))
    post_csv(client, french)
    response = client.get("/api/v1/records/travel_documents/export?format=ftm", headers=german)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    (entity,) = [json.loads(line) for line in response.text.splitlines()]
    assert entity["schema"] == "Passport"
    assert entity["id"].startswith("bluebridge-travel_documents-")
    record_id = int(entity["id"].rsplit("-", 1)[1])
    log = client.get(
        f"/api/v1/records/travel_documents/{record_id}/access-log", headers=french
    ).json()
    assert [e["action"] for e in log["items"]] == ["export"]
    own = client.get("/api/v1/records/travel_documents/export?format=ftm", headers=french)
    assert [json.loads(line)["id"] for line in own.text.splitlines()] == ["FR-1"]
