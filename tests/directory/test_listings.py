"""The fast road (`directory.listings`) gives exactly what the documented serializers give."""

import json
from datetime import date, time

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from directory import hours, listings, selectors
from directory.filters import ServiceFilterSet
from directory.models import Service
from directory.serializers import SearchResultSerializer, ServiceSerializer
from tests import factories

pytestmark = pytest.mark.django_db


def _as_json(data):
    # Both sides through the API's own renderer, so UUIDs, floats and dates compare as sent.
    return json.loads(JSONRenderer().render(data))


@pytest.fixture
def request_():
    return RequestFactory().get("/api/v1/services/", HTTP_HOST="testserver")


def test_every_demo_service_reads_as_the_serializer_shows_it(demo_directory, request_):
    services = list(selectors.service_queryset().all())
    records = listings.read_services(service.id for service in services)
    assert len(services) > 60
    assert set(records) == {service.id for service in services}
    for service in services:
        expected = _as_json(ServiceSerializer(service, context={"request": request_}).data)
        assert _as_json(listings.service_json(records[service.id], request_)) == expected, (
            service.slug
        )


def test_the_demo_has_what_the_comparison_must_cover(demo_directory):
    # The comparison above only proves something if the demo holds each awkward case.
    services = Service.objects.all()
    assert services.filter(service_at_locations__location__confidential=True).exists()
    assert services.filter(referral_partners__isnull=False).exists()
    assert services.filter(phones__languages__isnull=False).exists()
    assert services.filter(assured_date__isnull=True).exists()
    assert services.filter(national=True).exists()


def test_location_hours_and_two_locations_read_as_the_serializer_shows_them(db, request_):
    # The demo gives its hours to services, not to locations; this covers the other case.
    service = factories.ServiceFactory()
    for town, weekday in (("Walsall", 3), ("Bilston", 5)):
        place = factories.ServiceAtLocationFactory(service=service, location__town=town)
        factories.ScheduleFactory(service=None, service_at_location=place, weekday=weekday)
    factories.ScheduleFactory(service=service, weekday=0)
    loaded = selectors.service_queryset().get(id=service.id)
    expected = _as_json(ServiceSerializer(loaded, context={"request": request_}).data)
    record = listings.read_services([service.id])[service.id]
    assert _as_json(listings.service_json(record, request_)) == expected
    assert [location.town for location in record.locations] == ["Bilston", "Walsall"]
    assert [span.weekday for span in record.spans(record.locations[0])] == [5]


def test_a_record_carries_location_hours_and_masking(db):
    service = factories.ServiceFactory(assured_date=None)
    place = factories.ServiceAtLocationFactory(
        service=service,
        location__confidential=True,
        location__postcode="WV1 1AA",
        location__latitude=52.58649,
        location__longitude=-2.12821,
    )
    factories.ScheduleFactory(
        service=None, service_at_location=place, weekday=1, opens_at=time(9), closes_at=time(17)
    )
    record = listings.read_services([service.id])[service.id]
    location = record.location(place.location_id)
    assert [span.weekday for span in record.spans(location)] == [1]
    assert record.nation(location) == place.location.nation
    shown = listings.service_json(record)["locations"][0]
    assert shown["postcode"] == "WV1"
    assert (shown["latitude"], shown["longitude"]) == (52.59, -2.13)
    assert shown["address_1"] is None
    assert record.is_stale(date(2026, 12, 1))


def test_reading_records_takes_the_same_queries_for_one_service_or_many(
    demo_directory, django_assert_num_queries
):
    ids = list(Service.objects.values_list("id", flat=True))
    with django_assert_num_queries(9):
        listings.read_services(ids[:1])
    with django_assert_num_queries(9):
        listings.read_services(ids)
    with django_assert_num_queries(0):
        assert listings.read_services([]) == {}


@pytest.mark.parametrize(
    "query",
    [
        {"postcode": "WV1 1AA", "radius_km": "25", "language": "pa,ur"},
        {"q": "peer support"},
        {"place": "Cardiff", "open_now": "true"},
        {"service_type": "crisis_cafe", "ordering": "name", "page_size": "5"},
    ],
    ids=["near-with-languages", "text", "open-now-in-wales", "by-type"],
)
def test_search_results_match_the_documented_result_serializer(demo_directory, request_, query):
    now = timezone.make_aware(timezone.datetime(2026, 12, 2, 19, 30))
    filterset = ServiceFilterSet(query, queryset=Service.objects.active(), now=now)
    assert filterset.is_valid(), filterset.errors
    page = selectors.service_search(
        filterset, page=1, page_size=filterset.form.cleaned_data.get("page_size") or 20
    )
    expected = _as_json(
        SearchResultSerializer(page.results, many=True, context={"request": request_}).data
    )
    found = selectors.search_hits(filterset, page=1, page_size=page.page_size)
    assert expected, "the search should find something to compare"
    assert _as_json(listings.search_results(found, request_)) == expected


def test_record_spans_read_by_the_hours_rules_like_schedule_rows(db):
    service = factories.ServiceFactory()
    factories.ScheduleFactory(service=service, weekday=2, opens_at=time(18), closes_at=time(2))
    record = listings.read_services([service.id])[service.id]
    at = timezone.make_aware(timezone.datetime(2026, 12, 3, 1, 0))  # Thursday 01:00
    assert hours.open_state(record.spans(), at, record.nation()).open_now
    model_spans = selectors.service_spans(selectors.service_queryset().get(id=service.id))
    assert hours.open_state(model_spans, at, "england") == hours.open_state(
        record.spans(), at, record.nation()
    )
