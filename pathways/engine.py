"""The pathway engine: a person's situation and the services near them in, a plan out.

Pure: plain data in (frozen `ServiceSnapshot`s and a `Situation`, the moment included), a frozen
`Plan` out, no database, request, clock, network or files. The adapter that reads the
directory into snapshots lives elsewhere; this module only decides. Every rule here is stated
in plain English in `pathways/README.md`, for a clinician to review, and every number that
tunes the ranking is in `WEIGHTS` and the limits below it.

The entry point is `build_plan(situation, candidates)`; `Plan.as_dict()` is the pathway API's
response body (DESIGN.md, "The pathway API"), which the plan page renders too.

Words are marked with `N_` where they are defined and translated with gettext as the plan is
built, so a plan is in the language active at that moment: the page's language (the plan is
built in the request, and never kept), English for the API. Language names are not
translated (`vocabulary.language_name`). The same situation and candidates, in the same
language, always give the same plan.
"""

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property, lru_cache
from types import MappingProxyType

from django.core.signals import setting_changed
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as N_

from directory import hours, vocabulary
from directory.hours import LONDON, OpenState, Span

from .imha import ImhaEligibility, imha_eligibility


@lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


# The active language while a plan is built: asked of Django once a plan, not once a word
# (a plan asks for some three hundred, and Django's answer was a third of the engine's time).
_plan_language: ContextVar[str | None] = ContextVar("plan_language", default=None)


def _(message: str) -> str:
    """gettext, remembered per language: a plan asks for the same few hundred words every
    time, and each lookup walks Django's chain of catalogues (a tenth of a plan's time)."""
    return _translated(_plan_language.get() or get_language(), message)


def _forget_translations(**kwargs) -> None:
    # Tests that change the languages or catalogues change what the words are.
    _translated.cache_clear()


setting_changed.connect(_forget_translations)

__all__ = [
    "CRISIS_NOW",
    "GAP_REACH_FACTOR",
    "ROUTE_LIMITS",
    "SAFETY_CONTACTS",
    "SECTION_KINDS",
    "SECTION_LIMITS",
    "WEIGHTS",
    "Exclusion",
    "Gap",
    "ImhaEligibility",
    "PhoneLine",
    "Plan",
    "Reason",
    "Route",
    "RouteStep",
    "Safety",
    "SafetyContact",
    "Section",
    "ServiceRef",
    "ServiceSnapshot",
    "ServiceSummary",
    "Situation",
    "Suggestion",
    "build_plan",
    "safety_for",
    "section_for",
]

# --- The numbers that tune the plan: all of them, in one place --------------------------------

# How much each factor counts towards a suggestion's score. They add up to 1. Each factor is
# worth 0 to 1 for a service (see `_factors`); a factor the person did not ask about (no
# languages, no needs, no preference, no community, no faith) and a distance we do not know
# are worth a half to every service, so they neither help nor hurt anyone.
WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "language": 0.25,  # within a language level: the person's first language counts most
        "distance": 0.20,  # 1 next door, 0 at the maximum distance
        "need_fit": 0.20,  # the share of the person's needs the service meets
        "open_now": 0.10,
        "self_referral": 0.08,  # 1 self-referral or drop-in; a half by phone, text, online or
        # through a community organisation; 0 when a GP or professional must refer
        "preference": 0.06,  # the share of "ethnic minority-led" / "user-led" wishes met
        "community": 0.05,
        "faith": 0.03,
        "verified": 0.03,  # checked by a person within the last year
    }
)

# Language comes before every weighted factor: a service whose staff speak one of the person's
# languages always ranks above one that offers an interpreter, which always ranks above one
# that offers neither. The score is (level + weighted sum) / 3, so each level owns a third of
# the scale: staff 0.67–1, interpreter 0.33–0.67, neither 0–0.33.
LANGUAGE_STAFF, LANGUAGE_INTERPRETER, LANGUAGE_NONE = 2, 1, 0
LANGUAGE_LEVELS = 3
# Within a level, the person's first language is worth 1, the second 1/2, the third 1/3 …
NOT_ASKED = 0.5

# How many suggestions each section shows.
SECTION_LIMITS: Mapping[str, int] = MappingProxyType({"public": 5, "professional": 10})
# How many "start here, then go there" routes a plan shows.
ROUTE_LIMITS: Mapping[str, int] = MappingProxyType({"public": 3, "professional": 5})
# A gap's "further away" alternative may be up to this many times the maximum distance.
GAP_REACH_FACTOR = 2.0
# How many national services a gap offers as alternatives.
GAP_NATIONAL_ALTERNATIVES = 2

PUBLIC, PROFESSIONAL = "public", "professional"
CRISIS_NOW = "crisis_now"
LEAVING_HOSPITAL = "leaving_hospital"

# --- Sections ---------------------------------------------------------------------------------

SECTION_KINDS = (
    "crisis_alternatives",
    "entry_points",
    "advocacy",
    "peer_support",
    "talking_therapy",
    "national_lines",
)
SECTION_TITLES = {
    "crisis_alternatives": N_("Places to go in a crisis"),
    "entry_points": N_("Community ways in"),
    "advocacy": N_("Advocacy and your rights"),
    "peer_support": N_("Peer and carers' support"),
    "talking_therapy": N_("Talking therapy"),
    "national_lines": N_("Helplines and national services"),
}
CRISIS_SECTION_TITLE = N_("Open now: places to go in a crisis")

# Which service types put a service in which section. A service with several types goes in
# the first section, in SECTION_KINDS order, that any of its types matches.
RESIDENTIAL_AND_DROP_IN_CRISIS_TYPES = frozenset(
    {"crisis_house", "crisis_cafe", "sanctuary", "recovery_house"}
)
SECTION_TYPES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        # crisis_line too, when the line is local (a national crisis line is a national line)
        "crisis_alternatives": RESIDENTIAL_AND_DROP_IN_CRISIS_TYPES,
        "entry_points": frozenset(vocabulary.ENTRY_POINT_TYPES),
        "advocacy": frozenset({"advocacy", "imha"}),
        "peer_support": frozenset({"peer_support", "carers_support"}),
        "talking_therapy": frozenset({"talking_therapy", "cultural_consultation"}),
        # and every national service no earlier section took
        "national_lines": frozenset({"helpline", "crisis_line"}),
    }
)
IMHA = "imha"

# Two needs follow from the type of service as well as from its listed needs: every crisis
# alternative helps someone in crisis, and a recovery house helps someone leaving hospital.
NEEDS_BY_TYPE: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        **{kind: frozenset({CRISIS_NOW}) for kind in vocabulary.CRISIS_ALTERNATIVE_TYPES},
        "recovery_house": frozenset({CRISIS_NOW, LEAVING_HOSPITAL}),
    }
)

