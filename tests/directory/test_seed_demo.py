"""The fictional demo directory (`seed_demo`): what it contains, and that it stays fictional."""

import csv
import json
import re
import shutil
from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, F, Q

from directory import vocabulary
from directory.demo import (
    DIRECTORY_FIXTURE,
    GAZETTEER_FIXTURE,
    NATIONAL_CRISIS_NUMBERS,
    is_fictional_phone_number,
    load_demo,
)
from directory.models import (
    Location,
    Organization,
    Phone,
    Place,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)

TODAY = date(2026, 11, 2)
MIDNIGHT, LAST_MINUTE = time(0, 0), time(23, 59)


@pytest.fixture
def demo(demo_directory, db):
    # Loaded once for the module (tests/conftest.py), on the same day as TODAY.
    return demo_directory


def _digits(number):
    return re.sub(r"\D", "", number)


def _snapshot():
    """Every demo row's id, per model, so two loads can be compared exactly."""
    models = (
        Organization,
        Service,
        Location,
        ServiceAtLocation,
        Phone,
        Schedule,
        ServiceLanguage,
        Place,
    )
    snapshot = {model.__name__: set(model.objects.values_list("pk", flat=True)) for model in models}
    for name in ("service_types", "needs", "communities", "access_routes"):
        through = getattr(Service, name).through.objects
        snapshot[f"Service.{name}"] = set(through.values_list("service_id", "taxonomyterm_id"))
    snapshot["Service.referral_partners"] = set(
        Service.referral_partners.through.objects.values_list("from_service_id", "to_service_id")
    )
    snapshot["Phone.languages"] = set(
        Phone.languages.through.objects.values_list("phone_id", "language_id")
    )
    return snapshot


def _copy_fixture(tmp_path):
    shutil.copy(GAZETTEER_FIXTURE, tmp_path / GAZETTEER_FIXTURE.name)
    return json.loads(DIRECTORY_FIXTURE.read_text(encoding="utf-8"))


def _write_fixture(tmp_path, data):
    path = tmp_path / DIRECTORY_FIXTURE.name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organization, Service, Location, Phone, Schedule, ServiceLanguage, Place)
    }


def _services_with(schedule_filter):
    return Service.objects.active().filter(
        id__in=Schedule.objects.filter(schedule_filter).values("service_id")
    )


def _is_24_7(service):
    spans = {(s.weekday, s.opens_at, s.closes_at) for s in service.schedules.all()}
    return all((day, MIDNIGHT, LAST_MINUTE) in spans for day in range(7))


# ----------------------------------------------------------------------------- loading


@pytest.mark.django_db
def test_seeding_twice_gives_identical_counts_and_ids():
    first_summary = load_demo(today=TODAY)
    first = _snapshot()
    second_summary = load_demo(today=TODAY)
    assert _snapshot() == first
    assert second_summary == first_summary
    assert first_summary.services == Service.objects.count()
    assert first_summary.organizations == Organization.objects.count()


@pytest.mark.django_db
def test_the_seed_demo_command_prints_a_one_line_summary_and_can_run_again():
    for _ in range(2):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        lines = out.getvalue().strip().splitlines()
        assert len(lines) == 1
        for word in ("organisations", "services", "locations", "towns", "languages"):
            assert word in lines[0]
    assert Service.objects.count() >= 60


@pytest.mark.django_db
def test_assurance_dates_count_back_from_today_so_the_demo_never_goes_stale_by_itself():
    load_demo(today=TODAY)
    dates_then = dict(Service.objects.values_list("slug", "assured_date"))
    later = TODAY + timedelta(days=1000)
    load_demo(today=later)
    for slug, assured in Service.objects.values_list("slug", "assured_date"):
        if assured is None:
            assert dates_then[slug] is None
        else:
            assert assured - dates_then[slug] == timedelta(days=1000)
    assert not Service.objects.filter(assured_by__isnull=False).exists()
    stale = Service.objects.stale(today=later)
    assert stale.filter(assured_date__isnull=True).exists(), "some listings were never checked"
    old = later - timedelta(days=settings.STALE_AFTER_DAYS)
    assert stale.filter(assured_date__lt=old).exists(), "some listings were checked long ago"
    assert Service.objects.exclude(id__in=stale).count() > Service.objects.count() / 2


