"""The search page: a GET form that works without JavaScript, inline errors, empty state."""

import pytest
from django.urls import reverse

from directory.models import Place
from tests.factories import LocationFactory, PhoneFactory, ServiceAtLocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def peckham(db):
    Place.objects.create(
        kind="outcode",
        key="SE15",
        name="Peckham",
        latitude=51.4700,
        longitude=-0.0650,
        nation="england",
    )
    service = ServiceFactory(
        name="Imaginary Peckham Listening Space",
        types=["peer_support"],
        routes=["self_referral"],
        community_codes=["african"],
    )
    ServiceAtLocationFactory(
        service=service,
        location=LocationFactory(
            town="London", postcode="SE15 9ZZ", latitude=51.4710, longitude=-0.0660
        ),
    )
    national = ServiceFactory(name="Imaginary National Line", national=True, types=["helpline"])
    PhoneFactory(service=national, number="08081 570001")
    return service


def get(client, **params):
    response = client.get(reverse("directory:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_search_page_shows_results_with_distance_and_how_to_get_in(client, peckham):
    html = get(client, postcode="se15")
    assert "2 services found within 10 km of SE15" in html
    assert "Imaginary Peckham Listening Space" in html
    assert "less than 1 km away" in html
    assert "You can refer yourself" in html
    assert "Anywhere in the country, by phone or online" in html


def test_the_form_keeps_what_was_asked_so_the_address_can_be_shared(client, peckham):
    html = get(client, postcode="SE15", service_type="peer_support", radius_km="25")
    assert 'name="postcode" id="id_postcode" value="SE15"' in html
    assert 'value="peer_support" id="type-peer_support" checked' in html
    assert '<option value="25" selected>' in html


def test_a_bad_postcode_gets_an_inline_message_and_a_summary(client, peckham):
    html = get(client, postcode="ZZ99 9ZZ")
    assert "There is a problem" in html
    assert 'href="#id_postcode"' in html
    assert 'id="id_postcode-error"' in html
    assert "We could not find ZZ99 9ZZ" in html
    assert "services found" not in html
    assert html.startswith("<!doctype html>") and "<title>Error:" in html


@pytest.mark.parametrize(
    "params,message",
    [
        ({"radius_km": "10000", "postcode": "SE15"}, "less than or equal to 200"),
        ({"service_type": "hospital"}, "Unknown code hospital"),
        ({"open_at": "soon"}, "open_at-error"),
        ({"page": "abc"}, "Enter a whole number"),
        ({"q": "x" * 10_000}, "at most 200 characters"),
    ],
)
def test_every_bad_input_is_a_form_error_not_a_crash(client, peckham, params, message):
    html = get(client, **params)
    assert "There is a problem" in html
    assert message in html


def test_nothing_found_says_what_to_try_and_shows_the_national_lines(client, peckham):
    html = get(client, postcode="SE15", community="somali")
    assert "0 services found" in html
    assert "look further away" in html
    assert "take away some of the choices" in html
    assert "Imaginary National Line" in html and 'href="tel:08081570001"' in html


def test_a_page_past_the_end_shows_the_last_page(client, peckham):
    html = get(client, page="9")
    assert "Imaginary Peckham Listening Space" in html


def test_the_page_works_without_javascript(client, peckham):
    html = get(client)
    assert '<form class="search-form" method="get"' in html
    assert '<button class="button" type="submit">Search</button>' in html
    # "Use my location" is hidden until the script shows it.
    assert '<p class="use-location" hidden>' in html


def test_the_home_page_sends_people_to_the_search(client):
    html = client.get(reverse("directory:home")).content.decode()
    assert 'action="/search/"' in html
