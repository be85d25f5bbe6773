"""Every public page type, and how a person gets to it, for the browser tests to visit."""

from urllib.parse import urlencode

# A postcode from the demo's gazetteer (its district, WV1, is there; the full postcode falls
# back to it), where the demo has services of every kind.
POSTCODE = "WV1 1AA"
# The language the translators did first; its pages are at /ur/ once the prefixes exist.
OTHER_LANGUAGE = "ur"


def goto(page, path):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    return response


def search(page, **params):
    return goto(page, "/search/?" + urlencode(params))


def add_to_list(page, slug):
    """POST to the list as the "Add to my list" button does, from whatever page is open."""
    with page.expect_navigation():
        page.evaluate(
            """slug => {
                const form = Object.assign(document.createElement("form"),
                    {method: "post", action: "/my-list/add/"});
                form.append(Object.assign(document.createElement("input"),
                    {type: "hidden", name: "slug", value: slug}));
                form.append(Object.assign(document.createElement("input"),
                    {type: "hidden", name: "next", value: "/my-list/"}));
                document.body.append(form);
                form.submit();
            }""",
            slug,
        )


def plan(page, postcode=POSTCODE):
    """Fill in the pathway form's one required answer and send it, as a person would."""
    goto(page, "/pathway/")
    page.fill("#id_where", postcode)
    with page.expect_navigation():
        page.get_by_role("button", name="Show me ways in").click()
    assert "/pathway/plan/" in page.url
    assert page.locator("h1").inner_text() == "Ways in to support"


def other_language_home(page):
    import pytest

    response = page.goto(f"/{OTHER_LANGUAGE}/")
    if response is not None and response.status == 404:
        pytest.xfail(f"/{OTHER_LANGUAGE}/ is 404: the language prefixes are not there yet")
    assert response is not None and response.ok
    assert page.locator("html").get_attribute("lang") == OTHER_LANGUAGE


def visit(page, site, kind):
    """Open the page type `kind` in `page`; the names are the ids of the parametrised tests."""
    if kind == "home":
        goto(page, "/")
    elif kind == "search-results":
        search(page, q="Punjabi")
        assert page.locator(".results .card").count() > 0
    elif kind == "search-no-results":
        search(page, postcode="WV1", community="gypsy_roma_traveller", q="Tigrinya")
        assert page.locator("#results-heading").inner_text().startswith("0 services")
    elif kind == "search-error":
        search(page, postcode="ZZ99 9ZZ")
        assert page.locator(".error-summary").is_visible()
    elif kind == "service":
        goto(page, f"/services/{site.slugs['long_name']}/")
    elif kind == "service-rich":
        goto(page, f"/services/{site.slugs['rich']}/")
    elif kind == "pathway-form":
        goto(page, "/pathway/")
    elif kind == "pathway-form-error":
        goto(page, "/pathway/")
        with page.expect_navigation():
            page.get_by_role("button", name="Show me ways in").click()
        assert page.locator(".error-summary").is_visible()
    elif kind == "plan":
        plan(page)
    elif kind == "shortlist-empty":
        goto(page, "/my-list/")
    elif kind == "shortlist":
        goto(page, "/my-list/")
        for slug in site.slugs["shortlist"]:
            add_to_list(page, slug)
        assert page.locator("ol.results > li").count() == len(site.slugs["shortlist"])
    elif kind == "about":
        goto(page, "/about/")
    elif kind == "all-services":
        goto(page, "/services/")
    elif kind == "other-language-home":
        other_language_home(page)
    else:
        raise ValueError(kind)


PAGE_TYPES = [
    "home",
    "search-results",
    "search-no-results",
    "search-error",
    "service",
    "service-rich",
    "pathway-form",
    "pathway-form-error",
    "plan",
    "shortlist-empty",
    "shortlist",
    "about",
    "all-services",
    "other-language-home",
]
