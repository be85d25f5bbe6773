"""The thin layer between the directory and the engine: database rows in, snapshots out.

It narrows candidates the way search does (an indexed bounding box round the person, then
exact distances), adds national services and services whose area holds the person, and
copies each into a frozen `ServiceSnapshot`. The engine never sees the ORM.
"""

from django.utils import timezone

from directory import geo, hours, selectors
from directory.models import Service, ServiceAtLocation

from .engine import PhoneLine, ServiceSnapshot

# Candidates are gathered a little beyond the person's limit, so that a gap can point to
# the nearest service further away.
REACH_FACTOR = 2
MAX_REACH_KM = 200


# Bounds on what one plan reads, so its cost does not grow with the country: the nearest
# local services (more than any section shows), and national or area-wide ones that fit.
MAX_LOCAL_CANDIDATES = 60
MAX_WIDE_CANDIDATES = 20


def candidates_near(
    origin: geo.ResolvedLocation | None, max_distance_km: float, needs: tuple[str, ...] = ()
) -> list:
    """Snapshots of the active services a plan may draw on, for a person at `origin`."""
    reach = min(max_distance_km * REACH_FACTOR, MAX_REACH_KM)
    active = Service.objects.active()
    distances: dict = {}
    if origin is not None:
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(origin.point, reach)
        in_box = (
            # No join to the service here: on SQLite it turns the indexed box into a scan.
            # Inactive services drop out when the snapshots are read, below.
            ServiceAtLocation.objects.filter(
                location__latitude__range=(min_lat, max_lat),
                location__longitude__range=(min_lon, max_lon),
            )
            .order_by()
            .values_list("service_id", "location__latitude", "location__longitude")
        )
        for service_id, latitude, longitude in in_box:
            distance = geo.distance_km(origin.point, geo.Point(latitude, longitude))
            if distance <= reach and distance < distances.get(service_id, float("inf")):
                distances[service_id] = distance
    nearest = sorted(distances, key=lambda service_id: (distances[service_id], str(service_id)))
    wanted = set(nearest[:MAX_LOCAL_CANDIDATES])
    national = active.filter(national=True)
    if needs:
        # Only the national lines that help with something asked for; a plan shows a few.
        national = national.filter(needs__code__in=needs)
    wanted.update(
        national.order_by("name", "id")
        .values_list("id", flat=True)
        .distinct()[:MAX_WIDE_CANDIDATES]
    )
    if origin is not None:
        # Services with an area (an IMHA, a local crisis line), with or without an address:
        # the engine needs to know whether the person is inside it.
        wanted.update(
            active.filter(service_area__isnull=False)
            .order_by("name", "id")
            .values_list("id", flat=True)[:MAX_WIDE_CANDIDATES]
        )
    # Looked up by id alone, then the inactive dropped in Python: asking the database for
    # status as well makes SQLite walk the status index over the whole directory.
    services = selectors.service_queryset().filter(id__in=wanted)
    return [
        snapshot(service, origin, distances.get(service.id))
        for service in services
        if service.status == Service.Status.ACTIVE
    ]


def snapshot(service: Service, origin, distance_km: float | None) -> ServiceSnapshot:
    """A frozen copy of what the engine needs to know about one service."""
    in_area = None
    if service.service_area and origin is not None:
        in_area = geo.area_contains(service.service_area, origin.point)
    return ServiceSnapshot(
        id=str(service.id),
        slug=service.slug,
        name=service.name,
        organization=service.organization.name,
        url=f"/services/{service.slug}/",
        phones=tuple(
            PhoneLine(
                number=phone.number,
                type=phone.type,
                description=phone.description,
                languages=tuple(sorted(language.code for language in phone.languages.all())),
            )
            for phone in service.phones.all()
        ),
        service_types=frozenset(term.code for term in service.service_types.all()),
        needs=frozenset(term.code for term in service.needs.all()),
        communities=frozenset(term.code for term in service.communities.all()),
        access_routes=frozenset(term.code for term in service.access_routes.all()),
        languages=tuple(
            (service_language.language_id, service_language.provision)
            for service_language in service.languages.all()
        ),
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        gender=service.gender,
        national=service.national,
        distance_km=None if service.national else distance_km,
        in_service_area=in_area,
        spans=tuple(hours.Span.of(span) for span in selectors.service_spans(service)),
        nation=selectors.service_nation(service),
        ethnic_minority_led=service.organization.ethnic_minority_led,
        user_led=service.organization.user_led,
        free=service.free,
        assured_date=service.assured_date,
        stale=service.is_stale(timezone.localdate()),
        referral_partner_ids=frozenset(
            str(partner.id) for partner in service.referral_partners.all()
        ),
    )
