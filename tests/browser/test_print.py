"""The printed page is a handout: numbers, addresses, hours and the crisis lines, on one or two
sheets of A4, without the site's controls."""

import io

import pytest

from tests.browser.pages import visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# What a handout has no use for: every control of the site. (The language names are a
# navigation like the others.)
CONTROLS = [
    ".skip-link",
    ".quick-exit",
    ".site-nav",
    ".languages",
    ".search-form",
    ".filters",
    "main button",
    "main .button",
    ".pagination",
]


def pages_in(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# A page of search results (25) may run longer: it is a list to choose from, not a handout.
@pytest.mark.parametrize("kind", ["service-rich", "shortlist", "plan"])
def test_the_handout_fits_two_sheets_of_a4(open_page, site, kind, tmp_path):
    page = open_page()
    visit(page, site, kind)
    pdf = page.pdf(format="A4", print_background=False)
    sheets = pages_in(pdf)
    if sheets > 2:
        (tmp_path / f"{kind}.pdf").write_bytes(pdf)
    assert sheets <= 2, f"{page.url} prints on {sheets} sheets of A4 (see {tmp_path})"


@pytest.mark.parametrize("kind", ["service-rich", "shortlist", "plan", "search-results"])
def test_the_handout_shows_the_numbers_and_hides_the_controls(open_page, site, kind):
    page = open_page()
    visit(page, site, kind)
    page.emulate_media(media="print")

    assert page.locator("#crisis").is_visible()
    for number in ("999", "111", "116 123", "85258"):
        assert page.locator("#crisis").get_by_text(number, exact=True).is_visible(), number
    phones = page.locator("main .contact__number")
    if kind != "search-results":  # a search result shows where and when, not the number
        assert phones.count() > 0
    for index in range(phones.count()):
        assert phones.nth(index).is_visible()
    if kind in ("service-rich", "shortlist"):
        assert page.locator("main address").first.is_visible()
    if kind == "service-rich":
        assert page.locator("table.hours").is_visible()

    shown = [
        selector
        for selector in CONTROLS
        for index in range(page.locator(selector).count())
        if page.locator(selector).nth(index).is_visible()
    ]
    assert not shown, f"printed on {page.url}: {sorted(set(shown))}"


def test_a_shared_plan_prints_its_link_and_qr_code_on_two_sheets_at_most(open_page, site):
    page = open_page()
    visit(page, site, "plan")
    with page.expect_navigation():
        page.get_by_role("button", name="Make a link and QR code to share").click()
    assert pages_in(page.pdf(format="A4")) <= 2
    page.emulate_media(media="print")
    assert page.locator(".share__link").is_visible()
    assert page.locator(".share__qr svg").is_visible()
    assert not page.get_by_role("button", name="Print this plan").is_visible()


def test_the_printed_list_gives_each_website_once(open_page, site):
    page = open_page()
    visit(page, site, "shortlist")
    page.emulate_media(media="print")
    websites = page.locator("main .contact a[href^='http']")
    assert websites.count() == len(site.slugs["shortlist"])
    for index in range(websites.count()):
        link = websites.nth(index)
        assert link.is_visible()
        # The words are the address: nothing is added after them on paper.
        assert link.inner_text() == link.get_attribute("href")
        assert link.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")
