"""Phone first: at 360 × 640 the crisis lines are on the first screen. (That nothing scrolls
sideways and that controls are big enough to tap is checked on every page in
test_accessibility.py.)"""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.pages import visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize("kind", ["home", "plan", "other-language-home"])
def test_the_crisis_lines_are_on_the_first_screen(open_page, site, kind):
    page = open_page(PHONE)
    visit(page, site, kind)
    assert page.evaluate("window.scrollY") == 0
    for selector in ("#crisis", "#crisis .crisis__heading", "#crisis .crisis__number"):
        box = page.locator(selector).first.bounding_box()
        assert box, f"{selector} is not shown on {page.url}"
        assert 0 <= box["y"] < PHONE["height"], (
            f"{selector} starts at {box['y']:.0f} px, below the first screen of {page.url}"
        )
    first_number = page.locator("#crisis .crisis__number").first.bounding_box()
    assert first_number["y"] + first_number["height"] <= PHONE["height"], (
        f"the first crisis number (999) is cut off at the foot of the first screen of {page.url}"
    )
