"""The portal's screening pages: one check through the form (a hit, no hit, a possible hit
that names only whom to contact, a damaged MRZ still screened, a bad value shown beside its
field), a passenger manifest screened in the background with its results as CSV and seen by
its user only, and the owner's hit inbox with its acknowledgement."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluebridge.access.principal import Role
from bluebridge.access.records import AccessMode, AccessPolicy
from bluebridge.screening.evidence import score_person
from bluebridge.screening.names import parse_name
from bluebridge.web import screening
from tests.screening.factories import enter, person, td3
from tests.web.test_portal_flow import csrf_of, sign_in


@pytest.fixture
def france(world):
    return world.principal(world.user("FRA-NCB", (Role.OFFICER,)))


def signed_in(client, world, agency="DEU-NCB", roles=(Role.OFFICER,)):
    account = world.user(agency, roles)
    assert sign_in(client, account).status_code == 303
    return account


def check(client, **fields):
    form = client.get("/screening")
    assert form.status_code == 200
    return client.post("/screening", data={"csrf_token": csrf_of(form.text), **fields})


def text_of(html):
    """The page's visible words, tags and runs of white space removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------- explanations


def test_an_explanation_is_read_back_into_its_parts():
    score = score_person(
        [parse_name("Jean Pierre Dupont")],
        (1975, 1, 2),
        ["DEU"],
        "female",
        [parse_name("Jean Dupond")],
        (1975, 1, 2),
        ["FRA"],
        "male",
    )
    assert score is not None
    shown = screening.explain(score.explain())
    assert shown.matched_name == "Jean Dupond"
    assert shown.name_score == pytest.approx(score.name.score, abs=0.01)
    assert [(p.query, p.candidate) for p in shown.parts] == [
        ("jean", "jean"),
        ("dupont", "dupond"),
    ]
    assert shown.only_in_query == "pierre"
    assert [(e.label, e.reason) for e in shown.evidence] == [
        ("Date of birth", "same date"),
        ("Nationality", "other nationality (FRA)"),
        ("Gender", "recorded as male"),
    ]
    assert [e.effect > 0 for e in shown.evidence] == [True, False, False]
    assert shown.other == []


@given(st.lists(st.text(max_size=80), max_size=8))
def test_any_explanation_line_is_shown_one_way_or_another(lines):
    shown = screening.explain(lines)
    parts = len(shown.parts) + len(shown.evidence) + len(shown.other)
    parts += (shown.matched_name is not None) + (shown.only_in_query is not None)
    parts += shown.only_in_record is not None
    assert parts <= len(lines)
    assert len(shown.other) <= len(lines)


# ---------------------------------------------------------------- one check


def test_a_hit_shows_the_record_its_score_and_why(client, world, runtime, france):
    record_id = enter(
        runtime, france, "persons", person(["Jean Dupont"], (1975, 1, 2), ["FRA"], "male")
    )
    signed_in(client, world)
    response = check(
        client,
        name="Dupont Jean\nJ. Dupont",
        birth_date="1975-01-02",
        nationality="FRA",
        gender="male",
        place="Frankfurt airport",
    )
    assert response.status_code == 200, response.text
    page = text_of(response.text)
    assert "Records match this check" in page
    assert f'href="/records/persons/{record_id}"' in response.text
    assert "Jean Dupont" in page
    assert "<meter" in response.text
    assert "Wanted" in page  # the record's subject status, translated
    assert "France" in page  # the owner country
    assert "Date of birth : same date" in page
    assert "same spelling" in page  # the name's parts aligned
    assert "Frankfurt airport" in response.text  # the form keeps what was typed


def test_no_hit_is_said_plainly(client, world):
    signed_in(client, world)
    response = check(client, name="Nobody Known", birth_date="1990")
    assert response.status_code == 200
    assert "Nothing you may search matches this check." in response.text
    assert "<meter" not in response.text


def test_a_damaged_mrz_is_shown_with_its_warning_and_still_screened(client, world, runtime, france):
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
    signed_in(client, world, roles=(Role.BORDER_OFFICER,))
    mrz = td3("12AB34567", "FRA", "BESSON", "LUC", "700102", corrupt=True)
    response = check(client, mrz=mrz)
    assert response.status_code == 200, response.text
    page = text_of(response.text)
    assert "The MRZ has problems" in page
    assert "Document number: the check digit is" in page
    assert f'href="/records/travel_documents/{document_id}"' in response.text
    assert f'href="/records/persons/{person_id}"' in response.text
    # The MRZ as read.
    assert "12AB34567" in page
    assert "BESSON" in page
    assert "1970-01-02" in page
    assert "2031" in page  # the expiry date


