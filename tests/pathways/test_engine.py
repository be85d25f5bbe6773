"""The pathway engine, by tables of cases: plain data in, a plan out, no database.

Moments are passed in. 2026-12-01 is a Tuesday; 11:00 is the middle of an ordinary day and
23:30 is night, when only overnight and 24/7 services are open.
"""

from dataclasses import replace
from datetime import date, datetime, time

import pytest

from directory.hours import LONDON, Span, open_state
from pathways.engine import (
    GAP_REACH_FACTOR,
    SECTION_KINDS,
    SECTION_LIMITS,
    WEIGHTS,
    PhoneLine,
    ServiceSnapshot,
    Situation,
    build_plan,
    section_for,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
DAY = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)  # Tuesday morning
NIGHT = datetime(2026, 12, 1, 23, 30, tzinfo=LONDON)  # Tuesday night
AFTER_MIDNIGHT = datetime(2026, 12, 2, 1, 0, tzinfo=LONDON)  # early Wednesday

ALWAYS_OPEN = tuple(Span(day, time(0), time(23, 59)) for day in range(7))
OFFICE_HOURS = tuple(Span(day, time(9), time(17)) for day in (MON, TUE, WED, THU, FRI))
EVENINGS_TO_2AM = tuple(Span(day, time(20), time(2)) for day in range(7))
SET_FIELDS = ("service_types", "needs", "communities", "access_routes", "referral_partner_ids")


def service(id: str = "s1", **changes) -> ServiceSnapshot:
    """A snapshot with plain defaults: local talking therapy 1 km away, English, open 24/7.

    `types` is short for `service_types`; set-valued fields take any iterable.
    """
    if "types" in changes:
        changes["service_types"] = changes.pop("types")
    values = {
        "id": id,
        "slug": id,
        "name": f"Service {id}",
        "organization": f"Organisation {id}",
        "url": f"/services/{id}/",
        "phones": (),
        "service_types": {"talking_therapy"},
        "needs": {"talking_therapy"},
        "communities": {"everyone"},
        "access_routes": {"self_referral"},
        "languages": (("en", "staff"),),
        "minimum_age": None,
        "maximum_age": None,
        "gender": "",
        "national": False,
        "distance_km": 1.0,
        "in_service_area": None,
        "spans": ALWAYS_OPEN,
        "nation": "england",
        "ethnic_minority_led": False,
        "user_led": False,
        "free": True,
        "assured_date": date(2026, 6, 1),
        "stale": False,
        "referral_partner_ids": (),
    }
    values.update(changes)
    for name in SET_FIELDS:
        values[name] = frozenset(values[name])
    return ServiceSnapshot(**values)


def national_line(id: str = "line", **changes) -> ServiceSnapshot:
    defaults = {
        "types": {"helpline"},
        "needs": {"emotional_support", "crisis_now"},
        "access_routes": {"phone"},
        "national": True,
        "distance_km": None,
        "phones": (PhoneLine("0800 000 0000", "voice"),),
    }
    return service(id, **{**defaults, **changes})


def situation(**changes) -> Situation:
    values = {"at": DAY, "nation": "england", "needs": ("talking_therapy",)}
    values.update(changes)
    return Situation(**values)


def plan_for(candidates, **changes):
    return build_plan(situation(**changes), candidates)


def ids(plan, kind=None):
    """The suggested ids in one section (or in every section, in order)."""
    return [
        suggestion.service.id
        for section in plan.sections
        if kind is None or section.kind == kind
        for suggestion in section.suggestions
    ]


def suggestion(plan, service_id):
    for section in plan.sections:
        for item in section.suggestions:
            if item.service.id == service_id:
                return item
    raise AssertionError(f"{service_id} was not suggested")


def codes(reasons):
    return [reason.code for reason in reasons]


def texts(reasons):
    return [reason.text for reason in reasons]


def excluded(plan):
    return {item.service.id: codes(item.reasons) for item in plan.excluded}


def excluded_texts(plan):
    return {item.service.id: texts(item.reasons) for item in plan.excluded}


# ----------------------------------------------------------------------------- safety

SAFETY_NUMBERS = [("999", None), ("111", None), ("116 123", None), (None, "85258")]


@pytest.mark.parametrize(
    "changes, prominent",
    [
        ({}, False),  # a routine request still carries the four lines, not leading
        ({"urgency": "soon"}, False),  # "soon" is not a crisis
        ({"urgency": "crisis_now"}, True),  # urgency crisis_now puts them first
        ({"needs": ("crisis_now",)}, True),  # so does the need crisis_now at routine urgency
        ({"needs": (), "mode": "professional"}, False),  # professional mode has them too
    ],
)
def test_every_plan_carries_the_four_national_lines(changes, prominent):
    plan = plan_for([], **changes)
    assert plan.safety.prominent is prominent
    assert [(c.phone, c.text) for c in plan.safety.contacts] == SAFETY_NUMBERS
    assert all(contact.name and contact.description for contact in plan.safety.contacts)


@pytest.mark.parametrize(
    "nation, words",
    [
        ("england", "option 2"),  # England: 111, the mental health option
        ("wales", "press 2"),  # Wales: 111 press 2
        ("scotland", "NHS 24"),  # Scotland: NHS 24 is 111
        ("northern_ireland", "may not have a mental health option"),  # NI: 111 may differ
    ],
)
def test_nhs_111_is_worded_for_the_nation(nation, words):
    contacts = plan_for([], nation=nation).safety.contacts
    assert words in contacts[1].description
    assert "immediate danger or has seriously hurt themselves" in contacts[0].description
    assert contacts[3].description.startswith("Text SHOUT to 85258")


