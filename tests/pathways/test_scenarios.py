"""The people Navigator is for, on the fictional demo directory, end to end through the API."""

import pytest

pytestmark = pytest.mark.django_db

TUESDAY_NIGHT = "2026-12-01T23:30:00Z"  # 23:30 in London, GMT
TUESDAY_AFTERNOON = "2026-12-01T14:00:00Z"


def section(plan, kind):
    for found in plan["sections"]:
        if found["kind"] == kind:
            return found["suggestions"]
    return []


def slugs(suggestions):
    return [suggestion["service"]["slug"] for suggestion in suggestions]


def everything_suggested(plan):
    return {s["service"]["slug"] for found in plan["sections"] for s in found["suggestions"]}


def phones(plan):
    return [contact["phone"] or contact["text"] for contact in plan["safety"]["contacts"]]


def test_a_punjabi_speaker_in_wolverhampton_is_offered_punjabi_speaking_ways_in(ask):
    plan = ask(
        location={"postcode": "WV1"},
        languages=["pa", "en"],
        needs=["emotional_support"],
        at=TUESDAY_AFTERNOON,
    )
    entry = section(plan, "entry_points")
    assert entry, plan["sections"]
    first = entry[0]
    assert any(
        reason["code"] == "language_staff" and "Punjabi" in reason["text"]
        for reason in first["reasons"]
    )
    assert first["distance_km"] < 15


def test_a_punjabi_speaker_is_shown_the_route_from_the_gurdwara_drop_in_to_punjabi_counselling(ask):
    plan = ask(
        location={"postcode": "WV1"},
        languages=["pa"],
        needs=["talking_therapy"],
        at=TUESDAY_AFTERNOON,
    )
    routes = [[step["service"]["name"] for step in route["steps"]] for route in plan["routes"]]
    assert ["Langar and Listen drop-in", "Punjabi and Urdu counselling"] in routes
    therapy = section(plan, "talking_therapy")
    assert (
        slugs(therapy)[0] == "dil-se-punjabi-urdu-counselling"
        or "Punjabi" in therapy[0]["reasons"][0]["text"]
    )


def test_someone_in_crisis_at_night_gets_the_crisis_lines_first_and_only_open_places(ask):
    plan = ask(location={"postcode": "WV1"}, urgency="crisis_now", at=TUESDAY_NIGHT)
    assert plan["safety"]["prominent"] is True
    assert phones(plan) == ["999", "111", "116 123", "85258"]
    crisis = section(plan, "crisis_alternatives")
    assert "brightlamp-evening-crisis-cafe" in slugs(crisis)  # 18:00-02:00, open at 23:30
    assert all(suggestion["open_now"] for suggestion in crisis)


def test_in_peckham_at_half_past_eleven_the_safe_haven_that_shut_at_eleven_is_not_offered(ask):
    plan = ask(location={"place": "Peckham"}, urgency="crisis_now", at=TUESDAY_NIGHT)
    assert "kin-safe-haven-peckham" not in slugs(section(plan, "crisis_alternatives"))
    assert plan["safety"]["prominent"] is True


def test_in_birmingham_at_night_the_sanctuary_and_the_crisis_house_are_open(ask):
    plan = ask(location={"postcode": "B11"}, needs=["crisis_now"], at=TUESDAY_NIGHT)
    crisis = slugs(section(plan, "crisis_alternatives"))
    assert "quietwater-night-sanctuary" in crisis  # 20:00-06:00
    assert "amani-crisis-house" in crisis  # 24/7


def test_a_person_detained_under_section_3_is_eligible_for_the_imha_of_their_area(ask):
    plan = ask(location={"postcode": "WV1"}, mha_status="s3", needs=["advocacy_rights"])
    assert plan["imha"]["eligible"] is True
    assert plan["imha"]["citation"].startswith("Mental Health Act 1983 s.130C")
    advocacy = slugs(section(plan, "advocacy"))
    assert "wolverhampton-imha" in advocacy
    assert not {"birmingham-imha", "cardiff-imha", "southwark-imha"} & everything_suggested(plan)