def test_a_possible_hit_says_whom_to_contact_and_nothing_else(client, world, runtime, france):
    record_id = enter(
        runtime,
        france,
        "persons",
        person(["Pierre Martin"], (1969, 5, 5)),
        AccessPolicy(mode=AccessMode.HIT_ONLY),
    )
    signed_in(client, world)
    response = check(client, name="Pierre Martin", birth_date="1969-05-05")
    assert response.status_code == 200
    results = response.text.split('id="results"')[1]
    assert re.search(rf"Possible hit: contact [^<]*FRA-NCB[^<]*, reference {record_id}\.", results)
    assert "Pierre Martin" not in results
    assert "<meter" not in results
    assert "Score" not in results
    assert f"/records/persons/{record_id}" not in results
    assert "Why it matches" not in results


def test_a_bad_birth_date_is_shown_beside_its_field_and_the_name_kept(client, world):
    signed_in(client, world)
    response = check(client, name="Jean Dupont", birth_date="1980-02-30")
    assert response.status_code == 422
    assert 'id="e-birth_date"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert ">Jean Dupont</textarea>" in response.text
    assert 'value="1980-02-30"' in response.text
    nothing = check(client, nationality="FRA")
    assert nothing.status_code == 422
    assert "Give a name, a document number with its country, or an MRZ." in nothing.text
    bad_mrz = check(client, mrz="NOT AN MRZ")
    assert bad_mrz.status_code == 422
    assert 'id="e-mrz"' in bad_mrz.text
    no_country = check(client, document_number="12AB34567")
    assert no_country.status_code == 422
    assert 'id="e-document_country"' in no_country.text


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "Jean Dupont", "nationality": "ZZZ"}, "nationality"),
        ({"name": "Jean Dupont", "gender": "other"}, "gender"),
        ({"name": "Jean\x00Dupont"}, "name"),
        ({"name": "\n".join(f"Name {n}" for n in range(30))}, "name"),
        ({"name": "x" * 6000}, "name"),
        ({"name": "Jean Dupont", "birth_date": "1700"}, "birth_date"),
        ({"document_number": "---", "document_country": "FRA"}, "document_number"),
        ({"document_number": "12AB34567", "document_country": "QQQ"}, "document_country"),
        ({"mrz": "P<FRA\nLINE2\nLINE3\nLINE4"}, "mrz"),
        ({"name": "Jean Dupont", "place": "p" * 201}, "place"),
        ({"name": "Jean Dupont", "place": "Gare\x07"}, "place"),
    ],
)
def test_a_value_that_cannot_be_read_is_named_never_a_failure(client, world, fields, field):
    signed_in(client, world)
    response = check(client, **fields)
    assert response.status_code == 422, response.text
    assert f'id="e-{field}"' in response.text


def test_a_check_needs_the_form_token_and_a_screening_role(client, world):
    signed_in(client, world)
    refused = client.post("/screening", data={"name": "Jean Dupont"})
    assert refused.status_code == 403
    client.cookies.clear()
    signed_in(client, world, roles=(Role.DATA_PROTECTION_OFFICER,))
    assert client.get("/screening").status_code == 403
    assert client.get("/screening/manifest").status_code == 403


# ---------------------------------------------------------------- manifests

MANIFEST = (
    "Surname,Given_Names,birth_date,nationality,gender,document_number,document_country\n"
    "DUPONT,Jean,1975-01-02,FRA,M,,\n"
    "NOBODY,Known,1990-06-01,DEU,F,,\n"
    "ROSSI,Maria,1980-02-30,ITA,F,,\n"
    "SMITH,Anne,1985,GBR,F,X1234567,GBR\n"
)


def upload(client, data=MANIFEST, **fields):
    form = client.get("/screening/manifest")
    assert form.status_code == 200
    return client.post(
        "/screening/manifest",
        data={"csrf_token": csrf_of(form.text), "place": "Gare du Nord", **fields},
        files={"file": ("flight.csv", data.encode(), "text/csv")},
        follow_redirects=False,
    )


def finished(client, path):
    for _ in range(400):
        fragment = client.get(path + "/progress")
        assert fragment.status_code == 200
        if "hx-trigger" not in fragment.text:
            return fragment
        time.sleep(0.05)
    raise AssertionError("the manifest was not screened")


