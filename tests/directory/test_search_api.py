"""GET /api/v1/services/ as a search: every filter, how they combine, ordering, the clock,
postcodes, bad input and the cost of a query."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Place, ServiceLanguage
from tests.factories import (
    LocationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    ServiceLanguageFactory,
)

pytestmark = pytest.mark.django_db

# Wolverhampton city centre and two points nearby; Birmingham is about 20 km away.
WV1 = (52.5862, -2.1288)
WV3 = (52.5790, -2.1560)  # about 2 km west of WV1
WV10 = (52.6120, -2.1160)  # about 3 km north
B1 = (52.4796, -1.9026)  # about 19 km
CF10 = (51.4760, -3.1760)


@pytest.fixture
def gazetteer(db):
    Place.objects.bulk_create(
        [
            Place(
                kind="outcode",
                key="WV1",
                name="Wolverhampton",
                latitude=WV1[0],
                longitude=WV1[1],
                nation="england",
            ),
            Place(
                kind="postcode",
                key="WV11AA",
                name="WV1 1AA",
                latitude=WV1[0],
                longitude=WV1[1],
                nation="england",
            ),
            Place(
                kind="outcode",
                key="B1",
                name="Birmingham",
                latitude=B1[0],
                longitude=B1[1],
                nation="england",
            ),
            Place(
                kind="outcode",
                key="CF10",
                name="Cardiff",
                latitude=CF10[0],
                longitude=CF10[1],
                nation="wales",
            ),
            Place(
                kind="place",
                key="wolverhampton",
                name="Wolverhampton",
                latitude=WV1[0],
                longitude=WV1[1],
                nation="england",
            ),
        ]
    )


def make_service(name, point, *, town="Wolverhampton", nation="england", languages=(), **kwargs):
    service = ServiceFactory(name=name, description=kwargs.pop("description", ""), **kwargs)
    ServiceAtLocationFactory(
        service=service,
        location=LocationFactory(latitude=point[0], longitude=point[1], town=town, nation=nation),
    )
    for code, how in languages:
        ServiceLanguageFactory(service=service, language_id=code, provision=how)
    return service


@pytest.fixture
def directory(gazetteer):
    """A small directory around Wolverhampton, one in Birmingham, one in Cardiff, one national."""
    services = {
        "gurdwara": make_service(
            "Imaginary Gurdwara Drop-in",
            WV1,
            types=["faith_based"],
            needs_codes=["emotional_support"],
            community_codes=["indian"],
            routes=["self_referral", "drop_in"],
            languages=[("pa", "staff")],
        ),
        "therapy": make_service(
            "Imaginary Talking Therapies",
            WV3,
            types=["talking_therapy"],
            needs_codes=["talking_therapy"],
            community_codes=["everyone"],
            routes=["gp_referral"],
            languages=[("pa", "interpreter"), ("ur", "interpreter")],
        ),
        "cafe": make_service(
            "Imaginary Night Café",
            WV10,
            types=["crisis_cafe"],
            needs_codes=["crisis_now"],
            community_codes=["african_caribbean"],
            routes=["drop_in"],
            free=True,
        ),
        "birmingham": make_service(
            "Imaginary Birmingham Sanctuary",
            B1,
            town="Birmingham",
            types=["sanctuary"],
            needs_codes=["crisis_now"],
            community_codes=["pakistani"],
            routes=["self_referral"],
            languages=[("ur", "staff")],
        ),
        "cardiff": make_service(
            "Imaginary Cardiff Peer Group",
            CF10,
            town="Cardiff",
            nation="wales",
            types=["peer_support"],
            routes=["self_referral"],
            languages=[("cy", "staff")],
        ),
        "national": ServiceFactory(
            name="Imaginary National Helpline",
            national=True,
            types=["helpline"],
            needs_codes=["emotional_support"],
            routes=["phone"],
            free=False,
        ),
    }
    ScheduleFactory(service=services["cafe"], weekday=1, opens_at=time(18), closes_at=time(2))
    for weekday in range(5):
        ScheduleFactory(
            service=services["therapy"], weekday=weekday, opens_at=time(9), closes_at=time(17)
        )
    for weekday in range(7):
        ScheduleFactory(
            service=services["national"], weekday=weekday, opens_at=time(0), closes_at=time(23, 59)
        )
    return services


def search(api_client, **params):
    response = api_client.get(reverse("api:service-list"), params)
    assert response.status_code == 200, response.json()
    return response.json()


def names(body):
    return [item["name"] for item in body["results"]]


def test_a_local_search_finds_services_within_ten_km_nearest_first_then_national(
    api_client, directory
):
    body = search(api_client, postcode="WV1 1AA")
    assert names(body) == [
        "Imaginary Gurdwara Drop-in",
        "Imaginary Talking Therapies",
        "Imaginary Night Café",
        "Imaginary National Helpline",
    ]
    distances = [item["distance_km"] for item in body["results"]]
    assert distances[0] == 0.0 and 1.5 < distances[1] < 2.5 and 2.5 < distances[2] < 3.5
    assert distances[3] is None and body["results"][3]["national"] is True
    assert body["origin"]["label"] == "WV1 1AA" and body["origin"]["radius_km"] == 10


@pytest.mark.parametrize("postcode", ["WV1 1AA", "wv11aa", " wv1  1aa ", "WV1"])
def test_every_form_of_a_postcode_finds_the_same_services(api_client, directory, postcode):
    assert names(search(api_client, postcode=postcode))[0] == "Imaginary Gurdwara Drop-in"


def test_an_unknown_full_postcode_falls_back_to_its_district_and_says_so(api_client, directory):
    body = search(api_client, postcode="WV1 9ZZ")
    assert body["origin"]["precision"] == "outcode"
    assert "WV1" in body["origin"]["note"]
    assert names(body)[0] == "Imaginary Gurdwara Drop-in"


def test_a_place_name_and_coordinates_work_too(api_client, directory):
    assert names(search(api_client, place="Wolverhampton")) == names(
        search(api_client, postcode="WV1")
    )
    body = search(api_client, lat=B1[0], lon=B1[1], radius_km=5)
    assert names(body) == ["Imaginary Birmingham Sanctuary", "Imaginary National Helpline"]


def test_a_wider_radius_reaches_further(api_client, directory):
    assert "Imaginary Birmingham Sanctuary" in names(
        search(api_client, postcode="WV1", radius_km=25)
    )


def test_text_search_ranks_and_combines_with_place(api_client, directory):
    body = search(api_client, q="punjabi", postcode="WV1")
    # Both offer Punjabi, nearest first; the national helpline does not, so it is left out.
    assert names(body) == ["Imaginary Gurdwara Drop-in", "Imaginary Talking Therapies"]


def test_text_search_across_the_country(api_client, directory):
    assert names(search(api_client, q="sanctuary")) == ["Imaginary Birmingham Sanctuary"]
    assert search(api_client, q="sanctuary")["results"][0]["distance_km"] is None


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"service_type": "crisis_cafe"}, ["Imaginary Night Café"]),
        (
            {"service_type": "crisis_cafe,sanctuary"},
            ["Imaginary Birmingham Sanctuary", "Imaginary Night Café"],
        ),
        ({"need": "crisis_now"}, ["Imaginary Birmingham Sanctuary", "Imaginary Night Café"]),
        (
            {"community": "south_asian"},
            ["Imaginary Birmingham Sanctuary", "Imaginary Gurdwara Drop-in"],
        ),
        ({"community": "pakistani"}, ["Imaginary Birmingham Sanctuary"]),
        (
            {"access": "self_referral"},
            [
                "Imaginary Birmingham Sanctuary",
                "Imaginary Cardiff Peer Group",
                "Imaginary Gurdwara Drop-in",
            ],
        ),
        ({"language": "ur"}, ["Imaginary Birmingham Sanctuary", "Imaginary Talking Therapies"]),
        (
            {"language": "cy,pa"},
            [
                "Imaginary Cardiff Peer Group",
                "Imaginary Gurdwara Drop-in",
                "Imaginary Talking Therapies",
            ],
        ),
        ({"national": "true"}, ["Imaginary National Helpline"]),
        ({"free": "false"}, ["Imaginary National Helpline"]),
        ({"need": "crisis_now", "access": "self_referral"}, ["Imaginary Birmingham Sanctuary"]),
        ({"language": "pa", "service_type": "talking_therapy"}, ["Imaginary Talking Therapies"]),
    ],
)
def test_each_filter_and_how_filters_combine(api_client, directory, params, expected):
    # Values within a filter are OR; filters are AND. Without a place the order is A to Z.
    assert names(search(api_client, **params)) == expected


def test_each_result_says_how_a_language_is_offered(api_client, directory):
    body = search(api_client, language="pa", postcode="WV1")
    matches = {item["name"]: item["language_match"] for item in body["results"]}
    assert matches["Imaginary Gurdwara Drop-in"] == [
        {"code": "pa", "name": "Punjabi", "how": "staff"}
    ]
    assert matches["Imaginary Talking Therapies"] == [
        {"code": "pa", "name": "Punjabi", "how": "interpreter"}
    ]


def test_written_material_alone_does_not_count_as_offering_a_language(api_client, directory):
    ServiceLanguageFactory(
        service=directory["cafe"], language_id="so", provision=ServiceLanguage.Provision.WRITTEN
    )
    assert names(search(api_client, language="so")) == []


@pytest.mark.parametrize(
    "ordering,expected",
    [
        (
            "distance",
            ["Imaginary Talking Therapies", "Imaginary Gurdwara Drop-in", "Imaginary Night Café"],
        ),
        (
            "name",
            ["Imaginary Gurdwara Drop-in", "Imaginary Night Café", "Imaginary Talking Therapies"],
        ),
    ],
)
def test_ordering_by_distance_or_name(api_client, directory, ordering, expected):
    body = search(api_client, lat=WV3[0], lon=WV3[1], ordering=ordering)
    assert names(body)[:3] == expected


def test_sorting_by_distance_needs_a_place(api_client, directory):
    response = api_client.get(reverse("api:service-list"), {"ordering": "distance"})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_a_tuesday_at_half_past_eleven_at_night(api_client, directory):
    # 23:30 in London on Tuesday 1 December 2026 (GMT): the café (Tue 18:00-02:00) and the
    # 24/7 line are open; open_at keeps only what is open then.
    body = search(api_client, postcode="WV1", open_at="2026-12-01T23:30:00Z")
    assert names(body) == ["Imaginary Night Café", "Imaginary National Helpline"]
    by_name = {item["name"]: item for item in body["results"]}
    assert by_name["Imaginary Night Café"]["open_now"] is True
    assert by_name["Imaginary Night Café"]["closes_at"] == "2026-12-02T02:00:00+00:00"
    assert by_name["Imaginary National Helpline"]["always_open"] is True


def test_each_result_says_when_a_closed_service_opens_next(api_client, directory, time_machine):
    time_machine.move_to("2026-12-01T23:30:00Z")
    by_name = {item["name"]: item for item in search(api_client, postcode="WV1")["results"]}
    therapy = by_name["Imaginary Talking Therapies"]
    assert (therapy["open_now"], therapy["closes_at"]) == (False, None)
    assert therapy["next_opens_at"] == "2026-12-02T09:00:00+00:00"
    assert by_name["Imaginary Night Café"]["open_now"] is True
    assert by_name["Imaginary Gurdwara Drop-in"]["next_opens_at"] is None  # no hours listed


def test_open_now_keeps_only_what_is_open(api_client, directory, time_machine):
    time_machine.move_to("2026-12-02T01:30:00Z")  # Wednesday 01:30, inside Tuesday's overnight span
    body = search(api_client, postcode="WV1", open_now="true")
    assert names(body) == ["Imaginary Night Café", "Imaginary National Helpline"]


def test_open_at_filters_and_a_summer_time_moment_is_read_in_london_time(api_client, directory):
    # 16:30 UTC on Tuesday 16 June 2026 is 17:30 in London: the therapy service has just shut.
    body = search(api_client, postcode="WV1", open_at="2026-06-16T16:30:00Z", open_now="true")
    assert names(body) == ["Imaginary National Helpline"]
    body = search(api_client, postcode="WV1", open_at="2026-06-16T15:30:00Z", open_now="true")
    assert names(body) == ["Imaginary Talking Therapies", "Imaginary National Helpline"]


def test_a_bank_holiday_closes_an_office_hours_service(api_client, directory):
    # Monday 28 December 2026 is the Boxing Day substitute bank holiday in England.
    body = search(api_client, postcode="WV1", open_at="2026-12-28T11:00", open_now="true")
    assert "Imaginary Talking Therapies" not in names(body)
    body = search(api_client, postcode="WV1", open_at="2026-12-29T11:00", open_now="true")
    assert "Imaginary Talking Therapies" in names(body)


def test_paging_through_results(api_client, directory):
    first = search(api_client, page_size=2)
    second = search(api_client, page_size=2, page=2)
    third = search(api_client, page_size=2, page=3)
    assert first["count"] == 6 and first["total_pages"] == 3
    assert len(names(first) + names(second) + names(third)) == 6
    assert len(set(names(first) + names(second) + names(third))) == 6


def test_paging_crosses_from_local_into_national_services(api_client, directory):
    first = search(api_client, postcode="WV1", page_size=3)
    second = search(api_client, postcode="WV1", page_size=3, page=2)
    assert names(second) == ["Imaginary National Helpline"]
    assert first["count"] == second["count"] == 4


def test_a_page_past_the_end_is_not_found(api_client, directory):
    response = api_client.get(reverse("api:service-list"), {"page": 9})
    assert response.status_code == 404
    assert response.json() == {"page": ["There is no page 9. The last page is 1."]}


@pytest.mark.parametrize(
    "params,field,message_part",
    [
        ({"postcode": "ZZ99 9ZZ"}, "postcode", "could not find"),
        ({"postcode": "not a postcode"}, "postcode", "Enter a full UK postcode"),
        ({"place": "Atlantis"}, "place", "could not find a place called Atlantis"),
        ({"lat": "999", "lon": "0"}, "lat", "less than or equal to 90"),
        ({"lat": "52.5"}, "lon", "both a latitude and a longitude"),
        ({"lat": "north", "lon": "0"}, "lat", "Enter a number"),
        ({"postcode": "WV1", "radius_km": "-1"}, "radius_km", "greater than or equal to 0.1"),
        ({"postcode": "WV1", "radius_km": "10000"}, "radius_km", "less than or equal to 200"),
        ({"page": "abc"}, "page", "Enter a whole number"),
        ({"page": "0"}, "page", "greater than or equal to 1"),
        ({"page_size": "0"}, "page_size", "greater than or equal to 1"),
        ({"service_type": "hospital"}, "service_type", "Unknown code hospital"),
        ({"need": "crisis_now,nonsense"}, "need", "Unknown code nonsense"),
        ({"community": "martian"}, "community", "Unknown code martian"),
        ({"language": "xx"}, "language", "Unknown code xx"),
        ({"access": "teleport"}, "access", "Unknown code teleport"),
        ({"open_at": "next tuesday"}, "open_at", ""),
        ({"open_now": "perhaps"}, "open_now", "Enter true or false"),
        ({"free": "2"}, "free", "Enter true or false"),
        ({"ordering": "random"}, "ordering", "Select a valid choice"),
        ({"q": "x" * 10_000}, "q", "at most 200 characters"),
        ({"postcode": "WV1", "place": "Wolverhampton"}, "place", "Give one of a postcode"),
    ],
)
def test_bad_input_gets_400_with_a_message_for_the_field(
    api_client, directory, params, field, message_part
):
    response = api_client.get(reverse("api:service-list"), params)
    assert response.status_code == 400
    body = response.json()
    assert field in body, body
    assert message_part in " ".join(body[field])


def test_a_search_costs_the_same_number_of_queries_whatever_the_page_size(api_client, directory):
    for n in range(25):
        service = make_service(
            f"Imaginary Extra {n}", WV1, types=["peer_support"], languages=[("pa", "staff")]
        )
        PhoneFactory(service=service)
        ScheduleFactory(service=service)

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            search(api_client, **params)
        return len(captured)

    local = {
        "postcode": "WV1",
        "service_type": "peer_support",
        "language": "pa",
        "open_at": "2026-12-01T10:00",
    }
    assert queries(page_size=2, **local) == queries(page_size=30, **local)
    assert queries(page_size=30, **local) <= 20
    national = {"q": "imaginary extra", "service_type": "peer_support"}
    assert queries(page_size=2, **national) == queries(page_size=30, **national)
    assert queries(page_size=30, **national) <= 20


def test_a_phone_line_for_an_area_is_found_inside_that_area_only(api_client, directory):
    ServiceFactory(
        name="Imaginary Black Country Crisis Line",
        types=["crisis_line"],
        service_area={
            "type": "Polygon",
            "coordinates": [[[-2.3, 52.5], [-2.0, 52.5], [-2.0, 52.7], [-2.3, 52.7], [-2.3, 52.5]]],
        },
    )
    near = names(search(api_client, postcode="WV1"))
    assert near[-2:] == ["Imaginary Black Country Crisis Line", "Imaginary National Helpline"]
    assert "Imaginary Black Country Crisis Line" not in names(search(api_client, postcode="B1"))


def test_a_location_with_its_own_hours_counts_as_open(api_client, directory):
    from directory.models import Schedule

    sal = directory["gurdwara"].service_at_locations.get()
    Schedule.objects.create(
        service_at_location=sal, weekday=1, opens_at=time(22), closes_at=time(23, 59)
    )
    body = search(api_client, postcode="WV1", open_at="2026-12-01T23:30:00Z")
    assert "Imaginary Gurdwara Drop-in" in names(body)
    gurdwara = next(
        item for item in body["results"] if item["name"] == "Imaginary Gurdwara Drop-in"
    )
    assert gurdwara["open_now"] is True
