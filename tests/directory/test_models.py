from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory import vocabulary
from directory.models import Language, Location, Schedule, Service, TaxonomyTerm
from tests.factories import LocationFactory, PhoneFactory, ScheduleFactory, ServiceFactory

pytestmark = pytest.mark.django_db

# Every code DESIGN.md lists, written out again here on purpose: the test fails if a code
# goes missing from the vocabulary module or its migration.
DESIGN_CODES = {
    "service_type": (
        "bme_community_org faith_based community_agency youth_service housing_support "
        "welfare_advice education_support criminal_justice_liaison crisis_house crisis_cafe "
        "sanctuary recovery_house crisis_line helpline advocacy imha peer_support "
        "talking_therapy cultural_consultation carers_support"
    ),
    "need": (
        "crisis_now emotional_support talking_therapy advocacy_rights detained_support "
        "leaving_hospital carer_support racism_trauma faith_spiritual housing money_welfare "
        "substance_use young_person bereavement domestic_abuse isolation refugee_asylum"
    ),
    "community": (
        "african african_caribbean mixed_heritage south_asian indian pakistani bangladeshi "
        "sri_lankan_tamil chinese east_asian arab somali eastern_european gypsy_roma_traveller "
        "refugee_asylum_seeker everyone"
    ),
    "access_route": (
        "self_referral drop_in phone text online gp_referral professional_referral "
        "community_referral"
    ),
}
DESIGN_LANGUAGES = "en ur pa bn syl gu hi ta so ar pl ro yue cmn fa ku ti yo tw pt fr jam".split()


def assert_violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


@pytest.mark.parametrize("taxonomy", sorted(DESIGN_CODES))
def test_every_design_code_is_in_the_database_after_migrate(taxonomy):
    present = set(TaxonomyTerm.objects.filter(taxonomy=taxonomy).values_list("code", flat=True))
    assert set(DESIGN_CODES[taxonomy].split()) == present


def test_south_asian_is_the_parent_of_its_four_communities():
    children = TaxonomyTerm.objects.filter(parent__code="south_asian").values_list(
        "code", flat=True
    )
    assert set(children) == {"indian", "pakistani", "bangladeshi", "sri_lankan_tamil"}


def test_term_ids_are_the_same_in_every_database():
    pakistani = TaxonomyTerm.objects.get(taxonomy="community", code="pakistani")
    assert pakistani.id == vocabulary.term_id("community", "pakistani")


def test_crisis_alternatives_carry_their_nhs_team_type_code():
    codes = dict(
        TaxonomyTerm.objects.filter(taxonomy="service_type").values_list("code", "mhsds_team_type")
    )
    assert codes["crisis_house"] == "A25"
    assert codes["crisis_cafe"] == "A21"
    assert codes["crisis_line"] == "A19"


def test_every_design_language_is_named_in_english_and_in_itself():
    urdu = Language.objects.get(code="ur")
    assert (urdu.name, urdu.native_name, urdu.rtl) == ("Urdu", "اردو", True)
    assert set(DESIGN_LANGUAGES) <= set(Language.objects.values_list("code", flat=True))


def test_syncing_the_vocabulary_again_changes_nothing():
    before = list(TaxonomyTerm.objects.order_by("id").values_list("id", "code", "parent_id"))
    vocabulary.sync_vocabulary(TaxonomyTerm, Language)
    assert (
        list(TaxonomyTerm.objects.order_by("id").values_list("id", "code", "parent_id")) == before
    )


def test_a_term_code_is_unique_within_its_taxonomy():
    assert_violates(lambda: TaxonomyTerm.objects.create(taxonomy="need", code="housing", name="x"))


def test_the_same_code_may_appear_in_two_taxonomies():
    # talking_therapy is both a service type and a need, by design.
    assert TaxonomyTerm.objects.filter(code="talking_therapy").count() == 2