def test_a_manifest_is_screened_in_the_background_with_every_row_in_its_results(
    client, world, runtime, france
):
    record_id = enter(runtime, france, "persons", person(["Jean Dupont"], (1975, 1, 2)))
    signed_in(client, world)
    response = upload(client)
    assert response.status_code == 303, response.text
    path = response.headers["location"]
    assert re.fullmatch(r"/screening/manifest/[A-Za-z0-9_-]{16,64}", path)
    page = client.get(path)
    assert page.status_code == 200
    assert "flight.csv" in page.text
    assert "<progress" in page.text
    fragment = finished(client, path)
    assert "4 of 4 rows screened" in text_of(fragment.text)
    assert f'href="{path}/results.csv"' in fragment.text
    results = client.get(path + "/results.csv")
    assert results.status_code == 200
    assert results.headers["content-type"].startswith("text/csv")
    assert "attachment" in results.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(results.text)))
    assert len(rows) == 4
    assert [r["line"] for r in rows] == ["2", "3", "4", "5"]
    assert [r["status"] for r in rows] == ["hit", "no_hit", "error", "no_hit"]
    assert rows[0]["references"] == str(record_id)
    assert "Jean Dupont" in rows[0]["captions"]
    assert float(rows[0]["best_score"]) >= 0.8
    assert rows[2]["error"].startswith("birth_date")
    listing = client.get("/screening/manifest")
    assert path in listing.text


