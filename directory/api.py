"""The read-only directory API under /api/v1/."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from . import listings, selectors, vocabulary
from .filters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ServiceFilterSet
from .models import Language, Service
from .serializers import LanguageSerializer, SearchResultSerializer, ServiceSerializer


def _codes(taxonomy) -> str:
    return ", ".join(f"`{term.code}`" for term in vocabulary.VOCABULARY[taxonomy])


# Every search parameter, with the codes it accepts, for the OpenAPI schema and docs.
SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q", str, description="Search words (ranked full text), at most 200 characters."
    ),
    OpenApiParameter(
        "postcode", str, description="A full postcode (SE15 4QT, se154qt) or a district (SE15)."
    ),
    OpenApiParameter("place", str, description="A town or place in the gazetteer, e.g. Peckham."),
    OpenApiParameter("lat", float, description="Latitude, with `lon`, instead of a postcode."),
    OpenApiParameter("lon", float, description="Longitude, with `lat`."),
    OpenApiParameter("radius_km", float, description="How far to look: 0.1 to 200 km, default 10."),
    OpenApiParameter(
        "service_type",
        str,
        description="Comma-separated, any of: " + _codes(vocabulary.SERVICE_TYPE),
    ),
    OpenApiParameter(
        "need", str, description="Comma-separated, any of: " + _codes(vocabulary.NEED)
    ),
    OpenApiParameter(
        "community",
        str,
        description="Comma-separated; a parent includes its children (`south_asian` finds "
        "`pakistani`). Any of: " + _codes(vocabulary.COMMUNITY),
    ),
    OpenApiParameter(
        "access", str, description="Comma-separated, any of: " + _codes(vocabulary.ACCESS_ROUTE)
    ),
    OpenApiParameter(
        "language",
        str,
        description="Comma-separated BCP 47 codes (staff or interpreter), e.g. "
        + ", ".join(f"`{entry.code}`" for entry in vocabulary.LANGUAGES)
        + ". `/api/v1/languages/` lists them all.",
    ),
    OpenApiParameter("free", bool, description="`true`: free services only."),
    OpenApiParameter(
        "national", bool, description="`true`: national phone and online services only."
    ),
    OpenApiParameter("open_now", bool, description="`true`: open now (Europe/London time)."),
    OpenApiParameter(
        "open_at",
        OpenApiTypes.DATETIME,
        description="ISO 8601; open at that moment. Without a zone, London time.",
    ),
    OpenApiParameter(
        "ordering",
        str,
        enum=["relevance", "distance", "name"],
        description="`relevance` (default: nearest first near a place, best text match "
        "otherwise), `distance` (needs a place) or `name`.",
    ),
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter(
        "page_size", int, description=f"Results a page, 1 to {MAX_PAGE_SIZE}; default 20."
    ),
]


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Active services. The list is the directory search: every filter of the search page,
    by the same names, with `distance_km`, `open_now`, `closes_at` and `next_opens_at` on each
    result. Bad parameters give 400 with a message per parameter."""

    serializer_class = ServiceSerializer
    lookup_field = "id"
    lookup_value_regex = "[0-9a-f-]{36}"
    filter_backends = []  # The FilterSet is run by service_search, with paging and distance.

    def get_queryset(self):
        return selectors.service_list()

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses={
            200: inline_serializer(
                "ServiceSearchPage",
                {
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "page_size": serializers.IntegerField(),
                    "total_pages": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "moment": serializers.DateTimeField(),
                    "origin": serializers.DictField(allow_null=True),
                    "results": SearchResultSerializer(many=True),
                },
            ),
            400: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
        },
    )
    def list(self, request, *args, **kwargs):
        filterset = ServiceFilterSet(
            request.query_params, queryset=Service.objects.active(), now=timezone.now()
        )
        if not filterset.is_valid():
            return Response(filterset.errors, status=status.HTTP_400_BAD_REQUEST)
        cleaned = filterset.form.cleaned_data
        page_size = cleaned.get("page_size") or DEFAULT_PAGE_SIZE
        page_number = cleaned.get("page") or 1
        try:
            page = selectors.search_hits(filterset, page=page_number, page_size=page_size)
        except selectors.PageOutOfRange as error:
            return Response(
                {"page": [f"There is no page {page_number}. The last page is {error.last_page}."]},
                status=status.HTTP_404_NOT_FOUND,
            )
        # Built from plain records rather than through SearchResultSerializer (which still
        # documents the shape): the hottest read, and a test holds the two to one answer.
        results = listings.search_results(page, request)
        return Response(
            {
                "count": page.count,
                "page": page.number,
                "page_size": page.page_size,
                "total_pages": page.num_pages,
                "next": self._page_link(request, page.number + 1) if page.has_next else None,
                "previous": self._page_link(request, page.number - 1)
                if page.has_previous
                else None,
                "moment": page.moment.isoformat(),
                "origin": _origin(page),
                "results": results,
            }
        )

    @staticmethod
    def _page_link(request, number):
        query = request.query_params.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _origin(page):
    if page.origin is None:
        return None
    origin = page.origin
    return {
        "label": origin.label,
        "precision": origin.precision,
        "latitude": origin.point.latitude,
        "longitude": origin.point.longitude,
        "nation": origin.nation or None,
        "radius_km": page.radius_km,
        "note": origin.note or None,
    }


class LanguageViewSet(viewsets.ReadOnlyModelViewSet):
    """Every language the directory knows, named in English and in its own script."""

    serializer_class = LanguageSerializer
    queryset = Language.objects.order_by("name")
    pagination_class = None