# ----------------------------------------------------------------------------- size and spread


def test_the_demo_has_at_least_60_services_from_40_organisations(demo):
    assert Service.objects.count() >= 60
    assert Organization.objects.count() >= 40
    assert Organization.objects.filter(services__isnull=True).count() == 0
    assert demo.services == Service.objects.count()


def test_the_demo_covers_at_least_8_towns_in_england_and_wales_including_cardiff_or_swansea(demo):
    towns = set(Location.objects.values_list("town", flat=True))
    assert len(towns) >= 8
    assert towns & {"Cardiff", "Swansea"}
    assert set(Location.objects.values_list("nation", flat=True)) >= {"england", "wales"}
    assert demo.towns == len(towns)


def test_every_service_type_in_the_vocabulary_is_used_by_at_least_one_active_service(demo):
    used = set(Service.objects.active().values_list("service_types__code", flat=True).distinct())
    assert {term.code for term in vocabulary.SERVICE_TYPES} <= used


def test_every_service_has_a_type_a_need_a_community_a_route_and_a_language(demo):
    lacking = Service.objects.annotate(
        types=Count("service_types", distinct=True),
        need_count=Count("needs", distinct=True),
        community_count=Count("communities", distinct=True),
        routes=Count("access_routes", distinct=True),
        language_count=Count("languages", distinct=True),
    ).filter(
        Q(types=0) | Q(need_count=0) | Q(community_count=0) | Q(routes=0) | Q(language_count=0)
    )
    assert list(lacking.values_list("slug", flat=True)) == []


def test_the_demo_offers_at_least_15_languages_by_staff_and_by_interpreter(demo):
    languages = set(ServiceLanguage.objects.values_list("language_id", flat=True))
    assert len(languages) >= 15
    provisions = set(ServiceLanguage.objects.values_list("provision", flat=True))
    assert {"staff", "interpreter"} <= provisions
    staff = set(
        ServiceLanguage.objects.filter(provision="staff").values_list("language_id", flat=True)
    )
    assert len(staff - {"en"}) >= 15


def test_the_demo_reaches_the_communities_and_languages_it_is_meant_to_test(demo):
    def staff_speak(code, **where):
        return Service.objects.filter(
            languages__language_id=code, languages__provision="staff", **where
        ).exists()

    for code in ("ti", "ar", "fa", "ku"):
        assert Service.objects.filter(
            needs__code="refugee_asylum", languages__language_id=code
        ).exists(), code
    assert staff_speak("so")
    assert staff_speak("yue") and staff_speak("cmn")
    assert staff_speak("pl") and staff_speak("ro")
    for code in ("bn", "syl"):
        assert staff_speak(code, service_at_locations__location__postcode__startswith="E1 ")
    assert staff_speak("cy", service_at_locations__location__town="Cardiff")
    for community in (
        "gypsy_roma_traveller",
        "african_caribbean",
        "somali",
        "chinese",
        "eastern_european",
        "refugee_asylum_seeker",
        "sri_lankan_tamil",
    ):
        assert Service.objects.active().filter(communities__code=community).exists(), community


def test_most_organisations_are_ethnic_minority_led_and_some_are_user_led_or_mainstream(demo):
    total = Organization.objects.count()
    assert Organization.objects.filter(ethnic_minority_led=True).count() > total / 2
    assert Organization.objects.filter(user_led=True).exists()
    assert Organization.objects.filter(ethnic_minority_led=False, user_led=False).exists()


# ----------------------------------------------------------------------------- opening hours


def test_schedules_include_an_evening_span(demo):
    evening = Q(opens_at__gte=time(17), closes_at__gt=F("opens_at"))
    assert _services_with(evening & Q(closes_at__gte=time(21))).exists()