DIRECT_ACCESS = frozenset({"self_referral", "drop_in"})
REMOTE_OR_COMMUNITY_ACCESS = frozenset({"phone", "text", "online", "community_referral"})
PREFERENCES = ("ethnic_minority_led", "user_led")

# --- Words ------------------------------------------------------------------------------------

# What a service offers, as the object of "Offers …" and "We found no … within 15 km".
NEED_NOUNS = {
    "crisis_now": N_("crisis support"),
    "emotional_support": N_("emotional support"),
    "talking_therapy": N_("talking therapy"),
    "advocacy_rights": N_("help with your rights"),
    "detained_support": N_("support while detained in hospital"),
    "leaving_hospital": N_("support when leaving hospital"),
    "carer_support": N_("support for carers"),
    "racism_trauma": N_("support with racism and trauma"),
    "faith_spiritual": N_("faith and spiritual support"),
    "housing": N_("help with housing"),
    "money_welfare": N_("help with money and benefits"),
    "substance_use": N_("support with alcohol and drugs"),
    "young_person": N_("support for young people"),
    "bereavement": N_("bereavement support"),
    "domestic_abuse": N_("support with domestic abuse"),
    "isolation": N_("support with loneliness and isolation"),
    "refugee_asylum": N_("support for refugees and people seeking asylum"),
}
SECTION_NOUNS = {
    "crisis_alternatives": N_("crisis support"),
    "entry_points": N_("community support"),
    "advocacy": N_("advocacy"),
    "peer_support": N_("peer support"),
    "talking_therapy": N_("talking therapy"),
    "national_lines": N_("support by phone"),
}
COMMUNITY_PHRASES = {
    "gypsy_roma_traveller": N_("For Gypsy, Roma and Traveller communities"),
    "refugee_asylum_seeker": N_("For refugees and people seeking asylum"),
}
FAITH_NAMES = {
    "buddhist": N_("Buddhist"),
    "christian": N_("Christian"),
    "hindu": N_("Hindu"),
    "jain": N_("Jain"),
    "jewish": N_("Jewish"),
    "muslim": N_("Muslim"),
    "rastafari": N_("Rastafari"),
    "sikh": N_("Sikh"),
}
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)

_COMMUNITY_NAMES = {term.code: term.name for term in vocabulary.COMMUNITIES}
_COMMUNITY_PARENTS = {term.code: term.parent for term in vocabulary.COMMUNITIES if term.parent}
_COMMUNITY_ORDER = {term.code: index for index, term in enumerate(vocabulary.COMMUNITIES)}
_NEED_ORDER = {term.code: index for index, term in enumerate(vocabulary.NEEDS)}
_NEED_LABELS = {term.code: term.name for term in vocabulary.NEEDS}
EVERYONE = "everyone"


# --- Input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneLine:
    number: str
    type: str  # "voice" | "text" | "textphone"
    description: str = ""
    languages: tuple[str, ...] = ()  # the languages the line is answered in


@dataclass(frozen=True)
class ServiceSnapshot:
    """One service as the engine sees it, read from the directory by the adapter."""

    id: str
    slug: str
    name: str
    organization: str
    url: str  # the service's page on our site
    phones: tuple[PhoneLine, ...]
    service_types: frozenset[str]
    needs: frozenset[str]
    communities: frozenset[str]
    access_routes: frozenset[str]
    languages: tuple[tuple[str, str], ...]  # (code, how), how in staff | interpreter | written
    minimum_age: int | None
    maximum_age: int | None
    gender: str  # "" anyone | "female" | "male"
    national: bool
    distance_km: float | None  # from the person; None for national services or with no point
    in_service_area: bool | None  # whether its service area holds the person; None: no area
    spans: tuple[Span, ...]
    nation: str  # whose bank holidays apply
    ethnic_minority_led: bool
    user_led: bool
    free: bool
    assured_date: date | None
    stale: bool
    referral_partner_ids: frozenset[str]
    faith: str = ""  # e.g. "sikh" for a faith-based service that names its faith


@dataclass(frozen=True)
class Situation:
    """What the person told us, and the moment. Codes are validated before they get here."""

    at: datetime  # aware
    nation: str  # england | wales | scotland | northern_ireland
    has_location: bool = True
    languages: tuple[str, ...] = ()  # in order of preference: the first counts most
    needs: tuple[str, ...] = ()
    urgency: str = "routine"  # crisis_now | soon | routine
    mha_status: str | None = None
    age: int | None = None
    gender: str | None = None  # female | male | non_binary | other
    communities: tuple[str, ...] = ()
    faith: str | None = None
    prefer: tuple[str, ...] = ()  # ethnic_minority_led | user_led
    max_distance_km: float = 15.0
    mode: str = PUBLIC  # public | professional
    considering_s57: bool = False
    considering_s58a: bool = False


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """A machine code and a plain sentence: why a service is suggested, or a caution."""

    code: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "text": self.text}


@dataclass(frozen=True)
class ServiceRef:
    id: str
    name: str

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class ServiceSummary:
    id: str
    slug: str
    name: str
    organization: str
    url: str
    phones: tuple[PhoneLine, ...]

    @classmethod
    def of(cls, service: ServiceSnapshot) -> "ServiceSummary":
        return cls(
            service.id,
            service.slug,
            service.name,
            service.organization,
            service.url,
            service.phones,
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "organization": self.organization,
            "url": self.url,
            "phones": [
                {"number": phone.number, "type": phone.type, "description": phone.description}
                for phone in self.phones
            ],
        }


@dataclass(frozen=True)
class Suggestion:
    service: ServiceSummary
    score: float  # 0..1, two decimal places
    distance_km: float | None
    open_now: bool
    closes_at: datetime | None
    next_opens_at: datetime | None
    reasons: tuple[Reason, ...]
    cautions: tuple[Reason, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "service": self.service.as_dict(),
            "score": self.score,
            "distance_km": self.distance_km,
            "open_now": self.open_now,
            "closes_at": _iso(self.closes_at),
            "next_opens_at": _iso(self.next_opens_at),
            "reasons": [reason.as_dict() for reason in self.reasons],
            "cautions": [caution.as_dict() for caution in self.cautions],
        }


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    suggestions: tuple[Suggestion, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "title": self.title,
            "suggestions": [suggestion.as_dict() for suggestion in self.suggestions],
        }


@dataclass(frozen=True)
class RouteStep:
    service: ServiceRef
    why: str

    def as_dict(self) -> dict[str, object]:
        return {"service": self.service.as_dict(), "why": self.why}


