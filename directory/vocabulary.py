"""The controlled vocabulary: stable codes, English labels, and the languages list.

Codes are identifiers shared with other systems (the API, HSDS exchange, NHS data) and never
change once published; labels are what people read and follow GOV.UK style. The data
migrations load these into every database via `sync_vocabulary`, so a new code means a new
migration that calls it again.
"""

import uuid
from dataclasses import dataclass

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

# Term ids are derived from (taxonomy, code), so the same term has the same HSDS id in every
# database and an export from one Navigator imports cleanly into another.
TERM_NAMESPACE = uuid.UUID("6f1d3a52-4c1e-4b8e-9a57-2d6b0c7e9f10")

SERVICE_TYPE = "service_type"
NEED = "need"
COMMUNITY = "community"
ACCESS_ROUTE = "access_route"

TAXONOMIES = {
    SERVICE_TYPE: _("Service types"),
    NEED: _("Needs"),
    COMMUNITY: _("Communities"),
    ACCESS_ROUTE: _("Access routes"),
}


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    description: str = ""
    parent: str | None = None
    # The NHS Mental Health Services Data Set team-type code, for crisis alternatives.
    mhsds_team_type: str = ""


def term_id(taxonomy: str, code: str) -> uuid.UUID:
    return uuid.uuid5(TERM_NAMESPACE, f"{taxonomy}:{code}")


ENTRY_POINT_TYPES = (
    "bme_community_org",
    "faith_based",
    "community_agency",
    "youth_service",
    "housing_support",
    "welfare_advice",
    "education_support",
    "criminal_justice_liaison",
)
CRISIS_ALTERNATIVE_TYPES = (
    "crisis_house",
    "crisis_cafe",
    "sanctuary",
    "recovery_house",
    "crisis_line",
)

SERVICE_TYPES = (
    # Entry points: non-clinical ways in.
    Term(
        "bme_community_org",
        N_("Ethnic minority community organisation"),
        "A voluntary or community organisation run by and for an ethnic minority community.",
    ),
    Term(
        "faith_based",
        N_("Faith-based support"),
        "Support from or at a place of worship or faith group.",
    ),
    Term("community_agency", N_("Community agency"), "A local community centre or agency."),
    Term("youth_service", N_("Youth service"), "Support for children and young people."),
    Term("housing_support", N_("Housing support"), "Help with somewhere to live."),
    Term("welfare_advice", N_("Welfare and money advice"), "Help with benefits, debt and money."),
    Term("education_support", N_("Education support"), "Support at school, college or university."),
    Term(
        "criminal_justice_liaison",
        N_("Criminal justice liaison"),
        "Support for people in contact with the police, courts, prison or probation.",
    ),
    # Crisis alternatives: instead of A&E or a police cell.
    Term(
        "crisis_house",
        N_("Crisis house"),
        "A short stay in a home-like place, instead of hospital.",
        mhsds_team_type="A25",
    ),
    Term(
        "crisis_cafe",
        N_("Crisis café or safe haven"),
        "A place to drop in out of hours when things feel too much.",
        mhsds_team_type="A21",
    ),
    Term(
        "sanctuary",
        N_("Sanctuary"),
        "A safe, calm place to go for a few hours, often in the evening or overnight.",
        mhsds_team_type="A21",
    ),
    Term(
        "recovery_house",
        N_("Recovery house"),
        "A short stay to recover, instead of or after hospital.",
    ),
    Term(
        "crisis_line",
        N_("Crisis line"),
        "A phone line to call in a mental health crisis.",
        mhsds_team_type="A19",
    ),
    # Support.
    Term("helpline", N_("Helpline"), "A phone line for support and information."),
    Term("advocacy", N_("Advocacy"), "Someone to help you have your say and know your rights."),
    Term(
        "imha",
        N_("Independent Mental Health Advocacy (IMHA)"),
        "An advocate for people who are detained or on a community treatment order, "
        "under the Mental Health Act.",
    ),
    Term(
        "peer_support",
        N_("Peer support"),
        "Support from people who have been through something similar.",
    ),
    Term("talking_therapy", N_("Talking therapy"), "Counselling or psychological therapy."),
    Term(
        "cultural_consultation",
        N_("Cultural consultation"),
        "Advice to services on culture, faith and language, so care fits the person.",
    ),
    Term(
        "carers_support",
        N_("Support for carers"),
        "Support for family and friends who care for someone.",
    ),
)

