"""The adapter reads a bounded set of candidates: the nearest services, however it finds them."""

import math
import random

import pytest

from directory import geo
from directory.models import Service
from pathways import adapter
from tests import factories

pytestmark = pytest.mark.django_db

ORIGIN = geo.Point(52.5862, -2.1288)  # a fictional spot in Wolverhampton


def _place_services(count: int, max_km: float, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        km, bearing = rng.uniform(0.2, max_km), rng.uniform(0, 2 * math.pi)
        latitude = ORIGIN.latitude + math.degrees(km * math.cos(bearing) / geo.EARTH_RADIUS_KM)
        longitude = ORIGIN.longitude + math.degrees(
            km * math.sin(bearing) / geo.EARTH_RADIUS_KM
        ) / math.cos(math.radians(ORIGIN.latitude))
        factories.ServiceAtLocationFactory(
            location__latitude=latitude, location__longitude=longitude
        )


def _nearest_by_measuring_every_service(reach_km: float) -> list:
    distances = {}
    for service in Service.objects.prefetch_related("service_at_locations__location"):
        for sal in service.service_at_locations.all():
            point = geo.Point(sal.location.latitude, sal.location.longitude)
            distance = geo.distance_km(ORIGIN, point)
            if distance <= reach_km and distance < distances.get(service.id, math.inf):
                distances[service.id] = distance
    ranked = sorted(distances, key=lambda service_id: (distances[service_id], str(service_id)))
    return ranked[: adapter.MAX_LOCAL_CANDIDATES]


@pytest.mark.parametrize(
    ("count", "max_km"),
    [(90, 4.0), (200, 10.0), (90, 60.0), (25, 100.0)],
    ids=["dense-city", "crowded-city", "spread-out", "sparse-countryside"],
)
@pytest.mark.parametrize(
    ("first_rows", "first_radius_km"),
    [
        (adapter.FIRST_ROWS, adapter.FIRST_RADIUS_KM),
        (7, adapter.FIRST_RADIUS_KM),
        (adapter.FIRST_ROWS, 0.3),
        (7, 30),
    ],
    ids=["as-set", "few-rows", "tiny-box", "few-rows-whole-reach"],
)
def test_the_candidates_are_the_nearest_services_within_reach(
    count, max_km, first_rows, first_radius_km, monkeypatch
):
    # With only 7 rows read at a time, the adapter must go back for more, several times; from
    # a tiny box, it must widen it several times; from the whole reach, never.
    monkeypatch.setattr(adapter, "FIRST_ROWS", first_rows)
    monkeypatch.setattr(adapter, "FIRST_RADIUS_KM", first_radius_km)
    _place_services(count, max_km, seed=count + int(max_km))
    origin = geo.resolve_coordinates(ORIGIN.latitude, ORIGIN.longitude, find_nation=False)
    max_distance_km = 15
    reach = max_distance_km * adapter.REACH_FACTOR
    snapshots = adapter.candidates_near(origin, max_distance_km)
    expected = _nearest_by_measuring_every_service(reach)
    assert expected, "the layout should put some services within reach"
    assert {snapshot.id for snapshot in snapshots} == {str(service_id) for service_id in expected}
    for snapshot in snapshots:
        assert 0 <= snapshot.distance_km <= reach


def _square(latitude: float, longitude: float, half: float = 0.2) -> dict:
    ring = [
        [longitude - half, latitude - half],
        [longitude + half, latitude - half],
        [longitude + half, latitude + half],
        [longitude - half, latitude + half],
        [longitude - half, latitude - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def test_the_service_whose_area_holds_the_person_is_a_candidate_however_many_areas_there_are():
    # Many areas elsewhere (first by name) must not crowd out the one that holds the person:
    # it is the IMHA, or the local crisis line, the plan is for.
    for number in range(adapter.MAX_WIDE_CANDIDATES + 5):
        factories.ServiceFactory(
            name=f"Aardvark Area Line {number:02d}", service_area=_square(51.5, -0.1)
        )
    here = factories.ServiceFactory(
        name="Zephyr Advocacy (IMHA)", service_area=_square(ORIGIN.latitude, ORIGIN.longitude)
    )
    origin = geo.resolve_coordinates(ORIGIN.latitude, ORIGIN.longitude, find_nation=False)
    snapshots = {snapshot.id: snapshot for snapshot in adapter.candidates_near(origin, 15)}
    assert str(here.id) in snapshots
    assert snapshots[str(here.id)].in_service_area is True
