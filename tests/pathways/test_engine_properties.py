"""The engine's promises, for any situation and any candidates (hypothesis).

- the four national lines are in every plan, leading it in a crisis;
- a service the person may not use, or that the plan lists as excluded, is never suggested,
  in a section, a route or a gap;
- the order of the request's unordered lists (needs, communities, preferences) and of the
  candidates changes nothing; the order of languages does matter, so it is kept;
- a suggestion is never shown open when its hours say it is closed, or the other way round.
"""

import random
from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory import vocabulary
from directory.hours import LONDON, Span, open_state
from pathways.engine import PhoneLine, ServiceSnapshot, Situation, build_plan
from tests.pathways.test_engine import ALWAYS_OPEN, EVENINGS_TO_2AM, OFFICE_HOURS

PROPERTIES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SERVICE_TYPES = [term.code for term in vocabulary.SERVICE_TYPES]
# A few needs, so that what people ask for and what listings offer meet often.
NEEDS = ["crisis_now", "emotional_support", "talking_therapy", "leaving_hospital", "housing"]
COMMUNITIES = ["indian", "south_asian", "somali", "african_caribbean", "everyone"]
ACCESS_ROUTES = [term.code for term in vocabulary.ACCESS_ROUTES]
LANGUAGES = ["en", "pa", "ur", "so", "ar"]
WEEKEND_AFTERNOONS = (Span(5, time(12), time(16)), Span(6, time(12), time(16)))


def _catalogue(size: int, seed: int = 20261201) -> tuple[ServiceSnapshot, ...]:
    """A fixed, varied catalogue of listings for the tests to pick candidates from.

    Drawing a whole listing field by field is where hypothesis spends its time; picking
    listings from a catalogue by index keeps each example cheap (and still shrinks to the
    fewest, simplest listings).
    """
    rng = random.Random(seed)
    spans_choices = [ALWAYS_OPEN, OFFICE_HOURS, EVENINGS_TO_2AM, WEEKEND_AFTERNOONS, ()]

    def some(items, most=3):
        return frozenset(rng.sample(items, rng.randint(0, most)))

    def random_spans():
        if rng.random() < 0.6:
            return rng.choice(spans_choices)
        spans = []
        for _ in range(rng.randint(1, 3)):
            opens, closes = (time(rng.randrange(24), rng.choice([0, 30])) for _ in range(2))
            if opens != closes:
                spans.append(Span(rng.randrange(7), opens, closes, rng.random() < 0.3))
        return tuple(spans)

    listings = []
    for index in range(size):
        national = rng.random() < 0.2
        listings.append(
            ServiceSnapshot(
                id=f"c{index:03}",
                slug=f"c{index:03}",
                name=rng.choice(["Alpha", "Bravo", "Charlie", "Delta"]),
                organization="Organisation",
                url=f"/services/c{index:03}/",
                phones=tuple(
                    PhoneLine(
                        rng.choice(["0121 496 0000", "116 123", "0800 000 0000"]),
                        "voice",
                        "",
                        tuple(rng.sample(LANGUAGES, rng.randint(0, 2))),
                    )
                    for _ in range(rng.randint(0, 2))
                ),
                service_types=frozenset(rng.sample(SERVICE_TYPES, rng.randint(1, 2))),
                needs=some(NEEDS),
                communities=some(COMMUNITIES, 2),
                access_routes=some(ACCESS_ROUTES, 4),
                languages=tuple(
                    (rng.choice(LANGUAGES), rng.choice(["staff", "interpreter", "written"]))
                    for _ in range(rng.randint(0, 3))
                ),
                minimum_age=rng.choice([None, None, None, 16, 18, 25]),
                maximum_age=rng.choice([None, None, None, 25, 35, 65]),
                gender=rng.choice(["", "", "", "", "", "female", "male"]),
                national=national,
                distance_km=None
                if national or rng.random() < 0.1
                else rng.uniform(0, 30) ** 2 / 30,
                in_service_area=rng.choice([None, None, None, None, True, False]),
                spans=random_spans(),
                nation=rng.choice(["england", "wales"]),
                ethnic_minority_led=rng.random() < 0.4,
                user_led=rng.random() < 0.3,
                free=rng.random() < 0.8,
                assured_date=rng.choice([None, date(2024, 3, 5), date(2026, 6, 1)]),
                stale=rng.random() < 0.3,
                referral_partner_ids=frozenset(
                    f"c{rng.randrange(size):03}" for _ in range(rng.randint(0, 3))
                ),
                faith=rng.choice(["", "", "sikh", "muslim"]),
            )
        )
    return tuple(listings)


CATALOGUE = _catalogue(80)
candidate_lists = st.lists(
    st.integers(0, len(CATALOGUE) - 1), min_size=1, max_size=12, unique=True
).map(lambda indexes: [CATALOGUE[index] for index in indexes])

