"""import_csv: open-data directories land inactive and unverified, with a report for people."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from directory.models import Location, Phone, Place, Service
from directory.open_data import guess_terms

pytestmark = pytest.mark.django_db

TRAFFORD = "trafford-mental-health-services"


def run_csv(path, *args) -> str:
    out = StringIO()
    call_command("import_csv", str(path), *args, stdout=out)
    return out.getvalue()


def refused(path, *args) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("import_csv", str(path), *args, stdout=StringIO())
    return str(caught.value)


def write_csv(tmp_path, text: str, name: str = "directory.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_trafford_directory_lands_whole_inactive_and_unverified(shared_data):
    path = shared_data / TRAFFORD / "trafford_mental_health_services_with_latlon.csv"
    output = run_csv(path)
    assert "Imported 60 listings from 60 rows" in output
    assert "(60 on the map)" in output
    assert "INACTIVE and unverified" in output
    assert Service.objects.count() == 60  # none lost, the two repeated names included
    assert not Service.objects.filter(status=Service.Status.ACTIVE).exists()
    assert not Service.objects.filter(assured_date__isnull=False).exists()
    assert Phone.objects.count() == 60
    # Six services share Oakland House, Talbot Road: one location.
    oakland = Location.objects.get(address_1="Oakland House", postcode="M16 0PQ")
    assert (oakland.address_2, oakland.town) == ("Talbot Road", "Stretford")
    assert oakland.service_at_locations.count() == 6


def test_types_are_set_only_where_the_data_says_so(shared_data):
    run_csv(shared_data / TRAFFORD / "trafford_mental_health_services_with_latlon.csv")

    def codes(name):
        return sorted(t.code for t in Service.objects.get(name=name).service_types.all())

    assert codes("Trafford Mental Health Advocacy Service") == ["imha"]
    assert codes("Stretford Hearing Voices") == ["peer_support"]
    assert codes("Samaritans") == ["helpline"]
    assert codes("Relate Greater Manchester South") == ["talking_therapy"]
    assert codes("Mood Swings Network") == []
    refugees = Service.objects.get(name="Manchester Refugee Support Network")
    assert [c.code for c in refugees.communities.all()] == ["refugee_asylum_seeker"]


def test_the_report_says_what_needs_a_person(shared_data):
    output = run_csv(shared_data / TRAFFORD / "trafford_mental_health_services_with_latlon.csv")
    assert "line 2: Mood Swings Network\n    - no service type: choose one" in output
    assert "service type imha (“Independent Advocates" in output
    assert "postcode 'WA154 1HF' is not a UK postcode" in output
    assert "another row has the same name (line 35)" in output


def test_importing_the_same_file_again_adds_nothing(shared_data):
    path = shared_data / TRAFFORD / "trafford_mental_health_services_with_latlon.csv"
    run_csv(path)
    checked = Service.objects.get(name="Samaritans")
    checked.status = Service.Status.ACTIVE
    checked.save()
    output = run_csv(path)
    assert "Imported 0 listings" in output
    assert "60 rows had been imported before and were left as they are" in output
    assert Service.objects.count() == 60
    # What a moderator changed since is not undone.
    assert Service.objects.get(name="Samaritans").status == Service.Status.ACTIVE


def test_without_coordinates_rows_are_placed_from_the_gazetteer(shared_data):
    run_gazetteer = StringIO()
    call_command("import_gazetteer", str(shared_data / "uk-outcodes.csv"), stdout=run_gazetteer)
    output = run_csv(shared_data / TRAFFORD / "trafford_mental_health_services.csv")
    assert Service.objects.count() == 60
    # All but the row whose postcode is not a postcode are placed at their district.
    assert "(59 on the map)" in output
    assert "placed at the middle of postcode district M16: check" in output
    assert "not on the map: no coordinates, and the postcode is not in the gazetteer" in output


def test_without_a_gazetteer_rows_still_land_but_off_the_map(shared_data):
    assert not Place.objects.exists()
    output = run_csv(shared_data / TRAFFORD / "trafford_mental_health_services.csv")
    assert Service.objects.count() == 60
    assert "(0 on the map)" in output


def test_imported_listings_are_not_published(shared_data, client):
    run_csv(shared_data / TRAFFORD / "trafford_mental_health_services_with_latlon.csv")
    response = client.get(reverse("api:service-list"))
    assert response.json()["count"] == 0


def test_headers_are_found_in_any_case_and_spelling(tmp_path):
    path = write_csv(
        tmp_path,
        "Service Name,DESCRIPTION,Post Code,Phone,URL,Address,Lat,Lng\n"
        "Imaginary Listening Line,A helpline for carers.,M1 1AA,0161 496 0003,"
        'listening.example,"1 Fictional Road, Manchester",53.48,-2.24\n',
    )
    run_csv(path)
    service = Service.objects.get()
    assert service.name == "Imaginary Listening Line"
    assert service.url == "https://listening.example"
    location = service.service_at_locations.get().location
    assert (location.address_1, location.town, location.postcode) == (
        "1 Fictional Road",
        "Manchester",
        "M1 1AA",
    )
    assert [t.code for t in service.service_types.all()] == ["helpline"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("description,postcode\nA group,M1 1AA\n", "has no name column"),
        ("", "is empty: it has no header line"),
        ('name,description\n"Unclosed,quote\n', "is not a CSV file"),
    ],
)
def test_a_malformed_file_gets_a_clear_message(tmp_path, content, expected):
    assert expected in refused(write_csv(tmp_path, content))
    assert Service.objects.count() == 0


def test_a_binary_file_is_not_a_csv_file(tmp_path):
    path = tmp_path / "directory.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert "is not a CSV file" in refused(path)


def test_bad_lines_mean_nothing_is_imported_and_every_one_is_reported(tmp_path):
    path = write_csv(
        tmp_path,
        "name,postcode,latitude,longitude\n"
        "Good group,M1 1AA,53.4,-2.2\n"
        ",M1 1AA,,\n"
        "Northern group,M1 1AA,north,-2.2\n"
        "Half group,M1 1AA,53.4,\n"
        "Wide group,M1 1AA,53.4,-2.2,extra\n",
    )
    message = refused(path)
    assert "Nothing was imported: 4 lines of directory.csv are not valid." in message
    assert "line 3 ((no name)): has no name" in message
    assert "line 4 (Northern group): latitude 'north' is not a number" in message
    assert "line 5 (Half group): gives one of latitude and longitude without the other" in message
    assert "line 6: has 5 fields; the header has 4" in message
    assert Service.objects.count() == 0


def test_skip_invalid_imports_the_good_rows(tmp_path):
    path = write_csv(tmp_path, "name,latitude,longitude\nGood group,53.4,-2.2\n,1,1\n")
    output = run_csv(path, "--skip-invalid")
    assert "Imported 1 listing" in output
    assert "Skipped 1 bad line" in output
    assert Service.objects.get().name == "Good group"


def test_a_dry_run_keeps_nothing(tmp_path):
    output = run_csv(write_csv(tmp_path, "name\nGood group\n"), "--dry-run")
    assert "Would import 1 listing" in output
    assert Service.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "description", "expected"),
    [
        ("Church Road Group", "Meets in a church hall.", []),
        ("Voice of BME Trafford", "Advice.", [("service_type", "bme_community_org")]),
        (
            "CDI Counselling",
            "Bilingual counselling for BME groups.",
            [("service_type", "talking_therapy")],
        ),
        ("Rape Crisis", "Support for women.", []),
        ("Advocacy Hub", "IMHA for detained patients.", [("service_type", "imha")]),
    ],
)
def test_guesses_are_conservative(name, description, expected):
    assert [(t, c) for t, c, _w in guess_terms(name, description)] == expected