@dataclass(frozen=True)
class Route:
    kind: str  # "referral" (walk in here, be referred there) | "leaving_hospital"
    steps: tuple[RouteStep, ...]
    explanation: str

    def as_dict(self) -> dict[str, object]:
        return {
            "steps": [step.as_dict() for step in self.steps],
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Gap:
    need: str
    language: str | None  # None when nothing meets the need in any language
    message: str
    alternatives: tuple[ServiceSummary, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "need": self.need,
            "language": self.language,
            "message": self.message,
            "alternatives": [alternative.as_dict() for alternative in self.alternatives],
        }


@dataclass(frozen=True)
class Exclusion:
    service: ServiceRef
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "service": self.service.as_dict(),
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


@dataclass(frozen=True)
class SafetyContact:
    name: str
    phone: str | None
    text: str | None
    description: str

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "phone": self.phone,
            "text": self.text,
            "description": self.description,
        }


@dataclass(frozen=True)
class Safety:
    prominent: bool
    contacts: tuple[SafetyContact, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "prominent": self.prominent,
            "contacts": [contact.as_dict() for contact in self.contacts],
        }


@dataclass(frozen=True)
class Plan:
    safety: Safety
    sections: tuple[Section, ...]
    routes: tuple[Route, ...]
    imha: ImhaEligibility | None
    gaps: tuple[Gap, ...]
    excluded: tuple[Exclusion, ...]

    def as_dict(self) -> dict[str, object]:
        """The pathway API's response body, exactly as DESIGN.md gives it."""
        return {
            "safety": self.safety.as_dict(),
            "sections": [section.as_dict() for section in self.sections],
            "routes": [route.as_dict() for route in self.routes],
            "imha": None if self.imha is None else self.imha.as_dict(),
            "gaps": [gap.as_dict() for gap in self.gaps],
            "excluded": [exclusion.as_dict() for exclusion in self.excluded],
        }

    def suggested_ids(self) -> frozenset[str]:
        """Every service suggested in a section."""
        return frozenset(
            suggestion.service.id for section in self.sections for suggestion in section.suggestions
        )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# --- Safety: the real national lines, in every plan -------------------------------------------

# These are real, verified national numbers (../shared/data/DOMAIN-FACTS.md §3), held here and
# not in the database so that they are in every plan whatever the directory holds.
EMERGENCY_NUMBER = "999"
NHS_111_NUMBER = "111"
SAMARITANS_NUMBER = "116 123"
SHOUT_TEXT_NUMBER = "85258"
SAFETY_NUMBERS = frozenset({EMERGENCY_NUMBER, NHS_111_NUMBER, SAMARITANS_NUMBER, SHOUT_TEXT_NUMBER})

NHS_111_DESCRIPTIONS = {
    "england": N_(
        "Call 111 and choose the mental health option (option 2), day or night, for urgent "
        "help that is not an emergency."
    ),
    "wales": N_(
        "Call 111 and press 2 for mental health, day or night, for urgent help that is not an "
        "emergency."
    ),
    "scotland": N_("Call 111 (NHS 24), day or night, for urgent help that is not an emergency."),
    "northern_ireland": N_(
        "Call 111 for urgent help that is not an emergency. In Northern Ireland 111 works "
        "differently and may not have a mental health option; your GP or GP out-of-hours "
        "service can also help."
    ),
}


# The four lines, in the order they are shown. Words are marked for translation and
# translated when a plan is built; NHS 111's description depends on the nation.
SAFETY_CONTACTS: tuple[SafetyContact, ...] = (
    SafetyContact(
        name=N_("Emergency services"),
        phone=EMERGENCY_NUMBER,
        text=None,
        description=N_(
            "If someone is in immediate danger or has seriously hurt themselves, call 999 or go "
            "to A&E."
        ),
    ),
    SafetyContact(
        name=N_("NHS 111"),
        phone=NHS_111_NUMBER,
        text=None,
        description=NHS_111_DESCRIPTIONS["england"],
    ),
    SafetyContact(
        name=N_("Samaritans"),
        phone=SAMARITANS_NUMBER,
        text=None,
        description=N_("Free to call, day or night, every day of the year."),
    ),
    SafetyContact(
        name=N_("Shout"),
        phone=None,
        text=SHOUT_TEXT_NUMBER,
        description=N_("Text SHOUT to 85258. Free, day or night."),
    ),
)


def safety_for(nation: str, *, prominent: bool) -> Safety:
    """The four national lines, with NHS 111's wording for `nation` (England's if unknown)."""
    contacts = []
    for contact in SAFETY_CONTACTS:
        description = contact.description
        if contact.phone == NHS_111_NUMBER:
            description = NHS_111_DESCRIPTIONS.get(nation, description)
        contacts.append(SafetyContact(_(contact.name), contact.phone, contact.text, _(description)))
    return Safety(prominent=prominent, contacts=tuple(contacts))


# --- Sections ---------------------------------------------------------------------------------


def section_for(service: ServiceSnapshot, *, imha_eligible: bool = True) -> str | None:
    """The one section a service belongs in, or None when no section takes it.

    The first section, in SECTION_KINDS order, that one of its types matches. A local crisis
    line is a crisis alternative; a national one, like every national service no earlier
    section took, is a national line. For a person without a legal right to an IMHA, the
    `imha` type is set aside: an IMHA-only service then has no section (it is excluded), while
    one that also offers general advocacy stays in `advocacy`.
    """
    types = service.service_types if imha_eligible else service.service_types - {IMHA}
    if service.service_types and not types:
        return None
    for kind in SECTION_KINDS:
        kind_types = SECTION_TYPES[kind]
        if kind == "crisis_alternatives" and not service.national:
            kind_types = kind_types | {"crisis_line"}
        if types & kind_types or (kind == "national_lines" and service.national):
            return kind
    return None


# --- The engine -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Languages:
    """How a service meets the person's languages."""

    level: int  # LANGUAGE_STAFF | LANGUAGE_INTERPRETER | LANGUAGE_NONE
    position: int | None  # index in the person's languages of the best one at that level
    staff: tuple[str, ...]  # the person's languages staff speak, in the person's order
    interpreter: tuple[str, ...]  # … offered only through an interpreter
    written: tuple[str, ...]  # … offered only in writing


@lru_cache(maxsize=4096)
def _open_state(spans: tuple[Span, ...], at: datetime, nation: str) -> OpenState:
    """`hours.open_state`, remembered: many services share the same weekly hours.

    A pure function of its arguments, so remembering it changes no answer. The moment is
    given in UTC: two London times in the hour the clocks go back compare equal on London's
    clocks, but they are different moments.
    """
    return hours.open_state(spans, at, nation)


