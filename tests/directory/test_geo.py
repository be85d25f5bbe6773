"""directory/geo.py: postcodes, the gazetteer, the optional geocoder, distances and boxes."""

import math
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from geopy.exc import GeocoderServiceError, GeocoderTimedOut
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from directory import geo
from directory.geo import Point, Postcode
from directory.models import GeocodedPlace, Place

WV1 = Point(52.58605, -2.11656)
B1 = Point(52.47909, -1.90867)


@pytest.fixture
def gazetteer(db):
    """A few real districts and one postcode, as `import_gazetteer` would leave them."""
    rows = [
        ("postcode", "SE154QT", "SE15 4QT", 51.4713, -0.0652, "england"),
        ("outcode", "SE15", "Peckham, London", 51.47241, -0.06629, "england"),
        ("outcode", "WV1", "WV1", 52.58605, -2.11656, "england"),
        ("outcode", "CF10", "Butetown", 51.47434, -3.17773, "wales"),
        ("outcode", "LL14", "Wrexham", 52.99874, -3.05942, "wales"),
        ("outcode", "CH4", "Chester", 53.17211, -2.93052, "england"),
        ("place", "peckham", "Peckham", 51.4740, -0.0690, "england"),
        ("place", "king's lynn", "King's Lynn", 52.7517, 0.3954, "england"),
    ]
    for kind, key, name, latitude, longitude, nation in rows:
        Place.objects.create(
            kind=kind, key=key, name=name, latitude=latitude, longitude=longitude, nation=nation
        )


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything so much as builds a geocoder."""

    class NoNetwork:
        def __init__(self, *args, **kwargs):
            raise AssertionError("the online geocoder was used")

    monkeypatch.setattr(geo, "Nominatim", NoNetwork)


@pytest.fixture
def fake_nominatim(monkeypatch, settings):
    """The online geocoder switched on, answering from `answers` and recording every call."""
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_USER_AGENT = "navigator-tests"
    fake = SimpleNamespace(calls=[], built_with=[], answers={}, error=None)

    class FakeNominatim:
        def __init__(self, **kwargs):
            fake.built_with.append(kwargs)

        def geocode(self, query, **kwargs):
            fake.calls.append((query, kwargs))
            if fake.error is not None:
                raise fake.error
            return fake.answers.get(query)

    monkeypatch.setattr(geo, "Nominatim", FakeNominatim)
    return fake


def nominatim_location(latitude, longitude, address, state):
    return SimpleNamespace(
        latitude=latitude,
        longitude=longitude,
        address=address,
        raw={"address": {"state": state, "country": "United Kingdom"}},
    )


# --- parse_postcode -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "outcode", "incode"),
    [
        ("se154qt", "SE15", "4QT"),
        ("SE15 4QT", "SE15", "4QT"),
        (" se15  4qt ", "SE15", "4QT"),
        ("SE15", "SE15", None),
        ("se15", "SE15", None),
        ("EC1A 1BB", "EC1A", "1BB"),
        ("W1A 1AA", "W1A", "1AA"),
        ("W1A", "W1A", None),
        ("M1 1AE", "M1", "1AE"),
        ("B33 8TH", "B33", "8TH"),
        ("CR2 6XH", "CR2", "6XH"),
        ("DN55 1PT", "DN55", "1PT"),
        ("BT1 1AA", "BT1", "1AA"),
        ("GIR 0AA", "GIR", "0AA"),
        ("gir0aa", "GIR", "0AA"),
        ("W1M", "W1M", None),
    ],
)
def test_it_parses_uk_postcodes_and_districts(text, outcode, incode):
    assert geo.parse_postcode(text) == Postcode(outcode, incode)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "SE15 4Q",  # an incomplete inward code
        "SE15 4QTX",
        "SE15 4CI",  # C and I are never in an inward code
        "SE15 4QV",
        "SE15 QT4",
        "1SE5 4QT",
        "SEE15 4QT",  # three letters
        "90210",  # a US ZIP code
        "1012 AB",  # a Dutch postcode
        "K1A 0B1",  # a Canadian one
        "D02 X285",  # an Irish Eircode
        "ASCN 1ZZ",  # Ascension Island: not the UK
        "SE15 4QT SE15 4QT",
        "S" * 11,
        "SE15-4QT",
        "ＳＥ15 4QT",  # full-width letters
        None,
        1234,
    ],
)
def test_it_rejects_what_is_not_a_uk_postcode(text):
    with pytest.raises(geo.InvalidPostcode) as raised:
        geo.parse_postcode(text)
    assert "SE15 4QT" in raised.value.message


def test_it_says_when_a_postcode_is_too_long():
    with pytest.raises(geo.InvalidPostcode) as raised:
        geo.parse_postcode("SE15 4QT 12345")
    assert raised.value.message.startswith("That is too long to be a UK postcode.")


def test_a_postcode_has_a_written_form_and_a_key():
    postcode = geo.parse_postcode("se15 4qt")
    assert (postcode.full, postcode.key, str(postcode)) == ("SE15 4QT", "SE154QT", "SE15 4QT")
    assert postcode.is_full
    district = geo.parse_postcode("se15")
    assert (district.full, district.key, str(district)) == ("SE15", "SE15", "SE15")
    assert not district.is_full


def test_geo_errors_are_value_errors_with_a_message_for_the_public():
    error = geo.UnknownPlace("We could not find Atlantis.")
    assert isinstance(error, ValueError)
    assert isinstance(error, geo.GeoError)
    assert error.message == str(error) == "We could not find Atlantis."
    assert geo.InvalidCoordinates().message


# --- resolve_postcode -----------------------------------------------------------------------


def test_it_resolves_a_full_postcode_from_its_gazetteer_row(gazetteer):
    location = geo.resolve_postcode("se15 4qt")
    assert location == geo.ResolvedLocation(
        point=Point(51.4713, -0.0652),
        label="SE15 4QT",
        nation="england",
        precision="postcode",
        note="",
    )


def test_an_unknown_full_postcode_falls_back_to_its_district_with_a_note(gazetteer):
    location = geo.resolve_postcode("SE15 9ZZ")
    assert location.point == Point(51.47241, -0.06629)
    assert location.precision == "outcode"
    assert location.nation == "england"
    assert location.label == "SE15 (Peckham, London)"
    assert location.note == "We could not find SE15 9ZZ, so we used the SE15 area."


def test_a_district_resolves_to_its_row_without_a_note(gazetteer):
    location = geo.resolve_postcode("cf10")
    assert location.point == Point(51.47434, -3.17773)
    assert (location.precision, location.nation, location.note) == ("outcode", "wales", "")
    assert location.label == "CF10 (Butetown)"


def test_a_district_named_after_itself_is_labelled_once(gazetteer):
    assert geo.resolve_postcode("WV1").label == "WV1"


def test_an_unknown_district_is_a_clear_error(gazetteer):
    with pytest.raises(geo.UnknownPlace) as raised:
        geo.resolve_postcode("ZZ99")
    assert raised.value.message == (
        "We could not find the postcode district ZZ99. "
        "Check it, or enter a full postcode or a nearby town."
    )


def test_an_unknown_postcode_in_an_unknown_district_is_a_clear_error(gazetteer):
    with pytest.raises(geo.UnknownPlace) as raised:
        geo.resolve_postcode("ZZ99 9ZZ")
    assert raised.value.message == (
        "We could not find ZZ99 9ZZ or its area, ZZ99. Check the postcode, or try a nearby town."
    )


def test_a_malformed_postcode_is_invalid_not_unknown(gazetteer):
    with pytest.raises(geo.InvalidPostcode):
        geo.resolve_postcode("not a postcode")


# --- resolve_place --------------------------------------------------------------------------


def test_it_resolves_a_place_by_name_whatever_the_case_and_spacing(gazetteer, no_network):
    location = geo.resolve_place("  PECKHAM ")
    assert location == geo.ResolvedLocation(
        point=Point(51.4740, -0.0690), label="Peckham", nation="england", precision="place"
    )


def test_a_curly_apostrophe_finds_the_same_place(gazetteer, no_network):
    assert geo.resolve_place("King\u2019s   Lynn").label == "King's Lynn"


def test_a_postcode_typed_as_a_place_is_resolved_as_a_postcode(gazetteer, no_network):
    assert geo.resolve_place("se15 4qt").precision == "postcode"
    assert geo.resolve_place("SE15 9ZZ").precision == "outcode"
    assert geo.resolve_place("cf10").nation == "wales"


def test_an_unknown_place_says_what_to_try(gazetteer, no_network):
    with pytest.raises(geo.UnknownPlace) as raised:
        geo.resolve_place("  Atlantis  ")
    assert raised.value.message == (
        "We could not find a place called Atlantis. Try a postcode or a nearby town."
    )


@pytest.mark.parametrize("text", ["", "   ", None, "x" * 101])
def test_an_empty_or_overlong_place_is_unknown(gazetteer, no_network, text):
    with pytest.raises(geo.UnknownPlace):
        geo.resolve_place(text)


# --- the online geocoder --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_geocoder_is_off_by_default_and_nothing_touches_the_network(no_network):
    with pytest.raises(geo.UnknownPlace):
        geo.resolve_place("Somewhere Nobody Imported")
    assert geo.geocode_online("Somewhere Nobody Imported") is None
    assert not GeocodedPlace.objects.exists()


def test_the_geocoder_is_asked_once_and_its_answer_cached(gazetteer, fake_nominatim):
    fake_nominatim.answers["Brixton Hill"] = nominatim_location(
        51.4496, -0.1213, "Brixton Hill, London Borough of Lambeth, London, England", "England"
    )

    first = geo.resolve_place("Brixton  Hill")
    second = geo.resolve_place("brixton hill")

    assert (
        first
        == second
        == geo.ResolvedLocation(
            point=Point(51.4496, -0.1213),
            label="Brixton Hill",
            nation="england",
            precision="geocoder",
        )
    )
    assert len(fake_nominatim.calls) == 1
    query, options = fake_nominatim.calls[0]
    assert query == "Brixton Hill"
    assert options["country_codes"] == "gb"
    assert fake_nominatim.built_with == [{"user_agent": "navigator-tests", "timeout": 3}]
    cached = GeocodedPlace.objects.get()
    assert (cached.query, cached.found, cached.geocoder) == ("brixton hill", True, "nominatim")


def test_the_geocoder_is_not_asked_for_a_place_the_gazetteer_knows(gazetteer, fake_nominatim):
    assert geo.resolve_place("Peckham").precision == "place"
    assert fake_nominatim.calls == []


def test_a_geocoder_miss_is_cached_too(gazetteer, fake_nominatim):
    for _ in range(2):
        with pytest.raises(geo.UnknownPlace):
            geo.resolve_place("Atlantis")
    assert len(fake_nominatim.calls) == 1
    assert GeocodedPlace.objects.get().found is False


@pytest.mark.parametrize("error", [GeocoderTimedOut("timed out"), GeocoderServiceError("502")])
def test_a_geocoder_failure_is_not_found_this_time_and_not_cached(gazetteer, fake_nominatim, error):
    fake_nominatim.error = error
    for _ in range(2):
        with pytest.raises(geo.UnknownPlace) as raised:
            geo.resolve_place("Brixton Hill")
        assert "Try a postcode or a nearby town" in raised.value.message
    assert len(fake_nominatim.calls) == 2
    assert not GeocodedPlace.objects.exists()


def test_the_geocoder_timeout_and_user_agent_have_defaults(gazetteer, fake_nominatim, settings):
    settings.GEOCODER_USER_AGENT = ""
    settings.GEOCODER_TIMEOUT = None
    geo.geocode_online("Anywhere")
    assert fake_nominatim.built_with == [
        {"user_agent": "navigator (+https://navigator.example)", "timeout": 3}
    ]


def test_an_unsupported_geocoder_is_a_configuration_error(gazetteer, settings, no_network):
    settings.GEOCODER = "somethingelse"
    with pytest.raises(ImproperlyConfigured):
        geo.geocode_online("Anywhere")


# --- resolve_coordinates --------------------------------------------------------------------


def test_coordinates_resolve_to_a_point_with_the_nearest_districts_nation(gazetteer):
    location = geo.resolve_coordinates(51.48, -3.18)
    assert location.point == Point(51.48, -3.18)
    assert (location.precision, location.nation, location.note) == ("coordinates", "wales", "")


def test_coordinates_may_be_numeric_strings(gazetteer):
    assert geo.resolve_coordinates("52.586", "-2.129").point == Point(52.586, -2.129)


def test_coordinates_far_from_any_district_have_no_nation(gazetteer):
    assert geo.resolve_coordinates(0, 0).nation == ""


def test_coordinates_can_skip_the_nation_and_the_database():
    assert geo.resolve_coordinates(51.5, -0.1, find_nation=False).nation == ""


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (999, 0),
        (-91, 0),
        (90.0001, 0),
        (0, 180.5),
        (0, -181),
        ("abc", 0),
        (0, "abc"),
        ("", 0),
        (None, 0),
        (math.nan, 0),
        (0, math.nan),
        ("nan", 0),
        (math.inf, 0),
        (0, -math.inf),
        (True, 0),
        ([51], 0),
    ],
)
def test_coordinates_out_of_range_or_not_numbers_are_invalid(latitude, longitude):
    with pytest.raises(geo.InvalidCoordinates) as raised:
        geo.resolve_coordinates(latitude, longitude, find_nation=False)
    assert "between" in raised.value.message


@pytest.mark.parametrize(("latitude", "longitude"), [(90, 180), (-90, -180), (0, 0)])
def test_coordinates_at_the_limits_are_valid(latitude, longitude):
    location = geo.resolve_coordinates(latitude, longitude, find_nation=False)
    assert location.point == Point(latitude, longitude)


# --- distance_km ----------------------------------------------------------------------------


def test_wolverhampton_to_birmingham_is_about_18_km():
    assert geo.distance_km(WV1, B1) == pytest.approx(18.4, abs=0.3)


def test_distance_is_symmetric_and_zero_to_itself():
    assert geo.distance_km(WV1, B1) == pytest.approx(geo.distance_km(B1, WV1))
    assert geo.distance_km(WV1, WV1) == 0


def test_a_degree_of_latitude_is_about_111_km():
    assert geo.distance_km(Point(51, 0), Point(52, 0)) == pytest.approx(111.2, abs=0.1)


# --- bounding_box ---------------------------------------------------------------------------


def destination(start: Point, km: float, bearing_degrees: float) -> Point:
    """Where `km` along a great circle from `start` leads: the test's own spherical maths."""
    angle = km / geo.EARTH_RADIUS_KM
    lat1, lon1 = math.radians(start.latitude), math.radians(start.longitude)
    bearing = math.radians(bearing_degrees)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing)
    )
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1),
        math.cos(angle) - math.sin(lat1) * math.sin(lat2),
    )
    longitude = (math.degrees(lon2) + 540) % 360 - 180
    return Point(math.degrees(lat2), longitude)


