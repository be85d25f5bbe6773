"""The Open Referral UK read API at /openreferral/: envelope, filters, masking and CORS."""

import uuid
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from directory import hsds, vocabulary
from directory.models import Place, Service
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.directory.openreferral_urlconf")]


@pytest.fixture
def client():
    return Client()


def get(client, name, params=None, **kwargs):
    return client.get(reverse(f"openreferral:{name}", kwargs=kwargs or None), params or {})


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [record["name"] for record in response.json()["contents"]]


def test_the_root_says_which_version_profile_and_openapi(client):
    response = get(client, "root")
    assert response.status_code == 200
    assert response.json() == {
        "version": "3.0",
        "profile": hsds.PROFILE_URL,
        "openapi_url": "http://testserver/openreferral/openapi.json",
    }
    openapi = get(client, "openapi").json()
    assert openapi["openapi"] == "3.1.0"
    assert "/services/{id}" in openapi["paths"]


def test_the_services_list_is_an_hsds_page_of_full_records(client, service, refuge):
    response = get(client, "services", {"per_page": 1})
    body = response.json()
    assert {key: value for key, value in body.items() if key != "contents"} == {
        "total_items": 2,
        "total_pages": 2,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    full = hsds.service_to_hsds(hsds.hsds_service_queryset().get(id=service.id))
    assert body["contents"] == [full]
    second = get(client, "services", {"per_page": 1, "page": 2}).json()
    assert (second["page_number"], second["last_page"], names_of(second)) == (
        2,
        True,
        ["Imaginary Women's Refuge"],
    )


def names_of(body) -> list[str]:
    return [record["name"] for record in body["contents"]]


def test_a_page_past_the_end_is_empty(client, service):
    body = get(client, "services", {"page": 5}).json()
    assert (body["total_items"], body["size"], body["empty"], body["contents"]) == (1, 0, True, [])


def test_a_service_is_the_same_record_as_the_export(client, service):
    response = get(client, "service", id=service.id)
    assert response.status_code == 200
    assert response.json() == hsds.service_to_hsds(hsds.hsds_service_queryset().get(id=service.id))


def test_confidential_locations_are_masked_in_the_api_too(client, refuge):
    for response in (get(client, "service", id=refuge.id), get(client, "services")):
        text = response.content.decode()
        for secret in ("Secret Street", "Flat 2", "B11 9ZZ", "52.456789", "Safe house"):
            assert secret not in text
    location = get(client, "service", id=refuge.id).json()["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (52.46, -1.87)
    assert location["addresses"][0]["address_1"] == ""


def test_inactive_services_are_not_published(client, service):
    hidden = ServiceFactory(status=Service.Status.INACTIVE, name="Not checked yet")
    assert names(get(client, "services")) == [service.name]
    assert get(client, "service", id=hidden.id).status_code == 404
    assert [o["name"] for o in get(client, "organizations").json()["contents"]] == [
        service.organization.name
    ]
    assert get(client, "organization", id=hidden.organization.id).status_code == 404


def test_an_unknown_or_malformed_id_is_a_json_404_with_cors(client, service):
    for value in (uuid.uuid4(), "not-a-uuid"):
        response = get(client, "service", id=value)
        assert response.status_code == 404
        assert response.json() == {"detail": "No service with that id."}
        assert response["Access-Control-Allow-Origin"] == "*"


@pytest.fixture
def directory(service, refuge):
    """The drop-in (Wolverhampton, 16+), the refuge (Birmingham, women) and an IMHA."""
    imha = ServiceFactory(
        name="Imaginary IMHA",
        organization=OrganizationFactory(name="Imaginary Advocacy"),
        types=["imha"],
        minimum_age=18,
        maximum_age=65,
        service_area={
            "type": "Polygon",
            "coordinates": [[[-2.3, 52.5], [-2.0, 52.5], [-2.0, 52.7], [-2.3, 52.7], [-2.3, 52.5]]],
        },
    )
    Place.objects.create(kind="outcode", key="WV1", name="WV1", latitude=52.587, longitude=-2.128)
    Place.objects.create(kind="outcode", key="B11", name="B11", latitude=52.456, longitude=-1.865)
    Service.objects.filter(id=imha.id).update(last_modified=datetime(2026, 1, 1, tzinfo=UTC))
    return {"service": service, "refuge": refuge, "imha": imha}


DROP_IN, REFUGE, IMHA = (
    "Imaginary Gurdwara Wellbeing Drop-in",
    "Imaginary Women's Refuge",
    ("Imaginary IMHA"),
)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [DROP_IN, IMHA, REFUGE]),
        ({"search": "punjabi"}, [DROP_IN]),
        ({"search": "nothing-matches-this"}, []),
        (
            {"taxonomy_term_id": str(vocabulary.term_id("service_type", "faith_based"))},
            [DROP_IN],
        ),
        ({"taxonomy_term_id": str(vocabulary.term_id("gender", "female"))}, [REFUGE]),
        ({"taxonomy_term_id": str(vocabulary.term_id("location_flag", "confidential"))}, [REFUGE]),
        ({"taxonomy_term_id": str(uuid.uuid4())}, []),
        ({"taxonomy_id": str(hsds.taxonomy_id("community"))}, [DROP_IN]),
        ({"taxonomy_id": str(hsds.taxonomy_id("need"))}, [DROP_IN, REFUGE]),
        ({"modified_after": "2026-06-01"}, [DROP_IN, REFUGE]),
        ({"modified_after": "2025-12-31T23:00:00Z"}, [DROP_IN, IMHA, REFUGE]),
        ({"minimum_age": "16"}, [DROP_IN, IMHA]),
        ({"minimum_age": "17"}, [IMHA]),
        ({"maximum_age": "70"}, [IMHA]),
        ({"postcode": "WV1 1AA", "proximity": "5000"}, [DROP_IN, IMHA]),
        ({"postcode": "B11", "proximity": "5000"}, [REFUGE]),
        ({"postcode": "B11"}, [DROP_IN, REFUGE]),
        ({"postcode": "WV1", "proximity": "5000", "minimum_age": "18"}, [IMHA]),
        ({"search": "imaginary", "taxonomy_id": str(hsds.taxonomy_id("need"))}, [DROP_IN, REFUGE]),
    ],
)
def test_services_can_be_filtered_and_filters_combine_with_and(client, directory, params, expected):
    assert names(get(client, "services", params)) == expected


