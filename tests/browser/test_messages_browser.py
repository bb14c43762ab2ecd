"""The secure network in a real browser: France's NCB officer of the demo world sends an
immediate message to Germany's NCB; the German officer's inbox, open all along, shows the
unread count change live (server-sent events, no reload) and the "new messages" notice; the
German officer opens the message, whose signature holds, and the French sender then sees it
read. The German inbox is read right to left in Arabic too."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import PASSWORD, Authenticator

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from tests.browser.conftest import Portal

try:
    from playwright.sync_api import expect
except ImportError:  # a skip, as without Chromium, unless the browser tests are required
    if os.environ.get("BLUEBRIDGE_REQUIRE_BROWSER"):
        raise
    pytest.skip(
        "Playwright for Python is not installed: pip install -e '.[dev]'",
        allow_module_level=True,
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SUBJECT = "Immediate: the suspect lands at Frankfurt at 14:05"


@pytest.fixture(scope="module")
def messages_url(portal: Portal) -> str:
    """The demo server's address (it serves the messages pages)."""
    return portal.url


@pytest.fixture
def open_page(
    new_context: Callable[..., BrowserContext], messages_url: str, authenticator: Authenticator
) -> Callable[[str], Page]:
    """A page of a fresh browser context, signed in as a demo user with the second factor."""

    def run(username: str) -> Page:
        page = new_context(base_url=messages_url).new_page()
        page.goto("/login")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/login/second-factor"))
        page.get_by_label("Code").fill(authenticator.code(username))
        page.get_by_role("button", name="Verify").click()
        expect(page).to_have_url(f"{messages_url}/")
        return page

    return run


def test_an_immediate_message_reaches_an_open_inbox_live_and_is_read(
    open_page: Callable[[str], Page], messages_url: str
) -> None:
    # Germany's NCB has its inbox open, listening.
    inbox = open_page("de.officer")
    inbox.get_by_role("link", name=re.compile(r"^Messages")).click()
    expect(inbox).to_have_url(f"{messages_url}/messages")
    expect(inbox.locator("html")).to_have_attribute("data-messages-live", "on")
    immediate = inbox.locator('[data-unread-count="immediate"]')
    before = int(immediate.inner_text())
    inbox.evaluate("window.openedOnce = true")  # gone if the page reloads
    expect(inbox.locator("[data-new-messages]")).to_be_hidden()

    # France's NCB sends it.
    sender = open_page("fr.officer")
    sender.goto("/messages/new")
    sender.get_by_label("Agencies").fill("DEU-NCB")
    sender.get_by_label("Subject").fill(SUBJECT)
    sender.get_by_label("Message", exact=True).fill("Flight LH 1234 from Lyon. Please arrest.")
    sender.get_by_label("Immediate").check()
    sender.get_by_role("button", name="Sign and send").click()
    expect(sender).to_have_url(re.compile(rf"{re.escape(messages_url)}/messages/\d+$"))
    expect(sender.locator(".flash.success")).to_contain_text("signed, encrypted and sent")
    expect(sender.locator("#receipts")).to_contain_text("Not read yet")
    message_path = sender.url.removeprefix(messages_url)

    # The open inbox counts it without a reload, and says that something arrived.
    expect(immediate).to_have_text(str(before + 1))
    expect(inbox.locator("[data-unread-badge]")).to_be_visible()
    expect(inbox.locator("[data-new-messages]")).to_be_visible()
    assert inbox.evaluate("window.openedOnce === true"), "the inbox reloaded"

    inbox.get_by_role("link", name="Reload the list").click()
    row = inbox.locator("tr.unread", has_text=SUBJECT)
    expect(row).to_be_visible()
    expect(row.locator("strong")).to_contain_text(SUBJECT)
    row.get_by_role("link", name=SUBJECT).click()
    expect(inbox).to_have_url(f"{messages_url}{message_path}")
    expect(inbox.locator("#signature")).to_contain_text("Signature valid")
    expect(inbox.locator("#signature")).to_contain_text("FRA-NCB")
    expect(inbox.locator(".message-text")).to_contain_text("Flight LH 1234")

    # The sender sees it read.
    sender.reload()
    expect(sender.locator("#receipts")).to_contain_text("Read")
    expect(sender.locator("#receipts")).not_to_contain_text("Not read yet")

    # The inbox in Arabic reads right to left. The choice is kept on the account, which the
    # other browser tests sign in with too: it is set back to English after.
    try:
        inbox.goto("/language/ar?next=/messages")
        expect(inbox.locator("html")).to_have_attribute("dir", "rtl")
        expect(inbox.locator("html")).to_have_attribute("data-messages-live", "on")
        assert inbox.evaluate("getComputedStyle(document.querySelector('main')).direction") == (
            "rtl"
        )
        sideways = inbox.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert sideways, "the Arabic inbox scrolls sideways"
    finally:
        inbox.goto("/language/en?next=/")