def in_box(point: Point, box) -> bool:
    min_lat, max_lat, min_lon, max_lon = box
    return min_lat <= point.latitude <= max_lat and min_lon <= point.longitude <= max_lon


@pytest.mark.parametrize("bearing", [0, 45, 90, 135, 180, 225, 270, 315])
@pytest.mark.parametrize("centre", [WV1, Point(60.15, -1.15), Point(49.2, -2.1)])
def test_the_box_holds_points_at_the_radius_in_every_direction(centre, bearing):
    box = geo.bounding_box(centre, 10)
    assert in_box(destination(centre, 10, bearing), box)


def test_the_box_is_not_much_bigger_than_the_circle():
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(WV1, 10)
    km_per_degree = math.pi * geo.EARTH_RADIUS_KM / 180
    assert (max_lat - min_lat) * km_per_degree == pytest.approx(20, rel=1e-6)
    width = (max_lon - min_lon) * km_per_degree * math.cos(math.radians(WV1.latitude))
    assert width == pytest.approx(20, rel=1e-3)


def test_a_zero_radius_box_is_the_point():
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(WV1, 0)
    assert min_lat == pytest.approx(WV1.latitude) == pytest.approx(max_lat)
    assert min_lon == pytest.approx(WV1.longitude) == pytest.approx(max_lon)


