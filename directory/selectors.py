"""Reads from the directory. Views, the API and (later) the pathway engine call these."""

import math
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Prefetch, QuerySet

from . import geo, hours, listings, search, vocabulary
from .listings import LanguageMatch, language_matches
from .models import Location, Phone, Schedule, Service, ServiceAtLocation, ServiceLanguage


def service_queryset() -> QuerySet[Service]:
    """Services with everything a listing shows, in a fixed number of queries.

    One query for the services and one per related set, whatever the page size.
    """
    return Service.objects.select_related("organization", "assured_by").prefetch_related(
        "service_types",
        "needs",
        "communities",
        "access_routes",
        Prefetch(
            "referral_partners",
            queryset=Service.objects.only("id", "slug", "name").order_by("name", "id"),
        ),
        Prefetch(
            "languages",
            queryset=ServiceLanguage.objects.select_related("language").order_by(
                "language__name", "provision", "id"
            ),
        ),
        Prefetch(
            "phones",
            queryset=Phone.objects.prefetch_related("languages").order_by("type", "number", "id"),
        ),
        Prefetch("schedules", queryset=Schedule.objects.order_by("weekday", "opens_at", "id")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by(
                "location__town", "location__name", "location_id"
            ),
        ),
        Prefetch(
            "service_at_locations__schedules",
            queryset=Schedule.objects.order_by("weekday", "opens_at", "id"),
        ),
    )


def service_list(*, crisis_only: bool = False) -> QuerySet[Service]:
    """Active services, ready to list; `crisis_only` keeps the crisis alternatives."""
    services = service_queryset().active()
    if crisis_only:
        services = services.filter(
            service_types__code__in=vocabulary.CRISIS_ALTERNATIVE_TYPES
        ).distinct()
    return services.order_by("name", "id")


def service_detail(*, slug: str) -> Service:
    """One active service by slug, or Service.DoesNotExist."""
    return service_queryset().active().get(slug=slug)


def service_locations(service: Service) -> list[Location]:
    """The service's locations, using the prefetched rows."""
    return [sal.location for sal in service.service_at_locations.all()]


@dataclass(frozen=True)
class SearchResult:
    service: Service
    distance_km: float | None
    location: Location | None  # the nearest of the service's locations, when searching near
    open_state: hours.OpenState
    text_score: float | None
    language_matches: tuple[LanguageMatch, ...]

    @property
    def national(self) -> bool:
        return self.service.national


class _Paged:
    """Which page of how many, for a page with `count`, `number` and `page_size`."""

    count: int
    number: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


@dataclass(frozen=True)
class SearchPage(_Paged):
    results: list[SearchResult]
    count: int
    number: int
    page_size: int
    moment: datetime
    origin: object | None  # geo.ResolvedLocation
    radius_km: float


@dataclass(frozen=True)
class Hit:
    """One service found: how far its nearest location is, and how well the text matched."""

    service_id: object
    distance_km: float | None
    location_id: object | None
    text_score: float | None

    @property
    def rounded_distance_km(self) -> float | None:
        return round(self.distance_km, 1) if self.distance_km is not None else None


@dataclass(frozen=True)
class HitPage(_Paged):
    """One page of a search as ids, before anything about the services is read."""

    hits: list[Hit]
    count: int
    number: int
    page_size: int
    moment: datetime
    origin: object | None
    radius_km: float
    language_codes: tuple[str, ...]


class PageOutOfRange(Exception):
    def __init__(self, last_page: int):
        super().__init__(f"There are only {last_page} pages.")
        self.last_page = last_page


def service_spans(service: Service, location: Location | None = None):
    """The opening spans that apply: the location's own, else the service's."""
    if location is not None:
        for sal in service.service_at_locations.all():
            if sal.location_id == location.id and sal.schedules.all():
                return list(sal.schedules.all())
    return list(service.schedules.all())