NEEDS = (
    Term("crisis_now", N_("I need help now"), "In crisis and needing help straight away."),
    Term("emotional_support", N_("Someone to talk to")),
    Term("talking_therapy", N_("Talking therapy")),
    Term("advocacy_rights", N_("Help with my rights")),
    Term("detained_support", N_("Support while detained in hospital")),
    Term("leaving_hospital", N_("Leaving hospital")),
    Term("carer_support", N_("Support as a carer")),
    Term("racism_trauma", N_("Racism and trauma")),
    Term("faith_spiritual", N_("Faith and spiritual support")),
    Term("housing", N_("Housing")),
    Term("money_welfare", N_("Money and benefits")),
    Term("substance_use", N_("Alcohol and drugs")),
    Term("young_person", N_("Support for a young person")),
    Term("bereavement", N_("Bereavement")),
    Term("domestic_abuse", N_("Domestic abuse")),
    Term("isolation", N_("Loneliness and isolation")),
    Term("refugee_asylum", N_("Refugees and people seeking asylum")),
)

COMMUNITIES = (
    Term("african", N_("African")),
    Term("african_caribbean", N_("African Caribbean")),
    Term("mixed_heritage", N_("Mixed heritage")),
    Term("south_asian", N_("South Asian")),
    Term("indian", N_("Indian"), parent="south_asian"),
    Term("pakistani", N_("Pakistani"), parent="south_asian"),
    Term("bangladeshi", N_("Bangladeshi"), parent="south_asian"),
    Term("sri_lankan_tamil", N_("Sri Lankan Tamil"), parent="south_asian"),
    Term("chinese", N_("Chinese")),
    Term("east_asian", N_("East Asian")),
    Term("arab", N_("Arab")),
    Term("somali", N_("Somali")),
    Term("eastern_european", N_("Eastern European")),
    Term("gypsy_roma_traveller", N_("Gypsy, Roma and Traveller")),
    Term("refugee_asylum_seeker", N_("Refugees and people seeking asylum")),
    Term("everyone", N_("Everyone"), "Open to people of any background."),
)

ACCESS_ROUTES = (
    Term("self_referral", N_("You can refer yourself")),
    Term("drop_in", N_("Drop in, no appointment")),
    Term("phone", N_("By phone")),
    Term("text", N_("By text message")),
    Term("online", N_("Online")),
    Term("gp_referral", N_("Referral from a GP")),
    Term("professional_referral", N_("Referral from a professional")),
    Term("community_referral", N_("Referral from a community organisation")),
)

VOCABULARY = {
    SERVICE_TYPE: SERVICE_TYPES,
    NEED: NEEDS,
    COMMUNITY: COMMUNITIES,
    ACCESS_ROUTE: ACCESS_ROUTES,
}


@dataclass(frozen=True)
class LanguageEntry:
    code: str  # BCP 47
    name: str  # English name
    native_name: str  # the language's own name, in its own script
    rtl: bool = False


