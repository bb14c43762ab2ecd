"""Notices in a real browser: a French NCB officer of the demo world drafts a red notice on
one of France's wanted persons, submits it and sees it in review; a compliance reviewer of
the General Secretariat, signed in with the second factor, finds it in the queue and
publishes it with written reasons; the notice's page and its printable page in Arabic read
right to left."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import playwright_expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Portal

expect = playwright_expect()

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REASONS = "The facts are ordinary crime; Articles 2 and 3 raise no concern."


def _wanted_person(portal: Portal) -> dict[str, Any]:
    """A French person of the demo world with a full date of birth (France's NCB sees it)."""
    path = portal.log.parent / "bluebridge.sqlite3"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "select id, title, payload from records where kind = 'persons' and status = "
            "'active' and owner_country = 'FRA' order by id"
        ).fetchall()
    for row in rows:
        payload = json.loads(row["payload"])
        birth = payload.get("date_of_birth") or {}
        if birth.get("month") and birth.get("day"):
            return {"id": row["id"], "title": row["title"]}
    raise AssertionError("the demo world has no French person with a full birth date")


def test_a_red_notice_is_drafted_submitted_and_published(
    open_page: Callable[[str], Page], portal: Portal
) -> None:
    person = _wanted_person(portal)

    # France's NCB drafts the red notice.
    page = open_page("fr.officer")
    page.get_by_role("link", name="Notices", exact=True).click()
    page.get_by_role("link", name="New request").click()
    page.get_by_role("link", name="Red notice").click()
    expect(page).to_have_url(f"{portal.url}/notices/new?kind=notice&type=red")

    def field(name: str) -> Any:
        return page.locator(f"[name='{name}']")

    field("content.summary").fill("Armed robbery of a jewellery shop in Lyon")
    field("content.facts").fill("On 3 March 2025 the person and two others robbed a shop.")
    field("content.purpose").select_option("prosecution")
    field("content.offences.0.category").select_option("robbery")
    field("content.offences.0.description").fill("Armed robbery by an organised gang")
    field("content.offences.0.legal_provision").fill("Code pénal, article 311-9")
    field("content.offences.0.max_penalty_months").fill("360")
    field("content.legal_basis.kind").select_option("arrest_warrant")
    field("content.legal_basis.reference").fill("MA-2025-0042")
    field("content.legal_basis.date").fill("2025-03-20")
    field("content.legal_basis.authority").fill("Tribunal judiciaire de Lyon")
    field("subjects.0.record_id").fill(str(person["id"]))
    page.get_by_role("button", name="Save as draft").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(portal.url)}/notices/\d+$"))
    notice_path = page.url.removeprefix(portal.url)
    expect(page.locator(".notice-band")).to_contain_text("Red notice")
    expect(page.locator(".notice-band")).to_contain_text("Draft")
    expect(page.locator("h1")).to_contain_text(person["title"])

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".flash.success")).to_contain_text("submitted")
    expect(page.locator(".notice-band")).to_contain_text("In review")
    reference = page.locator(".notice-band-reference code").inner_text()

    # A compliance reviewer publishes it from the queue.
    review = open_page("gs.reviewer")
    review.goto("/notices/review")
    row = review.locator("tr", has_text=reference)
    expect(row).to_be_visible()
    row.get_by_role("link", name=reference).click()
    expect(review).to_have_url(f"{portal.url}{notice_path}")
    review.get_by_label("Publish (compliant)").check()
    review.get_by_label("Reasons").fill(REASONS)
    review.get_by_role("button", name="Record the decision").click()
    expect(review.locator(".flash.success")).to_contain_text("published")
    expect(review.locator(".notice-band")).to_contain_text("Published")
    expect(review.locator("#history")).to_contain_text(REASONS)

    # The requester reads it in Arabic, right to left. The choice is kept on the account,
    # which the other browser tests sign in with too: it is set back to English after.
    try:
        page.goto(f"/language/ar?next={notice_path}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        band_type = page.locator(".notice-band-type").bounding_box()
        band_reference = page.locator(".notice-band-reference").bounding_box()
        assert band_type is not None
        assert band_reference is not None
        assert band_type["x"] > band_reference["x"]  # the kind on the right, where Arabic starts
        sideways = page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert sideways, "the Arabic page scrolls sideways"

        page.goto(f"{notice_path}/print")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator(".notice-sheet")).to_contain_text("MA-2025-0042")
        expect(page.locator(".notice-sheet")).to_contain_text(person["title"].split()[0])
        sheet_type = page.locator(".notice-sheet-type").bounding_box()
        sheet_reference = page.locator(".notice-sheet-reference").bounding_box()
        assert sheet_type is not None
        assert sheet_reference is not None
        assert sheet_type["x"] > sheet_reference["x"]
    finally:
        page.goto("/language/en?next=/")
