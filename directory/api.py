"""The read-only directory API under /api/v1/."""

from rest_framework import viewsets

from . import selectors
from .models import Language
from .serializers import LanguageSerializer, ServiceSerializer


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Active services, with their organisation, vocabulary codes, languages, locations,
    phones and opening hours."""

    serializer_class = ServiceSerializer
    lookup_field = "id"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return selectors.service_list()


class LanguageViewSet(viewsets.ReadOnlyModelViewSet):
    """Every language the directory knows, named in English and in its own script."""

    serializer_class = LanguageSerializer
    queryset = Language.objects.order_by("name")
    pagination_class = None
