"""The README's screenshots, taken from the demo by the browser so that they stay true.

Written only with NAVIGATOR_SCREENSHOTS=1 (`make screenshots`), so that an ordinary run leaves
the working tree as it was.
"""

import os

import pytest

from tests.browser.conftest import DESKTOP, PHONE, REPO
from tests.browser.pages import OTHER_LANGUAGE, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("NAVIGATOR_SCREENSHOTS"),
        reason="screenshots are retaken only with NAVIGATOR_SCREENSHOTS=1 (make screenshots)",
    ),
]

SCREENSHOTS = REPO / "docs" / "screenshots"


@pytest.mark.parametrize(
    "name,kind,viewport,scroll_to",
    [
        ("desktop-home.png", "home", DESKTOP, None),
        ("phone-search.png", "search-results", PHONE, "#results-heading"),
        ("phone-plan.png", "plan", PHONE, None),
        ("urdu-home.png", "other-language-home", DESKTOP, None),
    ],
)
def test_the_readme_screenshots(open_page, site, name, kind, viewport, scroll_to):
    page = open_page(viewport)
    visit(page, site, kind)
    if kind == "other-language-home":
        assert page.locator("html").get_attribute("dir") == "rtl", f"/{OTHER_LANGUAGE}/"
    if scroll_to:
        page.locator(scroll_to).evaluate("el => el.scrollIntoView({block: 'start'})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, animations="disabled", caret="hide")
    assert (SCREENSHOTS / name).stat().st_size > 5_000
