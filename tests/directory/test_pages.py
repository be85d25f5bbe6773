import json
from datetime import time

import pytest
from django.urls import reverse

from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

CRISIS_LINES = (
    'href="tel:999"',
    'href="tel:111"',
    'href="tel:116123"',
    'href="sms:85258?body=SHOUT"',
)
DEMO_BANNER = "these services are fictional"


def assert_has_banner_and_crisis_lines(html: str):
    assert DEMO_BANNER in html
    for line in CRISIS_LINES:
        assert line in html
    assert "Leave this site quickly" in html


def test_the_home_page_leads_with_the_crisis_lines_and_two_doors(client):
    response = client.get(reverse("directory:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert_has_banner_and_crisis_lines(html)
    assert html.index('href="tel:999"') < html.index("Find support")
    assert "I need help now" in html


def test_the_crisis_lines_show_even_when_the_database_is_down(client, monkeypatch):
    # The home page reads nothing from the database, so it renders with every query failing.
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise AssertionError("the home page queried the database")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    html = client.get(reverse("directory:home")).content.decode()
    assert_has_banner_and_crisis_lines(html)


def test_the_service_page_shows_what_a_person_needs_to_get_there(client, service, time_machine):
    time_machine.move_to("2026-11-30T10:00:00Z")  # a Monday morning
    response = client.get(reverse("directory:service_detail", kwargs={"slug": service.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert_has_banner_and_crisis_lines(html)
    assert "Imaginary Gurdwara Wellbeing Drop-in" in html
    assert 'href="tel:01214960001"' in html
    assert "7 Makebelieve Road" in html
    assert "Wednesday 2 December" in html and "6pm to 10pm" in html
    assert "Closed. Opens Wednesday at 6pm" in html
    assert "Punjabi" in html and "through an interpreter" in html
    assert "You can refer yourself" in html
    assert "Last checked on 1 October 2026 by a community champion by visiting" in html


def test_the_service_page_of_a_refuge_hides_its_address(client, refuge):
    html = client.get(
        reverse("directory:service_detail", kwargs={"slug": refuge.slug})
    ).content.decode()
    for secret in ("Secret Street", "Flat 2", "B11 9ZZ", "52.456789", "Ground-floor"):
        assert secret not in html
    assert "The address is kept private" in html
    assert "B11" in html


def test_a_never_checked_listing_carries_a_caution(client, db):
    service = ServiceFactory(assured_date=None)
    html = client.get(
        reverse("directory:service_detail", kwargs={"slug": service.slug})
    ).content.decode()
    assert "Nobody has checked this listing yet" in html


def test_an_unknown_or_inactive_service_page_is_not_found(client, db):
    closed = ServiceFactory(status="inactive")
    assert client.get("/services/no-such-service/").status_code == 404
    assert (
        client.get(reverse("directory:service_detail", kwargs={"slug": closed.slug})).status_code
        == 404
    )


def test_the_list_shows_active_services_a_to_z(client, service):
    ServiceFactory(name="Another Imaginary Service")
    ServiceFactory(name="Closed Imaginary Service", status="inactive")
    html = client.get(reverse("directory:service_list")).content.decode()
    assert_has_banner_and_crisis_lines(html)
    assert "2 services, A to Z." in html
    assert html.index("Another Imaginary") < html.index("Imaginary Gurdwara")
    assert "Closed Imaginary" not in html


def test_the_crisis_list_holds_only_crisis_alternatives(client, service):
    ServiceFactory(name="Imaginary Night Café", types=["crisis_cafe"])
    html = client.get(reverse("directory:service_list"), {"kind": "crisis"}).content.decode()
    assert "Imaginary Night Café" in html
    assert "Imaginary Gurdwara" not in html


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client, service):
    assert client.get(reverse("directory:service_list"), {"page": "abc"}).status_code == 200


def test_the_about_page_credits_the_data_sources(client):
    html = client.get(reverse("directory:about")).content.decode()
    assert_has_banner_and_crisis_lines(html)
    assert "GeoNames" in html and "Open Referral" in html


def test_pages_are_served_without_external_scripts(client, service):
    html = client.get(
        reverse("directory:service_detail", kwargs={"slug": service.slug})
    ).content.decode()
    assert '<script src="http' not in html and "cdn" not in html.lower()


def page_of(client, service):
    return client.get(
        reverse("directory:service_detail", kwargs={"slug": service.slug})
    ).content.decode()


def test_the_coming_week_marks_a_bank_holiday_and_closes_for_it(client, service, time_machine):
    from directory.models import Schedule

    Schedule.objects.create(service=service, weekday=4, opens_at=time(9), closes_at=time(17))
    time_machine.move_to("2026-12-21T10:00:00Z")  # the Monday before Christmas
    html = page_of(client, service)
    assert "Christmas Day (bank holiday)" in html
    assert "Closed for the bank holiday" in html


def test_the_service_page_links_to_a_map_and_describes_itself_for_search_engines(client, service):
    html = page_of(client, service)
    assert "https://www.openstreetmap.org/?mlat=52.58620&amp;mlon=-2.12880" in html
    data = json.loads(
        html.split('id="service-json-ld" type="application/json">')[1].split("</script>")[0]
    )
    assert data["@type"] == "Service"
    assert data["name"] == "Imaginary Gurdwara Wellbeing Drop-in"
    assert data["areaServed"][0]["address"]["postalCode"] == "WV1 9ZZ"
    assert data["availableChannel"]["servicePhone"]["telephone"] == "0121 496 0001"


def test_a_refuge_has_no_map_link_and_no_address_in_its_structured_data(client, refuge):
    html = page_of(client, refuge)
    assert "openstreetmap" not in html
    assert "areaServed" not in html and "Secret" not in html


def test_a_listing_checked_over_a_year_ago_carries_a_caution(client, service, time_machine):
    time_machine.move_to("2027-11-01T10:00:00Z")
    assert "This listing has not been checked for over a year" in page_of(client, service)