def test_schedules_include_an_overnight_span_that_crosses_midnight(demo):
    overnight = _services_with(Q(closes_at__lt=F("opens_at")))
    assert overnight.filter(service_types__code="crisis_cafe").exists()
    assert overnight.filter(service_types__code="sanctuary").exists()
    assert all(s.crosses_midnight for s in Schedule.objects.filter(closes_at__lt=F("opens_at")))


def test_a_crisis_house_and_crisis_lines_are_open_24_7(demo):
    open_always = [s for s in Service.objects.active().prefetch_related("schedules") if _is_24_7(s)]
    types = {code for s in open_always for code in s.service_types.values_list("code", flat=True)}
    assert {"crisis_house", "crisis_line"} <= types
    for service in open_always:
        assert all(s.open_bank_holidays for s in service.schedules.all())


def test_some_services_open_on_weekdays_only(demo):
    weekday_only = [
        s
        for s in Service.objects.active().prefetch_related("schedules")
        if s.schedules.all() and {x.weekday for x in s.schedules.all()} == {0, 1, 2, 3, 4}
    ]
    assert len(weekday_only) >= 5


def test_some_services_open_at_weekends_only_and_some_on_bank_holidays(demo):
    weekend_only = (
        Service.objects.active()
        .filter(schedules__weekday__in=[5, 6])
        .exclude(schedules__weekday__in=[0, 1, 2, 3, 4])
    )
    assert weekend_only.exists()
    bank_holidays = [
        s
        for s in _services_with(Q(open_bank_holidays=True)).prefetch_related("schedules")
        if not _is_24_7(s)
    ]
    assert bank_holidays, "a service that is not 24/7 but opens on bank holidays"


# ----------------------------------------------------------------------------- eligibility


def test_there_are_women_only_services_and_a_men_only_one(demo):
    assert Service.objects.active().filter(gender="female").count() >= 2
    assert Service.objects.active().filter(gender="male").exists()


def test_there_are_youth_services_for_11_to_25_and_16_to_25(demo):
    youth = Service.objects.active().filter(maximum_age__lte=25)
    assert youth.filter(service_types__code="youth_service").exists()
    assert youth.filter(minimum_age=11, maximum_age=25).exists()
    assert youth.filter(minimum_age=16, maximum_age=25).exists()


def test_a_womens_refuge_has_a_confidential_location(demo):
    confidential = Location.objects.filter(confidential=True)
    assert confidential.exists()
    refuges = Service.objects.filter(
        service_at_locations__location__confidential=True,
        gender="female",
        needs__code="domestic_abuse",
        communities__code="south_asian",
    )
    assert refuges.exists()
    for location in confidential:
        assert location.address_1, "a fictional address is still kept internally"
        assert location.public_postcode == location.outcode


def test_some_services_charge_and_say_what_they_charge(demo):
    charging = Service.objects.filter(free=False)
    assert charging.exists()
    assert not charging.filter(fees_description="").exists()


# ----------------------------------------------------------------------------- crisis and pathways


def test_crisis_alternatives_have_coherent_needs_and_routes(demo):
    for service in Service.objects.filter(service_types__code__in=["crisis_cafe", "sanctuary"]):
        assert service.needs.filter(code="crisis_now").exists(), service.slug
        assert service.access_routes.filter(code="drop_in").exists(), service.slug
    for service in Service.objects.filter(service_types__code="imha"):
        needs = set(service.needs.values_list("code", flat=True))
        routes = set(service.access_routes.values_list("code", flat=True))
        assert {"detained_support", "advocacy_rights"} <= needs, service.slug
        assert routes & {"professional_referral", "self_referral"}, service.slug


