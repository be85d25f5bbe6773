"""Every public page, on a phone and on a desktop: no WCAG 2.2 A or AA failure that axe-core
finds, no reference to an id that is not there, no sideways scrolling at 360 px (WCAG 1.4.10
asks 320) and controls big enough to tap.

Each page type is visited once, in a phone's browser; the checks that depend on the layout run
at 360 px, then axe runs again at 1280 px. Every failure is reported, not just the first.
"""

import pytest

from tests.browser.checks import (
    DANGLING_REFERENCES,
    MIN_SMALL_TARGET,
    MIN_TARGET,
    SMALL_TARGETS,
    TAP_TARGETS,
    TOO_SMALL,
    WIDER_THAN_SCREEN,
    axe_violations,
    describe,
)
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import PAGE_TYPES, visit

# The pages only read: each test's transaction (rolled back) sits over the demo the package
# loaded, which the live server sees through the shared connection or its own.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def sideways_scroll(page, state):
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return []
    return [f"scrolls sideways {state} ({width} px): {page.evaluate(WIDER_THAN_SCREEN)}"]


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_the_page_is_accessible_on_a_phone_and_a_desktop(open_page, site, axe_script, kind):
    page = open_page(PHONE)
    visit(page, site, kind)
    problems = sideways_scroll(page, "at 360 px")
    # Open every folded part ("More ways to narrow the search", "About you") so that what is
    # inside is measured and checked too.
    page.evaluate("document.querySelectorAll('details').forEach(el => { el.open = true; })")
    problems += sideways_scroll(page, "at 360 px with every <details> open")
    for selector, size in ((TAP_TARGETS, MIN_TARGET), (SMALL_TARGETS, MIN_SMALL_TARGET)):
        small = page.evaluate(TOO_SMALL, [selector, size])
        if small:
            problems.append(f"smaller than {size} × {size} px to tap: " + "; ".join(small))
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        violations = axe_violations(page, axe_script)
        if violations:
            problems.append(f"axe at {viewport['width']} px:\n{describe(violations)}")
    dangling = page.evaluate(DANGLING_REFERENCES)
    if dangling:
        problems.append("references to ids not on the page:\n" + "\n".join(dangling))
    assert not problems, f"on {page.url}:\n" + "\n".join(problems)
