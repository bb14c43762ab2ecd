"""Notices in screening (entry on publication, removal within the same second of a
cancellation, a diffusion only for its recipients) and the public extracts (only consenting
published red, yellow and UN notices, only their public fields, paginated, rate-limited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bluebridge.access.principal import Role
from bluebridge.notices import service
from bluebridge.notices.models import Notice
from bluebridge.screening import service as screening
from bluebridge.screening.models import ScreeningHit
from bluebridge.screening.queries import person_query
from bluebridge.store.engine import unit_of_work
from tests.conftest import bearer
from tests.notices.factories import CONTENTS, act, draft, subject

REASONS = "Complies with Articles 2 and 3 of the Constitution."


def screen(runtime, principal, name="Jean Dupont", birth="1980-04-17"):
    query = person_query("q", [name], birth=birth)
    with unit_of_work(runtime.sessions) as session:
        [result] = screening.screen(
            session, runtime.screening, principal=principal, queries=[query]
        )
        return result.matches


def publish(runtime, requester, gs, type_, subjects, **kw):
    notice_id = draft(runtime, requester, type_, subjects=subjects, **kw)
    act(runtime, "submit", requester, notice_id)
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    return notice_id


def test_a_published_red_notice_enters_screening_and_leaves_it_when_cancelled(
    runtime, france, spain, gs
):
    person_id = subject(runtime, france)
    notice_id = draft(runtime, france, "red", subjects=[person_id])
    act(runtime, "submit", france, notice_id)
    # In review: the record is hit, but the request is nobody's business yet.
    [match] = screen(runtime, spain)
    assert match.record_id == person_id
    assert match.notices == []
    act(runtime, "decide", gs, notice_id, decision="publish", reasons=REASONS)
    [match] = screen(runtime, spain)
    [notice] = match.notices
    assert notice.notice_id == notice_id
    assert notice.type == "red"
    assert "provisionally arrest" in notice.asks
    assert notice.contact_country == "FRA"
    assert notice.contact_agency_code == "FRA-NCB"
    assert match.status == "wanted"  # the record's own word stays the record's
    with runtime.sessions() as session:
        action = session.scalars(
            select(ScreeningHit.action).order_by(ScreeningHit.id.desc())
        ).first()
    assert action.startswith("red notice R-")
    assert "contact NCB France now" in action
    act(runtime, "cancel", france, notice_id, reasons="The person was arrested in Madrid.")
    [match] = screen(runtime, spain)
    assert match.notices == []


def test_a_diffusion_is_screened_only_by_its_recipients(runtime, france, spain, japan, gs):
    person_id = subject(runtime, france)
    notice_id = draft(
        runtime,
        france,
        "wanted",
        kind="diffusion",
        subjects=[person_id],
        recipients=service.Recipients(countries=("ESP",)),
    )
    act(runtime, "send", france, notice_id)
    [match] = screen(runtime, spain)
    assert [n.reference for n in match.notices]
    assert match.notices[0].kind == "diffusion"
    [match] = screen(runtime, japan)
    assert match.notices == []  # Japan sees the record (all members), not the diffusion
    act(runtime, "decide", gs, notice_id, decision="refuse", reasons="A purely military offence.")
    [match] = screen(runtime, spain)
    assert match.notices == []


def test_the_screening_api_tells_what_the_notice_asks(runtime, client, world, france, gs):
    person_id = subject(runtime, france)
    publish(runtime, france, gs, "yellow", [person_id])
    key = world.api_key("DEU-NCB", (Role.BORDER_OFFICER,))
    body = {
        "queries": {
            "t1": {
                "schema": "Person",
                "properties": {"name": ["Jean Dupont"], "birthDate": ["1980-04-17"]},
            }
        }
    }
    response = client.post("/api/v1/screen", json=body, headers=bearer(key))
    assert response.status_code == 200, response.text
    [result] = response.json()["responses"]["t1"]["results"]
    [notice] = result["notices"]
    assert notice["type"] == "yellow"
    assert notice["contact"]["agency_code"] == "FRA-NCB"
    assert "missing person" in notice["asks"]


def test_purple_and_orange_notices_enter_screening_through_objects_only(runtime, france, spain, gs):
    import random

    from bluebridge.records.samples import sample_payload
    from tests.screening.factories import enter

    vehicle = enter(
        runtime, france, "vehicles", sample_payload("vehicles", country="FRA", rng=random.Random(3))
    )
    person_id = subject(runtime, france)
    purple = publish(runtime, france, gs, "purple", [vehicle, person_id])
    orange = publish(runtime, france, gs, "orange", [person_id])
    silver = publish(runtime, france, gs, "silver", [person_id])
    with runtime.sessions() as session:
        found = service.on_records(session, principal=spain, record_ids=[vehicle, person_id])
    assert [n.notice_id for n in found[vehicle]] == [purple]
    assert person_id not in found  # neither the orange nor the silver notice on a person
    assert orange
    assert silver


def test_the_public_extract_shows_only_its_fields_of_consenting_notices(
    runtime, client, france, gs
):
    person_id = subject(runtime, france, names=("Jean Dupont",))
    public = publish(runtime, france, gs, "red", [person_id], public_extract=True)
    publish(
        runtime, france, gs, "red", [subject(runtime, france, names=("Luc Bernard",))]
    )  # no consent
    pending = draft(runtime, france, "red", subjects=[person_id], public_extract=True)
    act(runtime, "submit", france, pending)  # consent, but not published
    response = client.get("/public/notices/red")
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == 1
    [item] = page["items"]
    assert list(item) == list(service.PUBLIC_FIELDS["red"])
    assert item["name"] == "Dupont"
    assert item["forenames"] == "Jean"
    assert item["wanted_by"] == "FRA"
    assert item["charges"] == ["Armed robbery by an organised gang"]
    with runtime.sessions() as session:
        reference = session.get(Notice, public).reference
    one = client.get(f"/public/notices/red/{reference}")
    assert one.status_code == 200
    assert one.json() == item
    text = response.text
    for private in ("facts", "legal_basis", "MA-2025-0042", "flags", "jewellery"):
        assert private not in text
    assert client.get("/public/notices/blue").status_code in (404, 422)
    assert client.get("/public/notices/yellow").json()["total"] == 0
    assert client.get(f"/public/notices/yellow/{reference}").status_code == 404


def test_yellow_and_un_extracts(runtime, client, france, gs):
    publish(
        runtime,
        france,
        gs,
        "yellow",
        [subject(runtime, france, names=("Léa Martin",), birth=(2012, 1, 3))],
        public_extract=True,
    )
    publish(
        runtime,
        france,
        gs,
        "un",
        [subject(runtime, france, names=("Abu Example",))],
        public_extract=True,
    )
    [missing] = client.get("/public/notices/yellow").json()["items"]
    assert list(missing) == list(service.PUBLIC_FIELDS["yellow"])
    assert missing["missing_since"] == CONTENTS["yellow"]["disappearance"]["date"]
    [listed] = client.get("/public/notices/un").json()["items"]
    assert listed["measures"] == ["asset_freeze", "travel_ban", "arms_embargo"]
    assert listed["un_reference"] == "QDi.431"


def test_the_public_endpoint_is_paginated_and_rate_limited(runtime, france, gs):
    from fastapi.testclient import TestClient

    from bluebridge.api.app import create_app

    for i in range(3):
        publish(
            runtime,
            france,
            gs,
            "red",
            [subject(runtime, france, names=(f"Jean Dupont{'x' * i}",))],
            public_extract=True,
        )
    from bluebridge.runtime import Runtime

    limited = runtime.settings.model_copy(update={"public_notices_per_minute": 4})
    other = Runtime(settings=limited, engine=runtime.engine, sessions=runtime.sessions)
    with TestClient(create_app(runtime=other)) as client:
        first = client.get("/public/notices/red", params={"per_page": 2})
        second = client.get("/public/notices/red", params={"per_page": 2, "page": 2})
        assert first.json()["pages"] == 2
        assert len(first.json()["items"]) == 2
        assert len(second.json()["items"]) == 1
        client.get("/public/notices/red")
        client.get("/public/notices/yellow")
        refused = client.get("/public/notices/red")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "requests a minute" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("written", "family", "forenames"),
    [
        ("Jean Pierre Dupont", "Dupont", "Jean Pierre"),
        ("伊藤 太一", "伊藤", "太一"),
        ("김민준", "김", "민준"),
        ("Madonna", "Madonna", None),
    ],
)
def test_a_public_extract_splits_the_name_as_its_script_writes_it(written, family, forenames):
    assert service._split_name(written) == (family, forenames)