def test_imha_services_serve_a_polygon_around_their_council_in_england_and_wales(demo):
    imhas = Service.objects.filter(service_types__code="imha").prefetch_related(
        "service_at_locations__location"
    )
    assert imhas.count() >= 4
    nations = set()
    for service in imhas:
        area = service.service_area
        assert area["type"] == "Polygon", service.slug
        ring = area["coordinates"][0]
        assert len(ring) >= 4 and ring[0] == ring[-1], service.slug
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        for sal in service.service_at_locations.all():
            location = sal.location
            nations.add(location.nation)
            assert min(lons) <= location.longitude <= max(lons), service.slug
            assert min(lats) <= location.latitude <= max(lats), service.slug
    assert nations >= {"england", "wales"}
    towns = set(imhas.values_list("service_at_locations__location__town", flat=True).distinct())
    assert {"Wolverhampton", "Birmingham", "London", "Cardiff"} <= towns
    assert (
        Service.objects.filter(service_types__code="advocacy")
        .exclude(service_types__code="imha")
        .exists()
    )


def test_a_recovery_house_and_peer_support_help_people_leaving_hospital(demo):
    leaving = Service.objects.active().filter(needs__code="leaving_hospital")
    assert leaving.filter(service_types__code="recovery_house").exists()
    assert leaving.filter(service_types__code="peer_support").exists()


def test_a_punjabi_speaking_entry_point_in_wolverhampton_refers_on_to_punjabi_therapy(demo):
    in_wolverhampton = Q(service_at_locations__location__town="Wolverhampton")
    punjabi_staff = Q(languages__language_id="pa", languages__provision="staff")
    entry_points = (
        Service.objects.active()
        .filter(
            in_wolverhampton,
            punjabi_staff,
            service_types__code__in=["faith_based", "bme_community_org", "community_agency"],
            access_routes__code="self_referral",
        )
        .distinct()
    )
    partners = Service.objects.filter(
        in_wolverhampton,
        punjabi_staff,
        referred_from__in=entry_points,
        service_types__code="talking_therapy",
    )
    assert partners.exists()
    interpreter_only = (
        Service.objects.filter(
            in_wolverhampton,
            service_types__code="talking_therapy",
            languages__language_id="pa",
            languages__provision="interpreter",
        )
        .exclude(
            id__in=ServiceLanguage.objects.filter(language_id="pa", provision="staff").values(
                "service_id"
            )
        )
        .distinct()
    )
    assert interpreter_only.exists()


def test_referral_partners_are_other_services(demo):
    through = Service.referral_partners.through.objects
    assert through.exists()
    assert not through.filter(from_service_id=F("to_service_id")).exists()


# ----------------------------------------------------------------------------- national lines


def test_the_real_national_lines_are_listed_exactly_and_without_web_or_email(demo):
    expected = {
        "Samaritans": ("Samaritans", "116 123", "voice"),
        "Shout": ("Mental Health Innovations", "85258", "text"),
        "NHS 111 mental health option": ("NHS 111", "111", "voice"),
    }
    for name, (organisation, number, kind) in expected.items():
        service = Service.objects.get(name=name)
        assert service.national and service.free
        assert service.organization.name == organisation
        assert (service.url, service.email) == ("", "")
        assert (service.organization.website, service.organization.email) == ("", "")
        assert list(service.phones.values_list("number", "type")) == [(number, kind)]
        assert _is_24_7(service)
    assert Phone.objects.get(number="85258").description == "Text SHOUT to 85258"
    assert (
        Phone.objects.get(number="111").description == "Choose the mental health option (option 2)"
    )


def test_national_services_have_no_locations_and_include_fictional_helplines(demo):
    national = Service.objects.filter(national=True)
    assert national.count() >= 6
    assert not ServiceAtLocation.objects.filter(service__in=national).exists()
    fictional = national.exclude(name__in=["Samaritans", "Shout", "NHS 111 mental health option"])
    assert fictional.filter(languages__language_id="ta").exists()
    assert fictional.filter(service_types__code="faith_based").exists()
    for service in fictional:
        assert all(is_fictional_phone_number(p.number) for p in service.phones.all())


# ----------------------------------------------------------------------------- plainly fictional


