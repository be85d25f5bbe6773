"""POST /api/v1/pathways/: the contract of DESIGN.md, every unhappy path, and privacy."""

import logging
from datetime import time

import pytest
from django.urls import reverse

from directory.models import Place
from tests.factories import (
    LocationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/pathways/"


@pytest.fixture
def little_directory(db):
    Place.objects.create(
        kind="outcode",
        key="WV1",
        name="Wolverhampton",
        latitude=52.5862,
        longitude=-2.1288,
        nation="england",
    )
    cafe = ServiceFactory(
        name="Imaginary Night Café",
        slug="imaginary-night-cafe",
        types=["crisis_cafe"],
        needs_codes=["crisis_now", "emotional_support"],
        routes=["drop_in", "self_referral"],
        assured_date=None,
    )
    cafe.organization.name = "Imaginary Trust"
    cafe.organization.ethnic_minority_led = False
    cafe.organization.save()
    ServiceAtLocationFactory(
        service=cafe, location=LocationFactory(latitude=52.5862, longitude=-2.1288)
    )
    PhoneFactory(service=cafe, number="0121 496 0999", description="")
    ScheduleFactory(service=cafe, weekday=1, opens_at=time(18), closes_at=time(2))
    return cafe


def test_the_url_is_the_one_design_gives():
    assert reverse("pathways_api:pathways") == URL


def test_a_whole_plan_for_someone_in_crisis_at_night(api_client, little_directory):
    response = api_client.post(
        URL,
        {"location": {"postcode": "WV1"}, "urgency": "crisis_now", "at": "2026-12-01T23:30:00Z"},
        format="json",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    plan = response.json()
    assert set(plan) == {"safety", "sections", "routes", "imha", "gaps", "excluded"}
    assert plan["safety"]["prominent"] is True
    assert [c["phone"] or c["text"] for c in plan["safety"]["contacts"]] == [
        "999",
        "111",
        "116 123",
        "85258",
    ]
    assert plan["imha"] is None and plan["excluded"] == []
    (crisis,) = [s for s in plan["sections"] if s["kind"] == "crisis_alternatives"]
    (suggestion,) = crisis["suggestions"]
    assert suggestion["service"] == {
        "id": str(little_directory.id),
        "slug": "imaginary-night-cafe",
        "name": "Imaginary Night Café",
        "organization": "Imaginary Trust",
        "url": "/services/imaginary-night-cafe/",
        "phones": [{"number": "0121 496 0999", "type": "voice", "description": ""}],
    }
    assert suggestion["distance_km"] == 0.0
    assert (suggestion["open_now"], suggestion["closes_at"], suggestion["next_opens_at"]) == (
        True,
        "2026-12-02T02:00:00+00:00",
        None,
    )
    assert 0 < suggestion["score"] <= 1
    codes = {reason["code"] for reason in suggestion["reasons"]}
    assert {"open_now", "drop_in", "distance"} <= codes
    assert "not_verified" in {caution["code"] for caution in suggestion["cautions"]}


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "location"),
        ({"location": {}}, "location"),
        ({"location": {"postcode": "WV1", "place": "Wolverhampton"}}, "location"),
        ({"location": {"postcode": "ZZ99 9ZZ"}}, "location"),
        ({"location": {"postcode": "nonsense!"}}, "location"),
        ({"location": {"lat": 999, "lon": 0}}, "location"),
        ({"location": {"lat": 52.5}}, "location"),
        ({"location": "WV1"}, "location"),
        ({"location": {"postcode": "WV1"}, "needs": ["flying"]}, "needs"),
        ({"location": {"postcode": "WV1"}, "needs": "crisis_now"}, "needs"),
        ({"location": {"postcode": "WV1"}, "languages": ["xx"]}, "languages"),
        ({"location": {"postcode": "WV1"}, "urgency": "yesterday"}, "urgency"),
        ({"location": {"postcode": "WV1"}, "mha_status": "s999"}, "mha_status"),
        ({"location": {"postcode": "WV1"}, "age": -1}, "age"),
        ({"location": {"postcode": "WV1"}, "age": 500}, "age"),
        ({"location": {"postcode": "WV1"}, "age": "old"}, "age"),
        ({"location": {"postcode": "WV1"}, "gender": "unknown"}, "gender"),
        ({"location": {"postcode": "WV1"}, "communities": ["martian"]}, "communities"),
        ({"location": {"postcode": "WV1"}, "prefer": ["cheap"]}, "prefer"),
        ({"location": {"postcode": "WV1"}, "max_distance_km": 0}, "max_distance_km"),
        ({"location": {"postcode": "WV1"}, "max_distance_km": 5000}, "max_distance_km"),
        ({"location": {"postcode": "WV1"}, "mode": "admin"}, "mode"),
        ({"location": {"postcode": "WV1"}, "nation": "france"}, "nation"),
        ({"location": {"postcode": "WV1"}, "at": "tomorrowish"}, "at"),
        ({"location": {"postcode": "WV1"}, "faith": "x" * 51}, "faith"),
    ],
)
def test_bad_input_gets_400_with_a_message_for_the_field(api_client, little_directory, body, field):
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert errors[field]


def test_a_body_that_is_not_json_gets_400(api_client, db):
    response = api_client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_list_instead_of_an_object_gets_400(api_client, db):
    response = api_client.post(URL, [1, 2], format="json")
    assert response.status_code == 400


def test_only_post_is_allowed(api_client, db):
    assert api_client.get(URL).status_code == 405


def test_nothing_the_person_said_reaches_the_logs(api_client, little_directory, caplog):
    caplog.set_level(logging.DEBUG)
    secrets = {"postcode": "WV1", "mha_status": "s3", "needs": ["domestic_abuse"], "age": 37}
    api_client.post(
        URL,
        {
            "location": {"postcode": secrets["postcode"]},
            "mha_status": secrets["mha_status"],
            "needs": secrets["needs"],
            "age": secrets["age"],
        },
        format="json",
    )
    api_client.post(
        URL, {"location": {"postcode": "ZZ99 9ZZ"}, "needs": ["domestic_abuse"]}, format="json"
    )
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    for secret in ("domestic_abuse", "s3", "37", "ZZ99", "WV1"):
        assert secret not in logged


def test_the_pathway_api_is_in_the_openapi_schema_with_examples(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/pathways/"]["post"]
    assert "examples" in post["requestBody"]["content"]["application/json"]