# ----------------------------------------------------------------------------- eligibility

TEEN_TO_25 = {"minimum_age": 16, "maximum_age": 25}


@pytest.mark.parametrize(
    "person, listing, excluded_code, text",
    [
        # under the minimum age: excluded
        ({"age": 15}, TEEN_TO_25, "age", "For ages 16 to 25"),
        # over the maximum age: excluded
        ({"age": 30}, TEEN_TO_25, "age", "For ages 16 to 25"),
        # a minimum only
        ({"age": 17}, {"minimum_age": 18}, "age", "For ages 18 and over"),
        # a man and a women-only service
        ({"gender": "male"}, {"gender": "female"}, "gender", "For women only"),
        # a woman and a men-only service
        ({"gender": "female"}, {"gender": "male"}, "gender", "For men only"),
        # a service area that does not hold the person
        ({}, {"in_service_area": False}, "service_area", "Serves another area"),
        # beyond the maximum distance
        ({}, {"distance_km": 42.0}, "too_far", "42 km away, beyond 15 km"),
        # the person's own maximum distance
        ({"max_distance_km": 5}, {"distance_km": 7.5}, "too_far", "7.5 km away, beyond 5 km"),
    ],
)
def test_ineligible_services_are_excluded_and_listed_for_professionals(
    person, listing, excluded_code, text
):
    plan = plan_for([service("x", **listing)], mode="professional", **person)
    assert ids(plan) == []
    assert excluded(plan) == {"x": [excluded_code]}
    assert excluded_texts(plan) == {"x": [text]}


@pytest.mark.parametrize(
    "person, listing, caution, text",
    [
        # age in range: suggested, no caution
        ({"age": 20}, TEEN_TO_25, None, None),
        # age unknown: kept, with the limits as a caution
        ({}, TEEN_TO_25, "age_check", "For ages 16 to 25"),
        # a maximum only, age unknown
        ({}, {"maximum_age": 25}, "age_check", "For ages 25 and under"),
        # a non-binary person and a women-only service: kept, to check with the service
        (
            {"gender": "non_binary"},
            {"gender": "female"},
            "gender_check",
            "For women only: check with them that it is right for you",
        ),
        # gender not given and a women-only service: kept with the same caution
        (
            {},
            {"gender": "female"},
            "gender_check",
            "For women only: check with them that it is right for you",
        ),
        # a woman and a women-only service: no caution
        ({"gender": "female"}, {"gender": "female"}, None, None),
        # inside the service area, even far away: kept
        ({}, {"in_service_area": True, "distance_km": 40.0}, None, None),
    ],
)
def test_services_the_person_may_use_are_kept(person, listing, caution, text):
    plan = plan_for([service("x", **listing)], mode="professional", **person)
    assert ids(plan) == ["x"]
    assert plan.excluded == ()
    cautions = suggestion(plan, "x").cautions
    if caution is None:
        assert not {"age_check", "gender_check"} & set(codes(cautions))
    else:
        assert (caution, text) in [(c.code, c.text) for c in cautions]


def test_public_mode_lists_nothing_as_excluded():
    # the excluded list is for professionals only
    plan = plan_for([service("x", gender="female")], gender="male")
    assert ids(plan) == [] and plan.excluded == ()


def test_every_reason_for_an_exclusion_is_given():
    # age, gender and distance together, in that order
    listing = service("x", minimum_age=18, gender="female", distance_km=30.0)
    plan = plan_for([listing], mode="professional", age=16, gender="male")
    assert excluded(plan) == {"x": ["age", "gender", "too_far"]}


def test_services_that_meet_no_need_are_neither_suggested_nor_excluded():
    # irrelevant is not "excluded": it was never asked for
    plan = plan_for(
        [service("x", needs={"housing"}, types={"housing_support"}, gender="female")],
        mode="professional",
        gender="male",
    )
    assert ids(plan) == [] and plan.excluded == ()


# ----------------------------------------------------------------------------- crisis at night

CRISIS_CANDIDATES = [
    service(
        "overnight-cafe",
        types={"crisis_cafe"},
        needs={"crisis_now"},
        spans=EVENINGS_TO_2AM,
        distance_km=3.0,
    ),
    service("crisis-house", types={"crisis_house"}, needs={"crisis_now"}, distance_km=5.0),
    service(
        "day-cafe", types={"crisis_cafe"}, needs={"crisis_now"}, spans=OFFICE_HOURS, distance_km=1.0
    ),
    service(
        "no-hours-sanctuary", types={"sanctuary"}, needs={"crisis_now"}, spans=(), distance_km=2.0
    ),
]


def test_at_night_in_crisis_only_open_crisis_alternatives_are_shown_nearest_first():
    # overnight spans and 24/7 are open at 23:30; office hours and unknown hours are not
    plan = plan_for(CRISIS_CANDIDATES, at=NIGHT, urgency="crisis_now", needs=())
    assert ids(plan, "crisis_alternatives") == ["overnight-cafe", "crisis-house"]
    assert plan.sections[0].title == "Open now: places to go in a crisis"