LANGUAGES = (
    LanguageEntry("en", "English", "English"),
    LanguageEntry("ur", "Urdu", "اردو", rtl=True),
    LanguageEntry("pa", "Punjabi", "ਪੰਜਾਬੀ"),
    LanguageEntry("bn", "Bengali", "বাংলা"),
    LanguageEntry("syl", "Sylheti", "ꠍꠤꠟꠐꠤ"),
    LanguageEntry("gu", "Gujarati", "ગુજરાતી"),
    LanguageEntry("hi", "Hindi", "हिन्दी"),
    LanguageEntry("ta", "Tamil", "தமிழ்"),
    LanguageEntry("so", "Somali", "Soomaali"),
    LanguageEntry("ar", "Arabic", "العربية", rtl=True),
    LanguageEntry("pl", "Polish", "Polski"),
    LanguageEntry("ro", "Romanian", "Română"),
    LanguageEntry("yue", "Cantonese", "廣東話"),
    LanguageEntry("cmn", "Mandarin", "普通话"),
    LanguageEntry("fa", "Persian (Farsi)", "فارسی", rtl=True),
    LanguageEntry("ku", "Kurdish", "Kurdî"),
    LanguageEntry("ti", "Tigrinya", "ትግርኛ"),
    LanguageEntry("yo", "Yoruba", "Yorùbá"),
    LanguageEntry("tw", "Twi", "Twi"),
    LanguageEntry("pt", "Portuguese", "Português"),
    LanguageEntry("fr", "French", "Français"),
    LanguageEntry("jam", "Jamaican Patois", "Patwa"),
    LanguageEntry("ps", "Pashto", "پښتو", rtl=True),
    LanguageEntry("am", "Amharic", "አማርኛ"),
    LanguageEntry("vi", "Vietnamese", "Tiếng Việt"),
    LanguageEntry("tr", "Turkish", "Türkçe"),
    LanguageEntry("lt", "Lithuanian", "Lietuvių"),
    LanguageEntry("cy", "Welsh", "Cymraeg"),
    LanguageEntry("bg", "Bulgarian", "Български"),
    LanguageEntry("sw", "Swahili", "Kiswahili"),
    LanguageEntry("rom", "Romani", "Romani čhib"),
    LanguageEntry("bfi", "British Sign Language", "British Sign Language"),
)
LANGUAGES_BY_CODE = {entry.code: entry for entry in LANGUAGES}


# --- Words for pages, in the active language ---------------------------------------------------
#
# Labels are marked with N_ (gettext_noop) above, stored in English in the database, and
# translated only when a page shows them. Language names are never translated: a language is
# named by its English name on an English page and by its own name, in its own script, on the
# others; pickers and lists show both ("Urdu / اردو").


def term_label(term) -> str:
    """A term's label in the active language: a `TaxonomyTerm`, a `Term` or an English label."""
    name = getattr(term, "name", term)
    return gettext(name) if name else ""


def _english_page() -> bool:
    return (get_language() or "en").split("-")[0] == "en"


def language_name(code: str, english_name: str = "") -> str:
    """A language's name for running text: English on an English page, its own name elsewhere.

    `english_name` is used for a language this module does not list (one imported from a
    council directory), or the code itself when there is none.
    """
    entry = LANGUAGES_BY_CODE.get(code)
    if entry is None:
        return english_name or code
    return entry.name if _english_page() else entry.native_name


def language_label(code: str, english_name: str = "") -> str:
    """A language's name for a picker or a list: "Urdu / اردو", or one name where they agree."""
    entry = LANGUAGES_BY_CODE.get(code)
    if entry is None:
        return english_name or code
    if entry.native_name == entry.name:
        return entry.name
    return f"{entry.name} / {entry.native_name}"


NATIONS = (
    ("england", _("England")),
    ("wales", _("Wales")),
    ("scotland", _("Scotland")),
    ("northern_ireland", _("Northern Ireland")),
)

# Mental Health Act status, for IMHA eligibility (the pathway engine holds the rules).
MHA_STATUSES = (
    "none", "informal", "s2", "s3", "s4", "s5_2", "s5_4", "s35", "s36", "s37", "s37_41", "s38",
    "s45a", "s47", "s47_49", "s48", "s48_49", "s135", "s136", "cto", "guardianship",
    "conditional_discharge",
)  # fmt: skip


def sync_vocabulary(TaxonomyTerm, Language) -> None:
    """Create or update every term and language. Idempotent; used by data migrations.

    Takes the model classes so that a migration can pass its historical models.
    """
    for taxonomy, terms in VOCABULARY.items():
        by_code = {}
        for term in terms:
            parent = by_code.get(term.parent) if term.parent else None
            obj, _created = TaxonomyTerm.objects.update_or_create(
                id=term_id(taxonomy, term.code),
                defaults={
                    "taxonomy": taxonomy,
                    "code": term.code,
                    "name": term.name,
                    "description": term.description,
                    "parent": parent,
                    "mhsds_team_type": term.mhsds_team_type,
                },
            )
            by_code[term.code] = obj
    for entry in LANGUAGES:
        Language.objects.update_or_create(
            code=entry.code,
            defaults={"name": entry.name, "native_name": entry.native_name, "rtl": entry.rtl},
        )
