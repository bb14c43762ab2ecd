"""The portal pages of I-GRIP: the cases, the queue, the filing form, a case with its money
flow, a leg with its step form and the bank's messages, and the dashboard, for the right
people only (a stranger country learns nothing, a border post has no I-GRIP); a request
filed through the form routed to the German desks; every refusal beside its input with
everything typed kept; rows added without script; steps and onward transfers by the leg's
country only; camt.056 out and camt.029 in; the overdue marking; and every page in Arabic
(right to left), Spanish and French."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from bluebridge.access.principal import Role
from bluebridge.messaging import service as messaging
from bluebridge.payments import iso20022, service
from bluebridge.payments.models import PaymentLeg
from bluebridge.payments.schemas import FraudType, LegState
from bluebridge.store.base import utcnow
from bluebridge.store.engine import unit_of_work
from bluebridge.web import i18n
from bluebridge.web import payments as pages
from tests.payments.conftest import ACCOUNTS, VICTIM_ACCOUNT, file, filing, legs_of, payment, take
from tests.web.test_notices_pages import field_error, signed_in, text_of
from tests.web.test_portal_flow import csrf_of

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UETR = "8a562c67-ca16-48ba-b074-65581be6f011"
SVG = re.compile(r'<svg class="money-flow".*?</svg>', re.DOTALL)


@pytest.fixture
def desks(world):  # type: ignore[no-untyped-def]
    """The financial investigations units of the countries the money goes to, and the
    principals who act through the service beside the browsers."""
    for country in ("DEU", "ESP", "ITA"):
        world.unit(country, code=f"{country}-FIU", specialty="financial_investigations")
    world.unit("FRA", code="FRA-BP1", kind="border_post")
    return {
        "fra": world.principal(world.user("FRA-NCB", (Role.OFFICER,))),
        "deu": world.principal(world.user("DEU-NCB", (Role.OFFICER,))),
        "esp": world.principal(world.user("ESP-NCB", (Role.OFFICER,))),
        "ita": world.principal(world.user("ITA-NCB", (Role.OFFICER,))),
    }


def browser(app, world, agency="FRA-NCB", roles=(Role.OFFICER,)):  # type: ignore[no-untyped-def]
    """A browser of its own, signed in at an agency."""
    client = TestClient(app, raise_server_exceptions=False)
    principal = signed_in(client, world, agency, roles)
    return client, principal


def form_post(client, path, fields, page, files=None):  # type: ignore[no-untyped-def]
    """A form posted with the token of the page it is on (multipart when files are given)."""
    data: dict[str, list[str]] = {"csrf_token": [csrf_of(client.get(page).text)]}
    for name, value in fields.items() if isinstance(fields, dict) else fields:
        data.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return client.post(path, data=data, files=files, follow_redirects=False)


def row(index: int, country: str = "DEU", **changes: str) -> dict[str, str]:
    """A payment row of the filing form, as the browser posts it."""
    account = ACCOUNTS[country]
    fields = {
        "amount": "125000.00",
        "currency": "EUR",
        "value_at": (utcnow() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "ordering.iban": VICTIM_ACCOUNT["iban"],
        "ordering.bic": VICTIM_ACCOUNT["bic"],
        "account": "iban",
        "beneficiary.iban": account["iban"],
        "beneficiary.bic": account.get("bic", ""),
        "beneficiary_name": f"Mule Trading {country} GmbH",
        "beneficiary_bank": f"Bank of {country}",
        "beneficiary_country": "",
        "uetr": "",
        "end_to_end_id": "",
        **changes,
    }
    return {f"payments.{index}.{name}": value for name, value in fields.items()}


def request_form(*rows: dict[str, str], **changes: str) -> dict[str, str]:
    fields = {
        "fraud_type": "business_email_compromise",
        "victim.kind": "company",
        "victim.name": "Lyon Turbines SA",
        "victim.country": "FRA",
        "victim.email": "finance@lyon-turbines.example",
        "summary": "A fake supplier e-mail changed the bank details.",
        "fraudster_emails": "ceo@lyon-turbines.example.co, billing@fake.example",
        **changes,
    }
    for one_row in rows or (row(0),):
        fields.update(one_row)
    return fields


def case_of(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/igrip/cases/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return int(found[1])


def inbox_forms(runtime, principal) -> list[str]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        page = messaging.inbox(
            session, settings=runtime.settings, principal=principal, per_page=200
        )
        return [item.message.form for item in page.items]


def svg_of(html: str) -> ET.Element:
    found = SVG.search(html)
    assert found, "no money flow graph"
    return ET.fromstring(found[0])  # noqa: S314 - our own page


def with_class(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if name in (e.get("class") or "").split()]


# ---------------------------------------------------------------- the words


def test_every_state_kind_and_account_has_a_label():
    assert set(pages.LEG_STATE_LABELS) == {s.value for s in LegState}
    assert set(pages.FRAUD_TYPE_LABELS) == {f.value for f in FraudType}
    assert set(pages.ACCOUNT_KIND_LABELS) == set(pages.ACCOUNT_FIELDS) == set(pages.ACCOUNT_TYPES)
    assert set(pages.STATE_TONES) == set(pages.STATE_COLOURS) == set(pages.LEG_STATE_LABELS)
    with i18n.use_language("en"):
        assert pages.reason_text("has at most 2 decimals in EUR") == (
            "has at most 2 decimals in EUR"
        )
        assert pages.reason_text("a leg received can go to: acknowledged, frozen") == (
            "a leg that is Received can go to: Acknowledged, Frozen"
        )
        assert pages.reason_text("a payment cannot lie in the future") == (
            "cannot lie in the future"
        )
        assert pages.reason_text("Field required") == "give a value"


@pytest.mark.parametrize(
    ("typed", "lang", "read"),
    [
        ("125000.00", "en", "125000.00"),
        ("1,250.50", "en", "1250.50"),
        ("1 250,50", "fr", "1250.50"),
        ("1\u202f250,50", "fr", "1250.50"),
        ("1.250,50", "es", "1250.50"),
        ("12,5", "es", "12.5"),
        ("12,5", "en", "12,5"),  # not guessed: the service names it
        ("١٢٥٠٫٥", "ar", "1250.5"),
    ],
)
def test_an_amount_is_read_as_typed_without_guessing(typed, lang, read):
    assert pages.decimal_text(typed, lang) == read


def test_amounts_are_written_with_their_currencys_decimals():
    assert pages.amount_text("125000.00", "EUR", "en") == "125,000.00 EUR"
    assert pages.amount_text("500000", "JPY", "en") == "500,000 JPY"
    assert pages.amount_text("0.12345678", "BTC", "en") == "0.12345678 BTC"
    assert pages.amount_text("1250.5", "EUR", "fr") == "1\u202f250,50 EUR"
    assert pages.amount_text(None, "EUR", "en") == "—"


# ---------------------------------------------------------------- who sees what


def test_the_pages_render_for_the_right_people_and_nothing_for_others(
    client, app, world, runtime, desks
):
    assert client.get("/igrip", follow_redirects=False).status_code == 303  # signed out
    case_id = file(runtime, desks["fra"], filing(payment("DEU")))
    [leg] = legs_of(runtime, case_id)
    reference = f"IGRIP-{utcnow().year}-{case_id:06d}"

    signed_in(client, world, "FRA-NCB")
    home = client.get("/")
    assert 'href="/igrip"' in home.text  # the main navigation
    listing = client.get("/igrip")
    assert listing.status_code == 200, listing.text
    assert reference in listing.text
    assert 'href="/igrip/new"' in listing.text
    assert "/static/css/igrip.css" in listing.text
    case = client.get(f"/igrip/cases/{case_id}")
    assert case.status_code == 200, case.text
    assert "A fake supplier e-mail" in case.text  # the requesting side sees the summary
    assert 'id="close"' in case.text
    assert f'href="/messages/{leg.message_id}"' in case.text
    assert client.get(f"/igrip/legs/{leg.id}").status_code == 200
    assert client.get("/igrip/queue").status_code == 200
    assert client.get("/igrip/new").status_code == 200
    assert client.get("/igrip/dashboard").status_code == 200

    # Germany sees the case through its leg, not the requester's summary nor its close form.
    germany, _principal = browser(app, world, "DEU-NCB")
    seen = germany.get(f"/igrip/cases/{case_id}")
    assert seen.status_code == 200
    assert "A fake supplier e-mail" not in seen.text
    assert 'id="close"' not in seen.text
    assert leg.reference in germany.get("/igrip/queue").text

    # A stranger country: not the case, not its legs, not a count.
    egypt, _principal = browser(app, world, "EGY-NCB")
    strange = egypt.get("/igrip")
    assert strange.status_code == 200
    assert reference not in strange.text
    assert "No case to show." in strange.text
    assert "0 results" in text_of(strange.text)
    absent = egypt.get("/igrip/cases/999999")
    for path in (
        f"/igrip/cases/{case_id}",
        f"/igrip/legs/{leg.id}",
        f"/igrip/legs/{leg.id}/camt056",
    ):
        hidden = egypt.get(path)
        assert hidden.status_code == 404, path
        assert reference not in hidden.text
    assert absent.status_code == 404
    assert leg.reference not in egypt.get("/igrip/queue").text

    # A border post has no I-GRIP at all.
    border, _principal = browser(app, world, "FRA-BP1", (Role.BORDER_OFFICER,))
    assert 'href="/igrip"' not in border.get("/").text
    for path in ("/igrip", "/igrip/new", "/igrip/queue", "/igrip/dashboard"):
        assert border.get(path).status_code == 403, path
    assert border.get(f"/igrip/cases/{case_id}").status_code in (403, 404)

    # The General Secretariat's analyst sees every case, and files none.
    gs, _principal = browser(app, world, "GS", (Role.ANALYST,))
    assert reference in gs.get("/igrip").text
    assert 'href="/igrip/new"' not in gs.get("/igrip").text
    assert gs.get("/igrip/new").status_code == 403
    assert gs.get(f"/igrip/cases/{case_id}").status_code == 200


# ---------------------------------------------------------------- the filing form


def test_a_request_filed_through_the_form_is_routed_to_the_desks(client, world, runtime, desks):
    signed_in(client, world, "FRA-NCB")
    filed = form_post(
        client,
        "/igrip/new",
        request_form(row(0, "DEU"), row(1, "ESP", amount="40000.00", uetr=UETR)),
        "/igrip/new",
        files=[("evidence", ("statement.pdf", PDF, "application/pdf"))],
    )
    case_id = case_of(filed)
    page = client.get(f"/igrip/cases/{case_id}")
    assert "has been filed" in page.text
    legs = legs_of(runtime, case_id)
    assert [(leg.beneficiary_country, leg.amount, leg.state) for leg in legs] == [
        ("DEU", "125000.00", "received"),
        ("ESP", "40000.00", "received"),
    ]
    assert legs[1].uetr == UETR
    for leg in legs:
        assert f'href="/igrip/legs/{leg.id}"' in page.text
    # The German NCB and its financial unit have their leg, with the evidence.
    assert inbox_forms(runtime, desks["deu"]).count("payment_leg") == 1
    with runtime.sessions() as session:
        view = messaging.read(
            session,
            settings=runtime.settings,
            principal=desks["deu"],
            bus=None,
            message_id=legs[0].message_id,
        )
        assert [a["name"] for a in view.attachments] == ["statement.pdf"]
        assert view.form_data["amount"] == "125000.00"
    assert inbox_forms(runtime, desks["esp"]).count("payment_leg") == 1
    assert "payment_leg" not in inbox_forms(runtime, desks["ita"])


def test_a_bad_form_keeps_every_value_and_shows_each_problem_beside_its_input(
    client, world, runtime, desks
):
    signed_in(client, world, "FRA-NCB")
    future = (utcnow() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = form_post(
        client,
        "/igrip/new",
        request_form(
            row(0, "DEU"),
            row(1, "ESP", **{"beneficiary.iban": "DE00123", "beneficiary.bic": ""}),
            row(2, "ITA", value_at=future, uetr="not-a-uetr"),
            **{"victim.country": "Atlantis"},
        ),
        "/igrip/new",
    )
    assert refused.status_code == 422, refused.text
    html = refused.text
    assert "IBAN" in field_error(html, "f-payments-1-beneficiary-iban")
    assert "future" in field_error(html, "f-payments-2-value_at")
    assert "UETR" in field_error(html, "f-payments-2-uetr")
    assert "country code" in field_error(html, "f-victim-country")
    # The summary links to each input, in the order of the form.
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'href="#(f-[\w-]+)"', summary)
    assert links == [
        "f-victim-country",
        "f-payments-1-beneficiary-iban",
        "f-payments-2-value_at",
        "f-payments-2-uetr",
    ]
    assert 'aria-invalid="true"' in html
    # Nothing typed is lost.
    for value in ("DE00123", "not-a-uetr", "Lyon Turbines SA", "Mule Trading ITA GmbH", future):
        assert f'value="{value}"' in html, value
    assert 'value="Atlantis" selected' in html
    assert "billing@fake.example" in html
    assert "A fake supplier e-mail changed the bank details." in html
    # What a payment's fields cannot say alone: its decimals, its account's country.
    refused = form_post(
        client,
        "/igrip/new",
        request_form(
            row(0, "DEU", amount="10.001"),
            row(1, "ESP", amount="12.5", currency="JPY"),
            row(2, "ITA", beneficiary_country="ESP"),
        ),
        "/igrip/new",
    )
    assert refused.status_code == 422
    html = refused.text
    assert "at most 2 decimals in EUR" in field_error(html, "f-payments-0-amount")
    assert "at most 0 decimals in JPY" in field_error(html, "f-payments-1-amount")
    assert "ITA, not ESP" in field_error(html, "f-payments-2-beneficiary_country")
    assert 'value="10.001"' in html
    with runtime.sessions() as session:
        assert service.list_cases(session, principal=desks["fra"]).total == 0


def test_an_empty_payment_row_is_left_out_and_no_payment_is_named(client, world, runtime, desks):
    signed_in(client, world, "FRA-NCB")
    blank = dict.fromkeys(row(0), "") | {"payments.0.account": "iban"}
    refused = form_post(client, "/igrip/new", request_form(blank), "/igrip/new")
    assert refused.status_code == 422
    assert "at least one payment" in field_error(refused.text, "f-payments")
    # A blank row between two filled ones: the service's numbers are the form's rows.
    refused = form_post(
        client,
        "/igrip/new",
        request_form(
            row(0),
            {name.replace("payments.0", "payments.1"): v for name, v in blank.items()},
            row(2, amount="-5"),
        ),
        "/igrip/new",
    )
    assert refused.status_code == 422
    assert "more than zero" in field_error(refused.text, "f-payments-2-amount")


def test_evidence_is_judged_by_its_content_and_named_beside_the_file_input(client, world, desks):
    signed_in(client, world, "FRA-NCB")
    refused = form_post(
        client,
        "/igrip/new",
        request_form(),
        "/igrip/new",
        files=[
            ("evidence", ("statement.pdf", PDF, "application/pdf")),
            ("evidence", ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00program", "application/pdf")),
        ],
    )
    assert refused.status_code == 422
    error = field_error(refused.text, "f-evidence")
    assert error.startswith("invoice.pdf: ")
    assert "Choose the files to attach again: statement.pdf, invoice.pdf" in refused.text
    assert 'value="Mule Trading DEU GmbH"' in refused.text


def test_add_a_payment_keeps_every_value_and_adds_a_row(client, world, runtime, desks):
    signed_in(client, world, "FRA-NCB")
    form = request_form(row(0, "DEU", amount="777.00"), _add="payment")
    shown = form_post(client, "/igrip/new", form, "/igrip/new")
    assert shown.status_code == 200, shown.text
    html = shown.text
    assert 'id="f-payments-1-amount"' in html
    assert 'id="f-payments-2-amount"' not in html
    assert 'value="777.00"' in html
    assert 'value="Lyon Turbines SA"' in html
    assert "error-summary" not in html
    assert "/igrip/new/payment?index=2" in html  # the next row, under htmx
    with runtime.sessions() as session:
        assert service.list_cases(session, principal=desks["fra"]).total == 0
    # Under htmx, the row alone and the button for the next one.
    fragment = client.get("/igrip/new/payment?index=1")
    assert fragment.status_code == 200
    assert 'id="f-payments-1-amount"' in fragment.text
    assert "<html" not in fragment.text
    assert 'hx-swap-oob="true"' in fragment.text
    assert "/igrip/new/payment?index=2" in fragment.text
    # Then filed with both rows.
    form = request_form(row(0, "DEU", amount="777.00"), row(1, "ESP", amount="10.00"))
    case_id = case_of(form_post(client, "/igrip/new", form, "/igrip/new"))
    assert [leg.amount for leg in legs_of(runtime, case_id)] == ["777.00", "10.00"]


def test_the_other_kinds_of_account_are_filed_from_their_inputs(client, world, runtime, desks):
    signed_in(client, world, "FRA-NCB")
    wallet = row(
        1,
        "ITA",
        account="crypto_wallet",
        amount="0.5",
        currency="BTC",
        beneficiary_country="ITA",
        **{
            "beneficiary.currency": "BTC",
            "beneficiary.wallet_address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        },
    )
    national = row(
        0,
        "DEU",
        account="national",
        **{
            "beneficiary.national_account_number": "0532013000",
            "beneficiary.bank_code": "37040044",
            "beneficiary.country": "DEU",
        },
    )
    case_id = case_of(form_post(client, "/igrip/new", request_form(national, wallet), "/igrip/new"))
    first, second = legs_of(runtime, case_id)
    assert first.beneficiary == {
        "account_type": "bank_account",
        "national_account_number": "0532013000",
        "bank_code": "37040044",
        "country": "DEU",
        "status": "used_in_fraud",
    }
    assert second.beneficiary["wallet_address"] == "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    assert (second.beneficiary_country, second.amount) == ("ITA", "0.5")


# ---------------------------------------------------------------- steps


def test_a_step_is_taken_through_the_form_by_the_legs_country_only(
    client, app, world, runtime, desks
):
    case_id = file(runtime, desks["fra"], filing(payment("DEU", "1000.00")))
    [leg] = legs_of(runtime, case_id)
    signed_in(client, world, "DEU-NCB")
    page = client.get(f"/igrip/legs/{leg.id}")
    offered = set(re.findall(r'name="state" value="(\w+)"', page.text))
    assert offered == {s.value for s in service.TRANSITIONS[LegState.RECEIVED]}
    too_much = form_post(
        client,
        f"/igrip/legs/{leg.id}/step",
        {"state": "frozen", "amount": "1000.01", "note": ""},
        f"/igrip/legs/{leg.id}",
    )
    assert too_much.status_code == 422
    assert "more than the 1000.00 EUR" in field_error(too_much.text, "f-amount")
    assert 'value="1000.01"' in too_much.text
    assert 'value="frozen" checked' in too_much.text
    done = form_post(
        client,
        f"/igrip/legs/{leg.id}/step",
        {"state": "frozen", "amount": "600.00", "note": "Held by the bank."},
        f"/igrip/legs/{leg.id}",
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/igrip/legs/{leg.id}"
    after = client.get(f"/igrip/legs/{leg.id}")
    assert "is now Frozen" in after.text
    assert "Held by the bank." in after.text
    [leg] = legs_of(runtime, case_id)
    assert (leg.state, leg.frozen_amount) == ("frozen", "600.00")
    offered = set(re.findall(r'name="state" value="(\w+)"', after.text))
    assert offered == {"returned", "moved_on", "closed"}

    # The requester follows the leg but takes no step.
    france, _principal = browser(app, world, "FRA-NCB")
    theirs = france.get(f"/igrip/legs/{leg.id}")
    assert theirs.status_code == 200
    assert 'name="state"' not in theirs.text
    assert "600.00 EUR" in theirs.text
    refused = form_post(
        france,
        f"/igrip/legs/{leg.id}/step",
        {"state": "returned"},
        f"/igrip/legs/{leg.id}",
    )
    assert refused.status_code == 403
    assert legs_of(runtime, case_id)[0].state == "frozen"
    # The case page shows the freeze.
    assert "Frozen" in france.get(f"/igrip/cases/{case_id}").text


def test_moved_on_with_an_onward_transfer_sends_the_next_leg(client, world, runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU", "90000.00")))
    [first] = legs_of(runtime, case_id)
    signed_in(client, world, "DEU-NCB")
    page = f"/igrip/legs/{first.id}"
    onward = {
        "onward.0.amount": "85000.00",
        "onward.0.currency": "EUR",
        "onward.0.value_at": (utcnow() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "onward.0.account": "iban",
        "onward.0.beneficiary.iban": ACCOUNTS["ESP"]["iban"],
        "onward.0.beneficiary.bic": ACCOUNTS["ESP"]["bic"],
        "onward.0.beneficiary_name": "Costa Imports SL",
        "onward.0.beneficiary_country": "",
    }
    # Without script, "Add an onward transfer" comes back with one more row, nothing lost.
    more = form_post(
        client,
        f"/igrip/legs/{first.id}/step",
        {"state": "moved_on", **onward, "_add": "onward"},
        page,
    )
    assert more.status_code == 200, more.text
    assert 'id="f-onward-1-amount"' in more.text
    assert 'value="Costa Imports SL"' in more.text
    assert legs_of(runtime, case_id)[0].state == "received"
    fragment = client.get(f"/igrip/legs/{first.id}/onward?index=1")
    assert 'id="f-onward-1-amount"' in fragment.text
    # A bad onward row is named at its input.
    bad = form_post(
        client,
        f"/igrip/legs/{first.id}/step",
        {"state": "moved_on", **onward, "onward.0.beneficiary.iban": "ES00"},
        page,
    )
    assert bad.status_code == 422
    assert "IBAN" in field_error(bad.text, "f-onward-0-beneficiary-iban")
    done = form_post(client, f"/igrip/legs/{first.id}/step", {"state": "moved_on", **onward}, page)
    assert done.status_code == 303, done.text
    legs = legs_of(runtime, case_id)
    assert [(leg.beneficiary_country, leg.hop, leg.parent_id) for leg in legs] == [
        ("DEU", 1, None),
        ("ESP", 2, first.id),
    ]
    assert legs[1].ordering["iban"] == ACCOUNTS["DEU"]["iban"]
    shown = client.get(page)
    assert legs[1].reference in shown.text  # the flash and the onward legs
    assert "payment_leg" in inbox_forms(runtime, desks["esp"])


def test_the_requesting_side_closes_its_case_with_a_reason(client, app, world, runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU")))
    signed_in(client, world, "FRA-NCB")
    page = f"/igrip/cases/{case_id}"
    refused = form_post(client, f"{page}/close", {"note": "  "}, page)
    assert refused.status_code == 422
    assert "say why" in field_error(refused.text, "f-note")
    closed = form_post(client, f"{page}/close", {"note": "Recovered in full."}, page)
    assert closed.status_code == 303
    after = client.get(page)
    assert "Recovered in full." in after.text
    assert 'id="close"' not in after.text
    germany, _principal = browser(app, world, "DEU-NCB")
    assert form_post(germany, f"{page}/close", {"note": "not ours"}, page).status_code in (
        403,
        422,
    )


# ---------------------------------------------------------------- the bank's messages


def _answer(leg: Any, status: str, *reasons: str) -> bytes:
    return iso20022.camt029(
        iso20022.ResolutionAnswer(
            message_id=f"ANS{leg.id}{status}",
            case_id=leg.reference,
            created_at=utcnow().replace(microsecond=0),
            assigner_bic="COBADEFFXXX",
            assigner_name="Bank of DEU",
            assignee_bic="BNPAFRPP",
            assignee_name="Victim bank",
            status=status,
            reason_codes=reasons,
            uetr=leg.uetr,
        )
    )


def test_camt056_downloads_and_a_camt029_upload_moves_the_leg(client, app, world, runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU", "5000.00", uetr=UETR)))
    [leg] = legs_of(runtime, case_id)
    signed_in(client, world, "DEU-NCB")
    page = f"/igrip/legs/{leg.id}"
    assert f'href="{page}/camt056"' in client.get(page).text
    xml = client.get(f"{page}/camt056")
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert xml.headers["content-disposition"] == (
        f'attachment; filename="{leg.reference}-camt.056.xml"'
    )
    root = ET.fromstring(xml.content)  # noqa: S314 - our own document
    assert "camt.056.001.08" in root.tag
    assert UETR in xml.text
    assert "FRAD" in xml.text

    def upload(browser_client, content, name="answer.xml"):  # type: ignore[no-untyped-def]
        return form_post(
            browser_client,
            "/igrip/resolutions",
            {"leg_id": str(leg.id)},
            page,
            files=[("file", (name, content, "application/xml"))],
        )

    hostile = upload(client, b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")
    assert hostile.status_code == 422
    assert "not a readable camt.029" in field_error(hostile.text, "f-file")
    assert legs_of(runtime, case_id)[0].state == "received"
    empty = upload(client, b"", name="")
    assert empty.status_code == 422
    assert "Choose the bank" in field_error(empty.text, "f-file")

    read = upload(client, _answer(leg, "PDCR", "LEGL"))
    assert read.status_code == 303, read.text
    assert read.headers["location"] == page
    assert "the leg " + leg.reference + " is now Frozen" in client.get(page).text
    assert legs_of(runtime, case_id)[0].state == "frozen"
    again = upload(client, _answer(leg, "PDCR", "LEGL"))
    assert again.status_code == 422
    assert "already" in field_error(again.text, "f-file")
    # The requester reads the bank's answer into no leg of its own.
    france, _principal = browser(app, world, "FRA-NCB")
    assert 'name="file"' not in france.get(page).text
    refused = form_post(
        france,
        "/igrip/resolutions",
        {"leg_id": str(leg.id)},
        page,
        files=[("file", ("answer.xml", _answer(leg, "CNCL"), "application/xml"))],
    )
    assert refused.status_code == 403


# ---------------------------------------------------------------- overdue


def test_a_leg_past_its_target_is_marked_overdue_on_every_page(client, app, world, runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU"), payment("ESP")))
    first, second = legs_of(runtime, case_id)
    signed_in(client, world, "DEU-NCB")
    assert "Overdue:" not in client.get("/igrip/queue").text
    assert "leg-overdue" not in client.get(f"/igrip/legs/{first.id}").text
    past = utcnow() - dt.timedelta(hours=2)
    with unit_of_work(runtime.sessions) as session:
        session.execute(
            update(PaymentLeg)
            .where(PaymentLeg.id == first.id)
            .values(acknowledge_due_at=past, answer_due_at=past)
        )
        session.execute(
            update(PaymentLeg).where(PaymentLeg.id == second.id).values(acknowledge_due_at=past)
        )
    queue = client.get("/igrip/queue")
    assert re.search(rf'class="leg-row leg-overdue" data-leg="{first.id}"', queue.text)
    assert "Overdue: not answered" in queue.text
    leg_page = client.get(f"/igrip/legs/{first.id}")
    assert "Overdue: not answered" in leg_page.text
    assert "card leg-overdue" in leg_page.text
    france, _principal = browser(app, world, "FRA-NCB")
    case = france.get(f"/igrip/cases/{case_id}").text
    assert re.search(rf'class="leg-row leg-overdue" data-leg="{first.id}"', case)
    assert re.search(rf'class="leg-row leg-overdue" data-leg="{second.id}"', case)
    assert "Overdue: not acknowledged" in case  # Spain's, past its acknowledgement only
    assert 'class="mf-transfer state-received overdue"' in case  # the graph too
    assert "leg-overdue" in france.get("/igrip").text
    dashboard = france.get("/igrip/dashboard").text
    assert re.search(r'id="stat-overdue">2<', dashboard)


# ---------------------------------------------------------------- the money flow


def test_the_money_flow_of_a_three_hop_trail_is_an_svg_graph(client, world, runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU", "90000.00")))
    [first] = legs_of(runtime, case_id)
    later = (utcnow() - dt.timedelta(hours=1)).isoformat()
    take(
        runtime,
        desks["deu"],
        first.id,
        state="moved_on",
        onward=[
            {
                "amount": "85000.00",
                "value_at": later,
                "beneficiary": ACCOUNTS["ESP"],
                "beneficiary_name": "Costa Imports SL",
            }
        ],
    )
    second = legs_of(runtime, case_id)[1]
    take(
        runtime,
        desks["esp"],
        second.id,
        state="moved_on",
        onward=[
            {
                "amount": "80000.00",
                "value_at": later,
                "beneficiary": ACCOUNTS["ITA"],
                "beneficiary_name": "Rossi Holding SRL",
            }
        ],
    )
    third = legs_of(runtime, case_id)[2]
    take(runtime, desks["ita"], third.id, state="frozen", amount="80000.00")
    signed_in(client, world, "FRA-NCB")
    html = client.get(f"/igrip/cases/{case_id}").text
    graph = svg_of(html)
    edges = with_class(graph, "mf-edge")
    assert len(edges) == 3
    nodes = with_class(graph, "mf-node")
    assert len(nodes) == 4
    [frozen] = with_class(graph, "frozen")
    texts = " ".join(t.text or "" for t in frozen.iter())
    assert "Rossi Holding SRL" in texts
    assert "Frozen: 80,000.00 EUR" in texts
    [victim] = with_class(graph, "victim")
    assert "Lyon Turbines SA" in " ".join(t.text or "" for t in victim.iter())
    labels = [t.text for t in with_class(graph, "mf-edge-label")]
    assert labels == ["90,000.00 EUR", "85,000.00 EUR", "80,000.00 EUR"]
    assert graph.get("role") == "img"
    # The columns follow the hops, left to right...
    xs = [float(r.get("x") or 0) for n in nodes for r in n if r.tag.endswith("rect")]
    assert xs == sorted(xs)
    # ...and right to left in Arabic.
    client.cookies.set("bb_lang", "ar")
    arabic = svg_of(client.get(f"/igrip/cases/{case_id}").text)
    xs = [
        float(r.get("x") or 0)
        for n in with_class(arabic, "mf-node")
        for r in n
        if r.tag.endswith("rect")
    ]
    assert xs == sorted(xs, reverse=True)
    # The table says the same.
    assert html.count('class="table flow-table"') == 1
    # Italy sees its leg and the one before it.
    italy = TestClient(client.app, raise_server_exceptions=False)
    signed_in(italy, world, "ITA-NCB")
    assert len(with_class(svg_of(italy.get(f"/igrip/cases/{case_id}").text), "mf-edge")) == 2


# ---------------------------------------------------------------- the dashboard


def test_the_dashboard_shows_the_networks_figures_charts_and_map(
    client, app, world, runtime, desks
):
    case_id = file(
        runtime,
        desks["fra"],
        filing(payment("DEU", "1000.00"), payment("ESP", "500000", currency="JPY")),
    )
    first, second = legs_of(runtime, case_id)
    take(runtime, desks["deu"], first.id, state="frozen", amount="400.00")
    take(runtime, desks["esp"], second.id, state="nothing_found")
    signed_in(client, world, "EGY-NCB")  # aggregates, for everyone with I-GRIP
    page = client.get("/igrip/dashboard")
    assert page.status_code == 200, page.text
    html = page.text
    assert re.search(r'id="stat-cases">1<', html)
    assert re.search(r'id="stat-legs">2<', html)
    rates = runtime.settings.igrip_rates
    reported = Decimal("1000") * Decimal(rates["EUR"]) + Decimal("500000") * Decimal(rates["JPY"])
    assert f"${int(reported.quantize(Decimal(1))):,}" in html
    for chart in ("chart-states", "chart-fraud-types", "chart-currency-eur", "chart-currency-jpy"):
        assert f'id="{chart}"' in html, chart
    assert "400.00 EUR" in html
    assert 'id="igrip-map"' in html
    assert 'class="wm-arc"' in html
    assert 'data-code="DEU"' in html
    assert "/static/css/worldmap.css" in html
    assert "Lyon Turbines" not in html  # no case's content
    border, _principal = browser(app, world, "FRA-BP1", (Role.BORDER_OFFICER,))
    assert border.get("/igrip/dashboard").status_code == 403


# ---------------------------------------------------------------- languages


@pytest.mark.parametrize("lang", ["ar", "es", "fr"])
def test_every_page_renders_in_each_language(client, world, runtime, desks, lang):
    case_id = file(runtime, desks["fra"], filing(payment("DEU"), payment("ESP", uetr=UETR)))
    first, _second = legs_of(runtime, case_id)
    take(runtime, desks["deu"], first.id, state="frozen", amount="100.00")
    signed_in(client, world, "DEU-NCB")
    client.cookies.set("bb_lang", lang)
    for path in (
        "/igrip",
        "/igrip/queue",
        "/igrip/new",
        f"/igrip/cases/{case_id}",
        f"/igrip/legs/{first.id}",
        "/igrip/dashboard",
        "/igrip/new/payment?index=1",
        f"/igrip/legs/{first.id}/onward?index=1",
    ):
        page = client.get(path)
        assert page.status_code == 200, (path, page.text[:500])
        if "<html" in page.text:
            assert f'lang="{lang}"' in page.text
            assert (f'dir="{"rtl" if lang == "ar" else "ltr"}"') in page.text
    svg_of(client.get(f"/igrip/cases/{case_id}").text)  # well formed in every language
    refused = form_post(
        client,
        "/igrip/new",
        request_form(row(0, amount="12.345")),
        "/igrip/new",
    )
    assert refused.status_code == 422
    field_error(refused.text, "f-payments-0-amount")
    step = form_post(
        client,
        f"/igrip/legs/{first.id}/step",
        {"state": "returned", "amount": "100,001"},
        f"/igrip/legs/{first.id}",
    )
    assert step.status_code == 422
    field_error(step.text, "f-amount")


def test_money_sent_back_to_an_account_met_before_is_drawn_as_a_loop(client, world, runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU", "5000.00")))
    [first] = legs_of(runtime, case_id)
    later = (utcnow() - dt.timedelta(hours=1)).isoformat()
    onward = {"value_at": later, "beneficiary_name": "Costa Imports SL"}
    take(
        runtime,
        desks["deu"],
        first.id,
        state="moved_on",
        onward=[{**onward, "amount": "4000.00", "beneficiary": ACCOUNTS["ESP"]}],
    )
    second = legs_of(runtime, case_id)[1]
    take(
        runtime,
        desks["esp"],
        second.id,
        state="moved_on",
        onward=[{**onward, "amount": "3000.00", "beneficiary": ACCOUNTS["DEU"]}],
    )
    signed_in(client, world, "FRA-NCB")
    graph = svg_of(client.get(f"/igrip/cases/{case_id}").text)
    assert len(with_class(graph, "mf-edge")) == 3
    assert len(with_class(graph, "mf-node")) == 3  # the German account once
    height = float(graph.get("height") or 0)
    assert height > pages.FLOW_BOX_HEIGHT + 2 * pages.FLOW_PAD  # room for the loop


def test_no_input_makes_the_pages_fail(client, world, runtime, desks):
    case_id = file(runtime, desks["fra"], filing(payment("DEU")))
    [leg] = legs_of(runtime, case_id)
    signed_in(client, world, "DEU-NCB")
    filtered = client.get("/igrip?status=lost&fraud_type=%00")
    assert filtered.status_code == 422
    assert field_error(filtered.text, "f-status")
    for path in (
        "/igrip/cases/0",
        "/igrip/cases/99999999999",
        "/igrip/legs/0",
        "/igrip/legs/abc",
        "/igrip/new/payment?index=-1",
        "/igrip/new/payment?index=100000",
        "/igrip?page=0",
    ):
        assert client.get(path).status_code in (400, 404, 422), path
    page = f"/igrip/legs/{leg.id}"
    for fields in (
        {"state": "lost"},
        {"state": "frozen", "amount": "abc"},
        {"state": "frozen", "amount": "NaN"},
        {"state": "moved_on", "onward.0.amount": "1", "onward.0.value_at": "yesterday"},
        {"state": "moved_on", "onward.0.beneficiary_name": "x", "onward.0.account": "?"},
        {"note": "x" * 6000},
    ):
        answered = form_post(client, f"{page}/step", fields, page)
        assert answered.status_code == 422, (fields, answered.text[:300])
        assert "error" in answered.text
    assert legs_of(runtime, case_id)[0].state == "received"
    no_leg = form_post(client, "/igrip/resolutions", {}, page)
    assert no_leg.status_code == 422
    wrong_leg = form_post(
        client,
        "/igrip/resolutions",
        {"leg_id": "x"},
        page,
        files=[("file", ("a.xml", b"<x/>", "application/xml"))],
    )
    assert wrong_leg.status_code == 422
    odd = request_form(row(0, "ESP")) | {
        "payments.0.amount": "1e9999",
        "payments.0.currency": "€",
        "payments.abc.amount": "1",
        "payments.0.account": "bank",
        "victim.kind": "alien",
    }
    filed = form_post(client, "/igrip/new", odd, "/igrip/new")
    assert filed.status_code == 422, filed.text[:300]
    assert field_error(filed.text, "f-payments-0-currency")
    assert field_error(filed.text, "f-victim-kind")


def test_the_requester_drafts_the_cases_silver_notice_and_reads_the_assets_found(
    app, world, runtime, desks
):
    from tests.screening.factories import enter, person

    case_id = file(runtime, desks["fra"], filing(payment("DEU")))
    suspect = enter(runtime, desks["fra"], "persons", person(["Marc Dubois"], (1980, 5, 17)))
    client, _ = browser(app, world)
    page = f"/igrip/cases/{case_id}"
    assert f'action="/igrip/cases/{case_id}/tracing"' in client.get(page).text
    refused = form_post(client, f"{page}/tracing", {"subjects": "12, abc"}, page)
    assert refused.status_code == 422
    assert "12, abc" in refused.text  # kept as typed
    drafted = form_post(client, f"{page}/tracing", {"subjects": str(suspect)}, page)
    assert drafted.status_code == 303, drafted.text
    notice_id = int(drafted.headers["location"].rsplit("/", 1)[1])
    shown = client.get(page).text
    assert f'href="/notices/{notice_id}"' in shown
    assert "No country has reported an asset yet." in shown
    with unit_of_work(runtime.sessions) as session:
        messaging.send(
            session,
            settings=runtime.settings,
            principal=desks["esp"],
            bus=None,
            draft=messaging.Draft(
                subject="Assets found: a flat in Marbella",
                body="The land registry holds a flat in the suspect's name.",
                address=messaging.Address(agencies=("FRA-NCB",)),
                form="assets_found",
                form_data={
                    "kind": "property",
                    "description": "A flat in Marbella",
                    "identifier": "Finca 12345",
                },
                references=(("notice", notice_id),),
            ),
        )
    shown = client.get(page).text
    assert "Finca 12345" in shown
    assert "Real estate" in shown
    # The leg's country sees neither the notice nor the findings, and cannot ask.
    german, _ = browser(app, world, "DEU-NCB")
    theirs = german.get(page).text
    assert "Finca 12345" not in theirs
    assert "/tracing" not in theirs