def service_nation(service: Service, location: Location | None = None) -> str:
    """Whose bank holidays apply: the location's nation, else the first location's, else England."""
    if location is not None:
        return location.nation
    for sal in service.service_at_locations.all():
        return sal.location.nation
    return "england"


def search_hits(filterset, *, page: int = 1, page_size: int = 20) -> HitPage:
    """Run a validated ServiceFilterSet: distances, ordering and one page of ids.

    Local services are those with a location inside the radius; national phone and online
    services are included after them, with no distance. The cost follows the services near
    the person: the database narrows to a bounding box, then distances are exact.
    Raises PageOutOfRange for a page past the last.
    """
    cleaned = filterset.form.cleaned_data
    queryset = filterset.qs
    origin = cleaned.get("origin")
    text = (cleaned.get("q") or "").strip()
    ordering = filterset.search_ordering
    radius_km = filterset.search_radius_km
    start = (page - 1) * page_size
    distances: dict = {}
    scores: dict = {}

    if origin is not None:
        filters = _compiled_filters(queryset)
        local_rows, national_ids = (
            _local_and_national(filters, geo.bounding_box(origin.point, radius_km))
            if filters is not None
            else ([], [])
        )
        names: dict = {}
        area_ids = []
        for service_id, name, location_id, latitude, longitude, area in local_rows:
            if location_id is None:
                # No address, but an area (a local crisis line, an IMHA): in it or not.
                if geo.area_contains(listings.json_value(area), origin.point):
                    area_ids.append(service_id)
                    names[service_id] = name
                continue
            names[service_id] = name
            distance = geo.distance_km(origin.point, geo.Point(latitude, longitude))
            if distance <= radius_km and (
                service_id not in distances or distance < distances[service_id][0]
            ):
                distances[service_id] = (distance, location_id)

        def local_key(service_id):
            # Near a place, every match is relevant and the nearest comes first; the text
            # decides what is found, and relevance ranks only a search with no place.
            if ordering == "name":
                return (names[service_id], str(service_id))
            return (distances[service_id][0], names[service_id], str(service_id))

        # The nearby services, then those whose area holds the point, then national ones.
        local_ids = sorted(distances, key=local_key) + sorted(
            area_ids, key=lambda service_id: (names[service_id], str(service_id))
        )
        national_count = len(national_ids)
        count = len(local_ids) + national_count
        _check_page(page, page_size, count)
        page_ids = local_ids[start : start + page_size]
        remaining = page_size - len(page_ids)
        if remaining > 0:
            offset = max(0, start - len(local_ids))
            if text and ordering == "relevance":
                # National services are ranked by how well the text matches them.
                national = queryset.filter(national=True)
                page_ids += _ordered_ids(national, text, ordering, remaining, offset, scores)
            else:
                page_ids += national_ids[offset : offset + remaining]
    else:
        count = queryset.count()
        _check_page(page, page_size, count)
        page_ids = _ordered_ids(queryset, text, ordering, page_size, start, scores)

    return HitPage(
        hits=[
            Hit(
                service_id=listings.as_uuid(service_id),
                distance_km=distances[service_id][0] if service_id in distances else None,
                location_id=listings.as_uuid(distances[service_id][1])
                if service_id in distances
                else None,
                text_score=scores.get(service_id),
            )
            for service_id in page_ids
        ],
        count=count,
        number=page,
        page_size=page_size,
        moment=filterset.moment,
        origin=origin,
        radius_km=radius_km,
        language_codes=tuple(cleaned.get("language") or ()),
    )