def test_a_span_from_the_evening_before_is_still_open_after_midnight():
    # Tuesday 20:00–02:00 is open at 01:00 on Wednesday
    plan = plan_for(CRISIS_CANDIDATES, at=AFTER_MIDNIGHT, needs=("crisis_now",))
    assert "overnight-cafe" in ids(plan, "crisis_alternatives")


def test_closed_crisis_alternatives_are_listed_with_when_they_open():
    # professionals see why the day café is missing at night
    plan = plan_for(CRISIS_CANDIDATES, at=NIGHT, urgency="crisis_now", mode="professional")
    assert excluded_texts(plan) == {
        "day-cafe": ["Closed now; opens tomorrow at 9am"],
        "no-hours-sanctuary": ["No opening hours listed, so it may not be open now"],
    }


def test_open_crisis_alternatives_say_until_when():
    # "Open now until 2am tomorrow", "Open day and night", and the closing time as ISO
    plan = plan_for(CRISIS_CANDIDATES, at=NIGHT, urgency="crisis_now")
    cafe = suggestion(plan, "overnight-cafe")
    assert ("open_now", "Open now until 2am tomorrow") in [(r.code, r.text) for r in cafe.reasons]
    assert cafe.as_dict()["closes_at"] == "2026-12-02T02:00:00+00:00"
    house = suggestion(plan, "crisis-house")
    assert "open_24_7" in codes(house.reasons) and house.closes_at is None


def test_outside_a_crisis_closed_crisis_alternatives_stay_with_a_caution():
    # at a routine moment the day café is shown, closed, with when it opens
    plan = plan_for(CRISIS_CANDIDATES, at=NIGHT, needs=())
    cafe = suggestion(plan, "day-cafe")
    assert cafe.open_now is False
    assert ("closed_now", "Closed now; opens tomorrow at 9am") in [
        (c.code, c.text) for c in cafe.cautions
    ]
    assert cafe.as_dict()["next_opens_at"] == "2026-12-02T09:00:00+00:00"


def test_in_crisis_the_best_language_comes_before_the_nearest():
    # a Punjabi-speaking café 8 km away before an English-only one 1 km away
    candidates = [
        service("near", types={"crisis_cafe"}, needs={"crisis_now"}, distance_km=1.0),
        service(
            "punjabi",
            types={"crisis_cafe"},
            needs={"crisis_now"},
            distance_km=8.0,
            languages=(("pa", "staff"),),
        ),
    ]
    plan = plan_for(candidates, at=NIGHT, urgency="crisis_now", languages=("pa",))
    assert ids(plan, "crisis_alternatives") == ["punjabi", "near"]


def test_in_crisis_with_no_needs_only_crisis_help_is_suggested():
    # urgency crisis_now counts as the need crisis_now
    candidates = [
        service("cafe", types={"crisis_cafe"}, needs=()),
        service("community", types={"bme_community_org"}, needs={"isolation"}),
    ]
    plan = plan_for(candidates, urgency="crisis_now", needs=())
    assert ids(plan) == ["cafe"]


@pytest.mark.parametrize(
    "listing, kind",
    [
        ({"types": {"crisis_line"}}, "crisis_alternatives"),  # a local crisis line
        ({"types": {"crisis_line"}, "national": True, "distance_km": None}, "national_lines"),
        ({"types": {"helpline"}}, "national_lines"),  # a local helpline
        ({"types": {"carers_support"}}, "peer_support"),  # carers' groups with peer support
        ({"types": {"cultural_consultation"}}, "talking_therapy"),
        ({"types": {"crisis_cafe", "bme_community_org"}}, "crisis_alternatives"),  # first wins
        ({"types": {"peer_support", "faith_based"}}, "entry_points"),  # DESIGN order decides
        ({"types": {"talking_therapy"}, "national": True}, "talking_therapy"),
        ({"types": set(), "national": True}, "national_lines"),  # a national service, no type
        ({"types": set()}, None),  # no type, not national: no section
    ],
)
def test_each_service_goes_in_one_section(listing, kind):
    assert section_for(service("x", **listing)) == kind


def test_an_imha_only_service_has_no_section_for_someone_without_the_right():
    # the imha type is set aside; imha + advocacy stays in advocacy
    assert section_for(service(types={"imha"}), imha_eligible=False) is None
    assert section_for(service(types={"imha", "advocacy"}), imha_eligible=False) == "advocacy"


# ----------------------------------------------------------------------------- languages

LANGUAGE_CANDIDATES = [
    service("none", languages=(("en", "staff"),)),
    service("interpreter", languages=(("en", "staff"), ("pa", "interpreter"))),
    service("staff", languages=(("pa", "staff"),)),
]


def test_staff_in_the_persons_language_rank_above_an_interpreter_above_neither():
    # staff > interpreter > none, with a caution on the last two
    plan = plan_for(LANGUAGE_CANDIDATES, languages=("pa",))
    assert ids(plan) == ["staff", "interpreter", "none"]
    assert codes(suggestion(plan, "staff").cautions) == []
    assert [(c.code, c.text) for c in suggestion(plan, "interpreter").cautions] == [
        ("interpreter_only", "No staff listed who speak Punjabi")
    ]
    assert [(c.code, c.text) for c in suggestion(plan, "none").cautions] == [
        ("no_language", "Does not list Punjabi")
    ]


