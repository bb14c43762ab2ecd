"""The portal pages of notices and diffusions: the list and its filters, the request form of
each kind (a refusal shown beside its field, nothing typed lost), a notice's page for the
requester, a recipient and a reviewer (another country's draft reads as absent), submission,
the compliance decision, the review queue and its dashboard with charts, the printable page
and the PDF (Arabic right to left), a diffusion sent, acknowledged and turned into a notice,
and the public extracts (no sign-in, only their fields, rate-limited)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bluebridge.access.principal import Role
from bluebridge.api.app import create_app
from bluebridge.notices import content as rules
from bluebridge.notices import enums, printing, service
from bluebridge.notices.models import Notice
from bluebridge.runtime import Runtime
from bluebridge.store.engine import unit_of_work
from bluebridge.web import i18n
from bluebridge.web import notices as pages
from tests.screening.factories import enter, person
from tests.web.test_portal_flow import csrf_of, sign_in

REASONS = "Complies with Articles 2 and 3; the legal basis is sufficient."


@pytest.fixture
def app(runtime):  # type: ignore[no-untyped-def]
    return create_app(runtime=runtime)


def signed_in(client, world, agency="FRA-NCB", roles=(Role.OFFICER,)):  # type: ignore[no-untyped-def]
    account = world.user(agency, roles)
    assert sign_in(client, account).status_code == 303
    return world.principal(account)


def reviewer_client(app, world):  # type: ignore[no-untyped-def]
    """A second browser: a compliance reviewer of the General Secretariat, with TOTP."""
    client = TestClient(app, raise_server_exceptions=False)
    signed_in(client, world, "GS", (Role.COMPLIANCE_REVIEWER,))
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def field_error(html: str, control_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="e-{re.escape(control_id)}">([^<]*)</p>', html)
    assert found, f"no error beside {control_id}"
    return found[1]


def post(client, path: str, data, page: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """A form posted with the CSRF token of the page it comes from."""
    html = client.get(page or path).text
    pairs = list(data.items()) if isinstance(data, dict) else list(data)
    body: dict[str, list[str]] = {}
    for name, value in [*pairs, ("csrf_token", csrf_of(html))]:
        body.setdefault(name, []).append(value)
    return client.post(path, data=body, follow_redirects=False, **kwargs)


def subject_record(runtime, principal, names=("Jean Dupont",), birth=(1980, 4, 17)):  # type: ignore[no-untyped-def]
    return enter(runtime, principal, "persons", person(list(names), birth, ["FRA"], "male"))


def red_form(record_id: int, **changes: str) -> dict[str, str]:
    """The fields of a complete red notice as the form posts them."""
    form = {
        "kind": "notice",
        "type": "red",
        "content.summary": "Armed robbery of a jewellery shop in Lyon",
        "content.facts": "On 3 March 2025 the person and two others robbed a shop at gunpoint.",
        "content.purpose": "prosecution",
        "content.offences.0.category": "robbery",
        "content.offences.0.description": "Armed robbery by an organised gang",
        "content.offences.0.legal_provision": "Code pénal, article 311-9",
        "content.offences.0.max_penalty_months": "360",
        "content.legal_basis.kind": "arrest_warrant",
        "content.legal_basis.reference": "MA-2025-0042",
        "content.legal_basis.date": "2025-03-20",
        "content.legal_basis.authority": "Juge d'instruction, Tribunal judiciaire de Lyon",
        "subjects.0.record_id": str(record_id),
        "subjects.0.role": "subject",
        "access_policy.mode": "all_members",
        "intent": "save",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def notice_count(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(Notice)) or 0


def created_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/notices/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return int(found[1])


def make(runtime, principal, kind="notice", type_="red", content=None, **draft):  # type: ignore[no-untyped-def]
    with unit_of_work(runtime.sessions) as session:
        notice = service.create(
            session,
            settings=runtime.settings,
            principal=principal,
            kind=kind,
            type=type_,
            draft=service.Draft(content=content or {"summary": "A request"}, **draft),
        )
        return notice.id


def act(runtime, principal, name, notice_id, **kwargs):  # type: ignore[no-untyped-def]
    with unit_of_work(runtime.sessions) as session:
        getattr(service, name)(
            session, settings=runtime.settings, principal=principal, notice_id=notice_id, **kwargs
        )


# ---------------------------------------------------------------- the words


def test_every_kind_state_field_and_ask_has_a_label():
    assert set(printing.NOTICE_TYPE_LABELS) == {t.value for t in enums.NoticeType}
    assert set(printing.DIFFUSION_TYPE_LABELS) == {t.value for t in enums.DiffusionType}
    assert set(printing.STATUS_LABELS) == {s.value for s in enums.Status}
    assert set(printing.REVIEW_STATE_LABELS) == {s.value for s in enums.ReviewState}
    assert set(printing.DECISION_LABELS) == {d.value for d in enums.Decision}
    assert set(printing.ROLE_LABELS) == {r.value for r in enums.SubjectRole}
    asks = set(enums.ASKS.values()) | set(enums.DIFFUSION_ASKS.values())
    assert asks == set(printing.ASKS_TEXTS)
    fields = set(rules.NoticeContent.model_fields)
    assert fields <= set(printing.FIELD_LABELS)
    from bluebridge.notices.indicators import OFFENCE_CATEGORIES

    assert set(OFFENCE_CATEGORIES) == set(printing.OFFENCE_CATEGORY_LABELS)
    meanings = {
        meaning
        for table in (*rules.REQUIRED.values(), *rules.DIFFUSION_REQUIRED.values())
        for _path, meaning in table
    }
    assert meanings <= set(pages.REQUIRED_MEANINGS)
    public = {name for names in service.PUBLIC_FIELDS.values() for name in names}
    assert public <= set(printing.PUBLIC_FIELD_LABELS)


def test_a_refusal_is_translated_where_the_portal_knows_its_words():
    with i18n.use_language("fr"):
        assert pages.reason_text("required for a red notice: the facts of the case") != (
            "required for a red notice: the facts of the case"
        )
    with i18n.use_language("en"):
        assert pages.reason_text("required for a red notice: the facts of the case") == (
            "required: the facts of the case"
        )
        assert pages.reason_text(
            "Input should be a valid integer, unable to parse string as an integer"
        ) == ("give a whole number")
        assert pages.reason_text("something the portal does not know") == (
            "something the portal does not know"
        )


# ---------------------------------------------------------------- the list


def test_the_list_shows_the_requests_the_visitor_sees_with_filters_and_pages(
    client, world, runtime
):
    france = signed_in(client, world)
    record_id = subject_record(runtime, france)
    first = make(runtime, france, subjects=(service.SubjectIn(record_id),))
    make(runtime, france, type_="yellow", content={"summary": "Missing girl, 14"})
    with unit_of_work(runtime.sessions) as session:
        for n in range(50):
            service.create(
                session,
                settings=runtime.settings,
                principal=france,
                kind="notice",
                type="blue",
                draft=service.Draft(content={"summary": f"Blue {n}"}),
            )
    page = client.get("/notices")
    assert page.status_code == 200, page.text
    assert 'class="notice-chip tone-blue"' in page.text  # newest first
    assert "Page 1 of 2" in page.text
    assert 'href="/notices?page=2"' in page.text or "page=2" in page.text
    second = client.get("/notices?page=2")
    assert f'href="/notices/{first}"' in second.text
    assert 'class="notice-chip tone-red"' in second.text
    assert "Jean Dupont" in second.text  # the title
    assert "France" in second.text  # the requesting country
    reds = client.get("/notices?type=red&kind=notice&status=draft&mine=true")
    assert f'href="/notices/{first}"' in reds.text
    assert "Missing girl" not in reds.text
    wrong = client.get("/notices?type=pink&status=nowhere")
    assert wrong.status_code == 422
    assert field_error(wrong.text, "type").startswith("one of:")
    assert field_error(wrong.text, "status")
    assert 'value="pink" selected' in wrong.text  # the filter is kept
    nul = client.get("/notices?q=a%00b")
    assert nul.status_code == 422
    assert field_error(nul.text, "q")


def test_the_list_needs_a_sign_in(client):
    response = client.get("/notices", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_another_countrys_draft_reads_as_absent(client, world, runtime):
    france = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    notice_id = make(runtime, france)
    signed_in(client, world, "DEU-NCB")
    for path in ("", "/edit", "/print", "/pdf"):
        response = client.get(f"/notices/{notice_id}{path}")
        assert response.status_code == 404, path
        assert "Not found" in response.text
    assert f'href="/notices/{notice_id}"' not in client.get("/notices").text
    refused = post(client, f"/notices/{notice_id}/withdraw", {"reasons": REASONS}, page="/notices")
    assert refused.status_code == 404


# ---------------------------------------------------------------- the form


def test_the_choice_of_kinds_and_the_form_of_each_kind(client, world):
    signed_in(client, world)  # France is in the silver pilot
    choice = client.get("/notices/new")
    assert choice.status_code == 200
    for label in (*printing.NOTICE_TYPE_LABELS.values(), *printing.DIFFUSION_TYPE_LABELS.values()):
        assert label in choice.text
    for kind, types in (("notice", enums.NoticeType), ("diffusion", enums.DiffusionType)):
        for type_ in types:
            form = client.get(f"/notices/new?kind={kind}&type={type_.value}")
            assert form.status_code == 200, (kind, type_)
            used = rules.FIELDS[rules.notice_type_of(kind, type_.value)]
            for name in used:
                assert f'id="f-content-{name}' in form.text, (kind, type_, name)
            if kind == "diffusion":
                assert 'name="recipients.countries"' in form.text
                assert 'name="access_policy.mode"' not in form.text
            else:
                assert 'name="access_policy.mode"' in form.text
            assert ('name="public_extract"' in form.text) == (
                kind == "notice" and type_ in enums.PUBLIC_TYPES
            )
    red = client.get("/notices/new?kind=notice&type=red")
    assert 'id="f-content-disappearance' not in red.text  # only the fields red uses
    assert 'id="f-content-legal_basis-reference"' in red.text
    assert client.get("/notices/new?kind=notice&type=pink").status_code == 200  # the choice


def test_silver_notices_are_offered_to_the_pilot_only(client, world):
    signed_in(client, world, "DEU-NCB")
    assert "Silver notice" not in client.get("/notices/new").text
    response = client.get("/notices/new?kind=notice&type=silver")
    assert response.status_code == 403


def test_only_an_ncb_officer_requests(client, world):
    signed_in(client, world, "FRA-NCB", (Role.ANALYST,))
    assert client.get("/notices/new").status_code == 403
    assert client.get("/notices/new?kind=notice&type=red").status_code == 403
    assert "New request" not in client.get("/notices").text


def test_a_red_notice_with_a_missing_field_shows_its_error_and_keeps_the_values(
    client, world, runtime
):
    france = signed_in(client, world)
    record_id = subject_record(runtime, france)
    form = red_form(
        record_id,
        intent="submit",
        **{"content.legal_basis.reference": "", "content.offences.0.legal_provision": ""},
    )
    response = post(client, "/notices/new", form, page="/notices/new?kind=notice&type=red")
    assert response.status_code == 422, response.text
    assert "required: the warrant" in field_error(response.text, "f-content-legal_basis-reference")
    assert "required: the law" in field_error(response.text, "f-content-offences-0-legal_provision")
    assert "Armed robbery of a jewellery shop in Lyon" in response.text  # kept
    assert "Juge d&#39;instruction" in response.text
    assert 'class="error-summary"' in response.text
    # The draft is saved, not submitted: the form now changes it.
    assert notice_count(runtime) == 1
    with runtime.sessions() as session:
        notice = session.scalars(select(Notice)).one()
        assert notice.status == "draft"
    assert f'action="/notices/{notice.id}/edit"' in response.text


def test_a_refused_draft_is_not_saved_and_nothing_typed_is_lost(client, world, runtime):
    france = signed_in(client, world)
    record_id = subject_record(runtime, france)
    form = red_form(
        record_id,
        **{
            "content.offences.0.max_penalty_months": "three years",
            "content.offences.1.description": "",  # a blank row, left out
            "content.offences.2.description": "Possession of a firearm",
            "content.offences.2.max_penalty_months": "-4",
            "subjects.0.record_id": "not a number",
            "subjects.1.record_id": "999999",
            "access_policy.mode": "listed",
        },
    )
    response = post(client, "/notices/new", form, page="/notices/new?kind=notice&type=red")
    assert response.status_code == 422, response.text
    assert field_error(response.text, "f-content-offences-0-max_penalty_months") == (
        "give a whole number"
    )
    # The blank row is gone: the third offence is now the second, with its error.
    assert field_error(response.text, "f-content-offences-1-max_penalty_months")
    assert "Possession of a firearm" in response.text
    assert field_error(response.text, "f-subjects-0-record_id") == "give the number of a record"
    assert 'value="not a number"' in response.text
    assert 'value="three years"' in response.text
    assert notice_count(runtime) == 0
    # The subjects refused by the service, once the form's own problems are fixed.
    form.update(
        {
            "content.offences.0.max_penalty_months": "360",
            "content.offences.2.max_penalty_months": "60",
            "subjects.0.record_id": str(record_id),
        }
    )
    response = post(client, "/notices/new", form, page="/notices/new?kind=notice&type=red")
    assert response.status_code == 422
    assert field_error(response.text, "f-access_policy-mode")  # a listed policy lists nobody
    form["access_policy.countries"] = "DEU"
    response = post(client, "/notices/new", form, page="/notices/new?kind=notice&type=red")
    assert response.status_code == 422
    assert "999999" in field_error(response.text, "f-subjects-1")
    assert 'value="DEU" selected' in response.text
    assert notice_count(runtime) == 0


def test_add_another_offence_keeps_the_form_and_saves_nothing(client, world, runtime):
    france = signed_in(client, world)
    form = red_form(subject_record(runtime, france), _more="content.offences")
    response = post(client, "/notices/new", form, page="/notices/new?kind=notice&type=red")
    assert response.status_code == 200
    assert 'id="f-content-offences-1-description"' in response.text
    assert "Armed robbery by an organised gang" in response.text
    assert notice_count(runtime) == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "nonsense", "type": "red"},
        {"subjects.0.record_id": "9" * 40},
        {"subjects.0.role": "emperor"},
        {"subjects.9999999.record_id": "1"},
        {"content.summary": "a\x00b"},
        {"content.offences.0.category": "jaywalking"},
        {"content.offences.0.life_imprisonment": "perhaps"},
        {"content.legal_basis.date": "31/02/2025"},
        {"content.facts": "x" * 20_000},
        {"access_policy.mode": "hit_only"},
        {"access_policy.countries": "ZZZ", "access_policy.mode": "listed"},
        {"public_extract": "true", "type": "blue"},
        {"content.offences.0.max_penalty_months": "1" * 30},
    ],
)
def test_no_input_breaks_the_form(client, world, runtime, changes):
    france = signed_in(client, world)
    form = red_form(subject_record(runtime, france), **changes)
    response = post(client, "/notices/new", form, page="/notices/new?kind=notice&type=red")
    assert response.status_code in (303, 422), response.text
    if response.status_code == 422:
        assert 'class="field-error"' in response.text or 'class="error-summary"' in response.text


def test_a_form_without_its_csrf_token_is_refused(client, world, runtime):
    france = signed_in(client, world)
    form = red_form(subject_record(runtime, france))
    response = client.post("/notices/new", data={**form, "csrf_token": "0" * 64})
    assert response.status_code == 403
    assert notice_count(runtime) == 0


# ---------------------------------------------------------------- submission and review


def test_submitted_then_published_by_a_reviewer_through_the_pages(app, client, world, runtime):
    france = signed_in(client, world)
    record_id = subject_record(runtime, france)
    form = red_form(
        record_id,
        **{"content.offences.0.category": "blasphemy", "content.subject_refugee_status": "refugee"},
    )
    notice_id = created_id(
        post(client, "/notices/new", form, page="/notices/new?kind=notice&type=red")
    )
    draft = client.get(f"/notices/{notice_id}")
    assert draft.status_code == 200
    assert "Draft" in draft.text
    assert 'class="notice-band tone-red"' in draft.text
    assert "locate and provisionally arrest the person" in draft.text
    assert f'action="/notices/{notice_id}/submit"' in draft.text
    assert "MA-2025-0042" in draft.text  # the content as entered
    submitted = post(client, f"/notices/{notice_id}/submit", {}, page=f"/notices/{notice_id}")
    assert submitted.status_code == 303, submitted.text
    in_review = client.get(f"/notices/{notice_id}")
    assert "In review" in in_review.text
    assert "notice-flags-article" in in_review.text  # Article 3, shown to the requester too
    assert "Article 3: an offence of a political" in in_review.text
    assert "/decide" not in in_review.text  # the requester does not decide
    assert client.get("/notices/review").status_code == 403

    reviewer = reviewer_client(app, world)
    queue = reviewer.get("/notices/review")
    assert queue.status_code == 200, queue.text
    assert f'href="/notices/{notice_id}"' in queue.text
    page = reviewer.get(f"/notices/{notice_id}")
    assert f'action="/notices/{notice_id}/decide"' in page.text
    assert "Article 3: the subject is a refugee or asylum seeker" in page.text
    no_reasons = post(
        reviewer,
        f"/notices/{notice_id}/decide",
        {"decision": "publish", "reasons": ""},
        page=f"/notices/{notice_id}",
    )
    assert no_reasons.status_code == 422
    assert field_error(no_reasons.text, "decide-reasons") == "give the reasons in writing"
    assert 'value="publish" checked' in no_reasons.text  # the choice is kept
    decided = post(
        reviewer,
        f"/notices/{notice_id}/decide",
        {"decision": "publish", "reasons": REASONS},
        page=f"/notices/{notice_id}",
    )
    assert decided.status_code == 303, decided.text
    published = client.get(f"/notices/{notice_id}")
    assert "Published" in published.text
    assert "Decision: published or compliant" in published.text  # the history
    assert REASONS in published.text
    assert "Nothing waits for a decision." in reviewer.get("/notices/review").text
    # Another member country now sees it, without the flags or the history.
    other = TestClient(app, raise_server_exceptions=False)
    signed_in(other, world, "DEU-NCB")
    seen = other.get(f"/notices/{notice_id}")
    assert seen.status_code == 200
    assert "notice-flags" not in seen.text
    assert 'id="history"' not in seen.text
    assert "/edit" not in seen.text


def test_a_submission_the_checks_refuse_shows_the_form_with_each_problem(client, world, runtime):
    france = signed_in(client, world)
    record_id = subject_record(runtime, france)
    form = red_form(record_id, **{"content.offences.0.max_penalty_months": "12"})
    notice_id = created_id(
        post(client, "/notices/new", form, page="/notices/new?kind=notice&type=red")
    )
    refused = post(client, f"/notices/{notice_id}/submit", {}, page=f"/notices/{notice_id}")
    assert refused.status_code == 422
    assert "at least 2 years" in field_error(refused.text, "f-content-offences")
    assert 'value="12"' in refused.text
    with runtime.sessions() as session:
        assert session.get(Notice, notice_id).status == "draft"  # type: ignore[union-attr]


def test_the_review_dashboard_draws_its_charts(app, client, world, runtime):
    france = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    record_id = subject_record(runtime, france)
    notice_id = make(
        runtime, france, content=red_content(), subjects=(service.SubjectIn(record_id),)
    )
    act(runtime, france, "submit", notice_id)
    reviewer = reviewer_client(app, world)
    post(
        reviewer,
        f"/notices/{notice_id}/decide",
        {"decision": "publish", "reasons": REASONS},
        page=f"/notices/{notice_id}",
    )
    dashboard = reviewer.get("/notices/review/dashboard?days=30")
    assert dashboard.status_code == 200, dashboard.text
    assert dashboard.text.count("<svg") >= 5
    assert 'id="chart-type"' in dashboard.text
    assert 'id="chart-region"' in dashboard.text
    assert 'id="chart-outcome"' in dashboard.text
    assert 'id="chart-day"' in dashboard.text
    assert "Target: 24 h" in dashboard.text
    assert "Red notice" in dashboard.text
    assert "Europe" in dashboard.text
    arabic = reviewer.get("/notices/review/dashboard", headers={"accept-language": "ar"})
    assert arabic.status_code == 200
    signed_in(client, world)
    assert client.get("/notices/review/dashboard").status_code == 403


def red_content(**changes):  # type: ignore[no-untyped-def]
    content = {
        "summary": "Armed robbery of a jewellery shop in Lyon",
        "facts": "On 3 March 2025 the person and two others robbed a shop at gunpoint.",
        "offences": [
            {
                "category": "robbery",
                "description": "Armed robbery by an organised gang",
                "legal_provision": "Code pénal, article 311-9",
                "max_penalty_months": 360,
            }
        ],
        "purpose": "prosecution",
        "legal_basis": {
            "kind": "arrest_warrant",
            "reference": "MA-2025-0042",
            "date": "2025-03-20",
            "authority": "Juge d'instruction, Tribunal judiciaire de Lyon",
        },
    }
    content.update(changes)
    return content


def publish(runtime, world, france, record_id, public=False):  # type: ignore[no-untyped-def]
    reviewer = world.principal(world.user("GS", (Role.COMPLIANCE_REVIEWER,)))
    notice_id = make(
        runtime,
        france,
        content=red_content(),
        subjects=(service.SubjectIn(record_id),),
        public_extract=public,
    )
    act(runtime, france, "submit", notice_id)
    act(runtime, reviewer, "decide", notice_id, decision="publish", reasons=REASONS)
    return notice_id


# ---------------------------------------------------------------- changes and endings


def test_the_requester_changes_then_cancels_with_reasons(client, world, runtime):
    france = signed_in(client, world)
    record_id = subject_record(runtime, france)
    notice_id = make(
        runtime, france, content=red_content(), subjects=(service.SubjectIn(record_id),)
    )
    edit = client.get(f"/notices/{notice_id}/edit")
    assert edit.status_code == 200
    assert 'value="MA-2025-0042"' in edit.text
    assert f'value="{record_id}"' in edit.text
    changed = post(
        client,
        f"/notices/{notice_id}/edit",
        [
            ("version", "1"),
            *red_form(record_id, **{"content.summary": "Lyon and Grenoble"}).items(),
        ],
        page=f"/notices/{notice_id}/edit",
    )
    assert changed.status_code == 303, changed.text
    assert "Lyon and Grenoble" in client.get(f"/notices/{notice_id}").text
    stale = [("version", "1"), *red_form(record_id).items()]
    conflict = post(client, f"/notices/{notice_id}/edit", stale, page=f"/notices/{notice_id}/edit")
    assert conflict.status_code == 409
    assert "Someone changed this request" in conflict.text
    short = post(
        client, f"/notices/{notice_id}/cancel", {"reasons": "found"}, page=f"/notices/{notice_id}"
    )
    assert short.status_code == 422
    assert field_error(short.text, "cancel-reasons") == "write 10 to 5000 characters"
    assert ">found</textarea>" in short.text
    done = post(
        client,
        f"/notices/{notice_id}/cancel",
        {"reasons": "The person was arrested in Lyon on 2 June."},
        page=f"/notices/{notice_id}",
    )
    assert done.status_code == 303
    page = client.get(f"/notices/{notice_id}")
    assert "Cancelled" in page.text
    assert "/cancel" not in page.text
    assert client.get(f"/notices/{notice_id}/edit").status_code == 409
    again = post(client, f"/notices/{notice_id}/submit", {}, page=f"/notices/{notice_id}")
    assert again.status_code == 409


def test_a_notice_near_its_expiry_offers_the_extension(client, world, runtime):
    import datetime as dt

    from bluebridge.store.base import utcnow

    france = signed_in(client, world)
    notice_id = publish(runtime, world, france, subject_record(runtime, france))
    assert "/extend" not in client.get(f"/notices/{notice_id}").text
    with unit_of_work(runtime.sessions) as session:
        notice = session.get(Notice, notice_id)
        assert notice is not None
        notice.expires_at = utcnow() + dt.timedelta(days=30)
    page = client.get(f"/notices/{notice_id}")
    assert f'action="/notices/{notice_id}/extend"' in page.text
    extended = post(client, f"/notices/{notice_id}/extend", {}, page=f"/notices/{notice_id}")
    assert extended.status_code == 303


# ---------------------------------------------------------------- diffusions


def test_a_diffusion_is_sent_acknowledged_and_turned_into_a_notice(app, client, world, runtime):
    france = signed_in(client, world)
    record_id = subject_record(runtime, france)
    form = {
        "kind": "diffusion",
        "type": "wanted",
        "content.summary": "Armed robbery of a jewellery shop in Lyon",
        "content.facts": "On 3 March 2025 the person and two others robbed a shop at gunpoint.",
        "content.offences.0.category": "robbery",
        "content.offences.0.description": "Armed robbery by an organised gang",
        "content.legal_basis.kind": "arrest_warrant",
        "content.legal_basis.reference": "MA-2025-0042",
        "content.legal_basis.date": "2025-03-20",
        "content.legal_basis.authority": "Juge d'instruction, Lyon",
        "subjects.0.record_id": str(record_id),
        "recipients.countries": "ZZZ",
        "intent": "submit",
    }
    page = "/notices/new?kind=diffusion&type=wanted"
    refused = post(client, "/notices/new", form, page=page)
    assert refused.status_code == 422
    assert field_error(refused.text, "f-recipients-countries") == "not a member country"
    form["recipients.countries"] = "DEU"
    form["recipients.regions"] = "africa"
    sent = post(client, "/notices/new", form, page=page)
    notice_id = created_id(sent)
    mine = client.get(f"/notices/{notice_id}")
    assert "Circulated" in mine.text
    assert "Germany" in mine.text
    assert "Not yet" in mine.text

    germany = TestClient(app, raise_server_exceptions=False)
    signed_in(germany, world, "DEU-NCB")
    received = germany.get(f"/notices/{notice_id}")
    assert f'action="/notices/{notice_id}/acknowledge"' in received.text
    assert "Acknowledge receipt" in received.text
    ack = post(germany, f"/notices/{notice_id}/acknowledge", {}, page=f"/notices/{notice_id}")
    assert ack.status_code == 303
    assert "Your NCB has acknowledged receipt" in germany.get(f"/notices/{notice_id}").text
    assert "Not yet" in client.get(f"/notices/{notice_id}").text  # Africa's NCBs have not
    assert "badge success" in client.get(f"/notices/{notice_id}").text

    converted = post(client, f"/notices/{notice_id}/convert", {}, page=f"/notices/{notice_id}")
    new_id = created_id(converted)
    assert new_id != notice_id
    notice = client.get(f"/notices/{new_id}")
    assert "Red notice" in notice.text
    assert "Draft" in notice.text
    assert f'href="/notices/{notice_id}"' in notice.text  # from the diffusion


# ---------------------------------------------------------------- printing


def test_the_printable_page_in_arabic_reads_right_to_left(client, world, runtime):
    from bluebridge.records import service as records

    france = signed_in(client, world)
    record_id = subject_record(runtime, france)
    passport = enter(
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
    with unit_of_work(runtime.sessions) as session:
        records.link_records(
            session,
            principal=france,
            from_id=record_id,
            to_id=passport,
            relation=records.Relation.HOLDER,
        )
    notice_id = publish(runtime, world, france, record_id)
    page = client.get(f"/notices/{notice_id}/print?lang=ar")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "تاريخ الميلاد" in page.text  # "Date of birth": the labels are translated
    with i18n.use_language("ar"):
        assert i18n.gettext("Red notice") in page.text
    assert "Jean Dupont" in page.text  # the identity from the person's record
    assert "1980-04-17" in page.text
    assert "12AB34567" in page.text  # the passport the person's record links to
    assert "MA-2025-0042" in page.text  # the content as entered
    english = client.get(f"/notices/{notice_id}/print")
    assert '<html lang="en" dir="ltr">' in english.text
    assert "Red notice" in english.text
    assert client.get(f"/notices/{notice_id}/print?lang=xx").status_code == 400


def test_the_pdf_answers_in_the_language_asked(client, world, runtime):
    france = signed_in(client, world)
    notice_id = make(runtime, france, content=red_content())
    for query in ("", "?lang=ar", "?lang=fr", "?lang=es"):
        response = client.get(f"/notices/{notice_id}/pdf{query}")
        assert response.status_code == 200, query
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert (
        "-ar.pdf" in client.get(f"/notices/{notice_id}/pdf?lang=ar").headers["content-disposition"]
    )


# ---------------------------------------------------------------- the public extracts


def test_the_public_page_needs_no_sign_in_and_shows_only_the_extract(client, world, runtime):
    france = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    publish(runtime, world, france, subject_record(runtime, france), public=True)
    publish(runtime, world, france, subject_record(runtime, france, ("Marie Curie",)))
    page = client.get("/notices/public/red")
    assert page.status_code == 200, page.text
    text = text_of(page.text)
    assert "Dupont" in text
    assert "Jean" in text
    assert "Armed robbery by an organised gang" in text  # the charges
    assert "France" in text  # wanted by
    assert "Marie" not in text  # no consent, no extract
    assert "MA-2025-0042" not in text  # the legal basis stays inside the network
    assert "gunpoint" not in text  # so do the facts
    assert "Sign out" not in page.text
    assert "No public extract" in client.get("/notices/public/yellow").text
    assert client.get("/notices/public/blue").status_code == 404
    french = client.get("/notices/public/red", headers={"accept-language": "fr"})
    assert '<html lang="fr"' in french.text
    assert 'href="/language/ar?next=/notices/public/red"' in french.text


def test_the_public_page_is_rate_limited_with_the_json_endpoint(runtime, world):
    settings = runtime.settings.model_copy(update={"public_notices_per_minute": 3})
    limited = Runtime.start(settings)
    try:
        app = create_app(runtime=limited)
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get("/notices/public/red").status_code == 200
            assert client.get("/public/notices/red").status_code == 200  # the same counter
            assert client.get("/notices/public/yellow").status_code == 200
            refused = client.get("/notices/public/red")
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) >= 1
            assert "Too many requests" in refused.text
            assert client.get("/public/notices/red").status_code == 429
    finally:
        limited.stop()
        limited.engine.dispose()


def test_the_screening_page_tells_the_officer_what_a_notice_asks(client, world, runtime, app):
    officer = world.principal(world.user("FRA-NCB", (Role.OFFICER,)))
    record_id = subject_record(runtime, officer)
    with unit_of_work(runtime.sessions) as session:
        notice = service.create(
            session,
            settings=runtime.settings,
            principal=officer,
            kind="notice",
            type="yellow",
            draft=service.Draft(
                content={
                    "summary": "Missing man",
                    "disappearance": {"date": "2026-01-10", "place": "Lyon"},
                },
                subjects=(service.SubjectIn(record_id),),
            ),
        )
        notice_id, reference = notice.id, notice.reference
    from tests.notices.factories import act, reviewer

    act(runtime, "submit", officer, notice_id)
    act(runtime, "decide", reviewer(runtime), notice_id, decision="publish", reasons=REASONS)
    signed_in(client, world, "DEU-NCB", (Role.BORDER_OFFICER,))
    client.get("/language/fr")
    form = client.get("/screening")
    page = client.post(
        "/screening",
        data={"csrf_token": csrf_of(form.text), "name": "Jean Dupont", "birth_date": "1980-04-17"},
    )
    assert page.status_code == 200
    text = text_of(page.text)
    assert reference in text
    assert f'href="/notices/{notice_id}"' in page.text
    assert "Notice jaune" in text or "notice jaune" in text.lower()
    assert "Contactez" in text


def test_an_administrator_records_a_reviewers_nationality_in_the_portal(client, world, runtime):
    from bluebridge.members.models import User

    signed_in(client, world, "GS", (Role.ADMINISTRATOR,))
    form = client.get("/admin/users/new")
    assert 'name="nationality"' in form.text
    fields = {
        "csrf_token": csrf_of(form.text),
        "agency_code": "GS",
        "username": "new.reviewer",
        "display_name": "New Reviewer",
        "roles": "compliance_reviewer",
        "password": "a long temporary passphrase",
    }
    refused = client.post("/admin/users/new", data={**fields, "nationality": "XX"})
    assert refused.status_code == 422
    assert "not a country code" in refused.text
    assert 'value="XX"' in refused.text  # what was typed is kept
    created = client.post(
        "/admin/users/new", data={**fields, "nationality": "de"}, follow_redirects=False
    )
    assert created.status_code == 303, created.text
    with runtime.sessions() as session:
        user = session.query(User).filter_by(username="new.reviewer").one()
        assert user.nationality == "DEU"
