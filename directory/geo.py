"""Postcodes, the gazetteer and distances: the one place Navigator talks to geopy.

Everything that turns what a person typed ("se15 4qt", "Peckham", their browser's location)
into a point on the map lives here, with the maths that searches around that point:

- `parse_postcode(text)` checks and normalises a UK postcode or postcode district (pure);
- `resolve_postcode`, `resolve_place`, `resolve_coordinates` turn input into a
  `ResolvedLocation`, using the gazetteer (`Place`) and, only when `settings.GEOCODER` is set,
  the online geocoder (`geocode_online`, cached in `GeocodedPlace`);
- `distance_km(a, b)` and `bounding_box(point, radius_km)` are pure and fast.

Failures a member of the public can cause raise a `GeoError` whose `message` is fit to show
them. The app never depends on the network to serve a page: the geocoder is off by default,
has a timeout, and its failures read as "not found".
"""

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from geopy.distance import EARTH_RADIUS, great_circle
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from .models import GeocodedPlace, Place

logger = logging.getLogger(__name__)

# geopy's mean Earth radius; `bounding_box` uses the same sphere as `distance_km`, so a
# point `distance_km` puts within the radius is always inside the box.
EARTH_RADIUS_KM = EARTH_RADIUS

DEFAULT_GEOCODER_USER_AGENT = "navigator (+https://navigator.example)"
DEFAULT_GEOCODER_TIMEOUT = 3

PRECISION_POSTCODE = "postcode"
PRECISION_OUTCODE = "outcode"
PRECISION_PLACE = "place"
PRECISION_COORDINATES = "coordinates"
PRECISION_GEOCODER = "geocoder"

# How far from a point we look for a postcode district to say which nation it is in. Every
# inhabited part of the UK is within a few kilometres of a district centroid.
NATION_SEARCH_RADIUS_KM = 30

# Messages are in the active language: translated when the error is raised, during a request.
ENTER_POSTCODE = gettext_lazy(
    "Enter a full UK postcode, like SE15 4QT, or a postcode district, like SE15."
)
NOT_FOUND = gettext_lazy("We could not find that place. Try a postcode or a nearby town.")