@pytest.mark.parametrize("latitude,longitude", [(91, 0), (-91, 0), (52, 181), (52, -181)])
def test_a_location_outside_the_globe_is_refused(latitude, longitude):
    assert_violates(lambda: LocationFactory(latitude=latitude, longitude=longitude))


def test_minimum_age_above_maximum_age_is_refused():
    assert_violates(lambda: ServiceFactory(minimum_age=26, maximum_age=16))


def test_an_age_range_of_one_year_is_allowed():
    assert ServiceFactory(minimum_age=16, maximum_age=16).pk


def test_an_unknown_status_is_refused():
    assert_violates(lambda: ServiceFactory(status="deleted"))


def test_a_slug_is_unique():
    ServiceFactory(slug="the-same")
    assert_violates(lambda: ServiceFactory(slug="the-same"))


def test_a_schedule_belongs_to_a_service_or_a_service_at_location_not_neither():
    assert_violates(
        lambda: Schedule.objects.create(weekday=0, opens_at=time(9), closes_at=time(17))
    )


def test_a_schedule_cannot_open_and_close_at_the_same_minute():
    assert_violates(lambda: ScheduleFactory(opens_at=time(9), closes_at=time(9)))


def test_a_schedule_may_run_past_midnight():
    schedule = ScheduleFactory(opens_at=time(18), closes_at=time(2))
    assert schedule.crosses_midnight


def test_a_schedule_weekday_is_monday_to_sunday():
    assert_violates(lambda: ScheduleFactory(weekday=7))


def test_a_phone_number_cannot_be_blank():
    assert_violates(lambda: PhoneFactory(number=""))


def test_a_phone_dial_string_keeps_only_digits_and_plus():
    assert PhoneFactory.build(number="0121 496 0123").dial_string == "01214960123"


def test_a_confidential_location_shows_only_its_district_and_a_rounded_point():
    refuge = Location(
        town="Birmingham",
        postcode="B11 9ZZ",
        latitude=52.45678,
        longitude=-1.86543,
        confidential=True,
    )
    assert (refuge.public_postcode, refuge.public_latitude, refuge.public_longitude) == (
        "B11",
        52.46,
        -1.87,
    )
    assert "Imaginary" not in str(refuge)


def test_an_ordinary_location_shows_its_whole_postcode_and_point():
    centre = Location(town="Leeds", postcode="LS7 9ZZ", latitude=53.81234, longitude=-1.53456)
    assert (centre.public_postcode, centre.public_latitude) == ("LS7 9ZZ", 53.81234)


@pytest.mark.parametrize(
    "assured_days_ago,stale",
    [(None, True), (0, False), (364, False), (365, False), (366, True)],
)
def test_a_listing_is_stale_when_never_checked_or_checked_over_a_year_ago(assured_days_ago, stale):
    today = date(2026, 12, 1)
    assured = None if assured_days_ago is None else today - timedelta(days=assured_days_ago)
    service = ServiceFactory(assured_date=assured)
    assert service.is_stale(today=today) is stale
    assert Service.objects.stale(today=today).filter(pk=service.pk).exists() is stale


@pytest.mark.parametrize(
    "area",
    [
        {"type": "Point", "coordinates": [0, 0]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, "north"], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 95], [0, 0]]]},
        "a string",
    ],
)
def test_a_service_area_must_be_a_geojson_polygon(area):
    service = ServiceFactory.build(service_area=area)
    with pytest.raises(ValidationError) as error:
        service.full_clean(exclude=["organization", "slug"])
    assert "service_area" in error.value.message_dict


def test_a_rectangle_is_a_valid_service_area():
    rectangle = [[-2.2, 52.5], [-2.0, 52.5], [-2.0, 52.7], [-2.2, 52.7], [-2.2, 52.5]]
    service = ServiceFactory.build(service_area={"type": "Polygon", "coordinates": [rectangle]})
    service.full_clean(exclude=["organization", "slug"])