class _Assessment:
    """Everything the engine works out about one candidate, each part only when it is needed.

    The cheap questions (which section, which needs it meets, whether the person may use it,
    whether it is in reach) are answered for every candidate; the opening hours, the languages
    and the score only for the services that can still be suggested or lead somewhere, and the
    words only for what the plan shows.
    """

    def __init__(self, service: ServiceSnapshot, context: "_Context") -> None:
        self.service = service
        self.context = context
        self.section = section_for(service, imha_eligible=context.imha_eligible)
        is_imha = IMHA in service.service_types
        self.steered_imha = context.imha_eligible and is_imha and self.section == "advocacy"
        by_type = frozenset().union(
            *(NEEDS_BY_TYPE.get(kind, frozenset()) for kind in service.service_types)
        )
        self.fits = (service.needs | by_type) & context.needs  # the person's needs it meets
        steered_advocacy = (
            context.steer_advocacy
            and self.section == "advocacy"
            and "advocacy" in service.service_types
        )
        # With a Mental Health Act status given, an IMHA is relevant whether or not the person
        # qualifies: suggested to those who do, listed as excluded for those who do not.
        self.relevant = (
            not context.needs
            or bool(self.fits)
            or self.steered_imha
            or steered_advocacy
            or (is_imha and context.imha is not None)
        )
        self.ineligible = _ineligibility(service, context, self.section)
        self.too_far = (
            not service.national
            and service.in_service_area is not True
            and service.distance_km is not None
            and service.distance_km > context.max_distance
        )
        self.distance_rank = float("inf") if service.distance_km is None else service.distance_km

    @cached_property
    def state(self) -> OpenState:
        return _open_state(self.service.spans, self.context.at_utc, self.service.nation)

    @cached_property
    def closed_in_crisis(self) -> bool:
        """A crisis alternative closed at a crisis moment is not somewhere to go now."""
        return (
            self.context.crisis
            and self.section == "crisis_alternatives"
            and not self.state.open_now
        )

    @property
    def unreachable(self) -> tuple[str, ...]:
        """Why a service the person may use is still not suggested: too far, or closed."""
        return ("too_far",) * self.too_far + ("closed",) * self.closed_in_crisis

    @cached_property
    def suggestable(self) -> bool:
        return (
            self.section is not None
            and self.relevant
            and not self.ineligible
            and not self.too_far
            and not self.closed_in_crisis
        )

    @cached_property
    def languages(self) -> _Languages:
        return _language_fit(self.service, self.context.languages)

    @cached_property
    def score(self) -> float:
        return _score(self, self.context)

    def rank_key(self) -> tuple[float, float, str, str]:
        return (-self.score, self.distance_rank, self.service.name, self.service.id)


@dataclass(frozen=True)
class _Context:
    situation: Situation
    needs: frozenset[str]
    crisis: bool
    imha: ImhaEligibility | None
    imha_eligible: bool
    steer_advocacy: bool
    languages: tuple[str, ...]
    communities: frozenset[str]
    prefer: frozenset[str]
    max_distance: float
    today: date
    at_utc: datetime


def build_plan(situation: Situation, candidates: Iterable[ServiceSnapshot]) -> Plan:
    """The plan for `situation` from `candidates` (the services the adapter found near them).

    Pure and deterministic: the same situation and the same candidates, in any order, give the
    same plan. Raises ValueError when `situation.at` has no time zone.
    """
    if situation.at.tzinfo is None or situation.at.utcoffset() is None:
        raise ValueError("The moment needs a time zone, e.g. 2026-12-01T23:30:00+00:00.")
    language = _plan_language.set(get_language())
    try:
        return _build_plan(situation, candidates)
    finally:
        _plan_language.reset(language)


def _build_plan(situation: Situation, candidates: Iterable[ServiceSnapshot]) -> Plan:
    context = _context(situation)
    assessments = [_Assessment(service, context) for service in _unique(candidates)]

    pool = sorted((a for a in assessments if a.suggestable), key=_Assessment.rank_key)
    limit = SECTION_LIMITS.get(situation.mode, SECTION_LIMITS[PUBLIC])
    sections = _sections(pool, context, limit)
    return Plan(
        safety=safety_for(situation.nation, prominent=context.crisis),
        sections=sections,
        routes=_routes(pool, assessments, context),
        imha=context.imha,
        gaps=_gaps(pool, assessments, context),
        excluded=_excluded(assessments) if situation.mode == PROFESSIONAL else (),
    )


def _context(situation: Situation) -> _Context:
    crisis = situation.urgency == CRISIS_NOW or CRISIS_NOW in situation.needs
    needs = frozenset(situation.needs) | ({CRISIS_NOW} if crisis else frozenset())
    imha = None
    if situation.mha_status:
        imha = imha_eligibility(
            situation.nation,
            situation.mha_status,
            age=situation.age,
            considering_s57=situation.considering_s57,
            considering_s58a=situation.considering_s58a,
        )
    eligible = imha is not None and imha.eligible
    return _Context(
        situation=situation,
        needs=needs,
        crisis=crisis,
        imha=imha,
        imha_eligible=eligible,
        # Someone under the Act without a right to an IMHA is steered to general advocacy.
        steer_advocacy=imha is not None and not eligible and situation.mha_status != "none",
        languages=tuple(dict.fromkeys(situation.languages)),
        communities=frozenset(situation.communities),
        prefer=frozenset(situation.prefer) & frozenset(PREFERENCES),
        max_distance=max(situation.max_distance_km, 0.1),
        today=situation.at.astimezone(LONDON).date(),
        at_utc=situation.at.astimezone(UTC),
    )


def _unique(candidates: Iterable[ServiceSnapshot]) -> list[ServiceSnapshot]:
    """One snapshot per service id (the nearest), in id order, whatever order they came in."""
    by_id: dict[str, ServiceSnapshot] = {}
    for service in sorted(candidates, key=_snapshot_order):
        by_id.setdefault(service.id, service)
    return list(by_id.values())


def _snapshot_order(service: ServiceSnapshot) -> tuple[str, float, str, str]:
    distance = float("inf") if service.distance_km is None else service.distance_km
    return (service.id, distance, service.name, service.slug)


def _ineligibility(
    service: ServiceSnapshot, context: "_Context", section: str | None
) -> tuple[str, ...]:
    """Why the person cannot use the service at all (codes): excluded, never ranked lower."""
    situation = context.situation
    reasons = []
    age = situation.age
    if age is not None and (
        (service.minimum_age is not None and age < service.minimum_age)
        or (service.maximum_age is not None and age > service.maximum_age)
    ):
        reasons.append("age")
    # Only a definite mismatch excludes: a woman and a men-only service, a man and a
    # women-only one. Someone non-binary, of another gender or who did not say is shown the
    # service with a caution, to check with it (see _cautions).
    definite = ("female", "male")
    if (
        service.gender in definite
        and situation.gender in definite
        and service.gender != situation.gender
    ):
        reasons.append("gender")
    if service.in_service_area is False:
        reasons.append("service_area")
    if IMHA in service.service_types and not context.imha_eligible and section is None:
        reasons.append("imha_not_eligible")
    return tuple(reasons)