def test_staff_rank_above_an_interpreter_whatever_else_differs():
    # the interpreter service is next door, open-access and checked; staff win all the same
    candidates = [
        service(
            "interpreter",
            distance_km=0.1,
            access_routes={"drop_in"},
            languages=(("pa", "interpreter"),),
            ethnic_minority_led=True,
        ),
        service(
            "staff",
            distance_km=14.9,
            access_routes={"gp_referral"},
            assured_date=None,
            languages=(("pa", "staff"),),
            spans=OFFICE_HOURS,
        ),
    ]
    plan = plan_for(candidates, languages=("pa",), at=NIGHT, prefer=("ethnic_minority_led",))
    assert ids(plan) == ["staff", "interpreter"]


def test_the_first_language_counts_most():
    # Punjabi first: Punjabi staff before English staff, other things equal
    candidates = [
        service("english", languages=(("en", "staff"),)),
        service("punjabi", languages=(("pa", "staff"),)),
    ]
    assert ids(plan_for(candidates, languages=("pa", "en"))) == ["punjabi", "english"]
    assert ids(plan_for(candidates, languages=("en", "pa"))) == ["english", "punjabi"]


def test_language_reasons_name_the_languages():
    # staff languages in the person's order; interpreter-only ones named separately
    listing = service(
        "x", languages=(("en", "staff"), ("ur", "staff"), ("pa", "interpreter"), ("pl", "staff"))
    )
    plan = plan_for([listing], languages=("pa", "ur", "en"))
    reasons = {r.code: r.text for r in suggestion(plan, "x").reasons}
    assert reasons["language_staff"] == "Staff speak Urdu and English"
    assert reasons["language_interpreter"] == "Punjabi through an interpreter"


def test_a_phone_line_answered_in_a_language_counts_as_staff_who_speak_it():
    # phone lines carry the languages they are answered in
    listing = service("x", languages=(), phones=(PhoneLine("0121 496 0000", "voice", "", ("so",)),))
    plan = plan_for([listing], languages=("so",))
    assert "Staff speak Somali" in texts(suggestion(plan, "x").reasons)


def test_written_material_only_is_a_caution_of_its_own():
    # written information is not someone to talk to
    listing = service("x", languages=(("en", "staff"), ("so", "written")))
    plan = plan_for([listing], languages=("so",))
    assert [(c.code, c.text) for c in suggestion(plan, "x").cautions] == [
        ("written_only", "Somali in written information only")
    ]


def test_with_no_languages_given_language_is_no_caution():
    # nothing to compare against
    plan = plan_for(LANGUAGE_CANDIDATES)
    assert all(not suggestion(plan, i).cautions for i in ("none", "interpreter", "staff"))


# ----------------------------------------------------------------------------- routes

GURDWARA = service(
    "gurdwara",
    name="Gurdwara Seva",
    types={"faith_based"},
    needs={"faith_spiritual"},
    access_routes={"drop_in", "self_referral"},
    languages=(("pa", "staff"), ("en", "staff")),
    referral_partner_ids={"therapy"},
)
THERAPY = service(
    "therapy",
    name="Punjabi Counselling",
    access_routes={"gp_referral"},
    languages=(("pa", "staff"),),
)


def test_a_route_starts_at_a_walk_in_entry_point_that_refers_to_a_partner():
    # the gurdwara need not offer therapy itself: it opens the door
    plan = plan_for([GURDWARA, THERAPY], languages=("pa",))
    assert len(plan.routes) == 1
    route = plan.routes[0].as_dict()
    assert route["steps"] == [
        {
            "service": {"id": "gurdwara", "name": "Gurdwara Seva"},
            "why": "Start at Gurdwara Seva: you can walk in and staff speak Punjabi.",
        },
        {
            "service": {"id": "therapy", "name": "Punjabi Counselling"},
            "why": "Gurdwara Seva can refer you to Punjabi Counselling, which offers talking "
            "therapy in Punjabi.",
        },
    ]
    assert "Gurdwara Seva" in route["explanation"]


def test_a_route_through_a_service_that_takes_community_referrals():
    # no partnership, but the therapy service accepts community referrals
    entry = service(
        "centre",
        name="Community Centre",
        types={"community_agency"},
        needs=(),
        access_routes={"self_referral"},
        languages=(("pa", "staff"),),
    )
    therapy = service(
        "therapy",
        name="Therapy",
        access_routes={"community_referral"},
        languages=(("pa", "interpreter"), ("en", "staff")),
    )

    plan = plan_for([entry, therapy], languages=("pa",))
    steps = plan.routes[0].steps
    assert (
        steps[0].why == "Start at Community Centre: you can refer yourself and staff speak Punjabi."
    )
    assert steps[1].why == (
        "Therapy takes referrals from community organisations like Community Centre, and "
        "offers talking therapy in Punjabi through an interpreter."
    )


def test_a_referral_partner_is_preferred_to_a_community_referral():
    # both entry points could lead to the therapy; the partner is chosen
    other = service(
        "other",
        name="Aaa Centre",
        types={"community_agency"},
        needs=(),
        access_routes={"drop_in"},
        languages=(("pa", "staff"),),
    )
    therapy = service(
        "therapy",
        name="Punjabi Counselling",
        access_routes={"gp_referral", "community_referral"},
        languages=(("pa", "staff"),),
    )

    plan = plan_for([other, GURDWARA, therapy], languages=("pa",))
    assert [step.service.id for step in plan.routes[0].steps] == ["gurdwara", "therapy"]
    assert len(plan.routes) == 1  # one route per service reached


