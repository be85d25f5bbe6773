"""Browser tests: Debian's headless Chromium, driven by Playwright, over the demo directory.

One Chromium for the whole session and one live server with the demo loaded for this package;
each test opens its own browser context (fresh cookies and storage). The tests skip with the
reason when Chromium, Playwright or axe-core is missing, except in CI (the CI variable is set),
where a missing tool is a failure: a green CI must have driven a real browser.

The server is pytest-django's LiveServer, started here rather than through the `live_server`
fixture: that fixture makes every test transactional, and the flush after each one would
delete the vocabulary the migrations load and the demo with it (reloading the demo takes about
two seconds a test). The pages under test only read, so the demo is loaded once, committed,
and removed when the package ends.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
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
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 640}
# The WCAG 2.0, 2.1 and 2.2 A and AA rules; best practices are not asked for.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def unavailable(reason: str):
    """Skip, or fail in CI, where a browser test cannot run here."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """The one headless Chromium of the session, on a fresh temporary profile."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: pip install -r requirements-dev.txt")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # from here (none are concurrent with it) would otherwise be refused.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def axe_script():
    if not AXE_SCRIPT.exists():
        unavailable(
            f"{AXE_SCRIPT.relative_to(REPO)} is missing: run npm ci (make test does, with npm)"
        )
    return AXE_SCRIPT


@dataclass(frozen=True)
class Site:
    url: str
    slugs: dict  # a few demo services the tests visit, by role


@pytest.fixture(scope="package")
def site(browser, django_db_setup, django_db_blocker):
    """The demo directory behind a live server, for every test in this package."""
    from pytest_django.live_server_helper import LiveServer

    from directory.demo import load_demo
    from directory.models import Location, Organization, Place, Service

    # The server's thread shares this connection (in-memory SQLite) or has its own
    # (PostgreSQL); either way the database must stay open while the package runs.
    with django_db_blocker.unblock():
        load_demo()
        names = dict(Service.objects.active().values_list("slug", "name"))
        server = LiveServer("localhost")
        try:
            yield Site(
                url=server.url,
                slugs={
                    # The longest name in the demo: the phone layout must still fit.
                    "long_name": max(names, key=lambda slug: len(names[slug])),
                    # Two addresses, hours, a long description: the print test.
                    "rich": "dil-se-punjabi-urdu-counselling",
                    # One of them a refuge, whose address is never shown.
                    "shortlist": [
                        "kesari-refuge",
                        "amani-crisis-house",
                        "willow-bank-recovery-house",
                    ],
                },
            )
        finally:
            server.stop()
            Service.objects.all().delete()
            Organization.objects.all().delete()
            Location.objects.all().delete()
            Place.objects.all().delete()


@pytest.fixture
def open_page(browser, site):
    """open_page(viewport=DESKTOP, **context_options): a page in a new, empty browser context."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        if viewport["width"] <= PHONE["width"]:
            options.setdefault("is_mobile", True)
            options.setdefault("has_touch", True)
        context = browser.new_context(viewport=viewport, base_url=site.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
