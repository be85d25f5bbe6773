"""Keyboard only: Tab, Enter and Space get a person through search and the pathway form."""

import pytest

from tests.browser.pages import POSTCODE, goto

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

FOCUSED = """() => {
    const el = document.activeElement;
    return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className || "",
            href: el.getAttribute("href"), text: (el.innerText || el.value || "").trim(),
            probe: el.dataset ? el.dataset.focusProbe : undefined};
}"""


def tab_to(page, predicate, limit=120):
    """Press Tab until `predicate(focused)` holds; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if predicate(page.evaluate(FOCUSED)):
            return presses
    raise AssertionError(f"{limit} presses of Tab never reached it on {page.url}")


def test_the_skip_link_comes_first_shows_itself_and_moves_focus_to_main(open_page):
    page = open_page()
    goto(page, "/search/")
    skip = page.locator(".skip-link")
    assert not _in_viewport(page, skip), "the skip link shows before it has focus"

    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["cls"] == "skip-link"
    assert _in_viewport(page, skip), "the focused skip link is not on the screen"

    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == "main"
    # and the next Tab goes on from the top of main, past the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)"), (
        page.evaluate(FOCUSED)
    )


def test_search_then_a_result_then_its_service_page_by_keyboard(open_page):
    page = open_page()
    goto(page, "/search/")
    tab_to(page, lambda el: el["id"] == "id_q")
    page.keyboard.type("Punjabi")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=Punjabi" in page.url
    tab_to(page, lambda el: el["tag"] == "a" and "/services/" in (el["href"] or ""))
    name = page.evaluate(FOCUSED)["text"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/services/" in page.url
    assert page.locator("h1").inner_text() == name


def test_the_pathway_form_is_filled_and_sent_by_keyboard(open_page):
    page = open_page()
    goto(page, "/pathway/")
    tab_to(page, lambda el: el["id"] == "id_where")
    page.keyboard.type(POSTCODE)
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Show me ways in")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "/pathway/plan/" in page.url
    assert page.locator("h1").inner_text() == "Ways in to support"


FOCUS_STYLE = """el => {
    const style = getComputedStyle(el);
    return {outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                     && style.outlineColor !== "rgba(0, 0, 0, 0)" ? style.outline : null,
            boxShadow: style.boxShadow, background: style.backgroundColor};
}"""


@pytest.mark.parametrize(
    "path,selectors",
    [
        ("/", [".skip-link", ".quick-exit__link", ".site-nav a", "#home-postcode", ".door a"]),
        ("/search/?q=Punjabi", ["#id_q", "#id_radius_km", ".filters summary", ".card .button"]),
        ("/search/?postcode=ZZ99+9ZZ", [".error-summary a", "#id_open_now", "#id_language"]),
    ],
)
def test_what_has_keyboard_focus_is_plain_to_see(open_page, path, selectors):
    page = open_page()
    goto(page, path)
    before = {}
    for selector in selectors:
        target = page.locator(selector).first
        target.evaluate("(el, selector) => { el.dataset.focusProbe = selector; }", selector)
        before[selector] = target.evaluate(FOCUS_STYLE)
    # Reach each by Tab, so that :focus-visible applies as it does for a keyboard user.
    after = {}

    def style_when_reached(el):
        if el["probe"]:
            after[el["probe"]] = page.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
        return len(after) == len(selectors)

    tab_to(page, style_when_reached)
    for selector in selectors:
        style = after[selector]
        assert style["outline"] or style["boxShadow"] != "none", f"{selector}: no focus ring"
        assert style != before[selector], f"{selector} looks the same with focus: {style}"


def _in_viewport(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(
        box
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
        and box["width"] > 1
    )
