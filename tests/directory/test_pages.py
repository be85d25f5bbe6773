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


def test_the_service_page_shows_what_a_person_needs_to_get_there(client, service):
    response = client.get(reverse("directory:service_detail", kwargs={"slug": service.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert_has_banner_and_crisis_lines(html)
    assert "Imaginary Gurdwara Wellbeing Drop-in" in html
    assert 'href="tel:01214960001"' in html
    assert "7 Makebelieve Road" in html
    assert "Wednesday" in html and "18:00 to 22:00" in html
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