def test_every_phone_number_is_fictional_or_a_national_crisis_number(demo):
    for phone in Phone.objects.all():
        assert is_fictional_phone_number(phone.number) or (
            _digits(phone.number) in NATIONAL_CRISIS_NUMBERS
        ), phone.number


def test_every_phone_number_is_used_once(demo):
    numbers = [_digits(n) for n in Phone.objects.values_list("number", flat=True)]
    assert len(numbers) == len(set(numbers))


def test_every_web_address_and_email_is_on_an_example_domain(demo):
    def on_example(value):
        host = value.rpartition("@")[2] if "@" in value else value.split("/")[2]
        return host.endswith(".example")

    values = [
        *Service.objects.values_list("url", flat=True),
        *Service.objects.values_list("email", flat=True),
        *Service.objects.values_list("assurer_email", flat=True),
        *Organization.objects.values_list("website", flat=True),
        *Organization.objects.values_list("email", flat=True),
    ]
    assert [v for v in values if v and not on_example(v)] == []


def test_addresses_are_invented_units_at_real_districts_near_their_centroid(demo):
    outcodes = {p.key: p for p in Place.objects.filter(kind="outcode")}
    for location in Location.objects.all():
        outward, inward = location.postcode.split()
        assert inward[-2:] in ("ZZ", "ZY"), location.postcode
        centre = outcodes[outward]
        assert abs(location.latitude - centre.latitude) < 0.01, location.postcode
        assert abs(location.longitude - centre.longitude) < 0.01, location.postcode
        assert location.nation == centre.nation


def test_the_gazetteer_has_every_district_the_demo_uses_and_its_towns(demo):
    outcodes = set(Place.objects.filter(kind="outcode").values_list("key", flat=True))
    assert {location.outcode for location in Location.objects.all()} == outcodes
    places = set(Place.objects.filter(kind="place").values_list("key", flat=True))
    assert {"peckham", "wolverhampton", "cardiff", "southall", "swansea"} <= places
    assert set(Place.objects.values_list("nation", flat=True)) == {"england", "wales"}


def test_the_gazetteer_coordinates_are_the_real_district_centroids(shared_data):
    with (shared_data / "uk-outcodes.csv").open(newline="") as handle:
        real = {row["outcode"]: row for row in csv.DictReader(handle)}
    with GAZETTEER_FIXTURE.open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["kind"] == "outcode"]
    assert rows
    for row in rows:
        source = real[row["key"]]
        assert float(row["latitude"]) == pytest.approx(float(source["latitude"]), abs=6e-5)
        assert float(row["longitude"]) == pytest.approx(float(source["longitude"]), abs=6e-5)
        assert row["nation"] == source["country"].lower()


def test_the_copy_says_ethnic_minority_or_names_the_community_never_bme_or_bame(demo):
    pattern = re.compile(r"\bB(A)?ME\b")
    texts = [
        *Service.objects.values_list("name", "description"),
        *Organization.objects.values_list("name", "description"),
    ]
    assert [t for pair in texts for t in pair if pattern.search(t)] == []


# ----------------------------------------------------------------------------- the number check


@pytest.mark.parametrize(
    "number",
    [
        "020 7946 0123",
        "0121 496 0999",
        "0113 496 0000",
        "0161 4960500",
        "+44 121 496 0123",
        "+44 (0)20 7946 0000",
        "01632 960001",
        "0191 498 0777",
        "028 9649 6000",
        "028 9649 6999",
        "029 2018 0456",
        "07700 900123",
        "0808 157 0000",
        "0909 879 0999",
        "0306 999 0123",
    ],
)
def test_is_fictional_phone_number_accepts_ofcom_drama_numbers(number):
    assert is_fictional_phone_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "0121 123 4567",
        "020 7946 1000",
        "0121 496 1000",
        "028 9649 5999",
        "07700 901000",
        "0191 496 0123",
        "020 7946 012",
        "020 7946 01234",
        "116 123",
        "999",
        "0800 1111",
        "",
        "not a number",
    ],
)
def test_is_fictional_phone_number_rejects_real_looking_numbers(number):
    assert not is_fictional_phone_number(number)


