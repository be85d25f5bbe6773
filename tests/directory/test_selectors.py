"""The local search compiles the FilterSet's conditions once and writes its own statements
round them; the conditions must mean there exactly what they mean to the ORM."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from directory import listings, selectors
from directory.filters import ServiceFilterSet
from directory.models import Service

pytestmark = pytest.mark.django_db


def _ids_through_compiled(queryset) -> set:
    compiled = selectors._compiled_filters(queryset)
    if compiled is None:
        return set()
    where, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(
            listings.statement("SELECT {service}.id FROM {service} WHERE {{filters}}").format(
                filters=where
            ),
            params,
        )
        return {listings.as_uuid(service_id) for (service_id,) in cursor.fetchall()}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "service_type=peer_support,talking_therapy",
        "community=south_asian&language=pa",
        "access=self_referral&free=true",
        "need=crisis_now&open_at=2026-12-01T23:30",
        "q=listening&national=true",
        "q=zzzznothing",
        "open_now=true&language=ur,bn",
    ],
)
def test_the_compiled_filters_select_what_the_queryset_selects(demo_directory, query):
    filterset = ServiceFilterSet(
        QueryDict(query), queryset=Service.objects.active(), now=timezone.now()
    )
    assert filterset.is_valid(), filterset.errors
    expected = set(filterset.qs.values_list("id", flat=True))
    assert _ids_through_compiled(filterset.qs) == expected
    if query == "":
        assert len(expected) > 60  # the demo directory, every active service


def test_a_queryset_that_can_match_nothing_compiles_to_none(demo_directory):
    assert selectors._compiled_filters(Service.objects.none()) is None


def test_a_filter_that_joins_another_table_is_refused(demo_directory):
    # The statements have no such join; silently dropping it would widen the search.
    with pytest.raises(ValueError, match="service table"):
        selectors._compiled_filters(Service.objects.filter(organization__name="x"))