class GeoError(ValueError):
    """A location we cannot use. `message` is plain English, fit to show the person."""

    default_message = NOT_FOUND

    def __init__(self, message: str | None = None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class InvalidPostcode(GeoError):
    default_message = ENTER_POSTCODE


class UnknownPlace(GeoError):
    default_message = NOT_FOUND


class InvalidCoordinates(GeoError):
    default_message = gettext_lazy(
        "Give a latitude between -90 and 90 and a longitude between -180 and 180, "
        "in decimal degrees."
    )


@dataclass(frozen=True)
class Point:
    """A WGS84 point in decimal degrees."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class Postcode:
    """A valid UK postcode ("SE15 4QT": outcode SE15, incode 4QT) or district (incode None)."""

    outcode: str
    incode: str | None = None

    @property
    def is_full(self) -> bool:
        return self.incode is not None

    @property
    def full(self) -> str:
        """As written on a letter: "SE15 4QT", or "SE15" for a district."""
        return f"{self.outcode} {self.incode}" if self.incode else self.outcode

    @property
    def key(self) -> str:
        """The gazetteer key: upper case, no space ("SE154QT")."""
        return f"{self.outcode}{self.incode or ''}"

    def __str__(self) -> str:
        return self.full


@dataclass(frozen=True)
class ResolvedLocation:
    """Where a search is centred, and how sure we are.

    `label` is what to show ("SE15 4QT", "Peckham"); `nation` is england / wales / scotland /
    northern_ireland, or "" when unknown; `precision` is one of postcode, outcode, place,
    coordinates, geocoder; `note` is "" or a sentence to show, such as why we used a whole
    postcode district.
    """

    point: Point
    label: str
    nation: str
    precision: str
    note: str = ""


# --- Postcodes ------------------------------------------------------------------------------

# The outward code is one of A9, A99, AA9, AA99, A9A, AA9A; the inward code is a digit and two
# letters, never C, I, K, M, O or V (Royal Mail leaves out letters that look like digits or
# each other when handwritten). We deliberately do not apply Royal Mail's per-position letter
# rules: real districts break them (W1M), and a real postcode refused is worse than a
# well-formed unknown one, which the gazetteer then reports clearly.
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")
_INWARD = re.compile(r"[0-9][ABD-HJLNP-UW-Z]{2}")
# Girobank's postcode predates the format and is still in use.
_GIROBANK = Postcode("GIR", "0AA")

# The longest real postcode is 7 characters without its space; the cap stops pathological
# input early while leaving room for the message to say "too long" rather than "not valid".
MAX_POSTCODE_CHARS = 10


def _too_long_for_a_postcode() -> str:
    return _("That is too long to be a UK postcode. %(help)s") % {"help": ENTER_POSTCODE}


def parse_postcode(text: str) -> Postcode:
    """Check and normalise a UK postcode or postcode district.

    Accepts any case and spacing ("se154qt", " SE15  4QT ", "SE15", "W1A", "GIR 0AA").
    Returns a `Postcode`; raises `InvalidPostcode` for anything else, including
    non-UK formats and input longer than 10 characters once spaces are removed.
    """
    if not isinstance(text, str):
        raise InvalidPostcode()
    if len(text) > 100:
        raise InvalidPostcode(_too_long_for_a_postcode())
    compact = "".join(text.split()).upper()
    if not compact:
        raise InvalidPostcode()
    if len(compact) > MAX_POSTCODE_CHARS:
        raise InvalidPostcode(_too_long_for_a_postcode())
    if compact == _GIROBANK.key:
        return _GIROBANK
    if _OUTWARD.fullmatch(compact):
        return Postcode(compact)
    # An outward code is at most four characters and a full postcode at least five, and the
    # inward code is always the last three: so there is only one way to split.
    outward, inward = compact[:-3], compact[-3:]
    if len(compact) >= 5 and _OUTWARD.fullmatch(outward) and _INWARD.fullmatch(inward):
        return Postcode(outward, inward)
    raise InvalidPostcode()


def place_key(text: str) -> str:
    """The gazetteer key for a place name: lower case, single spaces, straight apostrophes."""
    return " ".join(text.replace("\u2019", "'").split()).lower()


# Country names as the gazetteer's sources and the online geocoder write them. The Crown
# dependencies have postcodes but are not one of the four nations whose rules we apply.
NATION_BY_COUNTRY_NAME = {
    "england": "england",
    "wales": "wales",
    "cymru": "wales",
    "scotland": "scotland",
    "northern ireland": "northern_ireland",
    "northern_ireland": "northern_ireland",
    "guernsey": "",
    "jersey": "",
    "isle of man": "",
    "channel islands": "",
}


def nation_from_name(name: str) -> str | None:
    """The nation code for a country name ("Northern Ireland" → "northern_ireland").

    "" for a Crown dependency (Guernsey, Jersey, Isle of Man); None for a name we do not know.
    """
    return NATION_BY_COUNTRY_NAME.get(" ".join(name.split()).lower())


# --- Resolving input to a point ---------------------------------------------------------------


def _place_point(place) -> Point:
    return Point(place.latitude, place.longitude)


@dataclass(frozen=True)
class _Entry:
    """One gazetteer row, as a search needs it."""

    name: str
    latitude: float
    longitude: float
    nation: str


def _look_up(kind: str, key: str) -> _Entry | None:
    """The gazetteer's entry of `kind` for `key`, if any. Every search and plan starts here,
    so it is one indexed read (the unique kind and key) in plain SQL, not an ORM query."""
    table = connection.ops.quote_name(Place._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, latitude, longitude, nation FROM {table} WHERE kind = %s AND key = %s",
            [kind, key],
        )
        row = cursor.fetchone()
    return _Entry(*row) if row is not None else None


def _district_label(district: _Entry, postcode: Postcode) -> str:
    # Outcode rows are often named after the area ("Peckham, London"); show both when so.
    if district.name and place_key(district.name) != place_key(postcode.outcode):
        return f"{postcode.outcode} ({district.name})"
    return postcode.outcode


def resolve_postcode(text: str) -> ResolvedLocation:
    """Find a postcode or postcode district in the gazetteer.

    A full postcode the gazetteer lacks falls back to its district, with a `note` saying so
    (new postcodes appear before the gazetteer is refreshed). Raises `InvalidPostcode` for a
    malformed postcode and `UnknownPlace` when neither it nor its district is known.
    """
    postcode = parse_postcode(text)
    if postcode.is_full:
        row = _look_up(Place.Kind.POSTCODE, postcode.key)
        if row is not None:
            return ResolvedLocation(
                point=_place_point(row),
                label=postcode.full,
                nation=row.nation,
                precision=PRECISION_POSTCODE,
            )
    district = _look_up(Place.Kind.OUTCODE, postcode.outcode)
    if district is None:
        if postcode.is_full:
            raise UnknownPlace(
                _(
                    "We could not find %(postcode)s or its area, %(district)s. "
                    "Check the postcode, or try a nearby town."
                )
                % {"postcode": postcode.full, "district": postcode.outcode}
            )
        raise UnknownPlace(
            _(
                "We could not find the postcode district %(district)s. "
                "Check it, or enter a full postcode or a nearby town."
            )
            % {"district": postcode.outcode}
        )
    note = (
        _("We could not find %(postcode)s, so we used the %(district)s area.")
        % {"postcode": postcode.full, "district": postcode.outcode}
        if postcode.is_full
        else ""
    )
    return ResolvedLocation(
        point=_place_point(district),
        label=_district_label(district, postcode),
        nation=district.nation,
        precision=PRECISION_OUTCODE,
        note=note,
    )


def resolve_place(text: str) -> ResolvedLocation:
    """Find a town or area by name, or a postcode typed into the place box.

    Text that is a postcode or district is resolved as one (`resolve_postcode`). Otherwise the
    gazetteer's place names are looked up, then, only when `settings.GEOCODER` is set, the
    online geocoder. Raises `UnknownPlace` (or `InvalidPostcode`/`UnknownPlace` from
    `resolve_postcode`); never raises because a network service failed.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnknownPlace(_("Enter a town, a postcode or a postcode district."))
    shown = " ".join(text.split())
    if len(shown) > 100:
        raise UnknownPlace(_("That is too long for a place name. Try a postcode or a nearby town."))
    try:
        parse_postcode(shown)
    except InvalidPostcode:
        pass
    else:
        return resolve_postcode(shown)

    row = _look_up(Place.Kind.PLACE, place_key(shown))
    if row is not None:
        return ResolvedLocation(
            point=_place_point(row), label=row.name, nation=row.nation, precision=PRECISION_PLACE
        )
    found = geocode_online(shown)
    if found is not None:
        return found
    raise UnknownPlace(
        _("We could not find a place called %(place)s. Try a postcode or a nearby town.")
        % {"place": shown}
    )


def resolve_coordinates(latitude, longitude, *, find_nation: bool = True) -> ResolvedLocation:
    """A point given as numbers (or numeric strings), such as the browser's location.

    Raises `InvalidCoordinates` unless both are finite and in range. `nation` is that of the
    nearest postcode district within 30 km (a guess near a border; the pathway request may
    say the nation outright), or "" when there is none or `find_nation` is false (no query).
    """
    point = Point(
        _coordinate(
            latitude,
            limit=90,
            message=_("Latitude must be a number between -90 and 90, in decimal degrees."),
        ),
        _coordinate(
            longitude,
            limit=180,
            message=_("Longitude must be a number between -180 and 180, in decimal degrees."),
        ),
    )
    return ResolvedLocation(
        point=point,
        label=_("your location"),
        nation=_nation_near(point) if find_nation else "",
        precision=PRECISION_COORDINATES,
    )


def _coordinate(value, *, limit: float, message: str) -> float:
    # bool is an int to Python, but True is not a latitude.
    if isinstance(value, bool):
        raise InvalidCoordinates(message)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidCoordinates(message) from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise InvalidCoordinates(message)
    return number


def _nation_near(point: Point) -> str:
    min_lat, max_lat, min_lon, max_lon = bounding_box(point, NATION_SEARCH_RADIUS_KM)
    districts = Place.objects.filter(
        kind=Place.Kind.OUTCODE,
        latitude__range=(min_lat, max_lat),
        longitude__range=(min_lon, max_lon),
    ).only("latitude", "longitude", "nation")
    nearest = nearest_place(point, districts)
    return nearest.nation if nearest is not None else ""


def nearest_place(point: Point, places: Iterable[Place]) -> Place | None:
    """The place closest to `point` (ties: the first given), or None for no places."""
    best, best_km = None, math.inf
    for place in places:
        km = distance_km(point, _place_point(place))
        if km < best_km:
            best, best_km = place, km
    return best


# --- The optional online geocoder ---------------------------------------------------------------


def geocode_online(text: str) -> ResolvedLocation | None:
    """Ask the online geocoder named by `settings.GEOCODER` for a place in the UK.

    Returns a `ResolvedLocation` (precision "geocoder") or None: when no geocoder is set (the
    default, so no network), when it found nothing, or when it failed this time. Answers and
    misses are cached in `GeocodedPlace`, so each place is asked about once; failures
    (timeouts, service errors) are not cached, so the next search tries again. Raises
    `ImproperlyConfigured` for a GEOCODER we do not support.
    """
    geocoder_name = getattr(settings, "GEOCODER", "") or ""
    if not geocoder_name:
        return None
    query = place_key(text)
    if not query:
        return None
    cached = GeocodedPlace.objects.filter(query=query).first()
    if cached is None:
        cached = _ask_geocoder(geocoder_name, text, query)
        if cached is None:
            return None
    if not cached.found:
        return None
    return ResolvedLocation(
        point=Point(cached.latitude, cached.longitude),
        label=cached.name.split(",")[0].strip() or text,
        nation=cached.nation,
        precision=PRECISION_GEOCODER,
    )


def _ask_geocoder(geocoder_name: str, text: str, query: str) -> GeocodedPlace | None:
    """Ask the service once; cache and return the answer, or None when the service failed."""
    if geocoder_name != "nominatim":
        raise ImproperlyConfigured(
            f"GEOCODER must be empty (off) or 'nominatim', not {geocoder_name!r}."
        )
    geolocator = Nominatim(
        user_agent=getattr(settings, "GEOCODER_USER_AGENT", "") or DEFAULT_GEOCODER_USER_AGENT,
        timeout=getattr(settings, "GEOCODER_TIMEOUT", None) or DEFAULT_GEOCODER_TIMEOUT,
    )
    try:
        location = geolocator.geocode(
            text, exactly_one=True, country_codes="gb", addressdetails=True, language="en"
        )
    except GeopyError as exc:
        # Not the query: what people search for near them is theirs, not our logs'.
        logger.warning("Online geocoder failed (%s); treated as not found.", type(exc).__name__)
        return None

    defaults = {"geocoder": geocoder_name, "found": False}
    if location is not None and _is_point(location.latitude, location.longitude):
        address = (getattr(location, "raw", None) or {}).get("address") or {}
        defaults.update(
            found=True,
            name=(location.address or text)[:200],
            latitude=float(location.latitude),
            longitude=float(location.longitude),
            nation=nation_from_name(address.get("state") or "") or "",
        )
    # get_or_create: two searches for the same new place at once must not both insert.
    cached, _created = GeocodedPlace.objects.get_or_create(query=query, defaults=defaults)
    return cached


def _is_point(latitude, longitude) -> bool:
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


# --- Distances and the search box ---------------------------------------------------------------


def distance_km(a: Point, b: Point) -> float:
    """The distance between two points in kilometres, over the Earth's surface."""
    # Great-circle (a sphere) rather than geodesic (the ellipsoid): it is about 15 times
    # faster (10 µs against 150 µs here, and a search measures a few hundred candidates) and
    # at most 0.5% off, which never changes which of two services is nearer in practice.
    return _GREAT_CIRCLE.measure((a.latitude, a.longitude), (b.latitude, b.longitude))


# One measurer for every distance (geopy's, in kilometres): made once, not per pair.
_GREAT_CIRCLE = great_circle()


def bounding_box(point: Point, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box holding every point within `radius_km`.

    Searches first narrow candidates with an indexed latitude/longitude range, so their cost
    follows the number of services nearby rather than the size of the country; then
    `distance_km` decides. The box never misses a point that `distance_km` puts inside the
    radius. Ranges are clamped to valid latitudes and longitudes; a circle that reaches a pole
    or the 180° meridian gets the full longitude range. Raises ValueError for a negative or
    non-finite radius.
    """
    if not math.isfinite(radius_km) or radius_km < 0:
        raise ValueError(f"radius_km must be a finite number of kilometres, not {radius_km!r}")
    # Angular radius, on the same sphere as distance_km, plus a hair for rounding.
    angle = radius_km / EARTH_RADIUS_KM + 1e-9
    lat = math.radians(point.latitude)
    min_lat, max_lat = lat - angle, lat + angle
    if max_lat >= math.pi / 2 or min_lat <= -math.pi / 2:
        return (max(math.degrees(min_lat), -90.0), min(math.degrees(max_lat), 90.0), -180.0, 180.0)
    # A degree of longitude shrinks with cos(latitude). The circle is widest poleward of its
    # centre, so radius / cos(latitude) is slightly too narrow; asin(sin r / cos lat) is exact.
    half_width = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(lat))))
    min_lon, max_lon = point.longitude - half_width, point.longitude + half_width
    if min_lon < -180 or max_lon > 180:
        # A longitude range cannot wrap round the 180° meridian; the whole range holds it.
        min_lon, max_lon = -180.0, 180.0
    return (math.degrees(min_lat), math.degrees(max_lat), min_lon, max_lon)


# The flat measure a database can order by: degrees of latitude, and degrees of longitude
# shrunk by the cosine of the origin's latitude. Below 65° and within 200 km it is within
# 2% of `distance_km` (a property test checks it); FLAT_MARGIN keeps clear of that.
FLAT_MARGIN = 1.025
_FLAT_MAX_LATITUDE = 65.0
_FLAT_MAX_KM = 200.0
_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


def flat_holds(origin: Point, within_km: float) -> bool:
    """Whether `flat_km` may stand in for distances up to `within_km` round `origin`."""
    min_lon, max_lon = bounding_box(origin, within_km)[2:]
    return (
        abs(origin.latitude) < _FLAT_MAX_LATITUDE
        and within_km <= _FLAT_MAX_KM
        and (min_lon, max_lon) != (-180.0, 180.0)  # no box round a pole or the 180° line
    )


def flat_scale(origin: Point) -> float:
    """How much a degree of longitude counts against one of latitude, round `origin`."""
    return math.cos(math.radians(origin.latitude))


def flat_measure(origin: Point):
    """`flat_km` from `origin`, as a function of (latitude, longitude), for measuring many."""
    scale = flat_scale(origin)
    origin_lat, origin_lon = origin.latitude, origin.longitude

    def measure(latitude: float, longitude: float) -> float:
        d_lat, d_lon = latitude - origin_lat, (longitude - origin_lon) * scale
        return _KM_PER_DEGREE * math.sqrt(d_lat * d_lat + d_lon * d_lon)

    return measure


def flat_km(origin: Point, latitude: float, longitude: float) -> float:
    """The flat measure in kilometres; SQL orders by the square of the same sum."""
    return flat_measure(origin)(latitude, longitude)


def nearest(origin: Point, rows, within_km: float, limit: int | None = None) -> dict:
    """The nearest of several places for each key, within `within_km` of `origin`.

    `rows` gives (key, tag, latitude, longitude): a service's id, which of its locations,
    and where. Returns {key: (distance_km, tag)} with the exact `distance_km` of each key's
    nearest row; with `limit`, only the `limit` nearest keys (ties by key). The answer is
    what measuring every row would give, but a cheap estimate first sets aside the rows that
    cannot be in it, so a wide box round a city costs little more than a narrow one.
    """
    rows = list(rows)
    if rows and flat_holds(origin, within_km):
        flat: dict = {}
        measure = flat_measure(origin)
        for key, _tag, latitude, longitude in rows:
            estimate = measure(latitude, longitude)
            if estimate < flat.get(key, math.inf):
                flat[key] = estimate
        # Keys that may be within reach, then, with a limit, those that may be among the
        # nearest: the margin is squared because both the kept keys' estimates and the
        # others' may be off.
        reachable = sorted(e for e in flat.values() if e <= within_km * FLAT_MARGIN)
        cut = within_km * FLAT_MARGIN
        if limit is not None and len(reachable) > limit:
            cut = min(cut, reachable[limit - 1] * FLAT_MARGIN**2)
        rows = [row for row in rows if flat[row[0]] <= cut]
    found: dict = {}
    for key, tag, latitude, longitude in rows:
        distance = distance_km(origin, Point(latitude, longitude))
        if distance <= within_km and distance < found.get(key, (math.inf,))[0]:
            found[key] = (distance, tag)
    if limit is not None and len(found) > limit:
        kept = sorted(found, key=lambda key: (found[key][0], str(key)))[:limit]
        found = {key: found[key] for key in kept}
    return found


# --- Service areas ------------------------------------------------------------------------------


def area_contains(area: dict | None, point: Point) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon ([longitude, latitude] rings) holds `point`.

    Holes (a polygon's second and later rings) are outside. A point exactly on an edge may
    fall either way, which is fine for areas drawn round whole council districts.
    """
    if not area:
        return False
    kind, coordinates = area.get("type"), area.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    for rings in polygons:
        if (
            rings
            and _ring_contains(rings[0], point)
            and not any(_ring_contains(hole, point) for hole in rings[1:])
        ):
            return True
    return False


def _ring_contains(ring, point: Point) -> bool:
    # Ray casting: count the edges a ray from the point eastwards crosses.
    x, y = point.longitude, point.latitude
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
