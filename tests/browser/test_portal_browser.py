"""The portal in a real browser: sign-in with both factors, the dashboard in English and in
right-to-left Arabic (by geometry, not only attributes), keyboard access, a tablet width,
administration of API keys, and the session cookie's flags."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import playwright_expect

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright

    from tests.browser.conftest import Portal, SignIn

expect = playwright_expect()

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
ARABIC = re.compile(r"[\u0600-\u06FF]")
GENERIC_LOGIN_ERROR = "Unknown user name or wrong password."
CSRF_TOKEN = re.compile(r"^[0-9a-f]{16,}$")


# The page rectangles the layout checks compare, and the rectangle of a heading's text itself
# (a Range around its characters), which shows where the line of text starts.
LAYOUT_JS = """() => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};
  };
  const h1 = document.querySelector("main h1");
  const range = document.createRange();
  range.selectNodeContents(h1);
  return {
    viewport: document.documentElement.clientWidth,
    header: box(document.querySelector(".site-header-inner")),
    brand: box(document.querySelector(".site-header .brand")),
    nav: box(document.querySelector("nav.site-nav")),
    langs: box(document.querySelector("nav.lang-switch")),
    h1: box(h1),
    h1Text: box(range),
  };
}"""

# Draws the heading's text on a canvas in the heading's font, and the same number of
# characters that no font has (U+10FFFD, drawn as the missing-glyph box): if the two drawings
# are the same, the browser had no glyphs for the text and showed boxes.
GLYPHS_JS = """(element) => {
  const style = getComputedStyle(element);
  const text = element.textContent.trim();
  const draw = (value) => {
    const canvas = document.createElement("canvas");
    canvas.width = 900;
    canvas.height = 120;
    const g = canvas.getContext("2d");
    g.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    g.direction = style.direction;
    g.fillStyle = "#000";
    g.fillText(value, 450, 80);
    return canvas.toDataURL();
  };
  const missing = text.replace(/\\S/gu, "\\u{10FFFD}");
  return {drawn: draw(text), missing: draw(missing), empty: draw("")};
}"""


def _layout(page: Page) -> dict[str, Any]:
    return dict(page.evaluate(LAYOUT_JS))


def _screenshot(page: Page, name: str) -> None:
    """A README picture: the viewport, with the pointer parked where it hovers nothing."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    assert viewport is not None
    page.mouse.move(0, viewport["height"] - 1)
    page.screenshot(path=IMAGES / name, animations="disabled", caret="hide")


