"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

`playwright install` cannot download browsers here, so the tests use /usr/bin/chromium and fail
(never skip) when it is missing: a missing browser must not turn the gate green.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.plugin import blocking_manager_key

from aksalarasa.offices.models import Region
from tests.browser import helpers

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
# Chromium's own default: the app must still answer in Bahasa Indonesia.
BROWSER_LOCALE = "en-US"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium). "
            "Browser tests never skip.",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio loop running in this thread until it stops, and
    # Django refuses ORM calls while a loop runs. The tests' own ORM calls are synchronous and
    # safe, so the check is lifted exactly while Playwright runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    try:
        browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception as exc:  # the exact error matters more than the type
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _browser_db(transactional_db) -> None:
    """The live server answers from another thread, so tests need real commits (transactional_db).

    The flush after each such test also wipes the rows that data migrations loaded (the regions),
    so they are put back here. Django's serialized rollback cannot do it: while Playwright's
    loop runs, asgiref hands this thread a different connection object, one without the
    serialized copy of the database.
    """
    _regions_ensure()


def _regions_ensure() -> None:
    if not Region.objects.exists():
        import_module("aksalarasa.offices.migrations.0002_load_regions").load_regions(django_apps, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After a browser test the flush has emptied every table: put the regions back, so that the
    next test, browser or not, finds the database as the migrations left it."""
    result = yield
    if nextitem is not None:  # after the last test the test database is already gone
        with item.config.stash[blocking_manager_key].unblock():
            _regions_ensure()
    return result


class _PageErrors:
    """Uncaught JavaScript errors and static files that failed to load: each fails the test."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda exc: self.items.append(f"JavaScript error on {page.url}: {exc}"))
        page.on(
            "response",
            lambda r: (
                self.items.append(f"HTTP {r.status} for {r.url}")
                if "/static/" in r.url and r.status >= 400
                else None
            ),
        )
        page.on(
            "requestfailed",
            lambda r: (
                self.items.append(f"request failed: {r.url} ({r.failure})") if "/static/" in r.url else None
            ),
        )


def _open_page(browser: Browser, base_url: str, options: dict) -> tuple[BrowserContext, Page, _PageErrors]:
    context = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = _PageErrors()
    errors.watch(page)
    return context, page, errors


@pytest.fixture
def warm_server(live_server) -> None:
    """The live server's first answer can take longer than a tab's 10-second budget on a busy
    machine (templates and region data load on first use): ask once without that limit. Files whose
    first step is a page with a short timeout use it (`pytest.mark.usefixtures("warm_server")`)."""
    urllib.request.urlopen(live_server.url + "/accounts/login/", timeout=120).read()  # noqa: S310  (loopback)


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh desktop tab (1280x800), own cookies, pointed at the live server."""
    context, tab, errors = _open_page(browser, live_server.url, DESKTOP)
    yield tab
    context.close()
    assert not errors.items, "\n".join(errors.items)


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh phone tab (390x844, touch), own cookies, pointed at the live server."""
    context, tab, errors = _open_page(browser, live_server.url, PHONE)
    yield tab
    context.close()
    assert not errors.items, "\n".join(errors.items)


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """More tabs with their own cookies (a second person, or the same person on another device)."""
    opened: list[tuple[BrowserContext, _PageErrors]] = []

    def _new(phone: bool = False, time_zone: str | None = None) -> Page:
        options = dict(PHONE if phone else DESKTOP)
        if time_zone:  # the device's own zone (the default is the machine's)
            options["timezone_id"] = time_zone
        context, tab, errors = _open_page(browser, live_server.url, options)
        opened.append((context, errors))
        return tab

    yield _new
    problems = []
    for context, errors in opened:
        context.close()
        problems.extend(errors.items)
    assert not problems, "\n".join(problems)


@pytest.fixture
def browser_login() -> Callable[..., None]:
    """`browser_login(page, username, password)`: log in through the real login form."""
    return helpers.browser_login
