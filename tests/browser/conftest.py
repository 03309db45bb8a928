"""Headless Chromium, driven by Playwright, against the live server that pytest-django starts.

Debian's chromium is used instead of a browser build downloaded by Playwright, so the tests need nothing from
outside the package registries: `scripts/chromium.sh` installs it and CI exports its path as CHROMIUM_PATH.
"""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest
from django.utils import translation

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
# No sandbox: CI runs as root, where Chromium refuses to start with one. There is no outside network, so
# everything that would phone home (updates, sync, field trials) is off: it only slows start-up, adds noise.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    return path if path and os.access(path, os.X_OK) else None


def _unavailable(message: str):
    # Under CI a browser test that cannot run is a failure: a skip would let a broken set-up pass unnoticed.
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextlib.contextmanager
def _django_beside_playwright():
    """Lets the tests use the ORM while Playwright's synchronous API is active.

    That API keeps its event loop marked as running in this thread, so Django takes the tests for async code:
    it refuses ORM calls, and its per-context connection storage hands out new connection objects, cut off
    from the test database's serialized content (serialized_rollback) and from the one the live server
    shares. The loop only waits for the browser between calls, so blocking database calls cannot stall it:
    the check is lifted and the test connections are pinned for as long as the browser runs.
    """
    from django.db import connections

    wrappers = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield lambda: [connections.__setitem__(alias, wrapper) for alias, wrapper in wrappers.items()]
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Package scope: one browser for all the browser tests, which pytest-django runs one after another, stopped
# before the rest of the suite, which must not run beside Playwright's event loop (see above).
@pytest.fixture(scope="package")
def browser(request):
    """One Chromium for all browser tests; each test gets its own contexts (cookies, storage) from it."""
    path = chromium_path()
    if path is None:
        _unavailable("Chromium not found: run scripts/chromium.sh or set CHROMIUM_PATH")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: run scripts/bootstrap.sh")
    # The test database first, so a missing browser is reported before the migrations run, not after.
    request.getfixturevalue("django_db_setup")
    with _django_beside_playwright() as pin_connections, sync_playwright() as playwright:
        pin_connections()
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """Opens a page in a fresh browser context, as a separate person on a separate computer would."""
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url, locale="pl-PL", timezone_id="Europe/Warsaw", viewport=VIEWPORT
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for number, context in enumerate(contexts, start=1):
        if failed:
            # What the browser showed when the test failed, for whoever reads the CI log.
            for page in context.pages:
                snap(page, f"failed-{request.node.name}-{number}")
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def snap(page, name: str) -> Path:
    """Saves a full-page screenshot as tests/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str = "haslo-testowe") -> None:
    """Signs in through the portal's login form and waits until the portal has let the person in."""
    page.goto("/konto/logowanie/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/logowanie/" not in url)


def polish(message) -> str:
    """What the Polish interface shows for an English message id or a lazy translation."""
    with translation.override("pl"):
        return str(translation.gettext(message) if isinstance(message, str) else message)


# A keyboard user sees where they are only by the focus outline: at least 2px of it.
FOCUSED_IS_VISIBLE = """() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(page, selector: str, *, key: str = "Tab", limit: int = 80) -> None:
    """Presses Tab (or Shift+Tab) until the element matching ``selector`` has the focus.

    Every stop on the way must show where the focus is: a keyboard user sees nothing else.
    """
    for _ in range(limit):
        page.keyboard.press(key)
        active = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
        assert page.evaluate(FOCUSED_IS_VISIBLE), f"no visible focus on {active}"
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{selector} not reached with {limit} presses of {key}")


def one_time_code(device) -> str:
    """The code an authenticator app shows right now for this TOTP device."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
