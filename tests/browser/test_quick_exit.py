"""Leaving quickly leaves no trace in the history, and a visit leaves nothing in the browser
but the list the person chose to keep."""

import pytest

from tests.browser.pages import OTHER_LANGUAGE, goto, plan, search

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NEUTRAL_SITE = "https://www.bbc.co.uk/weather"


@pytest.fixture
def exit_page(open_page):
    """A page whose quick exit lands on a local stand-in for the neutral site (no network)."""
    page = open_page()
    page.context.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>Weather</title><h1>Weather</h1>",
        ),
    )
    return page


def history_length(page):
    return page.evaluate("history.length")


def assert_left_without_trace(page, left_from, length_before):
    page.wait_for_url(NEUTRAL_SITE)
    assert page.title() == "Weather"
    assert history_length(page) == length_before, "leaving added a page to the history"
    # Back never shows the page the person left from: it was replaced, not left behind.
    page.go_back()
    assert page.url != left_from
    page.go_forward()
    assert page.url == NEUTRAL_SITE


def test_the_leave_quickly_link_replaces_the_page_in_the_history(exit_page):
    page = exit_page
    search(page, q="Punjabi")
    left_from, length = page.url, history_length(page)
    page.locator(".quick-exit__link").focus()
    page.keyboard.press("Enter")
    assert_left_without_trace(page, left_from, length)


def test_escape_twice_leaves_too(exit_page):
    page = exit_page
    goto(page, "/")
    goto(page, "/services/")
    left_from, length = page.url, history_length(page)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert_left_without_trace(page, left_from, length)
    page.go_back()
    assert page.url.endswith("/"), "the page before the one left from is still there"


def test_two_escapes_a_while_apart_do_not_leave(exit_page, site):
    # Escape also closes things (a menu, the browser's find bar): only a quick double press
    # means "leave".
    page = exit_page
    page.clock.install()
    goto(page, "/")
    page.keyboard.press("Escape")
    page.clock.fast_forward(1_500)
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    assert page.url == f"{site.url}/"


STORED = """async () => ({
    localStorage: Object.keys(localStorage),
    sessionStorage: Object.keys(sessionStorage),
    indexedDB: (await indexedDB.databases()).map(db => db.name),
    caches: await caches.keys(),
    serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
})"""
NOTHING_STORED = {
    "localStorage": [],
    "sessionStorage": [],
    "indexedDB": [],
    "caches": [],
    "serviceWorkers": 0,
}


def test_a_visit_leaves_nothing_in_the_browser_but_the_list_the_person_chose(open_page, site):
    page = open_page()
    goto(page, "/")
    search(page, q="Punjabi")
    goto(page, f"/services/{site.slugs['rich']}/")
    plan(page)
    goto(page, "/my-list/")
    goto(page, "/about/")
    page.goto(f"/{OTHER_LANGUAGE}/")  # choosing a language is a link, not a cookie
    assert page.evaluate(STORED) == NOTHING_STORED
    # No cookie at all: the forms that post (the plan, the list) need no CSRF token, and no
    # session is started for a visitor.
    assert page.context.cookies() == []

    search(page, q="Punjabi")
    with page.expect_navigation():
        page.locator(".card .button", has_text="Add to my list").first.click()
    assert page.evaluate(STORED) == NOTHING_STORED
    cookies = page.context.cookies()
    assert [cookie["name"] for cookie in cookies] == ["navigator_list"]
    (cookie,) = cookies
    assert cookie["expires"] == -1, "the list outlives the browser session"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