def service_search(filterset, *, page: int = 1, page_size: int = 20) -> SearchPage:
    """One page of results as model instances, for the search page's templates."""
    found = search_hits(filterset, page=page, page_size=page_size)
    services = service_queryset().in_bulk([hit.service_id for hit in found.hits])
    results = []
    for hit in found.hits:
        service = services[hit.service_id]
        location = next(
            (
                sal.location
                for sal in service.service_at_locations.all()
                if sal.location_id == hit.location_id
            ),
            None,
        )
        results.append(
            SearchResult(
                service=service,
                distance_km=hit.rounded_distance_km,
                location=location,
                open_state=hours.open_state(
                    service_spans(service, location),
                    found.moment,
                    service_nation(service, location),
                ),
                text_score=hit.text_score,
                language_matches=language_matches(
                    (
                        (sl.language_id, sl.language.name, sl.provision)
                        for sl in service.languages.all()
                    ),
                    found.language_codes,
                ),
            )
        )
    return SearchPage(
        results=results,
        count=found.count,
        number=found.number,
        page_size=found.page_size,
        moment=found.moment,
        origin=found.origin,
        radius_km=found.radius_km,
    )


def _compiled_filters(queryset: QuerySet[Service]) -> tuple[str, list] | None:
    """The conditions of a queryset of services as SQL over the service table, with their
    parameters; None when nothing can match.

    The FilterSet stays the one definition of every filter; the local search compiles its
    conditions once and writes the statements round them itself, to fix the order the
    database reads in (`_local_and_national`).
    """
    query = queryset.query
    if set(query.alias_map) - {query.base_table}:
        # A filter that joins another table would need that join in the statements too.
        raise ValueError("Search filters must stay on the service table (EXISTS, not joins).")
    try:
        sql, params = query.get_compiler(using=queryset.db).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "1 = 1", []
    return f"({sql})", list(params)


# The local services: those with an address in the box (read from the box's covering index,
# then each address's service), and those with no address but an area that may hold the
# point (read from the small partial index of services with an area). One condition with an
# OR instead makes SQLite read every service in the country.
LOCAL_SQL = """
    SELECT {service}.id, {service}.name, l.id, l.latitude, l.longitude, NULL
    FROM {location} l
    JOIN {place} sal ON sal.location_id = l.id
    JOIN {service} ON {service}.id = sal.service_id
    WHERE l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s
    AND NOT {service}.national AND {{filters}}
    UNION ALL
    SELECT {service}.id, {service}.name, NULL, NULL, NULL, {service}.service_area
    FROM {service}
    WHERE {service}.service_area IS NOT NULL AND NOT {service}.national
    AND NOT EXISTS (SELECT 1 FROM {place} sal WHERE sal.service_id = {service}.id)
    AND {{filters}}
"""
# National services, from their covering partial index. A bare `national` (as Django writes
# it) is what lets SQLite match that index.
NATIONAL_SQL = """
    SELECT {service}.id FROM {service}
    WHERE {service}.national AND {{filters}}
    ORDER BY {service}.name, {service}.id
"""


def _local_and_national(filters: tuple[str, list], box) -> tuple[list[tuple], list]:
    """The local rows (service id, name, location id, latitude, longitude, area) and the
    national service ids, by name, that pass `filters`; ids as the database gives them."""
    where, params = filters
    with connection.cursor() as cursor:
        cursor.execute(
            listings.statement(LOCAL_SQL).format(filters=where), [*box, *params, *params]
        )
        local_rows = cursor.fetchall()
        cursor.execute(listings.statement(NATIONAL_SQL).format(filters=where), params)
        national_ids = [service_id for (service_id,) in cursor.fetchall()]
    return local_rows, national_ids


def _check_page(page: int, page_size: int, count: int) -> None:
    last_page = max(1, math.ceil(count / page_size))
    if page > last_page:
        raise PageOutOfRange(last_page)


def _ordered_ids(queryset, text, ordering, limit, offset, scores) -> list:
    """One page of ids from the database: by text relevance, or by name."""
    if text and ordering == "relevance":
        ranked = search.ranked_service_ids(text, among=queryset, limit=limit, offset=offset)
        scores.update(ranked)
        return [service_id for service_id, _score in ranked]
    return list(
        queryset.order_by("name", "id").values_list("id", flat=True)[offset : offset + limit]
    )