def _excluded(assessments: list[_Assessment]) -> tuple[Exclusion, ...]:
    """What fits the request but was left out, and every reason why (professional mode).

    A service that meets none of the person's needs was never asked for, so it is not listed.
    """
    left_out = [
        a
        for a in assessments
        if a.relevant
        and (a.ineligible or a.unreachable)
        and (a.section is not None or IMHA in a.service.service_types)
    ]
    left_out.sort(key=lambda a: (a.service.name, a.service.id))
    # The same few sentences recur down a long list: word each once.
    words: dict[object, str] = {}

    def once(key: object, make: Callable[[], str]) -> str:
        if key not in words:
            words[key] = make()
        return words[key]

    def reason(a: _Assessment, code: str) -> Reason:
        service, context = a.service, a.context
        if code == "age":
            key = (code, service.minimum_age, service.maximum_age)
            text = once(key, lambda: _age_text(service))
        elif code == "gender":
            text = once((code, service.gender), lambda: _gender_text(service))
        elif code == "service_area":
            text = once(code, lambda: _("Serves another area"))
        elif code == "imha_not_eligible":
            text = once(code, lambda: _imha_not_eligible_text(context))
        elif code == "too_far":
            text = once(code, lambda: _("%(distance)s km away, beyond %(limit)s km")) % {
                "distance": _km(a.distance_rank),
                "limit": _km(context.max_distance),
            }
        else:
            text = _closed_text(service, a.state, context)
        return Reason(code, text)

    return tuple(
        Exclusion(
            ServiceRef(a.service.id, a.service.name),
            tuple(reason(a, code) for code in a.ineligible + a.unreachable),
        )
        for a in left_out
    )


def _language_fit(service: ServiceSnapshot, wanted: tuple[str, ...]) -> _Languages:
    # A phone line answered in a language counts as staff who speak it.
    staff = {code for code, how in service.languages if how == "staff"}
    staff |= {code for phone in service.phones for code in phone.languages}
    interpreter = {code for code, how in service.languages if how == "interpreter"} - staff
    written = {code for code, how in service.languages if how == "written"} - staff - interpreter
    staff_codes = tuple(code for code in wanted if code in staff)
    interpreter_codes = tuple(code for code in wanted if code in interpreter)
    written_codes = tuple(code for code in wanted if code in written)
    if not wanted or staff_codes:
        level = LANGUAGE_STAFF
        position = wanted.index(staff_codes[0]) if staff_codes else None
    elif interpreter_codes:
        level, position = LANGUAGE_INTERPRETER, wanted.index(interpreter_codes[0])
    else:
        level, position = LANGUAGE_NONE, None
    return _Languages(level, position, staff_codes, interpreter_codes, written_codes)


def _factors(assessment: _Assessment, context: _Context) -> dict[str, float]:
    """Each factor of the score, 0 to 1 (see WEIGHTS)."""
    service = assessment.service
    situation = context.situation
    languages = assessment.languages
    if not context.languages:
        language = NOT_ASKED
    elif languages.position is None:
        language = 0.0
    else:
        language = 1 / (languages.position + 1)
    if service.distance_km is None:
        distance = NOT_ASKED
    else:
        distance = max(0.0, 1 - service.distance_km / context.max_distance)
    need_fit = len(assessment.fits) / len(context.needs) if context.needs else NOT_ASKED
    if service.access_routes & DIRECT_ACCESS:
        access = 1.0
    elif service.access_routes & REMOTE_OR_COMMUNITY_ACCESS:
        access = 0.5
    else:
        access = 0.0
    if context.prefer:
        met = sum(1 for preference in context.prefer if getattr(service, preference))
        preference = met / len(context.prefer)
    else:
        preference = NOT_ASKED
    if context.communities:
        community = 1.0 if _community_match(service, context) else 0.0
    else:
        community = NOT_ASKED
    faith = NOT_ASKED
    if situation.faith:
        faith = 1.0 if _faith_match(service, situation) else 0.0
    return {
        "language": language,
        "distance": distance,
        "need_fit": need_fit,
        "open_now": 1.0 if assessment.state.open_now else 0.0,
        "self_referral": access,
        "preference": preference,
        "community": community,
        "faith": faith,
        "verified": 1.0 if service.assured_date is not None and not service.stale else 0.0,
    }


def _score(assessment: _Assessment, context: _Context) -> float:
    factors = _factors(assessment, context)
    weighted = sum(WEIGHTS[name] * factors[name] for name in WEIGHTS)
    return (assessment.languages.level + min(1.0, weighted)) / LANGUAGE_LEVELS


def _community_match(service: ServiceSnapshot, context: _Context) -> str | None:
    """The service's community that matches one of the person's, in vocabulary order.

    A community matches itself, its parent ("south_asian" serves someone "indian") and its
    children. "everyone" is open to all and is not a community match.
    """
    matches = []
    for code in service.communities - {EVERYONE}:
        for wanted in context.communities:
            if code == wanted or _COMMUNITY_PARENTS.get(wanted) == code:
                matches.append((0, _COMMUNITY_ORDER.get(code, 99), code))
            elif _COMMUNITY_PARENTS.get(code) == wanted:
                matches.append((1, _COMMUNITY_ORDER.get(code, 99), code))
    return min(matches)[2] if matches else None


def _faith_match(service: ServiceSnapshot, situation: Situation) -> bool:
    return bool(service.faith and situation.faith) and (
        service.faith.strip().lower() == (situation.faith or "").strip().lower()
    )


# --- Reasons and cautions ---------------------------------------------------------------------


def _reasons(assessment: _Assessment, context: _Context) -> tuple[Reason, ...]:
    service = assessment.service
    state = assessment.state
    languages = assessment.languages
    reasons = []
    if languages.staff:
        reasons.append(
            Reason(
                "language_staff",
                _fill(
                    _("Staff speak %(languages)s"), languages=_and(_language_names(languages.staff))
                ),
            )
        )
    if languages.interpreter:
        reasons.append(
            Reason(
                "language_interpreter",
                _fill(
                    _("%(languages)s through an interpreter"),
                    languages=_or(_language_names(languages.interpreter)),
                ),
            )
        )
    if service.distance_km is not None:
        reasons.append(
            Reason("distance", _("%(distance)s km away") % {"distance": _km(service.distance_km)})
        )
    elif service.national:
        reasons.append(Reason("national", _("Serves the whole country")))
    if service.in_service_area is True:
        reasons.append(Reason("service_area", _("Serves the area where you are")))
    if state.always_open:
        reasons.append(Reason("open_24_7", _("Open day and night")))
    elif state.open_now:
        if state.closes_at is None:
            reasons.append(Reason("open_now", _("Open now")))
        else:
            reasons.append(
                Reason(
                    "open_now",
                    _fill(_("Open now until %(time)s"), time=_until(state.closes_at, context)),
                )
            )
    if "self_referral" in service.access_routes:
        reasons.append(Reason("self_referral", _("You can refer yourself")))
    if "drop_in" in service.access_routes:
        reasons.append(Reason("drop_in", _("You can drop in")))
    if assessment.steered_imha:
        reasons.append(Reason("imha", _("An IMHA: you have a legal right to one")))
    if service.ethnic_minority_led:
        reasons.append(Reason("ethnic_minority_led", _("Ethnic minority-led")))
    if service.user_led:
        reasons.append(Reason("user_led", _("Run by people with lived experience")))
    community = _community_match(service, context) if context.communities else None
    if community is not None:
        reasons.append(Reason("community", _community_text(community)))
    for need in sorted(assessment.fits, key=lambda code: (_NEED_ORDER.get(code, 99), code)):
        reasons.append(Reason("need", _("Offers %(need)s") % {"need": _need_noun(need)}))
    if _faith_match(service, context.situation):
        reasons.append(
            Reason("faith", _("%(faith)s faith setting") % {"faith": _faith_name(service.faith)})
        )
    if service.free:
        reasons.append(Reason("free", _("Free")))
    return tuple(reasons)