def test_services_can_be_filtered_by_organisation(client, directory):
    organization_id = directory["imha"].organization_id
    assert names(get(client, "services", {"organization_id": organization_id})) == [IMHA]


def test_proximity_lists_the_nearest_first(client, directory):
    far = LocationFactory(latitude=52.60, longitude=-2.10)
    ServiceAtLocationFactory(service=ServiceFactory(name="A nearby hall"), location=far)
    found = names(get(client, "services", {"postcode": "WV1", "proximity": "5000"}))
    assert found == [DROP_IN, "A nearby hall", IMHA]


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"page": "abc"}, "page", "page must be a whole number, not 'abc'."),
        ({"page": "0"}, "page", "page must be a whole number of at least 1."),
        ({"per_page": "0"}, "per_page", "per_page must be a whole number from 1 to 100."),
        ({"per_page": "1000"}, "per_page", "per_page must be a whole number from 1 to 100."),
        ({"proximity": "1000"}, "proximity", "proximity needs a postcode to measure from."),
        (
            {"postcode": "WV1", "proximity": "far"},
            "proximity",
            "proximity must be a number of at least 0, not 'far'.",
        ),
        (
            {"postcode": "WV1", "proximity": "5000000"},
            "proximity",
            "proximity is in metres, at most 1,000,000.",
        ),
        ({"postcode": "not a postcode"}, "postcode", "Enter a full UK postcode"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode", "We could not find ZZ99 9ZZ"),
        ({"taxonomy_term_id": "abc"}, "taxonomy_term_id", "taxonomy_term_id must be a UUID"),
        ({"taxonomy_id": "abc"}, "taxonomy_id", "taxonomy_id must be a UUID"),
        ({"organization_id": "abc"}, "organization_id", "organization_id must be a UUID"),
        ({"modified_after": "yesterday"}, "modified_after", "modified_after must be a date"),
        ({"minimum_age": "old"}, "minimum_age", "minimum_age must be a number"),
        ({"maximum_age": "-3"}, "maximum_age", "maximum_age must be a number of at least 0"),
    ],
)
def test_a_bad_parameter_is_a_400_with_a_message_for_it(
    client, directory, params, parameter, message
):
    response = get(client, "services", params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Some parameters are not valid."
    assert message in body["errors"][parameter]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_every_bad_parameter_is_reported_at_once(client, service):
    response = get(client, "services", {"page": "x", "per_page": "x", "taxonomy_id": "x"})
    assert sorted(response.json()["errors"]) == ["page", "per_page", "taxonomy_id"]


def test_the_api_is_open_to_every_origin_and_answers_the_preflight(client, service):
    response = get(client, "services")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        reverse("openreferral:services"),
        HTTP_ORIGIN="https://council.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_the_api_only_reads(client, service):
    for method in (client.post, client.put, client.delete):
        response = method(reverse("openreferral:services"))
        assert response.status_code == 405
        assert response.json() == {
            "detail": f"Method {response.request['REQUEST_METHOD']} is not allowed."
        }
        assert response["Access-Control-Allow-Origin"] == "*"


def test_taxonomies_and_terms_are_published(client, db):
    taxonomies = get(client, "taxonomies", {"per_page": 100}).json()
    assert taxonomies["total_items"] == len(hsds.TAXONOMY_ORDER)
    assert taxonomies["contents"] == hsds.hsds_taxonomies()
    community = str(hsds.taxonomy_id("community"))
    assert get(client, "taxonomy", id=community).json()["name"] == "community"
    terms = get(client, "taxonomy_terms", {"taxonomy_id": community, "per_page": 100}).json()
    assert terms["total_items"] == len(vocabulary.COMMUNITIES)
    assert {term["taxonomy_id"] for term in terms["contents"]} == {community}
    term_id = vocabulary.term_id("community", "indian")
    assert get(client, "taxonomy_term", id=term_id).json()["code"] == "indian"
    assert get(client, "taxonomy_term", id=uuid.uuid4()).status_code == 404
    assert get(client, "taxonomy_terms", {"taxonomy_id": "x"}).status_code == 400


def test_organisations_are_published_as_hsds_organizations(client, service):
    body = get(client, "organizations").json()
    assert body["total_items"] == 1
    assert body["contents"] == [hsds.organization_to_hsds(service.organization)]
    detail = get(client, "organization", id=service.organization_id).json()
    assert detail["name"] == "Imaginary Sikh Community Trust"


def test_the_services_list_costs_a_fixed_number_of_queries(
    client, directory, django_assert_max_num_queries
):
    for _ in range(10):
        ServiceAtLocationFactory(service=ServiceFactory(types=["advocacy"]))
    with django_assert_max_num_queries(20):
        assert get(client, "services").json()["total_items"] == 13