def test_a_manifest_that_cannot_be_read_is_refused_at_the_form(client, world):
    signed_in(client, world)
    no_columns = upload(client, data="colour,size\nred,big\n")
    assert no_columns.status_code == 422
    assert 'id="e-file"' in no_columns.text
    empty = upload(client, data="name,birth_date\n")
    assert empty.status_code == 422
    assert 'id="e-file"' in empty.text
    not_utf8 = upload(client, data="")
    assert not_utf8.status_code == 422
    latin1 = client.post(
        "/screening/manifest",
        data={"csrf_token": csrf_of(client.get("/screening/manifest").text)},
        files={"file": ("x.csv", "name\nJos\xe9\n".encode("latin-1"), "text/csv")},
        follow_redirects=False,
    )
    assert latin1.status_code == 422
    assert "UTF-8" in latin1.text
    no_token = client.post(
        "/screening/manifest",
        files={"file": ("x.csv", MANIFEST.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert no_token.status_code == 403


def test_another_user_cannot_read_a_manifest(client, world):
    signed_in(client, world)
    path = upload(client).headers["location"]
    finished(client, path)
    client.cookies.clear()
    signed_in(client, world)  # a colleague of the same agency
    for suffix in ("", "/progress", "/results.csv"):
        assert client.get(path + suffix).status_code == 404
    assert path not in client.get("/screening/manifest").text


# ---------------------------------------------------------------- the hit inbox


def test_the_owner_ncb_reads_the_hit_and_acknowledges_it(client, world, runtime, france):
    record_id = enter(
        runtime, france, "persons", person(["Marie Curie"], (1967, 11, 7), status="missing")
    )
    signed_in(client, world)
    check(client, name="Marie Curie", birth_date="1967-11-07", place="Frankfurt airport")
    runtime.hit_outbox.drain()  # as `serve` does moments after the check
    client.cookies.clear()

    signed_in(client, world, agency="EGY-NCB")
    assert "Frankfurt airport" not in client.get("/hits").text  # not Egypt's record
    client.cookies.clear()

    signed_in(client, world, agency="FRA-NCB")
    inbox = client.get("/hits")
    assert inbox.status_code == 200
    page = text_of(inbox.text)
    assert f'href="/records/persons/{record_id}"' in inbox.text
    assert "Frankfurt airport" in page
    assert "Marie Curie" in page
    assert "1967-11-07" in page
    assert "DEU-NCB" in page
    assert "Germany" in page
    assert "Missing" in page  # the action the record asks
    assert "Portal" in page
    assert "Online" in page
    assert re.search(r'class="stat-value">1<', inbox.text)  # one not yet acknowledged
    [hit_id] = re.findall(r'action="/hits/(\d+)/acknowledge"', inbox.text)

    refused = client.post(f"/hits/{hit_id}/acknowledge", data={}, follow_redirects=False)
    assert refused.status_code == 403
    done = client.post(
        f"/hits/{hit_id}/acknowledge",
        data={"csrf_token": csrf_of(inbox.text), "next": "/hits?unacknowledged=true&page=1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/hits?unacknowledged=true&page=1"
    after = client.get("/hits")
    assert "The hit has been acknowledged." in after.text
    assert f'action="/hits/{hit_id}/acknowledge"' not in after.text
    assert re.search(r'class="stat-value">0<', after.text)
    assert "Every hit has been acknowledged." in client.get("/hits?unacknowledged=true").text


def test_another_country_cannot_acknowledge_a_hit(client, world, runtime, france):
    enter(runtime, france, "persons", person(["Marie Curie"], (1967, 11, 7)))
    signed_in(client, world)
    check(client, name="Marie Curie", birth_date="1967-11-07")
    client.cookies.clear()
    signed_in(client, world, agency="FRA-NCB")
    [hit_id] = re.findall(r'action="/hits/(\d+)/acknowledge"', client.get("/hits").text)
    client.cookies.clear()
    signed_in(client, world, agency="EGY-NCB")
    token = csrf_of(client.get("/hits").text)
    response = client.post(
        f"/hits/{hit_id}/acknowledge", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 404


def test_a_border_officer_has_no_inbox(client, world):
    signed_in(client, world, roles=(Role.BORDER_OFFICER,))
    assert client.get("/screening").status_code == 200
    assert client.get("/hits").status_code == 403


def test_the_pages_render_in_every_language(client, world, runtime, france):
    enter(runtime, france, "persons", person(["Jean Dupont"], (1975, 1, 2)))
    signed_in(client, world)
    path = upload(client).headers["location"]
    finished(client, path)
    for lang in ("ar", "es", "fr", "en"):
        client.cookies.set("bb_lang", lang)
        for page in ("/screening", "/screening/manifest", path, path + "/progress", "/hits"):
            response = client.get(page)
            assert response.status_code == 200, (lang, page)
        result = check(client, name="Jean Dupont", birth_date="1975-01-02")
        assert result.status_code == 200, lang
        assert "<meter" in result.text
    client.cookies.set("bb_lang", "ar")
    assert 'dir="rtl"' in client.get("/screening").text
    assert 'dir="rtl"' in client.get("/hits").text


def test_a_hits_page_shows_its_whole_conversation_to_both_ends_only(client, world, runtime, france):
    from bluebridge.messaging import service as messaging
    from bluebridge.messaging.models import Message
    from bluebridge.store.engine import unit_of_work

    enter(runtime, france, "persons", person(["Marie Curie"], (1967, 11, 7), status="wanted"))
    screener = signed_in(client, world)
    check(client, name="Marie Curie", birth_date="1967-11-07", place="Frankfurt airport")
    runtime.hit_outbox.drain()  # as `serve` does moments after the check
    client.cookies.clear()
    signed_in(client, world, agency="FRA-NCB")
    [hit_id] = re.findall(r'href="/hits/(\d+)"', client.get("/hits").text)
    page = client.get(f"/hits/{hit_id}")
    assert page.status_code == 200
    assert "Frankfurt airport" in page.text
    assert "Hit found: further information requested" in page.text
    with runtime.sessions() as session:
        found = session.query(Message).filter(Message.hit_id == int(hit_id)).one()
        first = found.id
    assert f'href="/messages/{first}"' in page.text
    assert f"reply_to={first}&amp;form=action_taken&amp;reference=hit:{hit_id}" in page.text
    # The owner's NCB answers with the action taken; the page shows the reply too.
    with unit_of_work(runtime.sessions) as session:
        reply = messaging.send(
            session,
            settings=runtime.settings,
            principal=france,
            bus=None,
            draft=messaging.Draft(
                subject="Arrested at the gate",
                body="Hold the person for extradition.",
                address=messaging.Address(agencies=("DEU-NCB",)),
                form="action_taken",
                form_data={"action": "arrest", "date": "2026-11-30", "place": "Frankfurt"},
                in_reply_to=first,
                references=(("hit", int(hit_id)),),
            ),
        ).id
    shown = client.get(f"/hits/{hit_id}").text
    assert f'href="/messages/{reply}"' in shown
    assert "Arrested at the gate" in shown
    client.cookies.clear()
    # The agency that screened sees the same conversation; another country sees nothing.
    assert sign_in(client, world.user(screener.agency_code)).status_code == 303
    assert "Arrested at the gate" in client.get(f"/hits/{hit_id}").text
    client.cookies.clear()
    signed_in(client, world, agency="EGY-NCB")
    assert client.get(f"/hits/{hit_id}").status_code == 404
    assert client.get("/hits/999999999").status_code == 404