# ----------------------------------------------------------------------------- refusals


@pytest.mark.django_db
def test_load_demo_rejects_a_real_looking_number_and_writes_nothing(tmp_path):
    data = _copy_fixture(tmp_path)
    last = data["organizations"][-1]["services"][-1]
    last["phones"][0]["number"] = "0121 123 4567"
    before = _counts()
    with pytest.raises(ValueError, match=re.escape(last["slug"])) as error:
        load_demo(_write_fixture(tmp_path, data), today=TODAY)
    assert "0121 123 4567" in str(error.value)
    assert _counts() == before


@pytest.mark.django_db
def test_load_demo_rejects_an_unknown_code_and_changes_nothing_already_loaded(tmp_path):
    load_demo(today=TODAY)
    before, snapshot = _counts(), _snapshot()
    data = _copy_fixture(tmp_path)
    first_org = data["organizations"][0]
    first_org["name"] = "Renamed before the bad record"
    data["organizations"].append(
        {
            "slug": "brand-new-org",
            "name": "Brand new",
            "services": [
                {**first_org["services"][0], "slug": "brand-new-service", "locations": []},
            ],
        }
    )
    last = data["organizations"][-2]["services"][-1]
    last["needs"] = [*last["needs"], "not_a_need"]
    with pytest.raises(ValueError, match=r"not_a_need") as error:
        load_demo(_write_fixture(tmp_path, data), today=TODAY)
    assert last["slug"] in str(error.value)
    assert _counts() == before and _snapshot() == snapshot
    assert not Organization.objects.filter(name="Renamed before the bad record").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "value"),
    [("url", "https://www.real-charity.org.uk/help"), ("email", "help@real-charity.org.uk")],
)
def test_load_demo_rejects_a_web_address_or_email_not_on_example(tmp_path, key, value):
    data = _copy_fixture(tmp_path)
    before = _counts()
    service = data["organizations"][-1]["services"][-1]
    service[key] = value
    with pytest.raises(ValueError, match=re.escape(service["slug"])):
        load_demo(_write_fixture(tmp_path, data), today=TODAY)
    assert _counts() == before


@pytest.mark.django_db
def test_load_demo_rejects_an_unknown_language_and_a_referral_to_nowhere(tmp_path):
    data = _copy_fixture(tmp_path)
    before = _counts()
    service = data["organizations"][0]["services"][0]
    service["languages"] = [*service["languages"], {"code": "xx", "how": "staff"}]
    with pytest.raises(ValueError, match="xx"):
        load_demo(_write_fixture(tmp_path, data), today=TODAY)
    service["languages"].pop()
    service["referral_partners"] = ["no-such-service"]
    with pytest.raises(ValueError, match="no-such-service"):
        load_demo(_write_fixture(tmp_path, data), today=TODAY)
    assert _counts() == before


def test_the_search_index_is_up_to_date_after_seeding(demo):
    from directory import search

    def found(text):
        ids = search.matching_service_ids(text)
        return set(Service.objects.filter(id__in=ids).values_list("slug", flat=True))

    assert {"nokkhotro-bengali-counselling", "nokkhotro-womens-group"} <= found("sylheti")
    assert "seren-safe-haven-cardiff" in found("cardiff cymraeg")
    assert "dil-se-punjabi-urdu-counselling" in found("punjabi wolverhampton")


@pytest.mark.django_db
def test_load_demo_rejects_a_misspelt_key_rather_than_losing_the_data(tmp_path):
    data = _copy_fixture(tmp_path)
    before = _counts()
    service = data["organizations"][0]["services"][0]
    service["need"] = service.pop("needs")
    with pytest.raises(ValueError, match=r"unknown key.*'need'"):
        load_demo(_write_fixture(tmp_path, data), today=TODAY)
    assert _counts() == before
