"""The thin layer between the directory and the engine: database rows in, snapshots out.

It narrows candidates the way search does (an indexed bounding box round the person, then
exact distances), adds national services and services whose area holds the person, and
copies each into a frozen `ServiceSnapshot`. The engine never sees the ORM.
"""

import functools
import math
from datetime import date

from django.utils import timezone

from directory import geo, hours, listings
from directory.models import Service

from .engine import PhoneLine, ServiceSnapshot

# Candidates are gathered a little beyond the person's limit, so that a gap can point to
# the nearest service further away.
REACH_FACTOR = 2
MAX_REACH_KM = 200


# Bounds on what one plan reads, so its cost does not grow with the country: the nearest
# local services (more than any section shows), and national or area-wide ones that fit.
MAX_LOCAL_CANDIDATES = 60
MAX_WIDE_CANDIDATES = 20
# Where the search for the nearest services starts: a box this wide round the person, and
# this many of its locations, nearest first (most services have one or two addresses).
FIRST_RADIUS_KM = 2.5
FIRST_ROWS = 2 * MAX_LOCAL_CANDIDATES


def candidates_near(
    origin: geo.ResolvedLocation | None, max_distance_km: float, needs: tuple[str, ...] = ()
) -> list:
    """Snapshots of the active services a plan may draw on, for a person at `origin`."""
    reach = min(max_distance_km * REACH_FACTOR, MAX_REACH_KM)
    distances: dict = {}
    if origin is not None:
        distances = {
            listings.as_uuid(service_id): distance
            for service_id, (distance, _) in _nearest(origin.point, reach).items()
        }
    wanted = set(distances)
    # Only the national lines that help with something asked for (a plan shows a few), and
    # the services whose area holds the person (an IMHA, a local crisis line), with or
    # without an address near them.
    wanted.update(listings.national_service_ids(needs, MAX_WIDE_CANDIDATES))
    if origin is not None:
        wanted.update(listings.area_service_ids(origin.point, MAX_WIDE_CANDIDATES))
    # Looked up by id alone, then the inactive dropped in Python: asking the database for
    # status as well makes SQLite walk every service in the country.
    records = listings.read_services(wanted)
    page_link = listings.service_page_link()
    today = timezone.localdate()
    return [
        snapshot(
            record,
            origin,
            distances[record.id] if record.id in distances else _distance(record, origin, reach),
            page_link,
            today,
        )
        for record in sorted(records.values(), key=lambda record: (record.name, str(record.id)))
        if record.status == Service.Status.ACTIVE
    ]


# Spans recur across services (office hours), and their records are shared: so are these.
_span = functools.lru_cache(maxsize=4096)(hours.Span.of)


def _nearest(point: geo.Point, reach: float) -> dict:
    """The MAX_LOCAL_CANDIDATES services nearest `point` within `reach`, any status.

    It looks in a small box first (FIRST_RADIUS_KM), doubling it until the box holds
    enough services or reaches `reach`: in a city the nearest services are a kilometre or
    two away, and the box round them is all the database reads. In each box the database
    hands over the locations nearest first by `geo.flat_km`, a few hundred at a time, and
    stops once every row not yet read lies further (by more than the flat measure's error)
    than the farthest service kept. The answer is exactly what measuring every location
    within reach would give.
    """
    if not geo.flat_holds(point, reach):
        rows = listings.service_points_in_box(geo.bounding_box(point, reach))
        return geo.nearest(point, rows, reach, limit=MAX_LOCAL_CANDIDATES)
    radius, wanted = min(FIRST_RADIUS_KM, reach), FIRST_ROWS
    while True:
        box = geo.bounding_box(point, radius)
        rows = listings.service_points_nearest_first(box, point, wanted)
        if len(rows) < wanted and radius < reach and not _may_hold_enough(point, rows, radius):
            radius = min(radius * 2, reach)  # too few, without measuring any exactly
            continue
        found = geo.nearest(point, rows, radius, limit=MAX_LOCAL_CANDIDATES)
        enough = len(found) >= MAX_LOCAL_CANDIDATES
        # No row of the box left unread is nearer than this (every one, when all were read).
        unread_from = (
            geo.flat_km(point, rows[-1][2], rows[-1][3]) / geo.FLAT_MARGIN
            if len(rows) == wanted
            else math.inf
        )
        farthest_needed = max(distance for distance, _ in found.values()) if enough else radius
        if farthest_needed >= unread_from:
            wanted *= 4  # something unread may still count: read further into this box
        elif enough or radius >= reach:
            return found
        else:
            # Every service within `radius` is known, and there are too few: look wider.
            radius = min(radius * 2, reach)


def _may_hold_enough(point: geo.Point, rows, radius: float) -> bool:
    """Whether MAX_LOCAL_CANDIDATES services may be within `radius`, by the flat measure
    with its error allowed for: when not, there are certainly fewer."""
    measure = geo.flat_measure(point)
    limit = radius * geo.FLAT_MARGIN
    nearby = {
        key for key, _tag, latitude, longitude in rows if measure(latitude, longitude) <= limit
    }
    return len(nearby) >= MAX_LOCAL_CANDIDATES


def _distance(record: listings.ServiceRecord, origin, reach: float) -> float | None:
    """How far the nearest of a service's locations is, if within reach: for the services
    that came in as area-wide rather than as one of the nearest."""
    if origin is None or not record.locations:
        return None
    found = geo.nearest(
        origin.point,
        ((record.id, None, loc.latitude, loc.longitude) for loc in record.locations),
        reach,
    )
    return found[record.id][0] if found else None


def snapshot(
    record: listings.ServiceRecord,
    origin,
    distance_km: float | None,
    page_link,
    today: date | None = None,
) -> ServiceSnapshot:
    """A frozen copy of what the engine needs to know about one service.

    `page_link` gives a service page's address from its slug (`listings.service_page_link`);
    `today` decides whether the listing is stale (by default, today in London).
    """
    in_area = None
    if record.service_area and origin is not None:
        in_area = geo.area_contains(record.service_area, origin.point)
    return ServiceSnapshot(
        id=str(record.id),
        slug=record.slug,
        name=record.name,
        organization=record.organization.name,
        url=page_link(record.slug),
        phones=tuple(
            PhoneLine(
                number=phone.number,
                type=phone.type,
                description=phone.description,
                languages=tuple(sorted(phone.languages)),
            )
            for phone in record.phones
        ),
        service_types=frozenset(record.service_types),
        needs=frozenset(record.needs),
        communities=frozenset(record.communities),
        access_routes=frozenset(record.access_routes),
        languages=tuple((language.code, language.provision) for language in record.languages),
        minimum_age=record.minimum_age,
        maximum_age=record.maximum_age,
        gender=record.gender,
        national=record.national,
        distance_km=None if record.national else distance_km,
        in_service_area=in_area,
        spans=tuple(_span(span) for span in record.spans()),
        nation=record.nation(),
        ethnic_minority_led=record.organization.ethnic_minority_led,
        user_led=record.organization.user_led,
        free=record.free,
        assured_date=record.assured_date,
        stale=record.is_stale(today or timezone.localdate()),
        referral_partner_ids=frozenset(str(partner.id) for partner in record.referral_partners),
    )