def test_a_person_held_under_section_136_is_not_eligible_and_gets_general_advocacy(ask):
    plan = ask(location={"postcode": "WV1"}, mha_status="s136", needs=["advocacy_rights"])
    assert plan["imha"]["eligible"] is False
    suggested = everything_suggested(plan)
    assert "wolverhampton-imha" not in suggested
    assert "wolverhampton-community-advocacy" in suggested


def test_an_informal_in_patient_in_wales_is_eligible_for_the_cardiff_imha(ask):
    plan = ask(location={"postcode": "CF10"}, mha_status="informal", needs=["advocacy_rights"])
    assert plan["imha"] == {
        **plan["imha"],
        "eligible": True,
        "nation": "wales",
    }
    assert "cardiff-imha" in slugs(section(plan, "advocacy"))


def test_an_informal_patient_in_england_is_not_eligible(ask):
    plan = ask(location={"postcode": "WV1"}, mha_status="informal", needs=["advocacy_rights"])
    assert plan["imha"]["eligible"] is False
    assert "wolverhampton-imha" not in everything_suggested(plan)


def test_a_16_year_old_is_offered_youth_services_and_never_adult_only_ones(ask, api_client):
    plan = ask(
        location={"postcode": "WV1"},
        age=16,
        needs=["emotional_support", "young_person"],
        mode="professional",
    )
    suggested = everything_suggested(plan)
    assert "next-chapter-youth-drop-in" in suggested  # ages 11 to 25
    assert "brightlamp-evening-crisis-cafe" not in suggested  # 18 and over
    excluded = {
        item["service"]["name"]: [r["code"] for r in item["reasons"]] for item in plan["excluded"]
    }
    assert "age" in excluded["Brightlamp evening crisis café"]


def test_a_man_is_never_offered_a_women_only_service(ask):
    plan = ask(
        location={"postcode": "WV1"},
        gender="male",
        needs=["emotional_support"],
        mode="professional",
    )
    assert "rangoli-womens-group" not in everything_suggested(plan)
    assert any(item["service"]["name"] == "Rangoli women's group" for item in plan["excluded"])


def test_someone_leaving_hospital_in_birmingham_is_offered_the_recovery_house(ask):
    plan = ask(location={"postcode": "B6"}, needs=["leaving_hospital"])
    assert "willow-bank-recovery-house" in everything_suggested(plan)


def test_someone_leaving_hospital_in_brixton_is_shown_the_way_back_to_community(ask):
    plan = ask(location={"place": "Brixton"}, needs=["leaving_hospital"])
    steps = [route["steps"] for route in plan["routes"] if len(route["steps"]) >= 2]
    assert steps, plan["routes"]
    assert any(
        "peers" in step["why"] or "peer" in step["why"].lower() for route in steps for step in route
    )


def test_a_somali_speaker_asking_for_therapy_is_told_what_is_missing_and_offered_alternatives(ask):
    plan = ask(
        location={"postcode": "WV1"},
        languages=["so"],
        needs=["talking_therapy"],
        max_distance_km=10,
    )
    gaps = [gap for gap in plan["gaps"] if gap["need"] == "talking_therapy"]
    assert gaps and gaps[0]["language"] == "so"
    assert "Somali" in gaps[0]["message"]


def test_a_public_plan_never_lists_what_was_excluded(ask):
    plan = ask(location={"postcode": "WV1"}, age=16, needs=["emotional_support"])
    assert plan["excluded"] == []


def test_the_same_request_always_gives_the_same_plan(ask):
    request = {
        "location": {"postcode": "B11"},
        "languages": ["ur"],
        "needs": ["emotional_support", "racism_trauma"],
        "at": TUESDAY_AFTERNOON,
    }
    assert ask(**request) == ask(**request)


def test_national_lines_are_offered_even_far_from_any_local_service(ask):
    plan = ask(location={"postcode": "SA1"}, needs=["emotional_support"], languages=["ta"])
    assert section(plan, "national_lines")
