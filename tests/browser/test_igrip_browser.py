"""I-GRIP in a real browser: France's NCB officer of the demo world files a request with two
payments to German accounts, the second row added by "Add a payment" without the page
reloading (htmx), and sees the case with its two legs and its money flow; Germany's NCB
officer opens the queue, takes one leg to frozen through the step form, and sees the freeze
on the case; the case reads right to left in Arabic without scrolling sideways."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import playwright_expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Portal

expect = playwright_expect()

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VICTIM_IBAN = "FR1420041010050500013M02606"
PAYMENTS = (
    ("48000.00", "DE89370400440532013000", "COBADEFFXXX", "Rhein Handel GmbH"),
    ("12500.50", "DE12500105170648489890", "", "Ostsee Logistik UG"),
)


def _fill_payment(page: Page, index: int, when: str, payment: tuple[str, str, str, str]) -> None:
    amount, iban, bic, name = payment
    row = f"#f-payments-{index}"
    page.locator(f"{row}-amount").fill(amount)
    page.locator(f"{row}-currency").fill("EUR")
    page.locator(f"{row}-value_at").fill(when)
    page.locator(f"{row}-ordering-iban").fill(VICTIM_IBAN)
    page.locator(f"{row}-beneficiary-iban").fill(iban)
    if bic:
        page.locator(f"{row}-beneficiary-bic").fill(bic)
    page.locator(f"{row}-beneficiary_name").fill(name)


def test_a_request_is_filed_and_a_leg_frozen_by_the_beneficiarys_country(
    open_page: Callable[[str], Page], portal: Portal, tmp_path: Path
) -> None:
    refused: list[str] = []
    france = open_page("fr.officer")
    france.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    france.get_by_role("link", name="I-GRIP", exact=True).click()
    expect(france).to_have_url(f"{portal.url}/igrip")
    france.get_by_role("link", name="File a request").click()
    expect(france).to_have_url(f"{portal.url}/igrip/new")

    france.get_by_label("Kind of fraud").select_option("business_email_compromise")
    france.get_by_label("Victim's name").fill("Lyon Turbines SA")
    france.get_by_label("Summary of the fraud").fill(
        "A fake supplier e-mail changed the bank details of two invoices."
    )
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    _fill_payment(france, 0, when, PAYMENTS[0])

    # The second row comes without a reload: everything typed stays where it was.
    france.evaluate("window.notReloaded = true")
    france.get_by_role("button", name="Add a payment").click()
    expect(france.locator("#f-payments-1-amount")).to_be_visible()
    assert france.evaluate("window.notReloaded === true"), "the form was reloaded"
    expect(france.locator("#f-payments-0-amount")).to_have_value(PAYMENTS[0][0])
    expect(france.locator("#f-payments-2-amount")).to_have_count(0)
    expect(france.locator("#add-payment")).to_have_attribute("hx-get", "/igrip/new/payment?index=2")
    _fill_payment(france, 1, when, PAYMENTS[1])
    # Only the inputs of the account's kind are shown.
    expect(france.locator("#f-payments-1-beneficiary-wallet_address")).to_be_hidden()

    france.get_by_role("button", name="File the request", exact=True).last.click()
    expect(france).to_have_url(re.compile(rf"{re.escape(portal.url)}/igrip/cases/\d+$"))
    expect(france.locator(".flash.success")).to_contain_text("has been filed")
    case_path = france.url.removeprefix(portal.url)
    legs = france.locator("table.leg-table tbody tr")
    expect(legs).to_have_count(2)
    expect(legs.nth(0)).to_contain_text("48,000.00 EUR")
    expect(legs.nth(1)).to_contain_text("12,500.50 EUR")
    expect(france.locator("svg.money-flow .mf-edge")).to_have_count(2)
    reference = legs.nth(0).locator("code").first.inner_text()
    assert re.fullmatch(r"IGRIP-\d{4}-\d{6}-1", reference), reference

    # Germany's NCB finds the leg in its queue and takes it to frozen.
    germany = open_page("de.officer")
    germany.get_by_role("link", name="I-GRIP", exact=True).click()
    germany.get_by_role("link", name="Your country's queue").click()
    expect(germany).to_have_url(f"{portal.url}/igrip/queue")
    row = germany.locator("tr.leg-row", has_text=reference)
    expect(row).to_contain_text("Received")
    row.get_by_role("link", name=reference).click()
    expect(germany.locator("h1")).to_contain_text(reference)
    germany.get_by_label("Frozen", exact=False).first.check()
    germany.get_by_label("Amount", exact=True).fill("30000.00")
    germany.get_by_label("Note").fill("The bank holds 30,000 EUR; the rest left on Monday.")
    germany.get_by_role("button", name="Record the step", exact=True).last.click()
    expect(germany.locator(".flash.success")).to_contain_text("is now Frozen")
    expect(germany.locator("#leg-state")).to_contain_text("Frozen")
    germany.get_by_role("link", name=re.compile(r"^IGRIP-\d{4}-\d{6}$")).first.click()
    expect(germany).to_have_url(f"{portal.url}{case_path}")
    frozen_row = germany.locator("table.leg-table tbody tr", has_text=reference)
    expect(frozen_row).to_contain_text("Frozen")
    expect(frozen_row).to_contain_text("30,000.00 EUR")

    # The requester sees the freeze on its case, and on its money flow.
    france.reload()
    expect(france.locator("table.leg-table tbody tr", has_text=reference)).to_contain_text("Frozen")
    expect(france.locator("svg.money-flow .mf-node.frozen")).to_contain_text(
        "Frozen: 30,000.00 EUR"
    )
    france.screenshot(path=tmp_path / "igrip-case.png", full_page=True)

    # In Arabic the case reads right to left. The choice is kept on the account, which the
    # other browser tests sign in with too: it is set back to English after.
    try:
        france.goto(f"/language/ar?next={case_path}")
        expect(france.locator("html")).to_have_attribute("dir", "rtl")
        assert france.evaluate("getComputedStyle(document.querySelector('main')).direction") == (
            "rtl"
        )
        sideways = france.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert sideways, "the Arabic case page scrolls sideways"
        france.screenshot(path=tmp_path / "igrip-case-ar.png", full_page=True)
    finally:
        france.goto("/language/en?next=/")
    assert not refused, refused