def _cautions(assessment: _Assessment, context: _Context) -> tuple[Reason, ...]:
    service = assessment.service
    state = assessment.state
    languages = assessment.languages
    situation = context.situation
    cautions = []
    if not state.open_now:
        if service.spans:
            cautions.append(Reason("closed_now", _closed_text(service, state, context)))
        else:
            cautions.append(Reason("hours_unknown", _("Opening hours not listed")))
    if languages.level == LANGUAGE_INTERPRETER:
        cautions.append(
            Reason(
                "interpreter_only",
                _fill(
                    _("No staff listed who speak %(languages)s"),
                    languages=_or(_language_names(context.languages)),
                ),
            )
        )
    elif languages.level == LANGUAGE_NONE and languages.written:
        cautions.append(
            Reason(
                "written_only",
                _fill(
                    _("%(languages)s in written information only"),
                    languages=_or(_language_names(languages.written)),
                ),
            )
        )
    elif languages.level == LANGUAGE_NONE:
        cautions.append(
            Reason(
                "no_language",
                _fill(
                    _("Does not list %(languages)s"),
                    languages=_or(_language_names(context.languages)),
                ),
            )
        )
    referral = _referral_text(service)
    if referral:
        cautions.append(Reason("referral_needed", referral))
    if situation.age is None and (
        service.minimum_age is not None or service.maximum_age is not None
    ):
        cautions.append(Reason("age_check", _age_text(service)))
    if service.gender in ("female", "male") and situation.gender not in ("female", "male"):
        cautions.append(
            Reason(
                "gender_check",
                _fill(
                    _("%(who)s: check with them that it is right for you"),
                    who=_gender_text(service),
                ),
            )
        )
    if assessment.steered_imha and service.in_service_area is None:
        cautions.append(
            Reason("area_check", _("Check that it serves the area where you normally live"))
        )
    if service.assured_date is None:
        cautions.append(Reason("not_verified", _("Listing never checked")))
    elif service.stale:
        cautions.append(
            Reason(
                "not_verified",
                _fill(
                    _("Listing not checked since %(month)s %(year)s"),
                    month=_(MONTHS[service.assured_date.month - 1]),
                    year=service.assured_date.year,
                ),
            )
        )
    return tuple(cautions)


def _referral_text(service: ServiceSnapshot) -> str | None:
    """The "You need a referral from …" caution, when the person cannot get in by themselves."""
    routes = service.access_routes
    if not routes or routes & (DIRECT_ACCESS | {"phone", "text", "online"}):
        return None
    who = []
    if "gp_referral" in routes:
        who.append(_("a GP"))
    if "professional_referral" in routes:
        who.append(_("another professional") if who else _("a professional"))
    if "community_referral" in routes:
        who.append(_("a community organisation"))
    if not who:
        return None
    return _("You need a referral from %(who)s") % {"who": _or(who)}


