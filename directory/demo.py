"""The fictional demo directory: `load_demo()` reads fixtures/demo_directory.json and
fixtures/demo_gazetteer.csv and creates or updates everything in one transaction.

Loading is idempotent. Every id is a `uuid5` of a fixed namespace and a stable key (a slug,
a location key, a position in a list), so loading twice leaves exactly the same rows: parents
are updated in place by id and each service's children (locations at which it runs, phones,
schedules, languages) are replaced.

The demo must never put a real person's number or website in front of someone in crisis, so
the loader refuses (with ``ValueError``, naming the service) any phone number outside Ofcom's
drama-reserved ranges other than the four national crisis numbers, any web address or email
not on an ``.example`` domain, and any code that is not in the vocabulary. It checks the whole
file before it writes anything.
"""

import csv
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import search, vocabulary
from .models import (
    Language,
    Location,
    Organization,
    Phone,
    Place,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
    validate_polygon,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DIRECTORY_FIXTURE = FIXTURES_DIR / "demo_directory.json"
GAZETTEER_FIXTURE = FIXTURES_DIR / "demo_gazetteer.csv"

# Never change this: it is what makes the demo's ids the same in every database.
DEMO_NAMESPACE = uuid.UUID("7fd60339-6df7-4e7e-ae1b-f41c5026ac7d")

# The only real numbers the demo may carry: 999, NHS 111, Samaritans and Shout.
NATIONAL_CRISIS_NUMBERS = frozenset({"999", "111", "116123", "85258"})

# Ofcom's numbers for drama (TV, radio, film, fiction): each range is eight fixed leading
# digits followed by any three, eleven digits in all.
#   01632 960000–960999; 0113/0114/0115/0116/0117/0118/0121/0131/0141/0151/0161 496 0000–0999;
#   0191 498 0000–0999; 020 7946 0000–0999; 028 9649 6000–6999; 029 2018 0000–0999;
#   07700 900000–900999; 08081 570000–570999; 0909 8790000–8790999; 03069 990000–990999.
FICTIONAL_PREFIXES = (
    "01632960",
    *(
        f"01{area}4960"
        for area in ("13", "14", "15", "16", "17", "18", "21", "31", "41", "51", "61")
    ),
    "01914980",
    "02079460",
    "02896496",
    "02920180",
    "07700900",
    "08081570",
    "09098790",
    "03069990",
)

DAY_CODES = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
TWENTY_FOUR_SEVEN = "24/7"
NATIONS = {code for code, _label in vocabulary.NATIONS}
PROVISIONS = set(ServiceLanguage.Provision.values)
PHONE_TYPES = set(Phone.Type.values)
ASSURANCE_ROLES = set(Service.AssuranceRole.values)
ASSURANCE_METHODS = set(Service.AssuranceMethod.values)
PLACE_KINDS = set(Place.Kind.values)

# The keys the fixture may use, so that a misspelt key is an error rather than lost data.
ORGANIZATION_KEYS = {
    "slug", "name", "description", "website", "email", "charity_number", "company_number",
    "ethnic_minority_led", "user_led", "services",
}  # fmt: skip
SERVICE_KEYS = {
    "slug", "name", "description", "url", "email", "status", "service_types", "needs",
    "communities", "access_routes", "languages", "minimum_age", "maximum_age", "gender",
    "eligibility_description", "free", "fees_description", "national", "service_area",
    "service_area_description", "assured", "referral_partners", "phones", "locations",
    "schedules",
    # Not a Service field: the MHSDS team type lives on the vocabulary term. Accepted, ignored.
    "mhsds_team_type",
}  # fmt: skip


def _digits(number: str) -> str:
    """The dialled digits of a UK number, in national form (+44 and a stray (0) folded in)."""
    text = str(number).strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+44"):
        digits = "0" + digits[2:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if digits.startswith("00"):  # "+44 (0)121 …"
        digits = digits[1:]
    return digits


def is_fictional_phone_number(number: str) -> bool:
    """True when `number` is in one of Ofcom's ranges reserved for drama, so it rings no one."""
    digits = _digits(number)
    return len(digits) == 11 and digits.startswith(FICTIONAL_PREFIXES)


def is_national_crisis_number(number: str) -> bool:
    return _digits(number) in NATIONAL_CRISIS_NUMBERS


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{key}")


@dataclass(frozen=True)
class DemoSummary:
    organizations: int
    services: int
    locations: int
    towns: int
    languages: int
    places: int

    def __str__(self) -> str:
        return (
            f"Demo directory loaded: {self.organizations} organisations, {self.services} "
            f"services, {self.locations} locations in {self.towns} towns, {self.languages} "
            f"languages, {self.places} gazetteer places."
        )


# --------------------------------------------------------------------------- the plan
# Everything is read and checked into these plain objects first; only then is anything written.


@dataclass
class _ServicePlan:
    id: uuid.UUID
    slug: str
    organization_id: uuid.UUID
    fields: dict
    terms: dict  # M2M field name -> [TaxonomyTerm]
    languages: list  # [(Language, provision)]
    phones: list  # [(fields, [Language])]
    location_ids: list
    schedules: list  # [fields]
    referral_slugs: list


@dataclass
class _Plan:
    organizations: dict = field(default_factory=dict)  # id -> fields
    services: list = field(default_factory=list)
    locations: dict = field(default_factory=dict)  # id -> fields
    places: list = field(default_factory=list)  # fields


class DemoDataError(ValueError):
    """The demo fixture breaks a rule; the message names the record."""


def _fail(owner: str, message: str):
    raise DemoDataError(f"Demo {owner}: {message}")


def _host_is_example(host: str) -> bool:
    host = (host or "").lower().rstrip(".")
    return host == "example" or host.endswith(".example")


def _check_web(owner: str, value: str) -> str:
    value = (value or "").strip()
    if value and not _host_is_example(urlsplit(value).hostname or ""):
        _fail(owner, f"web address {value!r} is not on an .example domain.")
    return value


def _check_email(owner: str, value: str) -> str:
    value = (value or "").strip()
    if value and ("@" not in value or not _host_is_example(value.rpartition("@")[2])):
        _fail(owner, f"email {value!r} is not on an .example domain.")
    return value


def _check_keys(owner: str, raw: dict, allowed: set) -> None:
    unknown = sorted(key for key in raw if key not in allowed and not key.startswith("_"))
    if unknown:
        _fail(owner, f"unknown key(s) {', '.join(map(repr, unknown))}.")


def _full_clean(owner: str, instance, exclude=()) -> None:
    try:
        # Field checks only: the database enforces the constraints when the rows are written.
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        details = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in exc.message_dict.items()
        )
        _fail(owner, details)


def _parse_time(owner: str, value) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        _fail(owner, f"{value!r} is not a time (use HH:MM).")


class _Planner:
    def __init__(self, today: date):
        self.today = today
        self.terms = {(t.taxonomy, t.code): t for t in TaxonomyTerm.objects.all()}
        self.languages = {lang.code: lang for lang in Language.objects.all()}
        self.plan = _Plan()
        self._location_sources = {}  # location id -> (owner, raw dict), to catch conflicts
        self._slugs = set()

    # -- vocabulary
    def term(self, owner: str, taxonomy: str, code: str) -> TaxonomyTerm:
        term = self.terms.get((taxonomy, code))
        if term is None:
            _fail(owner, f"unknown {taxonomy} code {code!r}.")
        return term

    def language(self, owner: str, code: str) -> Language:
        language = self.languages.get(code)
        if language is None:
            _fail(owner, f"unknown language code {code!r}.")
        return language

    # -- records
    def organization(self, raw: dict) -> None:
        slug = raw.get("slug") or ""
        owner = f"organisation {slug or raw.get('name')!r}"
        if not slug:
            _fail(owner, "has no slug.")
        _check_keys(owner, raw, ORGANIZATION_KEYS)
        org_id = demo_id("organization", slug)
        if org_id in self.plan.organizations:
            _fail(owner, "slug is used twice.")
        fields = {
            "name": raw.get("name", ""),
            "description": raw.get("description", ""),
            "website": _check_web(owner, raw.get("website", "")),
            "email": _check_email(owner, raw.get("email", "")),
            "charity_number": raw.get("charity_number", ""),
            "company_number": raw.get("company_number", ""),
            "ethnic_minority_led": bool(raw.get("ethnic_minority_led", False)),
            "user_led": bool(raw.get("user_led", False)),
        }
        _full_clean(owner, Organization(id=org_id, **fields))
        self.plan.organizations[org_id] = fields
        services = raw.get("services") or []
        if not services:
            _fail(owner, "has no services.")
        for service in services:
            self.service(org_id, service)

    def service(self, org_id: uuid.UUID, raw: dict) -> None:
        slug = raw.get("slug") or ""
        owner = f"service {slug or raw.get('name')!r}"
        if not slug:
            _fail(owner, "has no slug.")
        if slug in self._slugs:
            _fail(owner, "slug is used twice.")
        self._slugs.add(slug)
        _check_keys(owner, raw, SERVICE_KEYS)
        service_id = demo_id("service", slug)

        fields = {
            "slug": slug,
            "name": raw.get("name", ""),
            "description": raw.get("description", ""),
            "url": _check_web(owner, raw.get("url", "")),
            "email": _check_email(owner, raw.get("email", "")),
            "status": raw.get("status", Service.Status.ACTIVE),
            "minimum_age": raw.get("minimum_age"),
            "maximum_age": raw.get("maximum_age"),
            "gender": raw.get("gender") or "",
            "eligibility_description": raw.get("eligibility_description", ""),
            "free": bool(raw.get("free", True)),
            "fees_description": raw.get("fees_description", ""),
            "national": bool(raw.get("national", False)),
            "service_area": raw.get("service_area"),
            "service_area_description": raw.get("service_area_description", ""),
            **self.assurance(owner, raw.get("assured")),
        }
        low, high = fields["minimum_age"], fields["maximum_age"]
        if low is not None and high is not None and low > high:
            _fail(owner, f"minimum_age {low} is above maximum_age {high}.")
        if fields["service_area"] is not None:
            try:
                validate_polygon(fields["service_area"])
            except ValidationError as exc:
                _fail(owner, " ".join(exc.messages))
        _full_clean(owner, Service(id=service_id, **fields), exclude=["organization", "assured_by"])

        terms = {
            "service_types": [
                self.term(owner, vocabulary.SERVICE_TYPE, c) for c in raw.get("service_types", [])
            ],
            "needs": [self.term(owner, vocabulary.NEED, c) for c in raw.get("needs", [])],
            "communities": [
                self.term(owner, vocabulary.COMMUNITY, c) for c in raw.get("communities", [])
            ],
            "access_routes": [
                self.term(owner, vocabulary.ACCESS_ROUTE, c) for c in raw.get("access_routes", [])
            ],
        }
        if not terms["service_types"]:
            _fail(owner, "has no service type.")

        languages = []
        seen = set()
        for entry in raw.get("languages", []):
            code, how = entry.get("code"), entry.get("how") or ServiceLanguage.Provision.STAFF
            if how not in PROVISIONS:
                _fail(owner, f"language {code!r}: unknown provision {how!r}.")
            if (code, how) in seen:
                _fail(owner, f"language {code!r} ({how}) is listed twice.")
            seen.add((code, how))
            languages.append((self.language(owner, code), how))

        phones = []
        for entry in raw.get("phones", []):
            number = str(entry.get("number", "")).strip()
            if not number:
                _fail(owner, "has a phone with no number.")
            if not (is_fictional_phone_number(number) or is_national_crisis_number(number)):
                _fail(
                    owner,
                    f"phone number {number!r} is not in Ofcom's drama ranges and is not a "
                    "national crisis number. The demo must not list real numbers.",
                )
            phone_type = entry.get("type") or Phone.Type.VOICE
            if phone_type not in PHONE_TYPES:
                _fail(owner, f"phone {number!r}: unknown type {phone_type!r}.")
            phone_fields = {
                "number": number,
                "extension": entry.get("extension", ""),
                "type": phone_type,
                "description": entry.get("description", ""),
            }
            if len(phone_fields["description"]) > 200 or len(number) > 30:
                _fail(owner, f"phone {number!r}: number or description too long.")
            phone_languages = [self.language(owner, c) for c in entry.get("languages", [])]
            phones.append((phone_fields, phone_languages))

        location_ids = [self.location(owner, org_id, entry) for entry in raw.get("locations", [])]
        if fields["national"] and location_ids:
            _fail(owner, "is national, so it has no locations.")
        if len(set(location_ids)) != len(location_ids):
            _fail(owner, "lists the same location twice.")

        self.plan.services.append(
            _ServicePlan(
                id=service_id,
                slug=slug,
                organization_id=org_id,
                fields=fields,
                terms=terms,
                languages=languages,
                phones=phones,
                location_ids=location_ids,
                schedules=self.schedules(owner, raw.get("schedules") or []),
                referral_slugs=list(raw.get("referral_partners") or []),
            )
        )

    def assurance(self, owner: str, raw) -> dict:
        if not raw:
            return {
                "assured_date": None,
                "assured_by": None,
                "assurer_email": "",
                "assurance_role": "",
                "assurance_method": "",
            }
        days_ago = raw.get("days_ago")
        if not isinstance(days_ago, int) or days_ago < 0:
            _fail(owner, f"assured.days_ago must be a whole number of days, not {days_ago!r}.")
        role, method = raw.get("role", ""), raw.get("method", "")
        if role not in ASSURANCE_ROLES:
            _fail(owner, f"unknown assurance role {role!r}.")
        if method not in ASSURANCE_METHODS:
            _fail(owner, f"unknown assurance method {method!r}.")
        return {
            "assured_date": self.today - timedelta(days=days_ago),
            "assured_by": None,
            "assurer_email": _check_email(owner, raw.get("email", "")),
            "assurance_role": role,
            "assurance_method": method,
        }

    def location(self, owner: str, org_id: uuid.UUID, raw: dict) -> uuid.UUID:
        key = raw.get("key") or ""
        if not key:
            _fail(owner, "has a location with no key.")
        location_id = demo_id("location", key)
        if location_id in self._location_sources:
            first_owner, first_raw = self._location_sources[location_id]
            if first_raw != raw:
                _fail(owner, f"location {key!r} differs from the one given for {first_owner}.")
            return location_id
        nation = raw.get("nation", "england")
        if nation not in NATIONS:
            _fail(owner, f"location {key!r}: unknown nation {nation!r}.")
        fields = {
            "organization_id": org_id,
            "name": raw.get("name", ""),
            "address_1": raw.get("address_1", ""),
            "address_2": raw.get("address_2", ""),
            "town": raw.get("town", ""),
            "postcode": raw.get("postcode", ""),
            "nation": nation,
            "latitude": raw.get("latitude"),
            "longitude": raw.get("longitude"),
            "accessibility": raw.get("accessibility", ""),
            "confidential": bool(raw.get("confidential", False)),
        }
        if not fields["address_1"]:
            _fail(owner, f"location {key!r} needs an address (kept private if confidential).")
        location = Location(id=location_id, **fields)
        _full_clean(f"{owner}, location {key!r}", location, exclude=["organization"])
        self._location_sources[location_id] = (owner, raw)
        self.plan.locations[location_id] = fields
        return location_id

    def schedules(self, owner: str, raw) -> list:
        if raw == TWENTY_FOUR_SEVEN:
            return [
                {
                    "weekday": weekday,
                    "opens_at": time(0, 0),
                    "closes_at": time(23, 59),
                    "open_bank_holidays": True,
                    "notes": "",
                }
                for weekday in range(7)
            ]
        if not isinstance(raw, list):
            _fail(owner, f'schedules must be a list or "{TWENTY_FOUR_SEVEN}".')
        rows = []
        for span in raw:
            opens_at = _parse_time(owner, span.get("opens_at"))
            closes_at = _parse_time(owner, span.get("closes_at"))
            if opens_at == closes_at:
                _fail(owner, f"a schedule opens and closes at {opens_at:%H:%M}.")
            days = span.get("days") or []
            if not days:
                _fail(owner, "a schedule has no days.")
            for day in days:
                if day not in DAY_CODES:
                    _fail(owner, f"unknown day {day!r} (use MO, TU, WE, TH, FR, SA, SU).")
                rows.append(
                    {
                        "weekday": DAY_CODES[day],
                        "opens_at": opens_at,
                        "closes_at": closes_at,
                        "open_bank_holidays": bool(span.get("open_bank_holidays", False)),
                        "notes": span.get("notes", ""),
                    }
                )
        return rows

    def check_referrals(self) -> None:
        for service in self.plan.services:
            for slug in service.referral_slugs:
                if slug == service.slug:
                    _fail(f"service {service.slug!r}", "cannot refer to itself.")
                if slug not in self._slugs:
                    _fail(f"service {service.slug!r}", f"unknown referral partner {slug!r}.")

    def gazetteer(self, rows) -> None:
        seen = set()
        for number, row in enumerate(rows, start=2):
            owner = f"gazetteer line {number}"
            kind = (row.get("kind") or "").strip()
            if kind not in PLACE_KINDS:
                _fail(owner, f"unknown kind {kind!r}.")
            key = (row.get("key") or "").strip()
            key = key.lower() if kind == Place.Kind.PLACE else key.upper().replace(" ", "")
            if not key or (kind, key) in seen:
                _fail(owner, f"missing or repeated key {key!r}.")
            seen.add((kind, key))
            try:
                latitude, longitude = float(row["latitude"]), float(row["longitude"])
            except (KeyError, TypeError, ValueError):
                _fail(owner, "latitude and longitude must be numbers.")
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                _fail(owner, "coordinates out of range.")
            nation = (row.get("nation") or "").strip()
            if nation and nation not in NATIONS:
                _fail(owner, f"unknown nation {nation!r}.")
            self.plan.places.append(
                {
                    "kind": kind,
                    "key": key,
                    "name": (row.get("name") or key).strip(),
                    "latitude": latitude,
                    "longitude": longitude,
                    "nation": nation,
                }
            )


# --------------------------------------------------------------------------- writing


def _write(plan: _Plan) -> None:
    for place in plan.places:
        kind, key = place["kind"], place["key"]
        defaults = {k: v for k, v in place.items() if k not in ("kind", "key")}
        Place.objects.update_or_create(kind=kind, key=key, defaults=defaults)
    for org_id, fields in plan.organizations.items():
        Organization.objects.update_or_create(id=org_id, defaults=fields)
    for location_id, fields in plan.locations.items():
        Location.objects.update_or_create(id=location_id, defaults=fields)

    services = {}
    for item in plan.services:
        service, _created = Service.objects.update_or_create(
            id=item.id, defaults={**item.fields, "organization_id": item.organization_id}
        )
        services[item.slug] = service
        for name, terms in item.terms.items():
            getattr(service, name).set(terms)
    for item in plan.services:
        services[item.slug].referral_partners.set([services[slug] for slug in item.referral_slugs])

    # Replace every demo service's children, with the same ids each time.
    service_ids = [item.id for item in plan.services]
    ServiceAtLocation.objects.filter(service_id__in=service_ids).delete()
    Schedule.objects.filter(service_id__in=service_ids).delete()
    Phone.objects.filter(service_id__in=service_ids).delete()
    ServiceLanguage.objects.filter(service_id__in=service_ids).delete()

    sals, service_languages, phones, phone_languages, schedules = [], [], [], [], []
    PhoneLanguage = Phone.languages.through
    for item in plan.services:
        for location_id in item.location_ids:
            sal_id = demo_id("service_at_location", f"{item.slug}:{location_id}")
            sals.append(ServiceAtLocation(id=sal_id, service_id=item.id, location_id=location_id))
        for language, how in item.languages:
            language_id = demo_id("service_language", f"{item.slug}:{language.code}:{how}")
            service_languages.append(
                ServiceLanguage(
                    id=language_id, service_id=item.id, language=language, provision=how
                )
            )
        for position, (fields, languages) in enumerate(item.phones):
            phone_id = demo_id("phone", f"{item.slug}:{position}")
            phones.append(Phone(id=phone_id, service_id=item.id, **fields))
            phone_languages += [
                PhoneLanguage(phone_id=phone_id, language=lang) for lang in languages
            ]
        for position, fields in enumerate(item.schedules):
            schedule_id = demo_id("schedule", f"{item.slug}:{position}")
            schedules.append(Schedule(id=schedule_id, service_id=item.id, **fields))
    ServiceAtLocation.objects.bulk_create(sals)
    ServiceLanguage.objects.bulk_create(service_languages)
    Phone.objects.bulk_create(phones)
    PhoneLanguage.objects.bulk_create(phone_languages)
    Schedule.objects.bulk_create(schedules)

    # A location the fixture no longer mentions, left behind by an earlier load.
    Location.objects.filter(organization_id__in=plan.organizations.keys()).exclude(
        id__in=plan.locations.keys()
    ).filter(service_at_locations__isnull=True).delete()


# --------------------------------------------------------------------------- entry point


def _paths(path, gazetteer_path) -> tuple[Path, Path]:
    directory_path = Path(path) if path else DIRECTORY_FIXTURE
    if directory_path.is_dir():
        directory_path = directory_path / DIRECTORY_FIXTURE.name
    if gazetteer_path is None:
        sibling = directory_path.parent / GAZETTEER_FIXTURE.name
        gazetteer_path = sibling if sibling.exists() else GAZETTEER_FIXTURE
    return directory_path, Path(gazetteer_path)


def load_demo(path=None, *, gazetteer_path=None, today: date | None = None) -> DemoSummary:
    """Create or update the demo directory and gazetteer; return what was loaded.

    `path` is the directory fixture (a JSON file, or a folder holding demo_directory.json);
    the gazetteer is demo_gazetteer.csv beside it, else the shipped one. `today` anchors the
    "last checked" dates (each is `today - days_ago`), so the demo never goes stale by itself.
    Raises ``ValueError`` (a ``DemoDataError``) and writes nothing if any record breaks a rule.
    """
    directory_path, gazetteer_path = _paths(path, gazetteer_path)
    data = json.loads(directory_path.read_text(encoding="utf-8"))
    with gazetteer_path.open(newline="", encoding="utf-8") as handle:
        gazetteer_rows = list(csv.DictReader(handle))
    if not isinstance(data, dict) or not isinstance(data.get("organizations"), list):
        raise DemoDataError(f"{directory_path} has no list of organizations.")

    # One search-index update per service at the end, not one per saved row.
    with transaction.atomic(), search.deferred():
        planner = _Planner(today or timezone.localdate())
        for organization in data["organizations"]:
            planner.organization(organization)
        planner.check_referrals()
        planner.gazetteer(gazetteer_rows)
        plan = planner.plan
        _write(plan)

    language_codes = {lang.code for s in plan.services for lang, _how in s.languages}
    language_codes |= {lang.code for s in plan.services for _f, langs in s.phones for lang in langs}
    return DemoSummary(
        organizations=len(plan.organizations),
        services=len(plan.services),
        locations=len(plan.locations),
        towns=len({fields["town"] for fields in plan.locations.values()}),
        languages=len(language_codes),
        places=len(plan.places),
    )