@pytest.mark.parametrize(
    "entry_changes",
    [
        {"languages": (("en", "staff"),)},  # staff do not speak the person's language
        {"access_routes": {"gp_referral"}},  # the person cannot walk in
        {"distance_km": 40.0},  # out of reach
        {"gender": "female"},  # ineligible (the person is a man)
    ],
)
def test_no_route_starts_where_the_person_cannot_walk_in(entry_changes):
    entry = replace(
        GURDWARA,
        **{
            key: frozenset(value) if isinstance(value, set) else value
            for key, value in entry_changes.items()
        },
    )
    plan = plan_for([entry, THERAPY], languages=("pa",), gender="male")
    assert plan.routes == ()


LEAVING = [
    service("recovery", name="Recovery House", types={"recovery_house"}, needs=()),
    service("peers", name="Peer Group", types={"peer_support"}, needs={"leaving_hospital"}),
    service(
        "centre",
        name="Centre",
        types={"bme_community_org"},
        needs={"leaving_hospital"},
        languages=(("pa", "staff"),),
    ),
]


def test_the_way_out_of_hospital_is_a_route_of_its_own():
    # recovery house, then peer support, then community follow-up
    plan = plan_for(LEAVING, needs=("leaving_hospital",), languages=("pa", "en"))
    route = plan.routes[0]
    assert route.kind == "leaving_hospital"
    assert [step.service.id for step in route.steps] == ["recovery", "peers", "centre"]
    assert route.steps[2].why == (
        "Centre can support you back in your community. Staff speak Punjabi."
    )
    assert route.explanation == (
        "A way out of hospital: a short stay to recover, support from peers and support in "
        "your community."
    )


def test_one_step_is_not_a_route_out_of_hospital():
    # a recovery house alone is in its section, not a route
    plan = plan_for(LEAVING[:1], needs=("leaving_hospital",))
    assert plan.routes == () and ids(plan) == ["recovery"]


# ----------------------------------------------------------------------------- IMHA


MHA = "Mental Health Act 1983 "
WALES_MEASURE = " (inserted by the Mental Health (Wales) Measure 2010 s.{})"
S57, S58A = {"considering_s57": True}, {"considering_s58a": True}


@pytest.mark.parametrize(
    "nation, status, extra, eligible, citation",
    [
        ("england", "s3", {}, True, MHA + "s.130C(2)(a)"),  # detained for treatment
        ("england", "s2", {}, True, MHA + "s.130C(2)(a)"),  # detained for assessment
        ("england", "s136", {}, False, MHA + "s.130C(2)(a)"),  # a place-of-safety power
        ("england", "s4", {}, False, MHA + "s.130C(2)(a)"),  # an emergency application
        ("england", "cto", {}, True, MHA + "s.130C(2)(c)"),  # a community patient
        ("england", "guardianship", {}, True, MHA + "s.130C(2)(b)"),  # under guardianship
        ("england", "conditional_discharge", {}, True, MHA + "s.130C(2)(a)"),  # restricted
        ("england", "informal", {}, False, MHA + "s.130C"),  # informal: no right in England
        ("england", "informal", S57, True, MHA + "s.130C(3)(a)"),  # unless s.57 is considered
        ("england", "informal", {**S58A, "age": 16}, True, MHA + "s.130C(3)(b)"),  # ECT, under 18
        ("england", "informal", {**S58A, "age": 30}, False, MHA + "s.130C"),  # ECT at 30: no
        ("england", "informal", S58A, False, MHA + "s.130C"),  # ECT at an unknown age: no
        ("wales", "informal", {}, True, MHA + "s.130J" + WALES_MEASURE.format(36)),  # in-patient
        ("wales", "s136", {}, True, MHA + "s.130I" + WALES_MEASURE.format(35)),  # short-term
        (
            "scotland",
            "s3",
            {},
            False,
            "Mental Health (Care and Treatment) (Scotland) Act 2003 s.259",
        ),
    ],
)
def test_imha_eligibility_comes_from_the_rules_table(nation, status, extra, eligible, citation):
    plan = plan_for([], nation=nation, mha_status=status, **extra)
    assert plan.imha.eligible is eligible
    assert plan.imha.citation == citation
    assert plan.imha.nation == nation and plan.imha.basis


def test_no_status_means_no_imha_answer():
    # imha is null when no Mental Health Act status was given
    assert plan_for([]).imha is None
    assert plan_for([]).as_dict()["imha"] is None


def test_the_basis_is_in_plain_words():
    # "You are detained under section 3 …"
    basis = plan_for([], mha_status="s3").imha.basis
    assert basis.startswith("You are detained under section 3")
    assert "legal right to an IMHA" in basis


IMHAS = [
    service(
        "home-imha",
        name="IMHA Home",
        types={"imha"},
        needs={"detained_support"},
        in_service_area=True,
        distance_km=40.0,
    ),
    service(
        "other-imha",
        name="IMHA Elsewhere",
        types={"imha"},
        needs={"detained_support"},
        in_service_area=False,
        distance_km=2.0,
    ),
    service(
        "advocacy", name="Advocacy", types={"advocacy"}, needs={"advocacy_rights"}, distance_km=1.0
    ),
]