def _age_text(service: ServiceSnapshot) -> str:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return _("For ages %(low)s to %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("For ages %(low)s and over") % {"low": low}
    return _("For ages %(high)s and under") % {"high": high}


def _gender_text(service: ServiceSnapshot) -> str:
    return _("For women only") if service.gender == "female" else _("For men only")


def _imha_not_eligible_text(context: _Context) -> str:
    if context.imha is None:
        return _(
            "Only for people with a legal right to an IMHA; no Mental Health Act status was given"
        )
    return _("Only for people with a legal right to an IMHA")


def _closed_text(service: ServiceSnapshot, state: OpenState, context: _Context) -> str:
    if not service.spans:
        return _("No opening hours listed, so it may not be open now")
    if state.next_opens_at is None:
        return _("Closed now")
    return _("Closed now; opens %(when)s") % {"when": _opens(state.next_opens_at, context)}


def _fill(text: str, **values: object) -> str:
    """A translated sentence with its %(placeholders)s filled in."""
    return text % values


def _community_text(code: str) -> str:
    if code in COMMUNITY_PHRASES:
        return _(COMMUNITY_PHRASES[code])
    name = _COMMUNITY_NAMES.get(code)
    shown = _(name) if name else code.replace("_", " ").title()
    return _("For the %(community)s community") % {"community": shown}


def _need_noun(need: str) -> str:
    if need in NEED_NOUNS:
        return _(NEED_NOUNS[need])
    label = _NEED_LABELS.get(need)
    return (_(label) if label else need.replace("_", " ")).lower()


def _faith_name(faith: str) -> str:
    code = faith.strip().lower()
    return _(FAITH_NAMES[code]) if code in FAITH_NAMES else code.replace("_", " ").title()


def _language_names(codes: Iterable[str]) -> list[str]:
    # Never translated: English names in English, each language's own name otherwise.
    return [vocabulary.language_name(code) for code in codes]


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _or(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s or %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _km(distance: float) -> str:
    """1.2, 15, 7.5: one decimal place, without a trailing ".0"."""
    return f"{round(distance, 1):g}"


def _day_offset(moment: datetime, context: _Context) -> int:
    return (moment.astimezone(LONDON).date() - context.today).days


def _on_day(moment: datetime, context: _Context) -> str:
    """The day: "Wednesday" within the week, "9 December" beyond it."""
    local = moment.astimezone(LONDON)
    if _day_offset(moment, context) < 7:
        return _(WEEKDAYS[local.weekday()])
    return _("%(day)s %(month)s") % {"day": local.day, "month": _(MONTHS[local.month - 1])}


def _until(moment: datetime, context: _Context) -> str:
    """When an opening ends: "10pm", "midnight", "2am tomorrow", "Wednesday at 9am"."""
    local = moment.astimezone(LONDON)
    clock = hours.describe_time(local.time())
    days = _day_offset(moment, context)
    if days == 0 or (days == 1 and local.time() == time(0)):
        return clock
    if days == 1:
        return _("%(time)s tomorrow") % {"time": clock}
    return _("%(day)s at %(time)s") % {"day": _on_day(moment, context), "time": clock}


def _opens(moment: datetime, context: _Context) -> str:
    """When a service next opens: "at 6pm", "tomorrow at 9am", "Wednesday at 9am"."""
    local = moment.astimezone(LONDON)
    clock = hours.describe_time(local.time())
    days = _day_offset(moment, context)
    if days == 0:
        return _("at %(time)s") % {"time": clock}
    if days == 1:
        return _("tomorrow at %(time)s") % {"time": clock}
    if days < 7:
        return _("%(day)s at %(time)s") % {"day": _on_day(moment, context), "time": clock}
    return _("on %(day)s at %(time)s") % {"day": _on_day(moment, context), "time": clock}


# --- Sections, routes, gaps and what was left out ---------------------------------------------


def _sections(pool: list[_Assessment], context: _Context, limit: int) -> tuple[Section, ...]:
    by_kind: dict[str, list[_Assessment]] = {kind: [] for kind in SECTION_KINDS}
    for assessment in pool:
        kind = assessment.section
        if kind is None:
            continue
        if kind == "national_lines" and _only_safety_numbers(assessment.service):
            continue  # already in the safety box at the top of every plan
        by_kind[kind].append(assessment)
    # The area's IMHA leads the advocacy section for someone with a legal right to one.
    by_kind["advocacy"].sort(key=lambda a: (not a.steered_imha, *a.rank_key()))
    sections = []
    for kind in SECTION_KINDS:
        members = by_kind[kind][:limit]
        if not members:
            continue
        title = CRISIS_SECTION_TITLE if kind == "crisis_alternatives" and context.crisis else None
        sections.append(
            Section(
                kind=kind,
                title=_(title or SECTION_TITLES[kind]),
                suggestions=tuple(_suggestion(assessment) for assessment in members),
            )
        )
    return tuple(sections)


def _only_safety_numbers(service: ServiceSnapshot) -> bool:
    numbers = {phone.number.replace(" ", "") for phone in service.phones}
    return bool(numbers) and numbers <= {number.replace(" ", "") for number in SAFETY_NUMBERS}


def _suggestion(assessment: _Assessment) -> Suggestion:
    service = assessment.service
    return Suggestion(
        service=ServiceSummary.of(service),
        score=round(assessment.score, 2),
        distance_km=None if service.distance_km is None else round(service.distance_km, 1),
        open_now=assessment.state.open_now,
        closes_at=assessment.state.closes_at,
        next_opens_at=assessment.state.next_opens_at,
        reasons=_reasons(assessment, assessment.context),
        cautions=_cautions(assessment, assessment.context),
    )


def _offer(assessment: _Assessment, context: _Context) -> str:
    """What a service offers this person, for a route: "talking therapy in Punjabi"."""
    # The need named after the section ("talking therapy" for a therapy service) if it meets
    # it, else the first need it meets in the vocabulary's order.
    needs = sorted(
        assessment.fits - {CRISIS_NOW},
        key=lambda code: (code != assessment.section, _NEED_ORDER.get(code, 99), code),
    )
    offer = _need_noun(needs[0]) if needs else _(SECTION_NOUNS[assessment.section or ""])
    languages = assessment.languages
    if context.languages and languages.staff:
        return _("%(offer)s in %(language)s") % {
            "offer": offer,
            "language": _language_names(languages.staff[:1])[0],
        }
    if context.languages and languages.interpreter:
        return _("%(offer)s in %(language)s through an interpreter") % {
            "offer": offer,
            "language": _language_names(languages.interpreter[:1])[0],
        }
    return offer


def _way_in(assessment: _Assessment, context: _Context) -> str:
    """How the person gets into an entry point: "you can walk in and staff speak Punjabi"."""
    service = assessment.service
    access = (
        _("you can walk in") if "drop_in" in service.access_routes else _("you can refer yourself")
    )
    if context.languages and assessment.languages.staff:
        return _("%(access)s and staff speak %(language)s") % {
            "access": access,
            "language": _language_names(assessment.languages.staff[:1])[0],
        }
    return access


def _routes(
    pool: list[_Assessment], assessments: list[_Assessment], context: _Context
) -> tuple[Route, ...]:
    limit = ROUTE_LIMITS.get(context.situation.mode, ROUTE_LIMITS[PUBLIC])
    routes = []
    leaving = _leaving_hospital_route(pool, context)
    if leaving is not None:
        routes.append(leaving)
    routes.extend(_referral_routes(pool, assessments, context, limit - len(routes)))
    return tuple(routes[:limit])


def _referral_routes(
    pool: list[_Assessment], assessments: list[_Assessment], context: _Context, limit: int
) -> list[Route]:
    """Walk in here, and be referred on there.

    The way in is an entry point the person can walk into or refer themselves to, whose staff
    speak one of their languages (when they gave any), eligible and within reach; it need not
    meet the need itself, only open the door. The way on is a suggested service meeting the
    need that the entry point can refer to: one of its referral partners, or a service that
    takes referrals from community organisations.
    """
    if limit <= 0:
        return []
    entries = sorted(
        (
            a
            for a in assessments
            if a.section == "entry_points"
            and not a.ineligible
            and not a.too_far
            and a.service.access_routes & DIRECT_ACCESS
            and (not context.languages or a.languages.staff)
        ),
        key=_Assessment.rank_key,
    )
    targets = [
        a
        for a in pool
        if a.section in ("advocacy", "peer_support", "talking_therapy")
        and (a.fits - {CRISIS_NOW} or not context.needs)
    ]
    # Each link is (kind, target rank, entry rank, entry, target): a referral partner (0)
    # before a community referral (1), then the best target, then the best way in. Found from
    # each entry's partners and each target's routes, so the cost stays linear.
    target_ranks = {target.service.id: rank for rank, target in enumerate(targets)}
    pairs = []
    for entry_rank, entry in enumerate(entries):
        for partner_id in entry.service.referral_partner_ids:
            target_rank = target_ranks.get(partner_id)
            if target_rank is not None and partner_id != entry.service.id:
                pairs.append((0, target_rank, entry_rank, entry, targets[target_rank]))
    for target_rank, target in enumerate(targets):
        if "community_referral" not in target.service.access_routes:
            continue
        for entry_rank, entry in enumerate(entries):
            if entry.service.id != target.service.id:
                pairs.append((1, target_rank, entry_rank, entry, target))
                break
    pairs.sort(key=lambda pair: pair[:3])
    routes: list[Route] = []
    routed: set[str] = set()
    for link, _target_rank, _entry_rank, entry, target in pairs:
        if target.service.id in routed:
            continue
        routed.add(target.service.id)
        routes.append(_referral_route(entry, target, context, partner=link == 0))
        if len(routes) == limit:
            break
    return routes


# (the second step, the explanation) of a route through a referral partner, and of one through
# a service that takes referrals from community organisations.
REFERRAL_WORDS = (
    N_("%(entry)s can refer you to %(target)s, which offers %(offer)s."),
    N_("Go to %(entry)s first. They work with %(target)s and can refer you there for %(offer)s."),
)
COMMUNITY_REFERRAL_WORDS = (
    N_(
        "%(target)s takes referrals from community organisations like %(entry)s, and offers "
        "%(offer)s."
    ),
    N_(
        "Go to %(entry)s first. %(target)s takes referrals from community organisations, so "
        "they can refer you there for %(offer)s."
    ),
)


def _referral_route(
    entry: _Assessment, target: _Assessment, context: _Context, *, partner: bool
) -> Route:
    words = {
        "entry": entry.service.name,
        "target": target.service.name,
        "offer": _offer(target, context),
    }
    first = _("Start at %(entry)s: %(way_in)s.") % {
        "entry": entry.service.name,
        "way_in": _way_in(entry, context),
    }
    second, explanation = REFERRAL_WORDS if partner else COMMUNITY_REFERRAL_WORDS
    return Route(
        kind="referral",
        steps=(
            RouteStep(ServiceRef(entry.service.id, entry.service.name), first),
            RouteStep(ServiceRef(target.service.id, target.service.name), _(second) % words),
        ),
        explanation=_(explanation) % words,
    )


def _leaving_hospital_route(pool: list[_Assessment], context: _Context) -> Route | None:
    """The way out of hospital: a recovery house, peer support, support in the community."""
    if LEAVING_HOSPITAL not in context.needs:
        return None
    leaving = [a for a in pool if LEAVING_HOSPITAL in a.fits]
    stages = (
        (
            lambda a: "recovery_house" in a.service.service_types,
            N_("%(name)s offers a short stay to help you recover after hospital."),
            N_("a short stay to recover"),
        ),
        (
            lambda a: "peer_support" in a.service.service_types,
            N_("%(name)s offers support from people who have been through something similar."),
            N_("support from peers"),
        ),
        (
            lambda a: a.section == "entry_points",
            N_("%(name)s can support you back in your community."),
            N_("support in your community"),
        ),
    )
    steps, parts, used = [], [], set()
    for matches, why, part in stages:
        found = next((a for a in leaving if matches(a) and a.service.id not in used), None)
        if found is None:
            continue
        used.add(found.service.id)
        text = _(why) % {"name": found.service.name}
        if context.languages and found.languages.staff:
            text += " " + _("Staff speak %(language)s.") % {
                "language": _language_names(found.languages.staff[:1])[0]
            }
        steps.append(RouteStep(ServiceRef(found.service.id, found.service.name), text))
        parts.append(_(part))
    if len(steps) < 2:
        return None
    return Route(
        kind="leaving_hospital",
        steps=tuple(steps),
        explanation=_("A way out of hospital: %(parts)s.") % {"parts": _and(parts)},
    )


def _gaps(
    pool: list[_Assessment], assessments: list[_Assessment], context: _Context
) -> tuple[Gap, ...]:
    """What was asked for and not found nearby, with the nearest alternatives.

    A need is a gap when no local suggestion meets it (language None); or, when the person
    gave languages, when no local suggestion meeting it has staff who speak their first
    language (language = that first language). National services are not "nearby": they are
    offered as alternatives, with a local service that has an interpreter and the nearest
    service further away, up to GAP_REACH_FACTOR times the maximum distance.
    """
    wanted = context.languages
    further_limit = context.max_distance * GAP_REACH_FACTOR
    further_away = [
        a
        for a in assessments
        if a.section is not None
        and a.relevant
        and not a.ineligible
        and a.too_far
        and not a.closed_in_crisis
        and a.distance_rank <= further_limit
    ]
    gaps = []
    for need in sorted(context.needs, key=lambda code: (_NEED_ORDER.get(code, 99), code)):
        meeting = [a for a in pool if need in a.fits]
        local = [a for a in meeting if not a.service.national]
        if not local:
            language, missing = None, ()
        elif wanted and not any(wanted[0] in a.languages.staff for a in local):
            language = wanted[0]
            # Name every language of theirs that no one speaks, when none is spoken.
            spoken = any(a.languages.staff for a in local)
            missing = wanted[:1] if spoken else wanted
        else:
            continue
        first = wanted[0] if wanted else None

        def speaks_first(a: _Assessment, first: str | None = first) -> bool:
            return first is None or first in a.languages.staff

        alternatives: list[tuple[str, _Assessment]] = []
        if language is not None:
            interpreted = [a for a in local if language in a.languages.interpreter]
            if interpreted:
                alternatives.append(("interpreter", interpreted[0]))
        further = [a for a in further_away if need in a.fits]
        if language is not None:
            further = [a for a in further if speaks_first(a)]
        if further:
            nearest = min(further, key=lambda a: (a.distance_rank, a.service.name, a.service.id))
            alternatives.append(("further", nearest))
        national = [a for a in meeting if a.service.national]
        national = [a for a in national if speaks_first(a)] or national
        for a in national[:GAP_NATIONAL_ALTERNATIVES]:
            alternatives.append(("national", a))
        gaps.append(
            Gap(
                need=need,
                language=language,
                message=_gap_message(need, missing, alternatives, context, further_limit),
                alternatives=tuple(ServiceSummary.of(a.service) for _kind, a in alternatives),
            )
        )
    return tuple(gaps)


def _gap_message(
    need: str,
    missing: tuple[str, ...],
    alternatives: list[tuple[str, _Assessment]],
    context: _Context,
    further_limit: float,
) -> str:
    noun = _need_noun(need)
    if need == CRISIS_NOW and context.crisis:
        noun = _("%(need)s open now") % {"need": noun}
    words = {"need": noun, "limit": _km(context.max_distance)}
    if missing:
        words["language"] = _or(_language_names(missing))
    if context.situation.has_location:
        if not missing:
            message = _("We found no %(need)s within %(limit)s km.") % words
        else:
            message = _("We found no %(need)s in %(language)s within %(limit)s km.") % words
    elif not missing:
        message = _("We found no %(need)s.") % words
    else:
        message = _("We found no %(need)s in %(language)s.") % words
    kinds = {kind for kind, _a in alternatives}
    options = []
    if "interpreter" in kinds:
        options.append(_("with an interpreter"))
    if "further" in kinds:
        options.append(_("further away (up to %(limit)s km)") % {"limit": _km(further_limit)})
    if "national" in kinds:
        options.append(_("by phone or online"))
    if options:
        message += " " + _("Other options: %(options)s.") % {"options": _or(options)}
    return message
