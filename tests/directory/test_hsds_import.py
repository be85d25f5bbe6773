"""import_hsds: checked, all-or-nothing, idempotent upserts of HSDS 3.0 service records."""

import copy
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from directory import hsds, vocabulary
from directory.models import (
    Language,
    Location,
    Organization,
    Place,
    Service,
    ServiceAttribute,
    ServiceLanguage,
)
from tests.directory.hsds_support import export_records, run, write_json
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SERVICE_ID = "6f0c3a4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
ORG_ID = "0b7e5a8c-2d4f-4e6a-9b1c-3d5e7f9a1b2c"
LOCATION_ID = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def council_record(**changes) -> dict:
    """A service as a council's directory might publish it: foreign ids, foreign terms."""
    record = {
        "id": SERVICE_ID,
        "name": "Imaginary Community Wellbeing Hub",
        "description": "Drop in for a chat.",
        "status": "active",
        "url": "https://hub.example",
        "organization": {
            "id": ORG_ID,
            "name": "Imaginary Council for Voluntary Service",
            "description": "A fictional CVS.",
        },
        "service_at_locations": [
            {
                "id": "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a",
                "location": {
                    "id": LOCATION_ID,
                    "location_type": "physical",
                    "latitude": 53.4602,
                    "longitude": -2.2870,
                    "addresses": [
                        {
                            "id": "2e3d4c5b-6a7f-4e8d-9c0b-1a2f3e4d5c6b",
                            "address_1": "1 Fictional Street",
                            "city": "Stretford",
                            "state_province": "Greater Manchester",
                            "postal_code": "m32 0zz",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "phones": [{"id": "3f4e5d6c-7b8a-4f9e-8d1c-2b3a4f5e6d7c", "number": "0161 496 0001"}],
        "languages": [{"id": "4a5b6c7d-8e9f-4a1b-9c2d-3e4f5a6b7c8d", "code": "urd"}],
        "schedules": [
            {
                "id": "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
                "freq": "WEEKLY",
                "byday": "TU,TH",
                "opens_at": "10:00",
                "closes_at": "14:00",
            }
        ],
        "attributes": [
            {
                "id": "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f",
                "taxonomy_term": {
                    "id": "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a",
                    "code": "bme_community_org",
                    "name": "Community group",
                    "description": "",
                    "taxonomy": "service_type",
                },
            },
            {
                "id": "8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b",
                "link_type": "service_type",
                "taxonomy_term": {
                    "id": "9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
                    "code": "1234",
                    "name": "Mental health support",
                    "description": "",
                    "taxonomy": "LGA Service List",
                },
            },
        ],
    }
    record.update(changes)
    return record


def import_file(path, *args) -> str:
    return run("import_hsds", str(path), *args)


def refused(path, *args) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("import_hsds", str(path), *args, stdout=StringIO())
    return str(caught.value)


def test_a_council_record_is_imported_with_our_terms_matched_by_taxonomy_and_code(tmp_path):
    output = import_file(write_json(tmp_path, [council_record()]))
    assert "Imported 1 service (1 new, 0 updated)" in output
    service = Service.objects.get(id=SERVICE_ID)
    assert service.organization.name == "Imaginary Council for Voluntary Service"
    assert service.slug == "imaginary-community-wellbeing-hub"
    assert [t.code for t in service.service_types.all()] == ["bme_community_org"]
    location = service.service_at_locations.get().location
    assert (location.town, location.postcode, location.nation) == (
        "Stretford",
        "M32 0ZZ",
        "england",
    )
    # "urd" is ISO 639-2 for Urdu, which we list as "ur"; absent provision means staff.
    assert [(sl.language_id, sl.provision) for sl in service.languages.all()] == [("ur", "staff")]
    assert sorted(service.schedules.values_list("weekday", flat=True)) == [1, 3]


def test_an_unknown_term_is_kept_as_an_attribute_and_exported_again(tmp_path):
    record = council_record()
    import_file(write_json(tmp_path, [record]))
    kept = ServiceAttribute.objects.get()
    assert (kept.taxonomy, kept.code, kept.name) == (
        "LGA Service List",
        "1234",
        "Mental health support",
    )
    [exported] = export_records(tmp_path)
    assert record["attributes"][1] in exported["attributes"]


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = write_json(tmp_path, [council_record()])
    import_file(path)
    first = export_records(tmp_path, "first.json")
    modified = Service.objects.get().last_modified
    output = import_file(path)
    assert "Imported 1 service (0 new, 1 updated)" in output
    assert "wrote 0 organisations and 0 locations" in output
    assert export_records(tmp_path, "second.json") == first
    assert Service.objects.get().last_modified == modified
    assert (Service.objects.count(), Organization.objects.count(), Location.objects.count()) == (
        1,
        1,
        1,
    )
    assert ServiceAttribute.objects.count() == 1


def test_an_exported_file_imports_back_the_same_whatever_its_form(service, refuge, tmp_path):
    records = export_records(tmp_path)
    ndjson = tmp_path / "export.ndjson"
    ndjson.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    page = write_json(tmp_path, {"total_items": 2, "contents": records}, "page.json")
    for path in (ndjson, page):
        Service.objects.all().delete()
        Organization.objects.all().delete()
        Location.objects.all().delete()
        import_file(path)
        assert export_records(tmp_path, "again.json") == records


def test_one_bad_record_among_good_ones_means_nothing_is_written(tmp_path):
    good = council_record()
    second = council_record(id=str(uuid.uuid4()), name="Second hub")
    bad = copy.deepcopy(council_record(id=str(uuid.uuid4()), name="Third hub"))
    bad["service_at_locations"][0]["location"]["latitude"] = "north"
    message = refused(write_json(tmp_path, [good, bad, second]))
    assert "Nothing was written: 1 problem in 3 records." in message
    assert (
        f"record 2 (id {bad['id']}): service_at_locations[0].location.latitude: "
        "'north' is not a number"
    ) in message
    assert Service.objects.count() == 0
    assert Organization.objects.count() == 0


def test_every_bad_record_is_reported_with_its_path(tmp_path):
    no_id = council_record(status="open")
    del no_id["id"]
    bad_uuid = council_record(id="not-a-uuid")
    bad_age = council_record(id=str(uuid.uuid4()), minimum_age=30, maximum_age=20)
    no_org = council_record(id=str(uuid.uuid4()), organization=None)
    bad_day = council_record(id=str(uuid.uuid4()))
    bad_day["schedules"][0]["byday"] = "MO,XX"
    message = refused(write_json(tmp_path, [no_id, bad_uuid, bad_age, no_org, bad_day, "text"]))
    assert "record 1: id: is missing" in message
    assert (
        "record 1: status: 'open' is not active, inactive, defunct or temporarily closed" in message
    )
    assert "record 2 (id not-a-uuid): id: 'not-a-uuid' is not a UUID" in message
    assert "minimum_age: 30 is above maximum_age 20" in message
    assert "organization: is missing" in message
    assert "schedules[0].byday: 'XX' is not a day (MO, TU … SU)" in message
    assert "record 6: is text, not an HSDS service object" in message
    assert Service.objects.count() == 0


def test_skip_invalid_imports_the_good_records_and_reports_the_bad(tmp_path):
    bad = council_record(id=str(uuid.uuid4()), name="")
    output = import_file(write_json(tmp_path, [council_record(), bad]), "--skip-invalid")
    assert "Skipped 1 problem (--skip-invalid)" in output
    assert "name: is missing" in output
    assert list(Service.objects.values_list("id", flat=True)) == [uuid.UUID(SERVICE_ID)]


def test_a_dry_run_checks_everything_and_keeps_nothing(tmp_path):
    output = import_file(write_json(tmp_path, [council_record()]), "--dry-run")
    assert "Would import 1 service" in output
    assert "Dry run: nothing was kept." in output
    assert Service.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("this is not json", "services.json is not JSON: Expecting value at line 1, column 1."),
        ('[{"id": "x",', "services.json is not JSON"),
        ("42", "services.json holds a number; expected a JSON array of HSDS services"),
        ('{"hello": "world"}', "neither an HSDS page"),
        ('{"contents": {"id": 1}}', "an HSDS page whose contents is an object, not a list"),
        ("", "services.json is empty."),
    ],
)
def test_a_malformed_file_gets_a_clear_message_not_a_traceback(tmp_path, content, expected):
    path = tmp_path / "services.json"
    path.write_text(content, encoding="utf-8")
    assert expected in refused(path)


def test_a_file_that_is_not_text_gets_a_clear_message(tmp_path):
    path = tmp_path / "services.json"
    path.write_bytes(b"[\xff\xfe\x00]")
    assert "is not UTF-8 text" in refused(path)


def test_a_missing_file_gets_a_clear_message(tmp_path):
    assert "Cannot read" in refused(tmp_path / "nowhere.json")


def test_an_ndjson_line_that_is_not_json_is_reported_by_line(tmp_path):
    path = tmp_path / "services.ndjson"
    lines = [
        json.dumps(council_record()),
        "{oops",
        json.dumps(council_record(id=str(uuid.uuid4()))),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    message = refused(path)
    assert "line 2: is not JSON" in message
    assert Service.objects.count() == 0


def test_the_same_id_twice_in_one_file_is_refused(tmp_path):
    message = refused(write_json(tmp_path, [council_record(), council_record(name="Again")]))
    assert f"record 2 (id {SERVICE_ID}): id: {SERVICE_ID} is used by an earlier record" in message


def test_an_imported_confidential_location_keeps_what_it_was_given(tmp_path):
    record = council_record()
    location = record["service_at_locations"][0]["location"]
    location["attributes"] = [
        {
            "id": str(uuid.uuid4()),
            "taxonomy_term": {"code": "confidential", "taxonomy": "location_flag"},
        }
    ]
    import_file(write_json(tmp_path, [record]))
    stored = Location.objects.get()
    assert stored.confidential
    # It came with a street; we keep it, and mask it on the way out, as for our own.
    assert (stored.address_1, stored.latitude) == ("1 Fictional Street", 53.4602)
    [exported] = export_records(tmp_path)
    out = exported["service_at_locations"][0]["location"]
    assert out["addresses"][0]["address_1"] == ""
    assert (out["latitude"], out["longitude"]) == (53.46, -2.29)


def test_a_location_without_coordinates_is_placed_from_the_gazetteer(tmp_path):
    Place.objects.create(
        kind="outcode", key="M32", name="Stretford", latitude=53.45, longitude=-2.3
    )
    record = council_record()
    location = record["service_at_locations"][0]["location"]
    del location["latitude"], location["longitude"]
    output = import_file(write_json(tmp_path, [record]))
    assert "no latitude and longitude: placed at M32 (Stretford) from the gazetteer" in output
    assert (Location.objects.get().latitude, Location.objects.get().longitude) == (53.45, -2.3)


def test_a_location_that_cannot_be_placed_is_a_bad_record(tmp_path):
    record = council_record()
    location = record["service_at_locations"][0]["location"]
    del location["latitude"], location["longitude"]
    message = refused(write_json(tmp_path, [record]))
    assert "postcode 'M32 0ZZ' is not in the gazetteer" in message


def test_referral_partners_link_across_the_file_and_unknown_ones_are_kept(tmp_path):
    partner_id = str(uuid.uuid4())
    missing_id = str(uuid.uuid4())

    def referral(value):
        return {
            "id": str(uuid.uuid4()),
            "value": value,
            "taxonomy_term": {"code": "refers_to", "taxonomy": "referral_partner"},
        }

    referrer = council_record(attributes=[referral(partner_id), referral(missing_id)])
    partner = council_record(id=partner_id, name="Partner")
    import_file(write_json(tmp_path, [referrer, partner]))
    service = Service.objects.get(id=SERVICE_ID)
    assert [str(p.id) for p in service.referral_partners.all()] == [partner_id]
    assert ServiceAttribute.objects.get(service_id=SERVICE_ID).value == missing_id


def test_our_extra_link_types_set_the_fields_they_stand_for(tmp_path):
    def extra(taxonomy, code, value=None):
        attribute = {
            "id": str(uuid.uuid4()),
            "taxonomy_term_id": str(vocabulary.term_id(taxonomy, code)),
        }
        if value:
            attribute["value"] = value
        return attribute

    record = council_record(
        attributes=[
            extra("gender", "female"),
            extra("coverage", "national"),
            extra("assurance", "provider"),
            extra("assurance", "email"),
            extra("mhsds_team_type", "A25", "A25"),
        ]
    )
    record["organization"]["attributes"] = [extra("led_by", "user_led")]
    record["cost_options"] = [{"id": str(uuid.uuid4()), "amount": 5, "currency": "GBP"}]
    output = import_file(write_json(tmp_path, [record]))
    service = Service.objects.get()
    assert (service.gender, service.national, service.free) == ("female", True, False)
    assert service.fees_description == "£5.00"
    assert (service.assurance_role, service.assurance_method) == ("provider", "email")
    assert service.organization.user_led
    # An NHS crisis-house team type with none of our types brings the type with it.
    assert [t.code for t in service.service_types.all()] == ["crisis_house"]
    assert "MHSDS team type A25: service type 'crisis_house' added" in output
    assert ServiceAttribute.objects.count() == 0


def test_a_language_we_do_not_list_is_added_and_provisions_are_kept(tmp_path):
    record = council_record(
        languages=[
            {
                "id": str(uuid.uuid4()),
                "code": "de",
                "name": "German",
                "attributes": [
                    {
                        "id": str(uuid.uuid4()),
                        "taxonomy_term": {"code": "interpreter", "taxonomy": "language_provision"},
                    }
                ],
            }
        ]
    )
    output = import_file(write_json(tmp_path, [record]))
    assert "Added languages: de." in output
    assert Language.objects.get(code="de").name == "German"
    assert ServiceLanguage.objects.get().provision == "interpreter"


def test_what_cannot_be_kept_is_noted_not_silently_dropped(tmp_path):
    record = council_record(alternate_name="The Hub", url="javascript:alert(1)")
    record["phones"].append({"id": str(uuid.uuid4()), "number": "0161 496 0002", "type": "fax"})
    record["schedules"].append({"id": str(uuid.uuid4()), "freq": "MONTHLY", "byday": "1MO"})
    output = import_file(write_json(tmp_path, [record]))
    assert "record: not kept: alternate_name" in output
    assert "url: 'javascript:alert(1)' is not a web address we can link to; left out" in output
    assert "phones[1]: type 'fax' is not one we list" in output
    assert "schedules[1]: is not a weekly schedule" in output
    assert Service.objects.get().url == ""


def test_a_service_named_like_another_gets_its_own_slug(tmp_path):
    ServiceFactory(name="Wellbeing Hub", slug="wellbeing-hub")
    import_file(write_json(tmp_path, [council_record(name="Wellbeing Hub")]))
    imported = Service.objects.get(id=SERVICE_ID)
    assert imported.slug == f"wellbeing-hub-{uuid.UUID(SERVICE_ID).hex[:8]}"


def test_import_uses_a_fixed_number_of_queries_per_batch(tmp_path, django_assert_max_num_queries):
    records = [council_record(id=str(uuid.uuid4()), name=f"Hub {n}") for n in range(30)]
    path = write_json(tmp_path, records)
    with django_assert_max_num_queries(120):
        hsds.import_hsds(path, batch_size=1000)
    assert Service.objects.count() == 30