moments = st.builds(
    lambda day, minutes: datetime(2026, 1, 1, tzinfo=LONDON) + timedelta(days=day, minutes=minutes),
    st.integers(0, 364),
    st.integers(0, 24 * 60 - 1),
)

situations = st.builds(
    Situation,
    at=moments,
    nation=st.sampled_from([code for code, _name in vocabulary.NATIONS]),
    has_location=st.booleans(),
    languages=st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True).map(tuple),
    needs=st.lists(st.sampled_from(NEEDS), max_size=3, unique=True).map(tuple),
    urgency=st.sampled_from(["crisis_now", "soon", "routine"]),
    mha_status=st.none() | st.sampled_from(vocabulary.MHA_STATUSES),
    age=st.none() | st.integers(10, 90),
    gender=st.none() | st.sampled_from(["female", "male", "non_binary", "other"]),
    communities=st.lists(st.sampled_from(COMMUNITIES), max_size=2, unique=True).map(tuple),
    faith=st.none() | st.sampled_from(["sikh", "muslim"]),
    prefer=st.lists(
        st.sampled_from(["ethnic_minority_led", "user_led"]), max_size=2, unique=True
    ).map(tuple),
    max_distance_km=st.sampled_from([5.0, 15.0, 25.0]),
    mode=st.sampled_from(["public", "professional"]),
    considering_s57=st.booleans(),
    considering_s58a=st.booleans(),
)


def definitely_ineligible(service: ServiceSnapshot, person: Situation) -> bool:
    """The test's own reading of the rules: age, gender, area."""
    age = person.age
    if age is not None and service.minimum_age is not None and age < service.minimum_age:
        return True
    if age is not None and service.maximum_age is not None and age > service.maximum_age:
        return True
    genders = ("female", "male")
    if service.gender in genders and person.gender in genders and service.gender != person.gender:
        return True
    return service.in_service_area is False


def everything_shown(plan) -> set[str]:
    shown = set(plan.suggested_ids())
    shown |= {step.service.id for route in plan.routes for step in route.steps}
    shown |= {alternative.id for gap in plan.gaps for alternative in gap.alternatives}
    return shown


@PROPERTIES
@given(situations, candidate_lists)
def test_the_four_national_lines_are_in_every_plan(person, candidates):
    plan = build_plan(person, candidates)
    numbers = [(contact.phone, contact.text) for contact in plan.safety.contacts]
    assert numbers == [("999", None), ("111", None), ("116 123", None), (None, "85258")]
    crisis = person.urgency == "crisis_now" or "crisis_now" in person.needs
    assert plan.safety.prominent is crisis
    assert plan.as_dict()["safety"]["contacts"][0]["phone"] == "999"


@PROPERTIES
@given(situations, candidate_lists)
def test_an_excluded_or_ineligible_service_is_never_suggested(person, candidates):
    plan = build_plan(person, candidates)
    shown = everything_shown(plan)
    for service in candidates:
        if definitely_ineligible(service, person):
            assert service.id not in shown
    excluded = {item.service.id for item in plan.excluded}
    in_routes = {step.service.id for route in plan.routes for step in route.steps}
    assert not excluded & (plan.suggested_ids() | in_routes)
    ineligible_codes = {"age", "gender", "service_area", "imha_not_eligible"}
    for item in plan.excluded:
        if {reason.code for reason in item.reasons} & ineligible_codes:
            assert item.service.id not in shown
    if person.mode == "public":
        assert plan.excluded == ()


@PROPERTIES
@given(situations, candidate_lists, st.randoms(use_true_random=False))
def test_the_order_of_unordered_lists_and_candidates_changes_nothing(person, candidates, rng):
    def shuffled(items):
        items = list(items)
        rng.shuffle(items)
        return tuple(items)

    reordered = Situation(
        **{
            **person.__dict__,
            "needs": shuffled(person.needs),
            "communities": shuffled(person.communities),
            "prefer": shuffled(person.prefer),
        }
    )
    first = build_plan(person, candidates).as_dict()
    assert build_plan(reordered, list(shuffled(candidates))).as_dict() == first


@PROPERTIES
@given(situations, candidate_lists)
def test_open_now_always_agrees_with_the_opening_hours(person, candidates):
    plan = build_plan(person, candidates)
    by_id = {service.id: service for service in candidates}
    crisis = person.urgency == "crisis_now" or "crisis_now" in person.needs
    for section in plan.sections:
        for item in section.suggestions:
            service = by_id[item.service.id]
            state = open_state(service.spans, person.at, service.nation)
            assert item.open_now is state.open_now
            assert item.closes_at == state.closes_at
            assert item.next_opens_at == state.next_opens_at
            if crisis and section.kind == "crisis_alternatives":
                assert item.open_now
            if not item.open_now:
                assert {"closed_now", "hours_unknown"} & {c.code for c in item.cautions}
