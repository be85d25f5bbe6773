"""The demo directory through the HSDS exchange: every record valid, and the exact round trip.

In its own module because the demo is loaded once per module (tests/conftest.py) and would
otherwise be present in every other test of the export and import modules.
"""

import json

import pytest

from directory import search
from directory.models import Location, Organization, Service, ServiceSearchDocument
from tests.directory.hsds_support import (
    export_records,
    run,
    schema_errors,
    service_schema_validator,
)

pytestmark = pytest.mark.django_db


def test_every_exported_demo_record_validates_against_the_hsds_schema(
    demo_directory, shared_data, tmp_path
):
    validator = service_schema_validator(shared_data)
    records = export_records(tmp_path)
    assert len(records) == Service.objects.active().count() > 60
    problems = {record["name"]: schema_errors(validator, record) for record in records}
    assert {name: errors for name, errors in problems.items() if errors} == {}


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_records(
    demo_directory, tmp_path
):
    first = tmp_path / "first.json"
    run("export_hsds", "--out", str(first))
    Service.objects.all().delete()
    Organization.objects.all().delete()
    Location.objects.all().delete()
    assert ServiceSearchDocument.objects.count() == 0

    output = run("import_hsds", str(first))

    assert "Imported 68 services (68 new, 0 updated)" in output
    second = tmp_path / "second.json"
    run("export_hsds", "--out", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    # The imported services are found by text search: the index was rebuilt.
    assert ServiceSearchDocument.objects.count() == 68
    punjabi = Service.objects.filter(id__in=search.matching_service_ids("punjabi"))
    assert punjabi.exists()
    records = json.loads(second.read_text(encoding="utf-8"))
    assert len(records) == 68


def test_the_import_indexes_the_same_words_as_a_rebuild_of_the_index(demo_directory, tmp_path):
    path = tmp_path / "demo.json"
    run("export_hsds", "--out", str(path))
    Service.objects.all().delete()
    Organization.objects.all().delete()
    Location.objects.all().delete()
    run("import_hsds", str(path))

    def words():
        return {
            doc.service_id: (sorted(doc.title.split()), sorted(doc.body.split()))
            for doc in ServiceSearchDocument.objects.all()
        }

    imported = words()
    search.rebuild_all()
    assert imported == words()