def test_an_eligible_person_is_steered_to_the_imha_for_their_area_first():
    # the area's IMHA leads, even 40 km away; another area's is excluded
    plan = plan_for(IMHAS, mha_status="s3", needs=("emotional_support",), mode="professional")
    assert ids(plan, "advocacy") == ["home-imha"]
    assert excluded_texts(plan) == {"other-imha": ["Serves another area"]}
    assert "imha" in codes(suggestion(plan, "home-imha").reasons)


def test_the_imha_leads_the_advocacy_section_before_general_advocacy():
    # with a need for advocacy both show, the IMHA first
    plan = plan_for(IMHAS, mha_status="cto", needs=("advocacy_rights", "detained_support"))
    assert ids(plan, "advocacy") == ["home-imha", "advocacy"]


def test_a_person_without_the_right_gets_general_advocacy_instead():
    # s136 in England: IMHAs excluded with the reason, general advocacy steered in
    plan = plan_for(IMHAS, mha_status="s136", needs=("emotional_support",), mode="professional")
    assert ids(plan, "advocacy") == ["advocacy"]
    assert excluded(plan) == {
        "home-imha": ["imha_not_eligible"],
        "other-imha": ["service_area", "imha_not_eligible"],
    }


def test_without_a_status_imha_services_are_left_out_and_say_why():
    # no status given: the IMHA is not for them as far as we know
    plan = plan_for(IMHAS, needs=("detained_support",), mode="professional")
    assert ids(plan) == []
    assert excluded_texts(plan)["home-imha"] == [
        "Only for people with a legal right to an IMHA; no Mental Health Act status was given"
    ]


def test_an_imha_with_no_service_area_is_kept_with_a_caution_to_check():
    # no polygon: we cannot tell, so the person checks
    imha = service("imha", types={"imha"}, needs={"detained_support"}, in_service_area=None)
    plan = plan_for([imha], mha_status="s2", needs=("detained_support",))
    assert "area_check" in codes(suggestion(plan, "imha").cautions)


def test_a_service_offering_imha_and_general_advocacy_stays_for_everyone():
    # only the IMHA part is for qualifying patients
    both = service("both", types={"imha", "advocacy"}, needs={"advocacy_rights"})
    plan = plan_for([both], mha_status="informal", needs=("advocacy_rights",))
    assert ids(plan, "advocacy") == ["both"]


# ----------------------------------------------------------------------------- gaps

SOMALI_GAP = [
    service(
        "interpreter",
        name="Local Therapy",
        distance_km=2.0,
        languages=(("en", "staff"), ("so", "interpreter")),
    ),
    service("further", name="Somali Therapy", distance_km=25.0, languages=(("so", "staff"),)),
    service("too-far", name="Far Somali Therapy", distance_km=35.0, languages=(("so", "staff"),)),
    service(
        "national",
        name="Somali Line",
        national=True,
        distance_km=None,
        languages=(("so", "staff"),),
    ),
    service(
        "ineligible",
        name="Men's Somali Therapy",
        distance_km=20.0,
        gender="male",
        languages=(("so", "staff"),),
    ),
]


def test_a_need_not_met_in_the_first_language_is_a_gap_with_alternatives():
    # interpreter nearby, the nearest further away (within 2×), a national line
    plan = plan_for(SOMALI_GAP, languages=("so",), gender="female")
    assert [gap.as_dict()["need"] for gap in plan.gaps] == ["talking_therapy"]
    gap = plan.gaps[0]
    assert gap.language == "so"
    assert gap.message.startswith("We found no talking therapy in Somali within 15 km.")
    assert [a.id for a in gap.alternatives] == ["interpreter", "further", "national"]
    assert "further away (up to 30 km)" in gap.message
    assert GAP_REACH_FACTOR == 2.0


def test_nothing_nearby_at_all_is_a_gap_without_a_language():
    # no local talking therapy in any language
    plan = plan_for(SOMALI_GAP[1:3], languages=("so",))
    gap = plan.gaps[0]
    assert gap.language is None
    assert gap.message.startswith("We found no talking therapy within 15 km.")
    assert [a.id for a in gap.alternatives] == ["further"]


def test_a_need_met_in_the_first_language_is_no_gap():
    # Somali staff nearby
    plan = plan_for([service("x", languages=(("so", "staff"),))], languages=("so", "en"))
    assert plan.gaps == ()


def test_the_first_language_counts_most_for_gaps():
    # English therapy nearby, none in Somali: still a gap for Somali
    plan = plan_for([service("x")], languages=("so", "en"))
    assert [(gap.need, gap.language) for gap in plan.gaps] == [("talking_therapy", "so")]
    assert plan.gaps[0].message == "We found no talking therapy in Somali within 15 km."


def test_a_gap_names_every_language_when_none_is_spoken():
    # Somali or Arabic, neither found
    plan = plan_for([service("x", languages=(("en", "staff"),))], languages=("so", "ar"))
    assert plan.gaps[0].message.startswith("We found no talking therapy in Somali or Arabic")


def test_each_need_is_looked_at_separately():
    # housing found, talking therapy not
    housing = service("housing", types={"housing_support"}, needs={"housing"})
    plan = plan_for([housing], needs=("talking_therapy", "housing"))
    assert [gap.need for gap in plan.gaps] == ["talking_therapy"]