def test_a_box_reaching_a_pole_is_clamped_and_takes_every_longitude():
    assert geo.bounding_box(Point(89.9, 10), 50) == pytest.approx(
        (89.9 - 50 / 111.195, 90.0, -180.0, 180.0), abs=1e-3
    )
    assert geo.bounding_box(Point(-89.9, 10), 50)[0] == -90.0


def test_a_box_crossing_the_180th_meridian_takes_every_longitude():
    _min_lat, _max_lat, min_lon, max_lon = geo.bounding_box(Point(0, 179.95), 20)
    assert (min_lon, max_lon) == (-180.0, 180.0)


@pytest.mark.parametrize("radius", [-1, math.nan, math.inf])
def test_a_box_needs_a_finite_positive_radius(radius):
    with pytest.raises(ValueError):
        geo.bounding_box(WV1, radius)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    latitude=st.floats(min_value=-85, max_value=85),
    longitude=st.floats(min_value=-180, max_value=180),
    radius=st.floats(min_value=0.01, max_value=500),
    fraction=st.floats(min_value=0, max_value=1),
    bearing=st.floats(min_value=0, max_value=360),
)
def test_every_point_within_the_radius_is_in_the_box(
    latitude, longitude, radius, fraction, bearing
):
    centre = Point(latitude, longitude)
    point = destination(centre, radius * fraction, bearing)
    box = geo.bounding_box(centre, radius)
    assert geo.distance_km(centre, point) <= radius * (1 + 1e-9) + 1e-9
    assert in_box(point, box)
    min_lat, max_lat, min_lon, max_lon = box
    assert -90 <= min_lat <= max_lat <= 90
    assert -180 <= min_lon <= max_lon <= 180


