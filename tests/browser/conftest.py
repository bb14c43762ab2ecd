"""Fixtures of the real-browser tests: a demo world served by the real server in a subprocess,
and Debian's Chromium driven by Playwright.

Both are made once per test session (the demo world takes a couple of seconds, the browser
one); each test gets a fresh browser context, so no cookie leaks from one test to the next.
Without Chromium the tests are skipped, unless BLUEBRIDGE_REQUIRE_BROWSER is set (as in CI):
then it is a failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pyotp
import pytest

from bluebridge import demo
from tests.servers import free_port, server_env

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Expect, Page, Playwright

    SignIn = Callable[[Page, str], None]

SEED = 2026
COUNTRIES = "FRA,DEU,EGY,JPN,RUS"
PASSWORD = demo.demo_password(SEED)
VIEWPORT = {"width": 1280, "height": 800}
# The machine's network is closed: without these flags Chromium waits on its own background
# requests (component updates, sync, QUIC probes) and pages stall.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = "Chromium not found: install Debian's chromium to run the browser tests"
NO_PLAYWRIGHT = "Playwright for Python is not installed: pip install -e '.[dev]'"
SERVER_START_SECONDS = 30
PORTAL_KEY = pytest.StashKey["Portal"]()


def pytest_configure(config: pytest.Config) -> None:
    # Registered by pytest-xdist too; declared here so --strict-markers holds without it.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


# ---------------------------------------------------------------- the server


@dataclass(frozen=True)
class Portal:
    """The running server: its base URL, its log, and the demo accounts' password."""

    url: str
    port: int
    log: Path
    password: str = PASSWORD

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no server log: {exc})"
        return "\n".join(text.splitlines()[-lines:])


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], portal: Portal) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the server exited with status {process.returncode} before answering "
                f"/healthz; its log:\n{portal.log_tail()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"the server did not answer /healthz within {SERVER_START_SECONDS} s; its log:\n"
        f"{portal.log_tail()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def portal(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Portal]:
    """`bluebridge demo` once into a temporary data directory, then `bluebridge serve` on a
    free localhost port; stopped at the end of the session."""
    data_dir = tmp_path_factory.mktemp("browser-world")
    env = server_env(data_dir)
    command = [sys.executable, "-m", "bluebridge"]
    built = subprocess.run(
        [*command, "demo", "--no-serve", "--countries", COUNTRIES, "--seed", str(SEED)],
        cwd=data_dir,  # no stray .env of the working directory is read
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if built.returncode != 0:
        pytest.fail(
            f"`bluebridge demo` failed ({built.returncode}):\n{built.stdout}\n{built.stderr}",
            pytrace=False,
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    served = Portal(url=url, port=port, log=log)
    request.config.stash[PORTAL_KEY] = served
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=data_dir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(url, process, served)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing browser test shows the end of the server's log."""
    report = yield
    served = item.config.stash.get(PORTAL_KEY, None)
    if report.failed and served is not None and "portal" in getattr(item, "fixturenames", ()):
        report.sections.append(("bluebridge server log (last lines)", served.log_tail(60)))
    return report


# ---------------------------------------------------------------- the browser


def chromium_executable() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def _missing(reason: str) -> NoReturn:
    if os.environ.get("BLUEBRIDGE_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (BLUEBRIDGE_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason)


def playwright_expect() -> Expect:
    """Playwright's `expect`, for a test module to call as it is imported: without Playwright
    the module is skipped, as without Chromium, unless the browser tests are required (then
    the ImportError stands)."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        if os.environ.get("BLUEBRIDGE_REQUIRE_BROWSER"):
            raise
        pytest.skip(NO_PLAYWRIGHT, allow_module_level=True)
    return expect


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing(NO_PLAYWRIGHT)
    executable = chromium_executable()
    if executable is None:
        _missing(NO_CHROMIUM)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """One Chromium for the whole session (Debian's, never a downloaded one)."""
    executable = chromium_executable()
    assert executable is not None
    chromium = playwright_driver.chromium.launch(
        executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000
    )
    yield chromium
    chromium.close()


@pytest.fixture
def new_context(browser: Browser, portal: Portal) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (a fresh cookie jar each) on the portal, closed after the test.
    English, UTC, 1280x800 at scale 1 unless told otherwise."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        settings: dict[str, Any] = {
            "base_url": portal.url,
            "viewport": VIEWPORT,
            "device_scale_factor": 1,
            "locale": "en-GB",
            "timezone_id": "UTC",
            "color_scheme": "light",
            "reduced_motion": "reduce",
        }
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# ---------------------------------------------------------------- signing in


class Authenticator:
    """The demo accounts' authenticator app. The server accepts a code one 30-second step
    early or late but never the same step twice for an account, so a second sign-in within a
    step uses the next step's code, and a third waits for the clock."""

    def __init__(self) -> None:
        self._last_step: dict[str, int] = {}

    def code(self, username: str) -> str:
        totp = pyotp.TOTP(demo.demo_totp_secret(SEED, username))
        while True:
            current = int(time.time() // totp.interval)
            step = max(current, self._last_step.get(username, current - 1) + 1)
            if step <= current + 1:
                break
            time.sleep((current + 1) * totp.interval - time.time() + 0.05)
        self._last_step[username] = step
        return str(totp.at(step * totp.interval))


@pytest.fixture(scope="session")
def authenticator() -> Authenticator:
    return Authenticator()


@pytest.fixture
def sign_in(portal: Portal, authenticator: Authenticator) -> SignIn:
    """Sign a page in through the forms: user name and password, then the TOTP code."""

    def run(page: Page, username: str) -> None:
        from playwright.sync_api import expect

        page.goto("/login")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{portal.url}/login/second-factor?next=/")
        page.get_by_label("Code").fill(authenticator.code(username))
        page.get_by_role("button", name="Verify").click()
        expect(page).to_have_url(f"{portal.url}/")

    return run


@pytest.fixture
def open_page(new_context: Callable[..., BrowserContext], sign_in: SignIn) -> Callable[[str], Page]:
    """A page of a fresh browser context (a cookie jar of its own), signed in as a demo user:
    for a test in which several users act at once."""

    def run(username: str) -> Page:
        page = new_context().new_page()
        sign_in(page, username)
        return page

    return run
