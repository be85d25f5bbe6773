import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ServiceAtLocationFactory, ServiceFactory, ServiceLanguageFactory

pytestmark = pytest.mark.django_db


def test_a_service_detail_has_the_whole_payload(api_client, service):
    response = api_client.get(reverse("api:service-detail", kwargs={"id": service.id}))
    assert response.status_code == 200
    location = service.service_at_locations.get().location
    assert response.json() == {
        "id": str(service.id),
        "slug": "imaginary-gurdwara-wellbeing",
        "name": "Imaginary Gurdwara Wellbeing Drop-in",
        "organization": {
            "id": str(service.organization.id),
            "name": "Imaginary Sikh Community Trust",
            "website": "https://imaginary-sikh.example",
            "ethnic_minority_led": True,
            "user_led": False,
        },
        "description": "Tea and a chat with someone who speaks Punjabi.",
        "url": "https://imaginary-sikh.example/wellbeing",
        "email": "",
        "service_types": ["bme_community_org", "faith_based"],
        "needs": ["emotional_support", "faith_spiritual"],
        "communities": ["indian"],
        "access_routes": ["drop_in", "self_referral"],
        "languages": [
            {"code": "pa", "name": "Punjabi", "native_name": "ਪੰਜਾਬੀ", "how": "staff"},
            {"code": "ur", "name": "Urdu", "native_name": "اردو", "how": "interpreter"},
        ],
        "minimum_age": 16,
        "maximum_age": None,
        "gender": "",
        "eligibility_description": "",
        "free": True,
        "fees_description": "",
        "national": False,
        "service_area_description": "",
        "locations": [
            {
                "id": str(location.id),
                "name": "Imaginary Gurdwara hall",
                "address_1": "7 Makebelieve Road",
                "address_2": "",
                "town": "Wolverhampton",
                "postcode": "WV1 9ZZ",
                "nation": "england",
                "latitude": 52.5862,
                "longitude": -2.1288,
                "accessibility": "",
                "confidential": False,
            }
        ],
        "phones": [
            {
                "number": "0121 496 0001",
                "extension": "",
                "type": "voice",
                "description": "Ask for the wellbeing team",
                "languages": ["en", "pa"],
            }
        ],
        "schedules": [
            {
                "weekday": 2,
                "day": "Wednesday",
                "opens_at": "18:00",
                "closes_at": "22:00",
                "open_bank_holidays": False,
                "notes": "",
            }
        ],
        "referral_partners": [],
        "last_checked": {
            "date": "2026-10-01",
            "role": "community_champion",
            "method": "visit",
            "stale": service.is_stale(),
        },
        "web_url": "http://testserver/services/imaginary-gurdwara-wellbeing/",
    }


def test_a_confidential_location_never_shows_its_street_or_exact_point(api_client, refuge):
    response = api_client.get(reverse("api:service-detail", kwargs={"id": refuge.id}))
    body = response.content.decode()
    for secret in (
        "Secret Street",
        "Flat 2",
        "Safe house",
        "9ZZ",
        "52.456789",
        "-1.865432",
        "Ground-floor",
    ):
        assert secret not in body
    assert response.json()["locations"] == [
        {
            "id": None,
            "name": None,
            "address_1": None,
            "address_2": None,
            "town": "Birmingham",
            "postcode": "B11",
            "nation": "england",
            "latitude": 52.46,
            "longitude": -1.87,
            "accessibility": None,
            "confidential": True,
        }
    ]


def test_a_confidential_location_is_masked_in_the_list_too(api_client, refuge):
    body = api_client.get(reverse("api:service-list")).content.decode()
    assert "Secret Street" not in body and "52.456789" not in body


def test_the_list_is_paginated_with_a_count_and_links(api_client, service):
    ServiceFactory.create_batch(3)
    response = api_client.get(reverse("api:service-list"), {"page_size": 2})
    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["page"], body["total_pages"]) == (4, 1, 2)
    assert len(body["results"]) == 2
    assert body["next"] == "http://testserver/api/v1/services/?page_size=2&page=2"
    assert body["previous"] is None
    second = api_client.get(body["next"]).json()
    assert second["previous"] == "http://testserver/api/v1/services/?page_size=2&page=1"
    assert {item["id"] for item in body["results"]}.isdisjoint(
        item["id"] for item in second["results"]
    )


def test_a_page_size_of_one_hundred_is_allowed_and_more_is_refused(api_client, db):
    ServiceFactory.create_batch(101)
    response = api_client.get(reverse("api:service-list"), {"page_size": 100})
    assert len(response.json()["results"]) == 100
    response = api_client.get(reverse("api:service-list"), {"page_size": 500})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Ensure this value is less than or equal to 100."]}


def test_inactive_services_are_not_listed(api_client, service):
    ServiceFactory(status="inactive", name="Closed Imaginary Service")
    names = [item["name"] for item in api_client.get(reverse("api:service-list")).json()["results"]]
    assert names == ["Imaginary Gurdwara Wellbeing Drop-in"]


def test_an_inactive_service_detail_is_not_found(api_client, db):
    closed = ServiceFactory(status="inactive")
    assert (
        api_client.get(reverse("api:service-detail", kwargs={"id": closed.id})).status_code == 404
    )


def test_an_unknown_service_id_is_not_found_as_json(api_client, db):
    response = api_client.get("/api/v1/services/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Service matches the given query."}


def test_the_api_is_read_only(api_client, service):
    assert api_client.post(reverse("api:service-list"), {}, format="json").status_code == 405
    url = reverse("api:service-detail", kwargs={"id": service.id})
    assert api_client.delete(url).status_code == 405


def test_the_list_costs_the_same_number_of_queries_whatever_the_page_size(api_client, db):
    def queries_for(page_size):
        with CaptureQueriesContext(connection) as captured:
            assert (
                api_client.get(reverse("api:service-list"), {"page_size": page_size}).status_code
                == 200
            )
        return len(captured)

    for _ in range(30):
        service = ServiceFactory(types=["peer_support"], routes=["self_referral"])
        ServiceAtLocationFactory(service=service)
        ServiceLanguageFactory(service=service, language_id="so")
    assert queries_for(2) == queries_for(30)
    assert queries_for(30) <= 15


def test_languages_lists_every_language_with_its_own_name(api_client, db):
    response = api_client.get(reverse("api:language-list"))
    languages = {item["code"]: item for item in response.json()}
    assert languages["bn"] == {"code": "bn", "name": "Bengali", "native_name": "বাংলা", "rtl": False}
    assert languages["ur"]["rtl"] is True
    assert len(languages) >= 22


def test_the_api_answers_in_json_by_default(api_client, service):
    response = api_client.get(reverse("api:service-list"))
    assert response["Content-Type"] == "application/json"
    json.loads(response.content)