RECTANGLE = {
    "type": "Polygon",
    "coordinates": [[[-2.3, 52.5], [-2.0, 52.5], [-2.0, 52.7], [-2.3, 52.7], [-2.3, 52.5]]],
}


@pytest.mark.parametrize(
    "area,point,inside",
    [
        (RECTANGLE, geo.Point(52.586, -2.129), True),  # Wolverhampton is inside
        (RECTANGLE, geo.Point(52.480, -1.903), False),  # Birmingham is outside
        (
            {  # a hole cut round the centre leaves the centre outside
                "type": "Polygon",
                "coordinates": [
                    RECTANGLE["coordinates"][0],
                    [[-2.2, 52.55], [-2.1, 52.55], [-2.1, 52.65], [-2.2, 52.65], [-2.2, 52.55]],
                ],
            },
            geo.Point(52.6, -2.15),
            False,
        ),
        (
            {"type": "MultiPolygon", "coordinates": [RECTANGLE["coordinates"]]},
            geo.Point(52.6, -2.1),
            True,
        ),
        (None, geo.Point(52.6, -2.1), False),
        ({"type": "Point", "coordinates": [-2.1, 52.6]}, geo.Point(52.6, -2.1), False),
    ],
)
def test_a_service_area_holds_the_points_inside_it(area, point, inside):
    assert geo.area_contains(area, point) is inside