def _switch_language(page: Page, portal: Portal, native_name: str, code: str) -> None:
    page.locator("nav.lang-switch").get_by_role("link", name=native_name).click()
    expect(page).to_have_url(f"{portal.url}/")
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_officer_signs_in_and_reads_the_dashboard_right_to_left_in_arabic(
    page: Page, portal: Portal, sign_in: SignIn
) -> None:
    sign_in(page, "fr.officer")
    expect(page.locator("main h1")).to_have_text("Dashboard")
    expect(page.locator("main")).to_contain_text("(FRA-NCB)")
    assert page.evaluate("document.documentElement.dir") == "ltr"

    english = _layout(page)
    # Left to right: the brand starts the header line at its left, the languages end it; the
    # main navigation is the row below, starting at the left too.
    assert english["brand"]["left"] - english["header"]["left"] < 40
    assert english["brand"]["right"] < english["langs"]["left"]
    assert english["nav"]["top"] >= english["brand"]["bottom"]
    assert english["nav"]["left"] - english["header"]["left"] < 40
    assert english["h1Text"]["left"] - english["h1"]["left"] < 2
    _screenshot(page, "portal-dashboard.png")

    _switch_language(page, portal, "العربية", "ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    expect(page.locator(".lang-switch a[aria-current='true']")).to_have_attribute("hreflang", "ar")

    arabic = _layout(page)
    viewport = arabic["viewport"]
    # Right to left: the brand sits at the right end of the header, the languages at the far
    # left; the main navigation is the row below, starting at the right.
    assert arabic["header"]["right"] - arabic["brand"]["right"] < 40
    assert arabic["brand"]["left"] > viewport * 0.75
    assert arabic["langs"]["right"] < arabic["brand"]["left"]
    assert arabic["langs"]["left"] < viewport * 0.25
    assert arabic["nav"]["top"] >= arabic["brand"]["bottom"]
    assert arabic["header"]["right"] - arabic["nav"]["right"] < 40
    # The heading's text hugs the right edge of its box and leaves the left side empty.
    assert abs(arabic["h1"]["right"] - arabic["h1Text"]["right"]) < 2
    assert arabic["h1Text"]["left"] - arabic["h1"]["left"] > arabic["h1"]["width"] / 2
    assert viewport - arabic["h1"]["right"] < 80

    heading = page.locator("main h1")
    title = heading.inner_text()
    assert ARABIC.search(title), f"the heading is not in Arabic script: {title!r}"
    assert not re.search(r"[A-Za-z]", title), f"the heading is not in Arabic only: {title!r}"
    drawings = heading.evaluate(GLYPHS_JS)
    assert drawings["drawn"] != drawings["empty"], "the Arabic heading draws nothing"
    assert drawings["drawn"] != drawings["missing"], "the Arabic heading draws missing glyphs"
    _screenshot(page, "portal-dashboard-ar.png")

    # And back: English is left to right again, and stays the officer's language.
    _switch_language(page, portal, "English", "en")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    expect(page.locator("main h1")).to_have_text("Dashboard")
    back = _layout(page)
    assert back["brand"]["right"] < back["langs"]["left"]


def test_skip_link_is_the_first_tab_stop_and_fields_have_labels(page: Page, portal: Portal) -> None:
    page.goto("/login")
    skip = page.locator("a.skip-link")
    hidden = skip.bounding_box()
    assert hidden is not None
    assert hidden["y"] + hidden["height"] <= 0, "the skip link shows before it has focus"

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    shown = skip.bounding_box()
    assert shown is not None
    assert shown["y"] >= 0
    assert shown["y"] + shown["height"] <= (page.viewport_size or {"height": 0})["height"]
    assert shown["width"] > 0
    assert shown["height"] > 0
    expect(skip).to_be_in_viewport()

    # Following it skips the header: the next Tab lands in the sign-in form.
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{portal.url}/login#main")
    page.keyboard.press("Tab")
    username = page.get_by_label("User name")
    expect(username).to_be_focused()
    expect(username).to_have_attribute("name", "username")
    expect(username).to_have_attribute("autocomplete", "username")
    expect(page.get_by_label("Password")).to_have_attribute("type", "password")


def test_dashboard_has_no_horizontal_scroll_on_a_tablet(
    new_context: Callable[..., BrowserContext], portal: Portal, sign_in: SignIn
) -> None:
    context = new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    sign_in(page, "fr.supervisor")
    for native_name, code in (("العربية", "ar"), ("English", "en")):
        _switch_language(page, portal, native_name, code)
        sizes = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert sizes["client"] == 768
        assert sizes["scroll"] <= sizes["client"], f"{code}: the page scrolls sideways: {sizes}"


def test_wrong_password_shows_the_generic_error_and_opens_no_session(
    page: Page, context: BrowserContext, portal: Portal
) -> None:
    messages = []
    for username in ("fr.analyst", "no.such.user"):
        page.goto("/login")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(portal.password + "-wrong")
        with page.expect_response(f"{portal.url}/login") as answer:
            page.get_by_role("button", name="Sign in").click()
        assert answer.value.status == 401
        alert = page.get_by_role("alert")
        expect(alert).to_have_text(GENERIC_LOGIN_ERROR)
        messages.append(alert.inner_text())
        expect(page.get_by_label("Password")).to_have_value("")
    # A wrong password reads exactly like an unknown user.
    assert messages[0] == messages[1]

    assert "bb_session" not in {cookie["name"] for cookie in context.cookies()}
    page.goto("/")
    expect(page).to_have_url(f"{portal.url}/login")


def test_administrator_creates_an_api_key_that_works_once_shown(
    page: Page, portal: Portal, sign_in: SignIn, playwright_driver: Playwright
) -> None:
    sign_in(page, "gs.admin")

    page.goto("/admin/users")
    expect(page.locator("main h1")).to_have_text("Users")
    expect(page.get_by_role("link", name="fr.officer", exact=True)).to_be_visible()

    page.goto("/admin/api-keys")
    expect(page.locator("main h1")).to_have_text("API keys")
    page.get_by_role("link", name="New API key").click()
    expect(page).to_have_url(f"{portal.url}/admin/api-keys/new")
    form = page.locator("form[action='/admin/api-keys/new']")
    expect(
        form.locator("input[name='csrf_token']"), "the form carries no CSRF token"
    ).to_have_value(CSRF_TOKEN)
    page.get_by_label("Name").fill("Browser test e-gates")
    page.get_by_label("Agency code").fill("FRA-NCB")
    page.get_by_label("Border officer", exact=True).check()
    page.get_by_label("Valid for (days)").fill("30")
    page.get_by_role("button", name="Create key").click()

    expect(page.locator("main h1")).to_have_text("API key created")
    key = page.get_by_test_id("api-key").inner_text().strip()
    assert re.fullmatch(r"bbk_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}", key), key

    # Shown once: the list has the key's prefix but never the key itself.
    page.goto("/admin/api-keys")
    row = page.get_by_role("row").filter(has_text="Browser test e-gates")
    expect(row).to_have_count(1)
    expect(row.get_by_text(key.split("_")[1], exact=True)).to_be_visible()
    assert key not in page.content()

    # The key works on the API by itself: a client of its own, no browser cookies.
    api = playwright_driver.request.new_context(base_url=portal.url)
    try:
        bearer = {"Authorization": f"Bearer {key}"}
        me = api.get("/api/v1/me", headers=bearer)
        assert me.status == 200, me.text()
        body = me.json()
        assert body["country"] == "FRA"
        assert body["roles"] == ["border_officer"]
        forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status == 401
        assert api.get("/api/v1/me").status == 401

        # Revoked in the portal, it stops working at once.
        expect(
            row.locator("input[name='csrf_token']"), "the revoke form carries no CSRF token"
        ).to_have_value(CSRF_TOKEN)
        row.get_by_role("button", name="Revoke").click()
        expect(page.get_by_role("status")).to_have_text("The API key has been revoked.")
        assert api.get("/api/v1/me", headers=bearer).status == 401
    finally:
        api.dispose()


def test_session_cookie_is_http_only_and_same_site_strict(
    page: Page, context: BrowserContext, portal: Portal, sign_in: SignIn
) -> None:
    sign_in(page, "fr.dpo")
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    session = cookies["bb_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Strict"
    assert session["secure"] is True  # Chromium keeps Secure cookies on http://127.0.0.1
    assert session["path"] == "/"
    assert "bb_session" not in page.evaluate("document.cookie")

    # Strict in deed: a link from another site (localhost is not 127.0.0.1) arrives without
    # the cookie and meets the sign-in page; the same address typed in is signed in.
    page.goto(f"http://localhost:{portal.port}/healthz")
    page.set_content(f'<a id="away" href="{portal.url}/">the portal</a>')
    page.locator("#away").click()
    expect(page).to_have_url(f"{portal.url}/login")
    page.goto(f"{portal.url}/")
    expect(page).to_have_url(f"{portal.url}/")
    expect(page.locator("main h1")).to_have_text("Dashboard")