# ----------------------------------------------------------------------------- ranking


def test_weights_live_in_one_place_and_add_up_to_one():
    assert set(WEIGHTS) == {
        "language",
        "distance",
        "need_fit",
        "open_now",
        "self_referral",
        "preference",
        "community",
        "faith",
        "verified",
    }
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_scores_are_between_0_and_1_with_two_decimals():
    plan = plan_for(LANGUAGE_CANDIDATES + SOMALI_GAP, languages=("pa", "so"))
    for section in plan.sections:
        for item in section.suggestions:
            assert 0 <= item.score <= 1 and round(item.score, 2) == item.score


def test_ties_are_broken_by_distance_then_name():
    # equal scores: the nearer first, an unknown distance last, then A to Z
    candidates = [
        service("charlie", name="Charlie", distance_km=7.5),
        service("alpha", name="Alpha", distance_km=7.5),
        service("unknown", name="Aardvark", distance_km=None),  # worth the same as 7.5 km
        service("far", name="Far", distance_km=30.0, in_service_area=True),
        service("farther", name="Farther", distance_km=20.0, in_service_area=True),
    ]
    plan = plan_for(candidates)
    scores = [item.score for item in plan.sections[0].suggestions]
    assert scores[0] == scores[1] == scores[2] and scores[3] == scores[4]
    assert ids(plan) == ["alpha", "charlie", "unknown", "farther", "far"]


def test_the_same_request_always_gives_the_same_plan():
    # whatever order the candidates come in
    candidates = SOMALI_GAP + LANGUAGE_CANDIDATES + CRISIS_CANDIDATES + IMHAS
    first = plan_for(candidates, languages=("so", "pa"), needs=(), mode="professional")
    again = plan_for(
        list(reversed(candidates)), languages=("so", "pa"), needs=(), mode="professional"
    )
    assert first.as_dict() == again.as_dict()


@pytest.mark.parametrize(
    "person, winner_changes, reason",
    [
        # a preference for ethnic minority-led services
        (
            {"prefer": ("ethnic_minority_led",)},
            {"ethnic_minority_led": True},
            ("ethnic_minority_led", "Ethnic minority-led"),
        ),
        # a preference for user-led services
        (
            {"prefer": ("user_led",)},
            {"user_led": True},
            ("user_led", "Run by people with lived experience"),
        ),
        # a child community matches its parent
        (
            {"communities": ("indian",)},
            {"communities": {"south_asian"}},
            ("community", "For the South Asian community"),
        ),
        # a faith setting of the person's faith
        ({"faith": "sikh"}, {"faith": "sikh"}, ("faith", "Sikh faith setting")),
        # self-referral before a GP referral
        ({}, {"access_routes": {"drop_in"}}, ("drop_in", "You can drop in")),
        # open now before closed
        ({"at": NIGHT}, {"spans": EVENINGS_TO_2AM}, ("open_now", "Open now until 2am tomorrow")),
        # nearer first
        ({}, {"distance_km": 1.2}, ("distance", "1.2 km away")),
        # meeting more of the person's needs
        (
            {"needs": ("talking_therapy", "racism_trauma")},
            {"needs": {"talking_therapy", "racism_trauma"}},
            ("need", "Offers support with racism and trauma"),
        ),
    ],
)
def test_each_factor_ranks_a_service_higher_and_says_why(person, winner_changes, reason):
    baseline = {"access_routes": {"gp_referral"}, "spans": OFFICE_HOURS, "distance_km": 4.0}
    loser = service("loser", name="Aaa", **baseline)
    winner = service("winner", name="Zzz", **{**baseline, **winner_changes})
    plan = plan_for([loser, winner], **person)
    assert ids(plan) == ["winner", "loser"]
    assert reason in [(r.code, r.text) for r in suggestion(plan, "winner").reasons]


@pytest.mark.parametrize(
    "listing, caution",
    [
        (
            {"assured_date": date(2024, 3, 5), "stale": True},
            ("not_verified", "Listing not checked since March 2024"),
        ),
        ({"assured_date": None}, ("not_verified", "Listing never checked")),
        ({"access_routes": {"gp_referral"}}, ("referral_needed", "You need a referral from a GP")),
        (
            {"access_routes": {"gp_referral", "professional_referral"}},
            ("referral_needed", "You need a referral from a GP or another professional"),
        ),
        ({"spans": OFFICE_HOURS}, ("closed_now", "Closed now; opens tomorrow at 9am")),
        ({"spans": ()}, ("hours_unknown", "Opening hours not listed")),
    ],
)
def test_cautions_say_what_to_check(listing, caution):
    plan = plan_for([service("x", **listing)], at=NIGHT)
    assert caution in [(c.code, c.text) for c in suggestion(plan, "x").cautions]


def test_a_caution_for_closed_on_another_day_names_the_day():
    # Monday night, a Wednesday-only service
    wednesday = (Span(WED, time(9), time(17)),)
    plan = plan_for(
        [service("x", spans=wednesday)], at=datetime(2026, 11, 30, 23, 0, tzinfo=LONDON)
    )
    assert "Closed now; opens Wednesday at 9am" in texts(suggestion(plan, "x").cautions)


# ----------------------------------------------------------------------------- sections


