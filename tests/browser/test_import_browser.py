"""An import in a real browser: an officer uploads a CSV of stolen passports with two bad
rows, watches the progress (htmx refreshes it while the job runs), and reads the rejected rows
with their line and reason once it is done; the good rows are in the database."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import playwright_expect
from tests.browser.test_record_pages_browser import _screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Portal, SignIn

expect = playwright_expect()

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROWS = 3000
BAD_LINES = {2: "issuing_country", 1500: "date_reported"}  # file lines, header being line 1


def _passports_csv() -> bytes:
    lines = ["owner_reference,number,issuing_country,document_type,status,date_reported"]
    for n in range(1, ROWS + 1):
        line_number = n + 1
        country = "QQQ" if BAD_LINES.get(line_number) == "issuing_country" else "FRA"
        reported = "2126-01-01" if BAD_LINES.get(line_number) == "date_reported" else "2026-03-01"
        lines.append(f"BR-IMP-{n:05d},{n:02d}BR{n:05d},{country},passport,lost,{reported}")
    return ("\n".join(lines) + "\n").encode()


def test_an_officer_imports_a_file_watches_progress_and_reads_the_rejected_rows(
    page: Page, portal: Portal, sign_in: SignIn
) -> None:
    sign_in(page, "fr.officer")
    page.goto("/records/travel_documents")
    page.get_by_role("link", name="Import").click()
    expect(page).to_have_url(f"{portal.url}/records/travel_documents/import")
    page.locator("#f-file").set_input_files(
        {"name": "passports.csv", "mimeType": "text/csv", "buffer": _passports_csv()}
    )
    page.locator("#f-format").select_option("csv")
    page.locator("#f-source_type").select_option("police_investigation")
    page.locator("#f-source_grading").select_option("B")
    page.locator("#f-information_grading").select_option("2")
    page.get_by_role("button", name="Start the import").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(portal.url)}/imports/\d+$"))
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Done", timeout=60_000)
    expect(progress).to_contain_text("3,000")  # rows read
    expect(progress).to_contain_text("2,998")  # records created
    page.get_by_role("link", name="Show the rejected rows").click()
    table = page.locator("table.table tbody")
    expect(table.locator("tr")).to_have_count(2)
    expect(table.locator("tr").nth(0)).to_contain_text("issuing_country")
    expect(table.locator("tr").nth(1)).to_contain_text("1,500")
    expect(table.locator("tr").nth(1)).to_contain_text("date_reported")
    _screenshot(page, "import-done.png", full_page=True)
    # The good rows are there, the bad ones are not.
    page.goto("/records/travel_documents?q=BR00003")
    expect(page.locator("main")).to_contain_text("03BR00003")
    page.goto("/records/travel_documents?q=BR00001")
    expect(page.locator("table.table tbody")).not_to_contain_text("01BR00001")
