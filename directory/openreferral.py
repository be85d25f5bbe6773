"""The Open Referral UK / HSDS 3.0 read API at /openreferral/ (DESIGN.md, "HTTP surface").

Plain Django views returning JSON, thin over `directory.hsds` (the records) and the query
functions below (the filters). Open to every origin and needing no key, because the point
is that any council directory can read us. Only active services are published; confidential
locations are masked exactly as in `export_hsds`, because both go through
`hsds.service_to_hsds`.

Bad parameters give 400 with a message per parameter, never a 500.
"""

import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps

from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import geo, hsds, search
from .models import Location, Organization, Service
from .openreferral_openapi import openapi_document

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
# A kilometre short of the length of Great Britain: enough for any real search, and a bound
# on the bounding box's size.
MAX_PROXIMITY_METRES = 1_000_000

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def open_cors(view):
    """Any origin may read; answer the preflight; refuse anything but reading, in JSON."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in ("GET", "HEAD"):
            response = _json({"detail": f"Method {request.method} is not allowed."}, status=405)
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            response = view(request, *args, **kwargs)
        for header, value in CORS_HEADERS.items():
            response[header] = value
        return response

    return wrapped


class BadParameters(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _bad(errors: dict[str, str]) -> JsonResponse:
    return _json({"detail": "Some parameters are not valid.", "errors": errors}, status=400)


def _not_found(what: str) -> JsonResponse:
    return _json({"detail": f"No {what} with that id."}, status=404)


def _path_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------- parameters


def _positive_int(query, name: str, default: int, errors: dict, maximum: int | None = None):
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[name] = f"{name} must be a whole number, not {raw[:40]!r}."
        return default
    if value < 1 or (maximum is not None and value > maximum):
        limit = f"from 1 to {maximum}" if maximum else "of at least 1"
        errors[name] = f"{name} must be a whole number {limit}."
        return default
    return value


def page_parameters(query, errors: dict) -> tuple[int, int]:
    page = _positive_int(query, "page", 1, errors)
    per_page = _positive_int(query, "per_page", DEFAULT_PER_PAGE, errors, MAX_PER_PAGE)
    return page, per_page


def _uuid(query, name: str, errors: dict) -> uuid.UUID | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        errors[name] = f"{name} must be a UUID, not {raw[:40]!r}."
        return None


def _number(query, name: str, errors: dict) -> float | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        errors[name] = f"{name} must be a number of at least 0, not {raw[:40]!r}."
        return None
    return value


def _moment(query, name: str, errors: dict) -> datetime | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(raw), datetime.min.time())
        except ValueError:
            errors[name] = (
                f"{name} must be a date or date and time in ISO 8601, like 2026-11-01 or "
                f"2026-11-01T09:00:00Z, not {raw[:40]!r}."
            )
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # Europe/London, like every time we show
    return moment


@dataclass(frozen=True)
class ServiceFilters:
    """The /services filters, checked. They combine with AND."""

    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None
    origin: geo.ResolvedLocation | None = None
    proximity_metres: float | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None


def service_filters(query) -> ServiceFilters:
    """Check the query string; raise `BadParameters` with a message per bad parameter."""
    errors: dict[str, str] = {}
    values = {
        "search": (query.get("search") or "").strip()[:200],
        "taxonomy_term_id": _uuid(query, "taxonomy_term_id", errors),
        "taxonomy_id": _uuid(query, "taxonomy_id", errors),
        "organization_id": _uuid(query, "organization_id", errors),
        "modified_after": _moment(query, "modified_after", errors),
        "minimum_age": _number(query, "minimum_age", errors),
        "maximum_age": _number(query, "maximum_age", errors),
    }
    proximity = _number(query, "proximity", errors)
    if proximity is not None and proximity > MAX_PROXIMITY_METRES:
        errors["proximity"] = f"proximity is in metres, at most {MAX_PROXIMITY_METRES:,}."
        proximity = None
    postcode = (query.get("postcode") or "").strip()
    origin = None
    if postcode:
        try:
            origin = geo.resolve_postcode(postcode)
        except geo.GeoError as exc:
            errors["postcode"] = exc.message
    elif "proximity" in query and "proximity" not in errors:
        errors["proximity"] = "proximity needs a postcode to measure from."
    page_parameters(query, errors)
    if errors:
        raise BadParameters(errors)
    return ServiceFilters(**values, origin=origin, proximity_metres=proximity)


# --------------------------------------------------------------------------- queries


def published_services() -> QuerySet[Service]:
    return Service.objects.filter(status=Service.Status.ACTIVE)


def filtered_service_ids(filters: ServiceFilters) -> list:
    """The ids of the published services that pass every filter, in the order to list them:
    nearest first when searching within a distance, else by name."""
    services = published_services()
    if filters.search:
        services = services.filter(id__in=search.matching_service_ids(filters.search))
    if filters.taxonomy_term_id:
        services = services.filter(hsds.taxonomy_term_filter(filters.taxonomy_term_id))
    if filters.taxonomy_id:
        services = services.filter(hsds.taxonomy_filter(filters.taxonomy_id))
    if filters.organization_id:
        services = services.filter(organization_id=filters.organization_id)
    if filters.modified_after:
        services = services.filter(last_modified__gte=filters.modified_after)
    # As the ORUK profile defines them: a minimum age of at least, a maximum age of at most.
    if filters.minimum_age is not None:
        services = services.filter(minimum_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        services = services.filter(maximum_age__lte=filters.maximum_age)
    services = services.distinct()

    if filters.origin is None:
        return list(services.order_by("name", "id").values_list("id", flat=True))
    point = filters.origin.point
    if filters.proximity_metres is None:
        return _covering(services, point)
    return _within(services, point, filters.proximity_metres / 1000)


def _covering(services: QuerySet[Service], point: geo.Point) -> list:
    """HSDS: with a postcode and no proximity, leave out the services whose area does not
    hold the postcode. Services with no area drawn are not bound to one."""
    outside = [
        service_id
        for service_id, area in services.filter(service_area__isnull=False).values_list(
            "id", "service_area"
        )
        if not geo.area_contains(area, point)
    ]
    return list(
        services.exclude(id__in=outside).order_by("name", "id").values_list("id", flat=True)
    )


def _within(services: QuerySet[Service], point: geo.Point, radius_km: float) -> list:
    """Services with a location within the radius, nearest first, then services with no
    address whose area holds the point (a local line, an IMHA), by name."""
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(point, radius_km)
    candidates = Location.objects.filter(
        latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
    ).values_list("service_at_locations__service_id", "latitude", "longitude")
    nearest: dict = {}
    for service_id, latitude, longitude in candidates:
        if service_id is None:
            continue
        distance = geo.distance_km(point, geo.Point(latitude, longitude))
        if distance <= radius_km and distance < nearest.get(service_id, math.inf):
            nearest[service_id] = distance
    names = dict(services.filter(id__in=list(nearest)).values_list("id", "name"))
    ordered = sorted(names, key=lambda sid: (nearest[sid], names[sid], str(sid)))
    area_only = services.filter(
        service_area__isnull=False, service_at_locations__isnull=True
    ).order_by("name", "id")
    ordered += [
        service_id
        for service_id, area in area_only.values_list("id", "service_area")
        if geo.area_contains(area, point)
    ]
    return ordered


def page_envelope(contents: list, total: int, page: int, per_page: int) -> dict:
    """The HSDS page envelope round one page of contents."""
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def hsds_services(ids: list) -> list[dict]:
    """HSDS records for these service ids, in the order given."""
    loaded = hsds.hsds_service_queryset().in_bulk(ids)
    return [hsds.service_to_hsds(loaded[service_id]) for service_id in ids if service_id in loaded]


def _paged(items: list, query) -> tuple[list, int, int]:
    errors: dict[str, str] = {}
    page, per_page = page_parameters(query, errors)
    if errors:
        raise BadParameters(errors)
    start = (page - 1) * per_page
    return items[start : start + per_page], page, per_page


# --------------------------------------------------------------------------- views


@open_cors
def api_root(request):
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": hsds.PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("openreferral:openapi")),
        }
    )


@open_cors
def openapi(request):
    base_url = request.build_absolute_uri(reverse("openreferral:root")).rstrip("/")
    return _json(openapi_document(base_url))


@open_cors
def service_list(request):
    try:
        filters = service_filters(request.GET)
        ids = filtered_service_ids(filters)
        page_ids, page, per_page = _paged(ids, request.GET)
    except BadParameters as bad:
        return _bad(bad.errors)
    return _json(page_envelope(hsds_services(page_ids), len(ids), page, per_page))


@open_cors
def service_detail(request, id):
    service_id = _path_uuid(id)
    published = service_id and published_services().filter(id=service_id).exists()
    records = hsds_services([service_id]) if published else []
    if not records:
        return _not_found("service")
    return _json(records[0])


@open_cors
def taxonomy_list(request):
    try:
        items, page, per_page = _paged(hsds.hsds_taxonomies(), request.GET)
    except BadParameters as bad:
        return _bad(bad.errors)
    return _json(page_envelope(items, len(hsds.TAXONOMY_ORDER), page, per_page))


@open_cors
def taxonomy_detail(request, id):
    for taxonomy in hsds.hsds_taxonomies():
        if taxonomy["id"] == str(id):
            return _json(taxonomy)
    return _not_found("taxonomy")


@open_cors
def taxonomy_term_list(request):
    errors: dict[str, str] = {}
    taxonomy_id = _uuid(request.GET, "taxonomy_id", errors)
    page_parameters(request.GET, errors)
    if errors:
        return _bad(errors)
    terms = hsds.hsds_taxonomy_terms()
    if taxonomy_id is not None:
        terms = [term for term in terms if term["taxonomy_id"] == str(taxonomy_id)]
    items, page, per_page = _paged(terms, request.GET)
    return _json(page_envelope(items, len(terms), page, per_page))


@open_cors
def taxonomy_term_detail(request, id):
    for term in hsds.hsds_taxonomy_terms():
        if term["id"] == str(id):
            return _json(term)
    return _not_found("taxonomy term")


def published_organizations() -> QuerySet[Organization]:
    # Only organisations with a published service: an imported listing that no moderator
    # has checked yet must not put its contact details in front of the public.
    return Organization.objects.filter(
        id__in=published_services().values("organization_id")
    ).order_by("name", "id")


@open_cors
def organization_list(request):
    errors: dict[str, str] = {}
    page, per_page = page_parameters(request.GET, errors)
    if errors:
        return _bad(errors)
    organizations = published_organizations()
    total = organizations.count()
    start = (page - 1) * per_page
    contents = [hsds.organization_to_hsds(o) for o in organizations[start : start + per_page]]
    return _json(page_envelope(contents, total, page, per_page))


@open_cors
def organization_detail(request, id):
    organization_id = _path_uuid(id)
    organization = organization_id and published_organizations().filter(id=organization_id).first()
    if organization is None:
        return _not_found("organization")
    return _json(hsds.organization_to_hsds(organization))
