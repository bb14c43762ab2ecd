"""Screening in a real browser: a border officer of the demo world pastes the MRZ of a lost
passport whose holder is in the persons database and reads both hits with their scores and
explanations; then screens a passenger manifest, watches its progress (htmx refreshes it
while the rows are screened) and downloads the results. The picture of a check's results in
docs/images/ is taken here."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from typing import TYPE_CHECKING, Any

import pytest

from bluebridge.screening.mrz import check_digit, transliterate_for_mrz
from tests.browser.conftest import playwright_expect
from tests.browser.test_record_pages_browser import _screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Portal, SignIn

expect = playwright_expect()

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MANIFEST_ROWS = 1200  # three batches of the service's 500


def _demo_rows(portal: Portal, query: str) -> list[sqlite3.Row]:
    """Rows of the demo world's store (the server's SQLite file, read beside it)."""
    path = portal.log.parent / "bluebridge.sqlite3"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(query).fetchall()


def _lost_passport_and_holder(portal: Portal) -> tuple[dict[str, Any], dict[str, Any]]:
    """A French passport and a French person of the demo world that every member agency
    may see (the demo does not link a document to its holder: the MRZ joins them here)."""
    [document] = _demo_rows(
        portal,
        "select id, payload from records where kind = 'travel_documents' and status = "
        "'active' and owner_country = 'FRA' and access_mode = 'all_members' limit 1",
    )
    people = _demo_rows(
        portal,
        "select id, title, payload from records where kind = 'persons' and status = 'active' "
        "and owner_country = 'FRA' and access_mode in ('all_members', 'all_except')",
    )
    for row in people:
        payload = json.loads(row["payload"])
        birth = payload.get("date_of_birth") or {}
        if birth.get("month") and birth.get("day"):
            return (
                {"id": document["id"], **json.loads(document["payload"])},
                {"id": row["id"], "title": row["title"], **payload},
            )
    raise AssertionError("the demo world has no French person with a full birth date")


def _td3(number: str, country: str, holder: str, birth: dict[str, int]) -> str:
    """A passport's two MRZ lines, every check digit right."""
    *given, surname = holder.split()
    name = f"{transliterate_for_mrz(surname)}<<{transliterate_for_mrz(' '.join(given))}"
    line1 = f"P<{country}{name}".ljust(44, "<")[:44]
    number_field = number.ljust(9, "<")[:9]
    born = f"{birth['year'] % 100:02d}{birth['month']:02d}{birth['day']:02d}"
    expiry, optional = "310101", "<" * 14
    fields = [
        number_field + check_digit(number_field),
        born + check_digit(born),
        expiry + check_digit(expiry),
        optional + check_digit(optional),
    ]
    composite = "".join(fields)
    line2 = f"{fields[0]}{country}{fields[1]}M{fields[2]}{fields[3]}{check_digit(composite)}"
    return line1 + "\n" + line2


def _manifest(holder: str, birth: dict[str, int]) -> bytes:
    lines = ["name,birth_date,nationality,document_number,document_country"]
    born = f"{birth['year']:04d}-{birth['month']:02d}-{birth['day']:02d}"
    lines.append(f"{holder},{born},FRA,,")
    for n in range(2, MANIFEST_ROWS):
        lines.append(f"Traveller Number{n:05d},1990-01-01,DEU,T{n:07d},DEU")
    lines.append("Broken Row,1990-13-01,DEU,,")  # a month that is not one: an error row
    return ("\n".join(lines) + "\n").encode()


def test_a_border_officer_screens_an_mrz_and_a_manifest(
    page: Page, portal: Portal, sign_in: SignIn
) -> None:
    document, holder = _lost_passport_and_holder(portal)
    holder_name = holder["names"][0]["value"]
    sign_in(page, "fr.border")

    # One check: the MRZ of the lost passport, in the name of a wanted person.
    page.goto("/screening")
    page.get_by_label("MRZ").fill(
        _td3(document["number"], "FRA", holder_name, holder["date_of_birth"])
    )
    page.get_by_label("Where the check is made").fill("Paris Gare du Nord")
    page.get_by_role("button", name="Screen", exact=True).click()
    results = page.locator("#results")
    expect(results.locator(".screening-verdict")).to_contain_text("Records match this check")
    expect(results.locator(".mrz-fields")).to_contain_text(document["number"])
    expect(results.locator(f'a[href="/records/persons/{holder["id"]}"]')).to_be_visible()
    expect(results.locator(f'a[href="/records/travel_documents/{document["id"]}"]')).to_be_visible()
    expect(results.locator("meter").first).to_be_visible()
    expect(results).to_contain_text("Date of birth")
    expect(results).to_contain_text(holder["title"])
    assert page.get_by_label("Where the check is made").input_value() == "Paris Gare du Nord"
    _screenshot(page, "screening.png", full_page=True)

    # A manifest: its progress while it is screened, then the results to download.
    page.goto("/screening/manifest")
    page.locator("#f-file").set_input_files(
        {
            "name": "AF1234.csv",
            "mimeType": "text/csv",
            "buffer": _manifest(holder_name, holder["date_of_birth"]),
        }
    )
    page.get_by_role("button", name="Screen the manifest").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(portal.url)}/screening/manifest/[\w-]+$"))
    progress = page.locator("#manifest-progress")
    expect(progress.locator("progress")).to_be_visible()
    expect(progress).to_contain_text("Done", timeout=60_000)
    expect(progress).to_contain_text("1,200 of 1,200 rows screened")
    link = progress.get_by_role("link", name="Download the results (CSV)")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    assert len(rows) == MANIFEST_ROWS
    assert rows[0]["status"] == "hit"
    assert str(holder["id"]) in rows[0]["references"].split()
    assert rows[-1]["status"] == "error"
    assert rows[-1]["error"].startswith("birth_date")