# --- The nearest of many places -----------------------------------------------------------------

_uk_latitude = st.floats(min_value=49.5, max_value=61.0)
_uk_longitude = st.floats(min_value=-8.5, max_value=2.0)


def _measure_every_row(origin, rows, within_km, limit=None):
    found = {}
    for key, tag, latitude, longitude in rows:
        distance = geo.distance_km(origin, Point(latitude, longitude))
        if distance <= within_km and distance < found.get(key, (math.inf,))[0]:
            found[key] = (distance, tag)
    if limit is not None:
        kept = sorted(found, key=lambda key: (found[key][0], str(key)))[:limit]
        found = {key: found[key] for key in kept}
    return found


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    origin=st.builds(Point, _uk_latitude, _uk_longitude),
    places=st.lists(
        st.tuples(st.integers(0, 40), _uk_latitude, _uk_longitude), min_size=0, max_size=80
    ),
    within_km=st.floats(min_value=0.5, max_value=600),
    limit=st.none() | st.integers(min_value=1, max_value=30),
)
def test_nearest_gives_what_measuring_every_row_gives(origin, places, within_km, limit):
    rows = [
        (key, index, latitude, longitude) for index, (key, latitude, longitude) in enumerate(places)
    ]
    assert geo.nearest(origin, rows, within_km, limit) == _measure_every_row(
        origin, rows, within_km, limit
    )


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    origin=st.builds(Point, st.floats(-64.9, 64.9), st.floats(-170, 170)),
    bearing_lat=st.floats(-1, 1),
    bearing_lon=st.floats(-1, 1),
    km=st.floats(min_value=0.01, max_value=200),
)
def test_the_flat_measure_stays_within_its_margin(origin, bearing_lat, bearing_lon, km):
    # geo.nearest and the adapter's nearest-first reading are exact only while it is this close.
    norm = math.hypot(bearing_lat, bearing_lon)
    if norm < 1e-6:
        return
    step = km / geo.EARTH_RADIUS_KM
    latitude = origin.latitude + math.degrees(step * bearing_lat / norm)
    longitude = origin.longitude + math.degrees(step * bearing_lon / norm) / math.cos(
        math.radians(origin.latitude)
    )
    exact = geo.distance_km(origin, Point(latitude, longitude))
    if exact > 200 or exact < 0.001 or not geo.flat_holds(origin, exact):
        return
    flat = geo.flat_km(origin, latitude, longitude)
    assert abs(flat - exact) <= 0.02 * exact + 1e-9


def test_the_flat_measure_is_not_used_near_the_poles_or_the_180th_meridian():
    assert geo.flat_holds(Point(52.5, -2.1), 30)
    assert not geo.flat_holds(Point(78.2, 15.6), 30)  # Svalbard
    assert not geo.flat_holds(Point(-16.5, 179.9), 30)  # a box across the 180° line
    assert not geo.flat_holds(Point(52.5, -2.1), 500)
