"""The secure network in a real browser: France's NCB officer of the demo world sends an
immediate message to Germany's NCB; the German officer's inbox, open all along, shows the
unread count change live (server-sent events, no reload) and the "new messages" notice; the
German officer opens the message, whose signature holds, and the French sender then sees it
read. The German inbox is read right to left in Arabic too."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import playwright_expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Portal

expect = playwright_expect()

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SUBJECT = "Immediate: the suspect lands at Frankfurt at 14:05"


def test_an_immediate_message_reaches_an_open_inbox_live_and_is_read(
    open_page: Callable[[str], Page], portal: Portal
) -> None:
    # Germany's NCB has its inbox open, listening.
    inbox = open_page("de.officer")
    inbox.get_by_role("link", name=re.compile(r"^Messages")).click()
    expect(inbox).to_have_url(f"{portal.url}/messages")
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
    expect(sender).to_have_url(re.compile(rf"{re.escape(portal.url)}/messages/\d+$"))
    expect(sender.locator(".flash.success")).to_contain_text("signed, encrypted and sent")
    expect(sender.locator("#receipts")).to_contain_text("Not read yet")
    message_path = sender.url.removeprefix(portal.url)

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
    expect(inbox).to_have_url(f"{portal.url}{message_path}")
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
