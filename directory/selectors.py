"""Reads from the directory. Views, the API and (later) the pathway engine call these."""

from django.db.models import Prefetch, QuerySet

from . import vocabulary
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
        Prefetch("referral_partners", queryset=Service.objects.only("id", "slug", "name")),
        Prefetch(
            "languages",
            queryset=ServiceLanguage.objects.select_related("language").order_by(
                "language__name", "provision"
            ),
        ),
        Prefetch(
            "phones",
            queryset=Phone.objects.prefetch_related("languages").order_by("type", "number"),
        ),
        Prefetch("schedules", queryset=Schedule.objects.order_by("weekday", "opens_at")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by(
                "location__town", "location__name"
            ),
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
