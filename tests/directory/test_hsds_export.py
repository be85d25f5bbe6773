"""export_hsds and directory.hsds's export side: HSDS 3.0 service records."""

import json
import uuid
from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command

from directory import hsds, vocabulary
from directory.models import Location, Schedule, Service
from tests.directory.hsds_support import (
    export_records,
    schema_errors,
    service_schema_validator,
)
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    ServiceLanguageFactory,
)

pytestmark = pytest.mark.django_db

MODIFIED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def fixed(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


@pytest.fixture
def crisis_cafe(db):
    """One service that uses every part of the mapping, with fixed ids."""
    organization = OrganizationFactory(
        id=fixed(1),
        name="Imaginary Sangat Trust",
        description="A fictional trust.",
        website="https://sangat.example",
        email="hello@sangat.example",
        charity_number="1234567",
        ethnic_minority_led=False,
        user_led=True,
    )
    partner = ServiceFactory(id=fixed(9), organization=organization, slug="partner")
    service = ServiceFactory(
        id=fixed(2),
        organization=organization,
        name="Imaginary Evening Crisis Café",
        slug="imaginary-evening-crisis-cafe",
        description="A calm place to go in the evening.",
        url="https://sangat.example/cafe",
        types=["crisis_cafe"],
        needs_codes=["crisis_now"],
        community_codes=["indian"],
        routes=["drop_in"],
        minimum_age=18,
        maximum_age=65,
        gender="female",
        eligibility_description="Women aged 18 to 65.",
        free=False,
        fees_description="£2 for a meal.",
        assured_date=date(2026, 10, 1),
        assurer_email="moderator@navigator.example",
        assurance_role="moderator",
        assurance_method="phone",
    )
    service.referral_partners.set([partner])
    location = LocationFactory(
        id=fixed(3),
        organization=organization,
        name="Sangat hall",
        address_1="7 Makebelieve Road",
        address_2="Blakenhall",
        town="Wolverhampton",
        postcode="WV2 9ZZ",
        latitude=52.57506,
        longitude=-2.11523,
        accessibility="Step-free entrance.",
    )
    ServiceAtLocationFactory(id=fixed(4), service=service, location=location)
    ServiceLanguageFactory(id=fixed(5), service=service, language_id="pa")
    phone = PhoneFactory(id=fixed(6), service=service, number="0121 496 0001", extension="12")
    phone.languages.set(["pa"])
    for row_id, weekday in ((fixed(7), 0), (fixed(8), 1)):
        ScheduleFactory(
            id=row_id,
            service=service,
            weekday=weekday,
            opens_at=time(18),
            closes_at=time(22),
            open_bank_holidays=True,
        )
    Service.objects.update(last_modified=MODIFIED)
    return service


def exported(service) -> dict:
    return hsds.service_to_hsds(hsds.hsds_service_queryset().get(id=service.id))


def term(taxonomy, code, name, description="", parent=None):
    value = {
        "id": str(vocabulary.term_id(taxonomy, code)),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": taxonomy,
        "taxonomy_id": str(hsds.taxonomy_id(taxonomy)),
    }
    if parent:
        value["parent_id"] = str(vocabulary.term_id(taxonomy, parent))
    return value


def attribute(attribute_id, link_id, entity, taxonomy_term, value=None):
    value_part = {"value": value} if value is not None else {}
    return {
        "id": attribute_id,
        "link_id": str(link_id),
        "link_type": taxonomy_term["taxonomy"],
        "link_entity": entity,
        "taxonomy_term_id": taxonomy_term["id"],
        "taxonomy_term": taxonomy_term,
        **value_part,
    }


def test_an_exported_service_has_the_whole_payload(crisis_cafe):
    ids = {n: str(fixed(n)) for n in range(1, 10)}
    service, organization, location = ids[2], ids[1], ids[3]
    assert exported(crisis_cafe) == {
        "id": service,
        "organization_id": organization,
        "name": "Imaginary Evening Crisis Café",
        "description": "A calm place to go in the evening.",
        "url": "https://sangat.example/cafe",
        "status": "active",
        "fees_description": "£2 for a meal.",
        "eligibility_description": "Women aged 18 to 65.",
        "minimum_age": 18,
        "maximum_age": 65,
        "assured_date": "2026-10-01",
        "assurer_email": "moderator@navigator.example",
        "last_modified": "2026-11-02T09:30:00.000Z",
        "organization": {
            "id": organization,
            "name": "Imaginary Sangat Trust",
            "description": "A fictional trust.",
            "email": "hello@sangat.example",
            "website": "https://sangat.example",
            "organization_identifiers": [
                {
                    "id": "33536acd-5c95-5828-9e6c-7abd37151c3e",
                    "organization_id": organization,
                    "identifier_scheme": "GB-CHC",
                    "identifier_type": "Charity number",
                    "identifier": "1234567",
                }
            ],
            "attributes": [
                attribute(
                    "2ddc2fae-38de-5e16-8251-eee356744776",
                    organization,
                    "organization",
                    term(
                        "led_by",
                        "user_led",
                        "User-led",
                        "Run by people with lived experience of mental distress.",
                    ),
                )
            ],
        },
        "service_at_locations": [
            {
                "id": ids[4],
                "service_id": service,
                "location_id": location,
                "location": {
                    "id": location,
                    "location_type": "physical",
                    "organization_id": organization,
                    "name": "Sangat hall",
                    "latitude": 52.57506,
                    "longitude": -2.11523,
                    "addresses": [
                        {
                            "id": "0de7b4ab-1a99-5c0e-b6ff-6e89bdb4904a",
                            "location_id": location,
                            "address_1": "7 Makebelieve Road",
                            "address_2": "Blakenhall",
                            "city": "Wolverhampton",
                            "state_province": "England",
                            "postal_code": "WV2 9ZZ",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                    "accessibility": [
                        {
                            "id": "48515280-c9c4-5bfa-8e22-c5df62a70ad8",
                            "location_id": location,
                            "description": "Step-free entrance.",
                        }
                    ],
                    "attributes": [],
                },
                "schedules": [],
                "attributes": [],
            }
        ],
        "phones": [
            {
                "id": ids[6],
                "service_id": service,
                "number": "0121 496 0001",
                "extension": 12,
                "type": "voice",
                "languages": [
                    {
                        "id": "d527be67-ecae-580c-a0fb-873243f2809c",
                        "phone_id": ids[6],
                        "name": "Punjabi",
                        "code": "pa",
                    }
                ],
                "attributes": [],
            }
        ],
        # Monday's and Tuesday's rows have the same hours: one schedule, under Monday's id.
        "schedules": [
            {
                "id": ids[7],
                "service_id": service,
                "freq": "WEEKLY",
                "byday": "MO,TU",
                "opens_at": "18:00",
                "closes_at": "22:00",
                "attributes": [
                    attribute(
                        "950b0946-658c-52ec-9d1c-42e509dba9fd",
                        ids[7],
                        "schedule",
                        term("schedule_flag", "open_bank_holidays", "Open on bank holidays"),
                    )
                ],
            }
        ],
        "service_areas": [],
        "languages": [
            {
                "id": ids[5],
                "service_id": service,
                "name": "Punjabi",
                "code": "pa",
                "attributes": [
                    attribute(
                        "8aff8da4-1d0e-5f8d-833d-b408c0924ecf",
                        ids[5],
                        "language",
                        term("language_provision", "staff", "Staff speak it"),
                    )
                ],
            }
        ],
        "cost_options": [
            {
                "id": "8b50a0bc-1ce3-5db7-bb22-95adadc344cc",
                "service_id": service,
                "currency": "GBP",
                "amount_description": "£2 for a meal.",
            }
        ],
        "attributes": [
            attribute(
                "e2bb0199-a47a-52de-aad8-acadd5b8d5f5",
                service,
                "service",
                term(
                    "service_type",
                    "crisis_cafe",
                    "Crisis café or safe haven",
                    "A place to drop in out of hours when things feel too much.",
                ),
            ),
            attribute(
                "1ac60b0e-cd1f-560e-83a6-742c566fc873",
                service,
                "service",
                term(
                    "need",
                    "crisis_now",
                    "I need help now",
                    "In crisis and needing help straight away.",
                ),
            ),
            attribute(
                "29a64793-a0f8-59c7-a981-f441c6e53c1f",
                service,
                "service",
                term("community", "indian", "Indian", parent="south_asian"),
            ),
            attribute(
                "2a2f2ce2-3caa-5dcf-a1ec-a587312a0c82",
                service,
                "service",
                term("access_route", "drop_in", "Drop in, no appointment"),
            ),
            attribute(
                "625f4c28-1a30-5524-9a7e-1b36e26bcb1c",
                service,
                "service",
                term("gender", "female", "Women only"),
            ),
            attribute(
                "53422933-4467-59ef-a98c-532fb9192379",
                service,
                "service",
                term("mhsds_team_type", "A21", "Crisis café, safe haven or sanctuary"),
                value="A21",
            ),
            attribute(
                "90f70771-4011-5a12-b8da-33b9ed3ac18c",
                service,
                "service",
                term("referral_partner", "refers_to", "Can refer people on to"),
                value=ids[9],
            ),
            attribute(
                "cf9b6abb-39d2-532c-9a62-7a613e9f134b",
                service,
                "service",
                term("assurance", "moderator", "Checked by a moderator"),
            ),
            attribute(
                "f0d0bb44-a075-5d33-a5a1-b4ae99307f85",
                service,
                "service",
                term("assurance", "phone", "Checked by phone"),
            ),
        ],
    }


def test_the_whole_payload_validates_against_the_hsds_schema(crisis_cafe, shared_data):
    validator = service_schema_validator(shared_data)
    assert schema_errors(validator, exported(crisis_cafe)) == []


def test_the_schema_check_itself_catches_a_bad_record(crisis_cafe, shared_data):
    # So that "no errors" above means something.
    validator = service_schema_validator(shared_data)
    record = exported(crisis_cafe)
    record["service_at_locations"][0]["location"]["latitude"] = "north"
    del record["organization"]["description"]
    assert len(schema_errors(validator, record)) == 2


def test_a_confidential_location_leaves_without_address_lines_or_an_exact_point(refuge):
    location = exported(refuge)["service_at_locations"][0]["location"]
    assert location["latitude"] == 52.46
    assert location["longitude"] == -1.87
    assert "name" not in location
    assert location["accessibility"] == []
    assert location["addresses"] == [
        {
            "id": location["addresses"][0]["id"],
            "location_id": location["id"],
            "address_1": "",
            "city": "Birmingham",
            "state_province": "England",
            "postal_code": "B11",
            "country": "GB",
            "address_type": "physical",
        }
    ]
    assert [a["taxonomy_term"]["code"] for a in location["attributes"]] == ["confidential"]
    text = json.dumps(exported(refuge))
    for secret in ("Secret Street", "Flat 2", "B11 9ZZ", "Safe house", "52.456789", "Ground-floor"):
        assert secret not in text


def test_a_national_service_says_so_and_a_local_area_travels_as_geojson_text(db):
    national = ServiceFactory(national=True, types=["helpline"])
    area = {
        "type": "Polygon",
        "coordinates": [[[-2.2, 52.5], [-2.0, 52.5], [-2.0, 52.7], [-2.2, 52.5]]],
    }
    local = ServiceFactory(
        types=["imha"], service_area=area, service_area_description="City of Wolverhampton"
    )
    national_codes = [
        (a["link_type"], a["taxonomy_term"]["code"]) for a in exported(national)["attributes"]
    ]
    assert ("coverage", "national") in national_codes
    assert exported(national)["service_areas"] == []
    [service_area] = exported(local)["service_areas"]
    assert service_area["name"] == "City of Wolverhampton"
    assert service_area["extent_type"] == "geojson"
    assert json.loads(service_area["extent"]) == area
    assert "coverage" not in [a["link_type"] for a in exported(local)["attributes"]]


def test_a_service_open_all_week_round_the_clock_is_one_schedule(db):
    service = ServiceFactory(types=["crisis_line"])
    for weekday in range(7):
        Schedule.objects.create(
            service=service, weekday=weekday, opens_at=time(0), closes_at=time(23, 59)
        )
    [schedule] = exported(service)["schedules"]
    assert schedule["byday"] == "MO,TU,WE,TH,FR,SA,SU"
    assert (schedule["opens_at"], schedule["closes_at"]) == ("00:00", "23:59")


def test_an_extension_that_is_not_a_number_travels_in_the_description(db):
    phone = PhoneFactory(extension="0123", description="Reception")
    [exported_phone] = exported(phone.service)["phones"]
    assert "extension" not in exported_phone
    assert exported_phone["description"] == "Reception (extension 0123)"


def test_languages_say_how_they_are_offered(service):
    provisions = {
        language["code"]: language["attributes"][0]["taxonomy_term"]["code"]
        for language in exported(service)["languages"]
    }
    assert provisions == {"pa": "staff", "ur": "interpreter"}


def test_inactive_services_and_links_to_them_are_not_exported(db, tmp_path):
    hidden = ServiceFactory(status=Service.Status.INACTIVE, name="Not checked yet")
    shown = ServiceFactory(name="Checked")
    shown.referral_partners.set([hidden])
    records = export_records(tmp_path)
    assert [record["name"] for record in records] == ["Checked"]
    assert "referral_partner" not in [a["link_type"] for a in records[0]["attributes"]]


def test_json_and_ndjson_exports_hold_the_same_records(service, refuge, tmp_path):
    records = export_records(tmp_path)
    ndjson = tmp_path / "export.ndjson"
    call_command("export_hsds", "--out", str(ndjson), "--format", "ndjson", stderr=StringIO())
    lines = ndjson.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    assert sorted(r["id"] for r in records) == sorted([str(service.id), str(refuge.id)])


def test_the_export_goes_to_standard_output_without_a_file(service):
    out = StringIO()
    call_command("export_hsds", stdout=out)
    assert [record["id"] for record in json.loads(out.getvalue())] == [str(service.id)]


def test_an_empty_directory_exports_an_empty_list(db, tmp_path):
    assert export_records(tmp_path) == []


def test_the_export_reads_a_chunk_at_a_time_in_a_fixed_number_of_queries(
    db, django_assert_max_num_queries
):
    for _ in range(5):
        ServiceAtLocationFactory(service=ServiceFactory(types=["advocacy"]))
    with django_assert_max_num_queries(16 * 3):
        records = list(hsds.iter_hsds_services(chunk_size=2))
    assert [r["id"] for r in records] == sorted(str(s.id) for s in Service.objects.all())


def test_our_vocabularies_are_published_as_taxonomies_with_uuid_ids(db):
    taxonomies = hsds.hsds_taxonomies()
    names = [taxonomy["name"] for taxonomy in taxonomies]
    assert names[:4] == ["service_type", "need", "community", "access_route"]
    assert {"gender", "coverage", "led_by", "language_provision", "location_flag"} <= set(names)
    for taxonomy in taxonomies:
        assert uuid.UUID(taxonomy["id"]) == hsds.taxonomy_id(taxonomy["name"])
    terms = hsds.hsds_taxonomy_terms()
    by_key = {(t["taxonomy"], t["code"]): t for t in terms}
    indian = by_key[("community", "indian")]
    assert indian["parent_id"] == by_key[("community", "south_asian")]["id"]
    assert indian["taxonomy_id"] == str(hsds.taxonomy_id("community"))
    assert by_key[("mhsds_team_type", "A25")]["name"] == "Crisis house"
    assert len(terms) == len({t["id"] for t in terms})


def test_a_confidential_location_is_masked_however_it_is_shared(refuge):
    # The same location under a second, public service is still masked there.
    other = ServiceFactory(name="Outreach")
    location = Location.objects.get(confidential=True)
    ServiceAtLocationFactory(service=other, location=location)
    address = exported(other)["service_at_locations"][0]["location"]["addresses"][0]
    assert address["address_1"] == ""
    assert address["postal_code"] == "B11"
