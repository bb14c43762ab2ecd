"""The databases' pages in a real browser: an officer enters a travel document through the
generated form, meets a field error, corrects it and lands on the record's page; a list in
Arabic reads right to left and does not scroll sideways on a tablet. The pictures of the
form and of a record's page in docs/images/ are taken here."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import playwright_expect

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Portal, SignIn

expect = playwright_expect()

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
SIDEWAYS_JS = (
    "() => ({scroll: document.documentElement.scrollWidth,"
    " client: document.documentElement.clientWidth})"
)


def _screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    assert viewport is not None
    page.mouse.move(0, viewport["height"] - 1)
    page.screenshot(path=IMAGES / name, animations="disabled", caret="hide", full_page=full_page)


def _fill_passport(page: Page, number: str) -> None:
    page.get_by_label("Document number").fill(number)
    page.locator("select[name='payload.issuing_country']").select_option("FRA")
    page.locator("select[name='payload.document_type']").select_option("passport")
    page.locator("select[name='payload.status']").select_option("stolen_issued")
    page.locator("select[name='source_type']").select_option("police_investigation")
    page.locator("select[name='source_grading']").select_option("B")
    page.locator("select[name='information_grading']").select_option("2")
    page.get_by_label("Holder's name").fill("Camille Laurent")


def test_an_officer_enters_a_record_corrects_a_field_and_lands_on_its_page(
    page: Page, portal: Portal, sign_in: SignIn
) -> None:
    sign_in(page, "fr.officer")
    page.locator("nav.site-nav").get_by_role("link", name="Databases").click()
    expect(page.locator("main h1")).to_have_text("Databases")
    page.get_by_role("link", name="Stolen and lost travel documents").click()
    page.get_by_role("link", name="New record").click()
    expect(page).to_have_url(f"{portal.url}/records/travel_documents/new")

    number = f"BR{int(time.time()) % 10**8:08d}"
    _fill_passport(page, "X")  # too short, and the date reported is left out
    with page.expect_response(f"{portal.url}/records/travel_documents/new") as answer:
        page.get_by_role("button", name="Enter the record").click()
    assert answer.value.status == 422
    number_input = page.get_by_label("Document number")
    expect(number_input).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-f-payload-number")).to_contain_text("2 to 20 letters and digits")
    expect(page.locator("#e-f-payload-date_reported")).to_have_text("is required")
    expect(page.get_by_label("Holder's name")).to_have_value("Camille Laurent")
    _screenshot(page, "record-form.png")
    # The summary links to the field that needs correcting.
    page.locator(".error-summary").get_by_role("link", name=re.compile("Document number")).click()
    expect(page).to_have_url(re.compile(r"#f-payload-number$"))

    number_input.fill(number)
    page.get_by_label("Date reported").fill("2026-02-03")
    page.get_by_role("button", name="Enter the record").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(portal.url)}/records/travel_documents/\d+$"))
    expect(page.get_by_role("status").first).to_have_text("The record has been entered.")
    expect(page.locator("main h1")).to_contain_text(number)
    expect(page.locator("main")).to_contain_text("Camille Laurent")
    expect(page.locator("main")).to_contain_text("Access log")

    # The same page in Arabic, right to left.
    record_path = page.url.removeprefix(portal.url)
    page.goto(f"/language/ar?next={record_path}")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    _screenshot(page, "record-detail-ar.png", full_page=True)
    page.goto("/records/persons/new")
    _screenshot(page, "record-form-ar.png")
    page.goto(f"/language/en?next={record_path}")


def test_a_list_in_arabic_is_right_to_left_without_sideways_scroll_on_a_tablet(
    new_context: Callable[..., BrowserContext], portal: Portal, sign_in: SignIn
) -> None:
    context = new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    sign_in(page, "fr.supervisor")
    for path in ("/records/persons", "/records/persons/new", "/records"):
        page.goto(f"/language/ar?next={path}")
        expect(page).to_have_url(f"{portal.url}{path}")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        sizes = page.evaluate(SIDEWAYS_JS)
        assert sizes["client"] == 768
        assert sizes["scroll"] <= sizes["client"], f"{path} scrolls sideways: {sizes}"
    page.goto("/language/ar?next=/records/persons")
    heading = page.locator("main h1")
    box = heading.bounding_box()
    assert box is not None
    # The title starts at the right edge of the page.
    assert 768 - (box["x"] + box["width"]) < 60
    page.goto("/language/en?next=/records")


def test_add_another_brings_one_more_name_in_place(
    page: Page, portal: Portal, sign_in: SignIn
) -> None:
    sign_in(page, "fr.supervisor")
    page.goto("/records/persons/new")
    page.locator("input[name='payload.names.0.value']").fill("Jeanne Moreau")
    page.locator("input[name='payload.offences']").first.fill("Fraud")
    page.evaluate("window.bluebridgeSamePage = true")
    names = page.locator("#f-payload-names")
    names.get_by_role("button", name="Add another").click()
    expect(page.locator("input[name='payload.names.1.value']")).to_be_visible()
    # Swapped in place by htmx, not a new page: the window and what was typed are kept.
    assert page.evaluate("window.bluebridgeSamePage") is True
    expect(page).to_have_url(f"{portal.url}/records/persons/new")
    expect(page.locator("input[name='payload.names.0.value']")).to_have_value("Jeanne Moreau")
    expect(page.locator("input[name='payload.offences']").first).to_have_value("Fraud")


def test_the_owner_sees_a_demo_cases_links_and_who_read_the_record(
    new_context: Callable[..., BrowserContext], portal: Portal, sign_in: SignIn
) -> None:
    # An Egyptian officer opens the French case's person (its policy excludes Germany)...
    reader = new_context().new_page()
    sign_in(reader, "eg.officer")
    reader.goto("/records/persons?owner_country=FRA")
    reader.locator("table.table tbody a").first.click()
    expect(reader).to_have_url(re.compile(rf"{re.escape(portal.url)}/records/persons/\d+$"))
    record_path = reader.url.removeprefix(portal.url)
    expect(reader.locator("main")).not_to_contain_text("Access log")  # not the owner's
    # ...and the French owner sees the case's links and that read in the access log.
    owner = new_context().new_page()
    sign_in(owner, "fr.officer")
    owner.goto(record_path)
    links = owner.locator("#links")
    for relation in ("Holder", "Member", "Suspect"):
        expect(links).to_contain_text(relation)
    log = owner.locator("#access-log")
    expect(log).to_contain_text("EGY-NCB")
    expect(log).to_contain_text("Egypt")
    _screenshot(owner, "record-detail.png", full_page=True)
