"""Notices through the API (problems by field, the machine key refused a decision, absent and
hidden reading the same), the Article 3 flags raised at submission in the four languages, the
visibility rule held to its SQL filter, and the command line."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from bluebridge.access import notices as access
from bluebridge.access.principal import Channel, Principal, PrincipalKind, RequestContext, Role
from bluebridge.cli import app
from bluebridge.notices.models import Notice, NoticeGrant, NoticeRecipient
from tests.conftest import bearer
from tests.notices.factories import act, draft, red_content, reviewer, subject
from tests.test_cli import cli_env  # noqa: F401 - the fixture

runner = CliRunner()


def test_the_api_requests_submits_and_lists_problems_by_field(runtime, client, world, france):
    person_id = subject(runtime, france)
    key = world.api_key("FRA-NCB", (Role.OFFICER,))
    body = {
        "kind": "notice",
        "type": "red",
        "content": red_content(facts=None),
        "subjects": [{"record_id": person_id}],
    }
    created = client.post("/api/v1/notices", json=body, headers=bearer(key))
    assert created.status_code == 201, created.text
    notice = created.json()
    assert notice["status"] == "draft"
    assert notice["may_change"]
    assert notice["access_policy"]["mode"] == "all_members"
    refused = client.post(f"/api/v1/notices/{notice['id']}/submit", headers=bearer(key))
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"content.facts"}
    changed = client.put(
        f"/api/v1/notices/{notice['id']}",
        json={"version": 1, "content": red_content(), "subjects": [{"record_id": person_id}]},
        headers=bearer(key),
    )
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    submitted = client.post(f"/api/v1/notices/{notice['id']}/submit", headers=bearer(key))
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "in_review"
    assert [e["action"] for e in submitted.json()["events"]][-2:] == ["submit", "check"]
    # Another country's NCB: the request in review does not exist for it.
    spain = world.api_key("ESP-NCB", (Role.OFFICER,))
    hidden = client.get(f"/api/v1/notices/{notice['id']}", headers=bearer(spain))
    absent = client.get("/api/v1/notices/999999", headers=bearer(spain))
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["detail"].replace(str(notice["id"]), "N") == absent.json()[
        "detail"
    ].replace("999999", "N")
    assert client.get("/api/v1/notices", headers=bearer(spain)).json()["total"] == 0
    # A machine key never takes a compliance decision, whatever its roles.
    machine = world.api_key("GS", (Role.COMPLIANCE_REVIEWER,))
    decided = client.post(
        f"/api/v1/notices/{notice['id']}/decide",
        json={"decision": "publish", "reasons": "A machine should not decide this."},
        headers=bearer(machine),
    )
    assert decided.status_code == 403
    queue = client.get("/api/v1/notices/review/queue", headers=bearer(machine))
    assert queue.status_code == 200
    assert queue.json()["total"] == 1
    bad = client.post("/api/v1/notices", json={**body, "type": "pink"}, headers=bearer(key))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "type"


ARTICLE3 = {
    "en": "He organised an unlawful assembly and insulted the president in a speech.",
    "fr": "Il est poursuivi pour outrage au président et appartenance à un parti d'opposition.",
    "es": "Acusado de participar en una manifestación ilegal contra el gobierno y de blasfemia.",
    "ar": "متهم بالمشاركة في مظاهرة غير مرخصة وإهانة الرئيس",
}


@pytest.mark.parametrize("language", sorted(ARTICLE3))
def test_article_3_indicators_are_flagged_at_submission_in_four_languages(
    runtime, france, language
):
    person_id = subject(runtime, france)
    content = red_content(facts=ARTICLE3[language])
    notice_id = draft(runtime, france, "red", subjects=[person_id], content=content)
    assert act(runtime, "submit", france, notice_id) == "in_review"  # a flag never refuses
    with runtime.sessions() as session:
        flags = session.get(Notice, notice_id).flags
    article3 = [f for f in flags if f["article"] == "3"]
    assert article3, flags
    assert all(f["field"] == "content.facts" for f in article3)
    assert all(f["evidence"] and f["evidence"] in ARTICLE3[language] for f in article3)


def test_military_and_refugee_indicators(runtime, france):
    person_id = subject(runtime, france)
    content = red_content(subject_refugee_status="refugee", victim_is_state=True)
    content["offences"][0]["category"] = "desertion"
    content["offences"][0]["death_penalty"] = True
    notice_id = draft(runtime, france, "red", subjects=[person_id], content=content)
    act(runtime, "submit", france, notice_id)
    with runtime.sessions() as session:
        codes = {f["code"] for f in session.get(Notice, notice_id).flags}
    assert {
        "article3.offence_category",
        "article3.refugee_status",
        "article3.requester_involved",
        "article2.death_penalty",
    } <= codes


COUNTRIES = ("FRA", "ESP", "JPN")
KINDS = ("ncb", "border_post", "general_secretariat", "regional_partner")


@st.composite
def principals(draw):  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(KINDS))
    country = (
        None
        if kind in ("general_secretariat", "regional_partner")
        else draw(st.sampled_from(COUNTRIES))
    )
    roles = frozenset(
        draw(st.sets(st.sampled_from([Role.OFFICER, Role.COMPLIANCE_REVIEWER, Role.ANALYST])))
    )
    return Principal(
        kind=PrincipalKind.USER,
        id=1,
        name="p",
        agency_id=draw(st.sampled_from([1, 2, 3])),
        agency_kind=kind,
        country=country,
        roles=roles,
        context=RequestContext(Channel.API),
        second_factor=draw(st.booleans()),
        region=draw(st.sampled_from([None, "europe", "asia_south_pacific"])),
    )


@st.composite
def notices(draw):  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(["notice", "diffusion"]))
    mode = draw(st.sampled_from(["all_members", "listed", "all_except"]))
    grants = []
    if mode == "listed":
        grants.append(("country", draw(st.sampled_from(COUNTRIES))))
        if draw(st.booleans()):
            grants.append(("region", "europe"))
    if mode == "all_except":
        grants.append(("exclude", draw(st.sampled_from(COUNTRIES))))
    return {
        "kind": kind,
        "type": draw(st.sampled_from(["red", "silver", "blue"])) if kind == "notice" else "wanted",
        "status": draw(
            st.sampled_from(["draft", "in_review", "published", "circulated", "cancelled"])
        ),
        "agency": draw(st.sampled_from([1, 2, 3])),
        "country": draw(st.sampled_from(COUNTRIES)),
        "mode": mode,
        "grants": grants,
        "recipients": draw(st.sets(st.sampled_from(COUNTRIES))),
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(who=principals(), what=st.lists(notices(), min_size=1, max_size=6))
def test_the_visibility_check_and_its_sql_filter_agree(session, who, what):
    rows = []
    for i, spec in enumerate(what):
        notice = Notice(
            kind=spec["kind"],
            type=spec["type"],
            reference=f"T-{i}-{id(what)}",
            requesting_agency_id=1,
            requesting_country=spec["country"],
            status=spec["status"],
            title="t",
            content={},
            flags=[],
            access_mode=spec["mode"],
            created_by="t",
            updated_by="t",
        )
        notice.requesting_agency_id = session.scalars(
            select(__import__("bluebridge.members.models", fromlist=["Agency"]).Agency.id)
            .order_by(__import__("bluebridge.members.models", fromlist=["Agency"]).Agency.id)
            .limit(3)
        ).all()[spec["agency"] - 1]
        notice.grants = [NoticeGrant(grant_type=t, value=v) for t, v in spec["grants"]]
        notice.recipients = [NoticeRecipient(country=c) for c in sorted(spec["recipients"])]
        session.add(notice)
        rows.append(notice)
    session.flush()
    pilot = ("FRA", "ESP")
    expected = {n.id for n in rows if access.sees(who, n, pilot=pilot)}
    ids = [n.id for n in rows]
    found = set(
        session.scalars(
            select(Notice.id).where(Notice.id.in_(ids), access.visible_filter(who, pilot=pilot))
        )
    )
    session.rollback()
    assert found == expected


def test_the_command_line_requests_reviews_and_prints(cli_env, world, tmp_path):  # noqa: F811
    runtime = cli_env
    officer = world.user("FRA-NCB", (Role.OFFICER,), username="officer.fra")
    person_id = subject(runtime, world.principal(officer))
    file = tmp_path / "red.json"
    file.write_text(json.dumps({"content": red_content(), "subjects": [{"record_id": person_id}]}))
    created = runner.invoke(
        app, ["notices", "create", "notice", "red", "--file", str(file), "--as", "officer.fra"]
    )
    assert created.exit_code == 0, created.output
    notice_id = int(created.output.split("(id ")[1].split(")")[0])
    submitted = runner.invoke(app, ["notices", "submit", str(notice_id), "--as", "officer.fra"])
    assert submitted.exit_code == 0
    assert "in_review" in submitted.output
    reviewer(runtime, "CHE")
    decided = runner.invoke(
        app,
        [
            "notices",
            "decide",
            str(notice_id),
            "publish",
            "--reasons",
            "Complies with the rules.",
            "--as",
            "reviewer.che.true",
        ],
    )
    assert decided.exit_code == 0, decided.output
    assert "published" in decided.output
    shown = runner.invoke(app, ["notices", "show", str(notice_id), "--as", "officer.fra"])
    assert shown.exit_code == 0
    assert json.loads(shown.output)["status"] == "published"
    listed = runner.invoke(app, ["notices", "list", "--type", "red"])
    assert listed.exit_code == 0
    assert "published" in listed.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"content": {"purpose": "x"}}))
    refused = runner.invoke(
        app, ["notices", "create", "notice", "red", "--file", str(bad), "--as", "officer.fra"]
    )
    assert refused.exit_code == 1
    assert "content.purpose" in refused.output
    pdf = tmp_path / "notice-ar.pdf"
    printed = runner.invoke(
        app,
        [
            "notices",
            "pdf",
            str(notice_id),
            "--language",
            "ar",
            "--out",
            str(pdf),
            "--as",
            "officer.fra",
        ],
    )
    assert printed.exit_code == 0, printed.output
    assert pdf.read_bytes().startswith(b"%PDF")
    expired = runner.invoke(app, ["notices", "expire"])
    assert expired.exit_code == 0
    assert "expired 0" in expired.output


def test_what_each_kind_asks_is_in_the_catalogs():
    from bluebridge.notices import printing
    from bluebridge.notices.enums import ASKS, DIFFUSION_ASKS

    assert set(ASKS.values()) | set(DIFFUSION_ASKS.values()) <= set(printing.ASKS_TEXTS)


def test_the_sql_filter_is_built_once_for_each_shape_of_principal():
    def officer(country: str, agency_id: int) -> Principal:
        return Principal(
            kind=PrincipalKind.API_KEY,
            id=1,
            name="k",
            agency_id=agency_id,
            agency_kind="border_post",
            country=country,
            roles=frozenset({Role.BORDER_OFFICER}),
            context=RequestContext(Channel.API),
        )

    first = access.visible_filter(officer("FRA", 7), pilot=())
    assert access.visible_filter(officer("FRA", 7), pilot=()) is first
    # Anything the clause depends on differs: the country, the agency, the pilot, the roles.
    assert access.visible_filter(officer("ESP", 7), pilot=()) is not first
    assert access.visible_filter(officer("FRA", 8), pilot=()) is not first
    assert access.visible_filter(officer("FRA", 7), pilot=("FRA",)) is not first
    operator = Principal(
        kind=PrincipalKind.OPERATOR,
        id=None,
        name="ops",
        agency_id=7,
        agency_kind="border_post",
        country="FRA",
        roles=frozenset(),
        context=RequestContext(Channel.CLI),
    )
    assert str(access.visible_filter(operator, pilot=())) == "true"