def test_sections_come_in_the_design_order_and_empty_ones_are_left_out():
    candidates = [
        service("line", types={"helpline"}, national=True, distance_km=None, needs=()),
        service("therapy"),
        service("cafe", types={"crisis_cafe"}),
        service("peers", types={"peer_support"}),
    ]
    plan = plan_for(candidates, needs=())
    assert [s.kind for s in plan.sections] == [
        "crisis_alternatives",
        "peer_support",
        "talking_therapy",
        "national_lines",
    ]
    assert SECTION_KINDS[0] == "crisis_alternatives" and SECTION_KINDS[-1] == "national_lines"


def test_a_service_with_several_types_appears_once():
    # a café run by a community organisation is a crisis alternative, once
    plan = plan_for(
        [service("x", types={"crisis_cafe", "bme_community_org", "peer_support"})], needs=()
    )
    assert ids(plan) == ["x"] and plan.sections[0].kind == "crisis_alternatives"


@pytest.mark.parametrize("mode", ["public", "professional"])
def test_each_section_is_capped(mode):
    # 5 in public mode, 10 in professional mode
    candidates = [service(f"s{n:02}", distance_km=n / 2) for n in range(1, 15)]
    plan = plan_for(candidates, mode=mode)
    assert len(ids(plan, "talking_therapy")) == SECTION_LIMITS[mode]
    assert ids(plan)[0] == "s01"


def test_national_lines_hold_national_services_but_not_the_safety_lines_again():
    # a national helpline is listed; a copy of Samaritans is left to the safety box
    candidates = [
        national_line("helpline"),
        national_line("samaritans", phones=(PhoneLine("116 123", "voice"),)),
    ]
    plan = plan_for(candidates, needs=("emotional_support",))
    assert ids(plan, "national_lines") == ["helpline"]
    assert "national" in codes(suggestion(plan, "helpline").reasons)


def test_with_no_needs_every_eligible_service_within_reach_is_suggested():
    # no needs given: everything eligible and near
    candidates = [
        service("therapy"),
        service("housing", types={"housing_support"}, needs={"housing"}),
        service("far", distance_km=20.0),
        service("women", gender="female"),
    ]
    assert sorted(ids(plan_for(candidates, needs=(), gender="male"))) == ["housing", "therapy"]


def test_with_needs_only_services_that_meet_one_are_suggested():
    candidates = [service("therapy"), service("housing", types={"housing_support"}, needs={"x"})]
    assert ids(plan_for(candidates)) == ["therapy"]


# ----------------------------------------------------------------------------- the response


def test_as_dict_gives_exactly_the_design_response_shape():
    # the keys the API and the page share
    candidates = [*SOMALI_GAP, GURDWARA, THERAPY]
    plan = plan_for(
        candidates, languages=("so",), mode="professional", mha_status="s3", gender="female"
    )
    body = plan.as_dict()
    assert list(body) == ["safety", "sections", "routes", "imha", "gaps", "excluded"]
    assert list(body["safety"]) == ["prominent", "contacts"]
    assert list(body["safety"]["contacts"][0]) == ["name", "phone", "text", "description"]
    section = body["sections"][0]
    assert list(section) == ["kind", "title", "suggestions"]
    item = section["suggestions"][0]
    assert list(item) == [
        "service",
        "score",
        "distance_km",
        "open_now",
        "closes_at",
        "next_opens_at",
        "reasons",
        "cautions",
    ]
    assert list(item["service"]) == ["id", "slug", "name", "organization", "url", "phones"]
    assert list(body["imha"]) == ["eligible", "nation", "basis", "citation"]
    assert list(body["gaps"][0]) == ["need", "language", "message", "alternatives"]
    assert list(body["excluded"][0]) == ["service", "reasons"]
    assert list(body["excluded"][0]["service"]) == ["id", "name"]


def test_phones_in_a_summary_carry_number_type_and_description():
    listing = service("x", phones=(PhoneLine("0121 496 0001", "text", "Text us", ("pa",)),))
    body = plan_for([listing]).as_dict()
    assert body["sections"][0]["suggestions"][0]["service"]["phones"] == [
        {"number": "0121 496 0001", "type": "text", "description": "Text us"}
    ]


def test_open_now_agrees_with_the_opening_hours():
    # the engine reads hours through directory.hours
    for listing in CRISIS_CANDIDATES:
        plan = plan_for([listing], at=NIGHT, needs=())
        expected = open_state(listing.spans, NIGHT, listing.nation).open_now
        assert suggestion(plan, listing.id).open_now is expected


def test_a_moment_without_a_time_zone_is_refused():
    with pytest.raises(ValueError):
        plan_for([], at=datetime(2026, 12, 1, 11, 0))


def test_the_hour_the_clocks_go_back_is_two_different_moments():
    # 01:15 BST is open, 01:15 GMT an hour later is not (remembered hours must not mix them)
    saturday_night = (Span(SAT, time(20), time(1, 30)),)
    first = datetime(2026, 10, 25, 1, 15, tzinfo=LONDON)
    second = first.replace(fold=1)
    listing = service("x", spans=saturday_night)
    assert suggestion(plan_for([listing], at=first), "x").open_now is True
    assert suggestion(plan_for([listing], at=second), "x").open_now is False
    assert open_state(saturday_night, second).open_now is False
