"""Open Referral UK / HSDS 3.0: the one module that knows the exchange format.

DESIGN.md's "HSDS 3.0 mapping" is the contract; this module keeps it, both ways.

- Export: `service_to_hsds(service)` turns a service loaded by `hsds_service_queryset()` into
  an HSDS 3.0 service record (nested organization, service_at_locations → location →
  addresses and accessibility, phones with their languages, schedules, languages with how
  they are offered, cost options, service areas and attributes → taxonomy terms);
  `iter_hsds_services()` yields every active one a chunk at a time, in constant memory.
  Confidential locations leave with no address lines and a point rounded to two decimals.
- Vocabulary: `hsds_taxonomies()` and `hsds_taxonomy_terms()` publish our vocabularies, and
  the extra link types the mapping uses (gender, coverage, led_by …), as HSDS taxonomies.
- Import: `read_records(path)` reads a JSON array, an HSDS page or ndjson; `RecordParser`
  checks one record and turns it into a plain `ServicePlan` (or says, path by path, what is
  wrong); `HsdsWriter` upserts plans in batches; `import_hsds(path)` does all of it in one
  transaction, so one bad record means nothing is written unless bad records are skipped.

The importer's checks are our own and complete without the official JSON Schemas (which a
production server does not have); the tests validate every export against them.

Every id is stable: rows keep their own UUIDs, and objects that have no row of their own
(attributes, addresses, a schedule that groups weekdays) get a `uuid5` of their parent's id
and their role, so exporting the same data twice gives the same document.
"""

import contextlib
import json
import math
import re
import time as clock
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, models, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from . import geo, search, vocabulary
from .models import (
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    ServiceSearchDocument,
    TaxonomyTerm,
    validate_polygon,
)

HSDS_VERSION = "3.0"
# The UK profile this API follows. We also keep the HSDS fields the profile drops (phones,
# eligibility and fee descriptions), because people choose services by language and cost.
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"

# --------------------------------------------------------------------------- taxonomies

# The link types the mapping adds to our four vocabularies. They travel as HSDS taxonomies
# too, so that a receiving system can read every attribute we send without knowing Navigator.
GENDER = "gender"
COVERAGE = "coverage"
LED_BY = "led_by"
LANGUAGE_PROVISION = "language_provision"
LOCATION_FLAG = "location_flag"
REFERRAL_PARTNER = "referral_partner"
ASSURANCE = "assurance"
SCHEDULE_FLAG = "schedule_flag"
MHSDS_TEAM_TYPE = "mhsds_team_type"

VOCABULARY_TAXONOMIES = (
    vocabulary.SERVICE_TYPE,
    vocabulary.NEED,
    vocabulary.COMMUNITY,
    vocabulary.ACCESS_ROUTE,
)
VOCABULARY_FIELDS = {
    vocabulary.SERVICE_TYPE: "service_types",
    vocabulary.NEED: "needs",
    vocabulary.COMMUNITY: "communities",
    vocabulary.ACCESS_ROUTE: "access_routes",
}
VOCABULARY_DESCRIPTIONS = {
    vocabulary.SERVICE_TYPE: "What kind of service it is: entry points, crisis alternatives "
    "and support.",
    vocabulary.NEED: "What a person may need help with.",
    vocabulary.COMMUNITY: "The communities a service is for or run by.",
    vocabulary.ACCESS_ROUTE: "How a person can get to the service.",
}

T = vocabulary.Term
EXTRA_TAXONOMIES: dict[str, tuple[str, str, tuple[vocabulary.Term, ...]]] = {
    GENDER: (
        "Gender eligibility",
        "Who a service is only for. Absent: open to anyone.",
        (T("female", "Women only"), T("male", "Men only")),
    ),
    COVERAGE: (
        "Coverage",
        "Where a service can be used from.",
        (T("national", "National", "Serves the whole nation by phone or online."),),
    ),
    LED_BY: (
        "Led by",
        "Who runs the organisation.",
        (
            T(
                "ethnic_minority_led",
                "Ethnic-minority-led",
                "Run by and for people from an ethnic minority community.",
            ),
            T("user_led", "User-led", "Run by people with lived experience of mental distress."),
        ),
    ),
    LANGUAGE_PROVISION: (
        "Language provision",
        "How a language is offered. Absent: staff speak it.",
        (
            T("staff", "Staff speak it"),
            T("interpreter", "Through an interpreter"),
            T("written", "Written material"),
        ),
    ),
    LOCATION_FLAG: (
        "Location flags",
        "Facts about a location that change how it may be shown.",
        (
            T(
                "confidential",
                "Confidential address",
                "A refuge or safe house: shown by area and distance, never by street address "
                "or exact point.",
            ),
        ),
    ),
    REFERRAL_PARTNER: (
        "Referral partners",
        "Services this one can refer people on to; the attribute's value is the partner "
        "service's id.",
        (T("refers_to", "Can refer people on to"),),
    ),
    ASSURANCE: (
        "Assurance",
        "Who last checked the listing, in what role, and how.",
        (
            T("moderator", "Checked by a moderator"),
            T("community_champion", "Checked by a community champion"),
            T("provider", "Checked by the provider"),
            T("phone", "Checked by phone"),
            T("visit", "Checked by visiting"),
            T("email", "Checked by email"),
        ),
    ),
    SCHEDULE_FLAG: (
        "Schedule flags",
        "Facts about opening hours. Without open_bank_holidays, a schedule that is not 24/7 is "
        "closed on the bank holidays of its nation.",
        (T("open_bank_holidays", "Open on bank holidays"),),
    ),
    MHSDS_TEAM_TYPE: (
        "MHSDS team type",
        "NHS Mental Health Services Data Set team type; the attribute's value is the code.",
        (
            T("A19", "24/7 crisis response line"),
            T("A21", "Crisis café, safe haven or sanctuary"),
            T("A24", "Acute day service"),
            T("A25", "Crisis house"),
        ),
    ),
}
del T

TAXONOMY_ORDER = (*VOCABULARY_TAXONOMIES, *EXTRA_TAXONOMIES)
ASSURANCE_ROLES = ("moderator", "community_champion", "provider")
ASSURANCE_METHODS = ("phone", "visit", "email")
# Crisis-alternative types by MHSDS code, for a record that names the NHS team type but
# none of our service types. A21 covers three of ours; the café is the one most like it.
TYPE_FOR_MHSDS = {"A19": "crisis_line", "A21": "crisis_cafe", "A25": "crisis_house"}


def taxonomy_id(name: str) -> uuid.UUID:
    """The HSDS id of one of our taxonomies (HSDS wants a UUID; the name is our word)."""
    return uuid.uuid5(vocabulary.TERM_NAMESPACE, f"taxonomy:{name}")


TAXONOMY_BY_ID = {taxonomy_id(name): name for name in TAXONOMY_ORDER}


def _term_dict(taxonomy, code, name, description, parent_id=None) -> dict:
    term = {
        "id": str(vocabulary.term_id(taxonomy, code)),
        "code": code,
        "name": str(name),
        "description": str(description),
        "taxonomy": taxonomy,
        "taxonomy_id": str(taxonomy_id(taxonomy)),
    }
    if parent_id:
        term["parent_id"] = str(parent_id)
    return term


def _db_term_dict(term: TaxonomyTerm) -> dict:
    return _term_dict(term.taxonomy, term.code, term.name, term.description, term.parent_id)


def _extra_term_dict(taxonomy: str, code: str) -> dict:
    for term in EXTRA_TAXONOMIES[taxonomy][2]:
        if term.code == code:
            return _term_dict(taxonomy, code, term.name, term.description)
    raise KeyError((taxonomy, code))


def hsds_taxonomies() -> list[dict]:
    """Every taxonomy we publish, as HSDS `taxonomy` objects, in a fixed order."""
    taxonomies = []
    for name in TAXONOMY_ORDER:
        if name in EXTRA_TAXONOMIES:
            _title, description, _terms = EXTRA_TAXONOMIES[name]
        else:
            description = VOCABULARY_DESCRIPTIONS[name]
        taxonomies.append(
            {"id": str(taxonomy_id(name)), "name": name, "description": str(description)}
        )
    return taxonomies


def hsds_taxonomy_terms() -> list[dict]:
    """Every term of every taxonomy we publish, as HSDS `taxonomy_term` objects.

    Our four vocabularies come from the database (their labels may have been edited); the
    extra link types from this module. Ordered by taxonomy, then as the vocabulary lists them.
    """
    position = {
        (taxonomy, term.code): index
        for taxonomy, terms in vocabulary.VOCABULARY.items()
        for index, term in enumerate(terms)
    }
    db_terms = sorted(
        TaxonomyTerm.objects.all(),
        key=lambda t: (
            TAXONOMY_ORDER.index(t.taxonomy),
            position.get((t.taxonomy, t.code), len(position)),
            t.code,
        ),
    )
    terms = [_db_term_dict(term) for term in db_terms]
    for taxonomy, (_title, _description, extra_terms) in EXTRA_TAXONOMIES.items():
        terms += [_extra_term_dict(taxonomy, term.code) for term in extra_terms]
    return terms


# --------------------------------------------------------------------------- export


def hsds_service_queryset() -> QuerySet[Service]:
    """Services with everything `service_to_hsds` reads, in a fixed number of queries."""
    return Service.objects.select_related("organization").prefetch_related(
        "service_types",
        "needs",
        "communities",
        "access_routes",
        # Only active partners: an inactive service is not published, so neither is a link
        # to it.
        Prefetch(
            "referral_partners",
            queryset=Service.objects.filter(status=Service.Status.ACTIVE).only("id"),
        ),
        Prefetch(
            "languages",
            queryset=ServiceLanguage.objects.select_related("language").order_by(
                "language_id", "provision", "id"
            ),
        ),
        Prefetch(
            "phones",
            queryset=Phone.objects.prefetch_related("languages").order_by("type", "number", "id"),
        ),
        Prefetch("schedules", queryset=Schedule.objects.order_by("weekday", "opens_at", "id")),
        # By id, not by town or name: the order must not change when a confidential
        # location's name is masked on the way out and comes back blank.
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by("id"),
        ),
        Prefetch(
            "service_at_locations__schedules",
            queryset=Schedule.objects.order_by("weekday", "opens_at", "id"),
        ),
        Prefetch("hsds_attributes", queryset=ServiceAttribute.objects.order_by("position", "id")),
    )


def iter_hsds_services(
    queryset: QuerySet[Service] | None = None, *, chunk_size: int = 500
) -> Iterator[dict]:
    """Every active service as an HSDS record, by id, a chunk at a time (constant memory)."""
    base = queryset if queryset is not None else hsds_service_queryset()
    base = base.filter(status=Service.Status.ACTIVE).order_by("id")
    last_id = None
    while True:
        chunk = base if last_id is None else base.filter(id__gt=last_id)
        services = list(chunk[:chunk_size])
        if not services:
            return
        for service in services:
            yield service_to_hsds(service)
        last_id = services[-1].id


def _child_id(parent_id, role: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(parent_id)), role))


def _attribute(link_id, link_entity: str, taxonomy: str, code: str, term: dict, value=None):
    attribute = {
        "id": _child_id(link_id, f"{taxonomy}:{code}"),
        "link_id": str(link_id),
        "link_type": taxonomy,
        "link_entity": link_entity,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }
    if value is not None:
        attribute["value"] = str(value)
    return attribute


def _extra_attribute(link_id, link_entity, taxonomy, code, value=None) -> dict:
    term = _extra_term_dict(taxonomy, code)
    return _attribute(link_id, link_entity, taxonomy, code, term, value)


def _put(target: dict, key: str, value) -> None:
    """HSDS types are strict (a string may not be null), so empty values are left out."""
    if value is None or value == "":
        return
    target[key] = value


def _kept(raw_attributes, entity: str, entity_id) -> list[dict]:
    """Attributes an import kept for this entity, exactly as they came."""
    return [a.raw for a in raw_attributes if a.link_entity == entity and a.link_id == entity_id]


def _iso_datetime(moment: datetime) -> str:
    # Milliseconds and a Z, as HSDS asks for `last_modified`.
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


NATION_NAMES = dict(vocabulary.NATIONS)


def organization_to_hsds(organization: Organization, raw_attributes=()) -> dict:
    record = {"id": str(organization.id), "name": organization.name}
    record["description"] = organization.description  # required by HSDS, even when empty
    _put(record, "email", organization.email)
    _put(record, "website", organization.website)
    identifiers = []
    if organization.charity_number:
        number = organization.charity_number
        scheme = "GB-SC" if number.upper().startswith("SC") else "GB-CHC"
        identifiers.append(
            {
                "id": _child_id(organization.id, f"identifier:{scheme}"),
                "organization_id": str(organization.id),
                "identifier_scheme": scheme,
                "identifier_type": "Charity number",
                "identifier": number,
            }
        )
    if organization.company_number:
        identifiers.append(
            {
                "id": _child_id(organization.id, "identifier:GB-COH"),
                "organization_id": str(organization.id),
                "identifier_scheme": "GB-COH",
                "identifier_type": "Company number",
                "identifier": organization.company_number,
            }
        )
    record["organization_identifiers"] = identifiers
    attributes = [
        _extra_attribute(organization.id, "organization", LED_BY, code)
        for code in ("ethnic_minority_led", "user_led")
        if getattr(organization, code)
    ]
    record["attributes"] = attributes + _kept(raw_attributes, "organization", organization.id)
    return record


def location_to_hsds(location: Location, raw_attributes=()) -> dict:
    """An HSDS location. A confidential one keeps only its town, postcode district, nation
    and a point rounded to about a kilometre: enough for distance, not enough to find the
    door (the same masking as the JSON API)."""
    record = {"id": str(location.id), "location_type": "physical"}
    _put(record, "organization_id", str(location.organization_id or ""))
    if not location.confidential:
        _put(record, "name", location.name)
    record["latitude"] = location.public_latitude
    record["longitude"] = location.public_longitude
    address = {
        "id": _child_id(location.id, "address"),
        "location_id": str(location.id),
        # Required by HSDS; blank for a confidential address, which has no address lines.
        "address_1": "" if location.confidential else location.address_1,
    }
    if not location.confidential:
        _put(address, "address_2", location.address_2)
    address.update(
        {
            "city": location.town,
            "state_province": str(NATION_NAMES.get(location.nation, location.nation)),
            "postal_code": location.public_postcode,
            "country": "GB",
            "address_type": "physical",
        }
    )
    record["addresses"] = [address]
    record["accessibility"] = []
    if location.accessibility and not location.confidential:
        record["accessibility"] = [
            {
                "id": _child_id(location.id, "accessibility"),
                "location_id": str(location.id),
                "description": location.accessibility,
            }
        ]
    attributes = []
    if location.confidential:
        attributes.append(_extra_attribute(location.id, "location", LOCATION_FLAG, "confidential"))
    record["attributes"] = attributes + _kept(raw_attributes, "location", location.id)
    return record


DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def schedules_to_hsds(rows: Iterable[Schedule], owner_key: str, owner_id, raw_attributes=()):
    """Weekly rows with the same hours become one HSDS schedule with `byday` "MO,TU".

    The schedule's id is the id of its earliest weekday's row, so the grouping is stable and
    an import (which gives that row the schedule's id) exports the same id again.
    """
    groups: dict[tuple, list[Schedule]] = {}
    for row in rows:
        key = (row.opens_at, row.closes_at, row.open_bank_holidays, row.notes)
        groups.setdefault(key, []).append(row)
    schedules = []
    ordered = sorted(groups.items(), key=lambda item: (min(r.weekday for r in item[1]), item[0]))
    for (opens_at, closes_at, open_bank_holidays, notes), group in ordered:
        first = min(group, key=lambda r: (r.weekday, str(r.id)))
        days = sorted({row.weekday for row in group})
        schedule = {
            "id": str(first.id),
            owner_key: str(owner_id),
            "freq": "WEEKLY",
            "byday": ",".join(DAY_CODES[day] for day in days),
            "opens_at": opens_at.strftime("%H:%M"),
            "closes_at": closes_at.strftime("%H:%M"),
        }
        _put(schedule, "notes", notes)
        attributes = []
        if open_bank_holidays:
            attributes.append(
                _extra_attribute(first.id, "schedule", SCHEDULE_FLAG, "open_bank_holidays")
            )
        schedule["attributes"] = attributes + _kept(raw_attributes, "schedule", first.id)
        schedules.append(schedule)
    return schedules


def _phone_extension(phone: Phone) -> tuple[int | None, str]:
    """HSDS types an extension as a number; one that is not (or has a leading zero) travels
    in the description instead, so nothing is lost."""
    extension = phone.extension.strip()
    if not extension:
        return None, phone.description
    if extension.isdigit() and str(int(extension)) == extension:
        return int(extension), phone.description
    suffix = f"(extension {extension})"
    return None, f"{phone.description} {suffix}".strip()


def service_to_hsds(service: Service) -> dict:
    """One service as an HSDS 3.0 service record (a `hsds_service_queryset()` row)."""
    raw = list(service.hsds_attributes.all())
    organization = service.organization
    record = {
        "id": str(service.id),
        "organization_id": str(organization.id),
        "name": service.name,
    }
    _put(record, "description", service.description)
    _put(record, "url", service.url)
    _put(record, "email", service.email)
    record["status"] = service.status
    _put(record, "fees_description", service.fees_description)
    _put(record, "eligibility_description", service.eligibility_description)
    _put(record, "minimum_age", service.minimum_age)
    _put(record, "maximum_age", service.maximum_age)
    _put(record, "assured_date", service.assured_date.isoformat() if service.assured_date else None)
    _put(record, "assurer_email", service.assurer_email)
    record["last_modified"] = _iso_datetime(service.last_modified)
    record["organization"] = organization_to_hsds(organization, raw)

    record["service_at_locations"] = []
    for sal in service.service_at_locations.all():
        entry = {
            "id": str(sal.id),
            "service_id": str(service.id),
            "location_id": str(sal.location_id),
        }
        _put(entry, "description", sal.description)
        entry["location"] = location_to_hsds(sal.location, raw)
        entry["schedules"] = schedules_to_hsds(
            sal.schedules.all(), "service_at_location_id", sal.id, raw
        )
        entry["attributes"] = _kept(raw, "service_at_location", sal.id)
        record["service_at_locations"].append(entry)

    record["phones"] = []
    for phone in service.phones.all():
        extension, description = _phone_extension(phone)
        entry = {"id": str(phone.id), "service_id": str(service.id), "number": phone.number}
        _put(entry, "extension", extension)
        entry["type"] = phone.type
        _put(entry, "description", description)
        entry["languages"] = [
            {
                "id": _child_id(phone.id, f"language:{language.code}"),
                "phone_id": str(phone.id),
                "name": language.name,
                "code": language.code,
            }
            for language in sorted(phone.languages.all(), key=lambda lang: lang.code)
        ]
        entry["attributes"] = _kept(raw, "phone", phone.id)
        record["phones"].append(entry)

    record["schedules"] = schedules_to_hsds(service.schedules.all(), "service_id", service.id, raw)

    record["service_areas"] = []
    if service.service_area or service.service_area_description:
        area = {"id": _child_id(service.id, "service_area"), "service_id": str(service.id)}
        _put(area, "name", service.service_area_description)
        if service.service_area:
            # HSDS types `extent` as a string: the GeoJSON, serialised the same way each time.
            area["extent"] = json.dumps(service.service_area, separators=(",", ":"), sort_keys=True)
            area["extent_type"] = "geojson"
        record["service_areas"].append(area)

    record["languages"] = []
    for service_language in service.languages.all():
        language = service_language.language
        entry = {
            "id": str(service_language.id),
            "service_id": str(service.id),
            "name": language.name,
            "code": language.code,
        }
        _put(entry, "note", service_language.note)
        # Sent even for "staff" (the default when absent), so a reader need not know that.
        entry["attributes"] = [
            _extra_attribute(
                service_language.id, "language", LANGUAGE_PROVISION, service_language.provision
            ),
            *_kept(raw, "language", service_language.id),
        ]
        record["languages"].append(entry)

    record["cost_options"] = []
    if not service.free:
        option = {
            "id": _child_id(service.id, "cost_option"),
            "service_id": str(service.id),
            "currency": "GBP",
        }
        _put(option, "amount_description", service.fees_description)
        record["cost_options"].append(option)

    record["attributes"] = _service_attributes(service) + _kept(raw, "service", service.id)
    return record


def _service_attributes(service: Service) -> list[dict]:
    attributes = []
    team_types = set()
    for taxonomy in VOCABULARY_TAXONOMIES:
        terms = sorted(getattr(service, VOCABULARY_FIELDS[taxonomy]).all(), key=lambda t: t.code)
        for term in terms:
            attributes.append(
                _attribute(service.id, "service", taxonomy, term.code, _db_term_dict(term))
            )
            if taxonomy == vocabulary.SERVICE_TYPE and term.mhsds_team_type:
                team_types.add(term.mhsds_team_type)
    if service.gender:
        attributes.append(_extra_attribute(service.id, "service", GENDER, service.gender))
    if service.national:
        attributes.append(_extra_attribute(service.id, "service", COVERAGE, "national"))
    for code in sorted(team_types):
        if any(term.code == code for term in EXTRA_TAXONOMIES[MHSDS_TEAM_TYPE][2]):
            attributes.append(
                _extra_attribute(service.id, "service", MHSDS_TEAM_TYPE, code, value=code)
            )
    for partner in sorted(service.referral_partners.all(), key=lambda s: str(s.id)):
        attribute = _extra_attribute(
            service.id, "service", REFERRAL_PARTNER, "refers_to", value=partner.id
        )
        # One attribute per partner, so the id names the partner rather than the term.
        attribute["id"] = _child_id(service.id, f"{REFERRAL_PARTNER}:{partner.id}")
        attributes.append(attribute)
    for code in (service.assurance_role, service.assurance_method):
        if code:
            attributes.append(_extra_attribute(service.id, "service", ASSURANCE, code))
    return attributes


# --------------------------------------------------------------------------- reading files


class HsdsFileError(ValueError):
    """The file as a whole cannot be read: not JSON, or not a shape that holds services."""


@dataclass(frozen=True)
class BadRecord:
    """A record that could not even be read (an ndjson line that is not JSON)."""

    message: str


def _decode_error(exc: json.JSONDecodeError) -> str:
    return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"


def read_records(path) -> Iterator[tuple[str, object]]:
    """(label, record) for each record in a file: a JSON array of services, an HSDS page
    (`{"contents": [...]}`), one service object, or ndjson (one service per line).

    ndjson is read a line at a time, so a file of any size streams. Raises `HsdsFileError`
    for a file that is not JSON or holds no services; an ndjson line that is not JSON is
    yielded as a `BadRecord`, so that every bad line is reported.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError as exc:
        raise HsdsFileError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise HsdsFileError(f"{path.name} is empty.")
    if _looks_like_ndjson(path, text[:1]):
        yield from _read_ndjson(path)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise HsdsFileError(f"{path.name} is not UTF-8 text, so it is not JSON.") from None
    except json.JSONDecodeError as exc:
        raise HsdsFileError(f"{path.name} is not JSON: {_decode_error(exc)}.") from None
    if isinstance(data, dict) and "contents" in data:
        data = data["contents"]
        if not isinstance(data, list):
            raise HsdsFileError(
                f"{path.name} is an HSDS page whose contents is {_kind(data)}, not a list."
            )
    elif isinstance(data, dict):
        if "id" not in data and "name" not in data:
            raise HsdsFileError(
                f"{path.name} holds a JSON object that is neither an HSDS page (with "
                '"contents") nor a service (with "id" and "name").'
            )
        data = [data]
    elif not isinstance(data, list):
        raise HsdsFileError(
            f"{path.name} holds {_kind(data)}; expected a JSON array of HSDS services, an HSDS "
            'page ({"contents": [...]}) or one service per line (ndjson).'
        )
    for number, record in enumerate(data, start=1):
        yield f"record {number}", record


def _looks_like_ndjson(path: Path, first: bytes) -> bool:
    """A first line that is a whole JSON object, followed by more lines."""
    if first != b"{":
        return False
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        first_line = handle.readline()
        try:
            if not isinstance(json.loads(first_line), dict):
                return False
        except json.JSONDecodeError:
            return False
        return any(line.strip() for line in handle)


def _read_ndjson(path: Path) -> Iterator[tuple[str, object]]:
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            label = f"line {number}"
            try:
                line = raw_line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield label, BadRecord("is not UTF-8 text")
                continue
            if not line.strip():
                continue
            try:
                yield label, json.loads(line)
            except json.JSONDecodeError as exc:
                yield label, BadRecord(f"is not JSON ({exc.msg} at column {exc.colno})")


# --------------------------------------------------------------------------- checking records


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
# ISO 639-2/3 codes for the languages we list under their two-letter codes, so that a
# directory that writes "urd" and one that writes "ur" mean the same language here.
LANGUAGE_ALIASES = {
    "eng": "en", "urd": "ur", "pan": "pa", "ben": "bn", "guj": "gu", "hin": "hi", "tam": "ta",
    "som": "so", "ara": "ar", "pol": "pl", "ron": "ro", "rum": "ro", "fas": "fa", "per": "fa",
    "kur": "ku", "tir": "ti", "yor": "yo", "twi": "tw", "por": "pt", "fra": "fr", "fre": "fr",
    "pus": "ps", "amh": "am", "vie": "vi", "tur": "tr", "lit": "lt", "cym": "cy", "wel": "cy",
    "bul": "bg", "swa": "sw", "pa-guru": "pa", "en-gb": "en",
}  # fmt: skip
PHONE_TYPES = {"voice": "voice", "cell": "voice", "text": "text", "textphone": "textphone"}


class _Problems:
    """What is wrong with one record (errors) and what was left out of it (notes)."""

    def __init__(self):
        self.errors: list[str] = []
        self.notes: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}" if path else message)

    def note(self, path: str, message: str) -> None:
        self.notes.append(f"{path}: {message}" if path else message)


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


@dataclass
class OrganizationPlan:
    id: uuid.UUID
    fields: dict | None  # None: the record only names an organisation we already have
    kept: list = field(default_factory=list)  # [KeptAttribute]


@dataclass
class LocationPlan:
    id: uuid.UUID
    fields: dict


@dataclass
class KeptAttribute:
    link_entity: str
    link_id: uuid.UUID
    raw: dict
    position: int


@dataclass
class ServicePlan:
    """One checked record, as plain data, ready for `HsdsWriter`."""

    id: uuid.UUID
    organization: OrganizationPlan
    fields: dict
    last_modified: datetime | None
    terms: dict = field(default_factory=lambda: {name: [] for name in VOCABULARY_FIELDS.values()})
    locations: list = field(default_factory=list)  # [LocationPlan]
    sals: list = field(default_factory=list)  # [(id, location_id, description, [schedule])]
    phones: list = field(default_factory=list)  # [(id, fields, [language code])]
    languages: list = field(default_factory=list)  # [(id, code, provision, note)]
    schedules: list = field(default_factory=list)  # [(id, fields)]
    referrals: list = field(default_factory=list)  # [(partner id, raw attribute, position)]
    kept: list = field(default_factory=list)  # [KeptAttribute]
    new_languages: dict = field(default_factory=dict)  # code -> name
    mhsds: list = field(default_factory=list)  # [MHSDS team type code]


@dataclass
class ParsedRecord:
    plan: ServicePlan | None
    errors: list[str]
    notes: list[str]


# The keys we read at each level; anything else with a value is reported as left out.
SERVICE_KEYS = {
    "id", "organization_id", "name", "description", "url", "email", "status",
    "fees_description", "eligibility_description", "minimum_age", "maximum_age",
    "assured_date", "assurer_email", "last_modified", "organization", "service_at_locations",
    "phones", "schedules", "service_areas", "languages", "cost_options", "attributes",
    "metadata",
}  # fmt: skip
ORGANIZATION_KEYS = {
    "id", "name", "description", "email", "website", "organization_identifiers", "attributes",
    "metadata",
}  # fmt: skip
LOCATION_KEYS = {
    "id", "location_type", "organization_id", "name", "latitude", "longitude", "addresses",
    "accessibility", "attributes", "phones", "metadata",
}  # fmt: skip
SAL_KEYS = {
    "id", "service_id", "location_id", "description", "location", "schedules", "phones",
    "attributes", "metadata",
}  # fmt: skip
PHONE_KEYS = {
    "id", "number", "extension", "type", "description", "languages", "attributes", "metadata",
    "service_id", "location_id", "organization_id", "service_at_location_id",
}  # fmt: skip
SCHEDULE_KEYS = {
    "id", "service_id", "service_at_location_id", "location_id", "freq", "byday", "opens_at",
    "closes_at", "notes", "description", "attributes", "metadata", "wkst", "interval",
}  # fmt: skip
LANGUAGE_KEYS = {
    "id", "service_id", "location_id", "phone_id", "name", "code", "note", "attributes",
    "metadata",
}  # fmt: skip


class RecordParser:
    """Checks HSDS service records and turns each into a `ServicePlan`.

    Holds the vocabulary and the languages list in memory, so checking a record costs no
    query (except a gazetteer look-up for a location that comes without coordinates).
    """

    def __init__(self):
        self.terms: dict[tuple[str, str], uuid.UUID] = {
            (taxonomy, code): term_id
            for term_id, taxonomy, code in TaxonomyTerm.objects.values_list(
                "id", "taxonomy", "code"
            )
        }
        for taxonomy, (_title, _description, terms) in EXTRA_TAXONOMIES.items():
            for term in terms:
                self.terms[(taxonomy, term.code)] = vocabulary.term_id(taxonomy, term.code)
        self.term_by_id = {term_id: key for key, term_id in self.terms.items()}
        self.team_type_of = dict(
            TaxonomyTerm.objects.filter(taxonomy=vocabulary.SERVICE_TYPE)
            .exclude(mhsds_team_type="")
            .values_list("id", "mhsds_team_type")
        )
        self.languages = dict(Language.objects.values_list("code", "name"))
        self.language_by_name = {name.casefold(): code for code, name in self.languages.items()}
        self.known_organizations: set[uuid.UUID] = set()

    # ---------------------------------------------------------------- the record

    def parse(self, record) -> ParsedRecord:
        problems = _Problems()
        if not isinstance(record, dict):
            problems.error("", f"is {_kind(record)}, not an HSDS service object")
            return ParsedRecord(None, problems.errors, problems.notes)
        plan = self._service(record, problems)
        if problems.errors:
            return ParsedRecord(None, problems.errors, problems.notes)
        return ParsedRecord(plan, problems.errors, problems.notes)

    def _service(self, record: dict, p: _Problems) -> ServicePlan | None:
        service_id = self._uuid(record, "id", "", p)
        fields = {
            "name": self._text(record, "name", "", p, Service, required=True),
            "description": self._text(record, "description", "", p),
            "url": self._url(record, "url", "", p),
            "email": self._email(record, "email", "", p),
            "status": self._status(record, p),
            "fees_description": self._text(record, "fees_description", "", p),
            "eligibility_description": self._text(record, "eligibility_description", "", p),
            "minimum_age": self._age(record, "minimum_age", p),
            "maximum_age": self._age(record, "maximum_age", p),
            "assured_date": self._date(record, "assured_date", p),
            "assurer_email": self._email(record, "assurer_email", "", p),
            "gender": "",
            "national": False,
            "free": True,
            "service_area": None,
            "service_area_description": "",
            "assurance_role": "",
            "assurance_method": "",
        }
        low, high = fields["minimum_age"], fields["maximum_age"]
        if low is not None and high is not None and low > high:
            p.error("minimum_age", f"{low} is above maximum_age {high}")
        last_modified = self._datetime(record, "last_modified", p)
        self._unread(record, SERVICE_KEYS, "", p)

        organization = self._organization(record, p)
        # A record without a usable id or organisation is refused, but it is still read to
        # the end with stand-ins, so that every problem in it is reported at once.
        plan = ServicePlan(
            id=service_id or uuid.uuid4(),
            organization=organization or OrganizationPlan(uuid.uuid4(), None),
            fields=fields,
            last_modified=last_modified,
        )
        for index, sal in enumerate(self._list(record, "service_at_locations", "", p)):
            self._service_at_location(plan, sal, f"service_at_locations[{index}]", p)
        for index, phone in enumerate(self._list(record, "phones", "", p)):
            self._phone(plan, phone, f"phones[{index}]", p)
        for index, schedule in enumerate(self._list(record, "schedules", "", p)):
            rows = self._schedule(plan, schedule, f"schedules[{index}]", p)
            plan.schedules += rows
        for index, language in enumerate(self._list(record, "languages", "", p)):
            self._language(plan, language, f"languages[{index}]", p)
        self._cost_options(plan, record, p)
        self._service_areas(plan, record, p)
        plan.kept += plan.organization.kept
        for index, attribute, here, term in self._attributes(record, "", p):
            self._apply_service_term(plan, attribute, term, here, index, p)
        self._mhsds_types(plan, p)
        return plan

    # ---------------------------------------------------------------- nested objects

    def _organization(self, record: dict, p: _Problems) -> OrganizationPlan | None:
        raw = record.get("organization")
        named_id = None
        if record.get("organization_id") not in (None, ""):
            named_id = self._uuid(record, "organization_id", "", p)
        if raw is None:
            if named_id is None:
                p.error(
                    "organization", "is missing: every service needs the organisation that runs it"
                )
                return None
            if named_id not in self.known_organizations and not (
                Organization.objects.filter(id=named_id).exists()
            ):
                p.error(
                    "organization",
                    f"is missing, and organization_id {named_id} is not an organisation we have",
                )
                return None
            return OrganizationPlan(named_id, None)
        path = "organization"
        if not isinstance(raw, dict):
            p.error(path, f"is {_kind(raw)}, not an object")
            return None
        org_id = self._uuid(raw, "id", path, p)
        if org_id is not None and named_id is not None and org_id != named_id:
            p.error("organization_id", f"{named_id} is not the id of the organization given")
        fields = {
            "name": self._text(raw, "name", path, p, Organization, required=True),
            "description": self._text(raw, "description", path, p),
            "email": self._email(raw, "email", path, p),
            "website": self._url(raw, "website", path, p),
            "charity_number": "",
            "company_number": "",
            "ethnic_minority_led": False,
            "user_led": False,
        }
        for index, identifier in enumerate(self._list(raw, "organization_identifiers", path, p)):
            here = f"{path}.organization_identifiers[{index}]"
            if not isinstance(identifier, dict):
                p.error(here, f"is {_kind(identifier)}, not an object")
                continue
            scheme = str(identifier.get("identifier_scheme") or "").upper()
            value = self._text(identifier, "identifier", here, p)
            if scheme in ("GB-CHC", "GB-SC", "GB-NIC"):
                fields["charity_number"] = self._fits(
                    value, Organization, "charity_number", here, p
                )
            elif scheme == "GB-COH":
                fields["company_number"] = self._fits(
                    value, Organization, "company_number", here, p
                )
            elif value:
                p.note(
                    here, f"identifier scheme {scheme or 'blank'!r} is not one we keep; left out"
                )
        self._unread(raw, ORGANIZATION_KEYS, path, p)
        kept: list[KeptAttribute] = []
        self._entity_attributes(
            raw, path, p, ("organization", org_id, kept), LED_BY, lambda c: fields.update({c: True})
        )
        if org_id is None:
            return None
        self.known_organizations.add(org_id)
        return OrganizationPlan(org_id, fields, kept)

    def _service_at_location(self, plan: ServicePlan, raw, path: str, p: _Problems) -> None:
        if not isinstance(raw, dict):
            p.error(path, f"is {_kind(raw)}, not an object")
            return
        sal_id = self._uuid(raw, "id", path, p)
        location = raw.get("location")
        location_plan = None
        if location is None:
            location_id = self._uuid(raw, "location_id", path, p)
            if location_id is not None and not Location.objects.filter(id=location_id).exists():
                p.error(path, f"has no location, and location_id {location_id} is not one we have")
                return
        else:
            location_plan = self._location(plan, location, f"{path}.location", p)
            if location_plan is None:
                return
            location_id = location_plan.id
        self._unread(raw, SAL_KEYS, path, p)
        if sal_id is None or location_id is None:
            return
        if any(existing[1] == location_id for existing in plan.sals):
            p.note(path, "the service is at this location twice; the second is left out")
            return
        if location_plan is not None:
            plan.locations.append(location_plan)
        schedules = []
        for index, schedule in enumerate(self._list(raw, "schedules", path, p)):
            schedules += self._schedule(plan, schedule, f"{path}.schedules[{index}]", p)
        for index, phone in enumerate(self._list(raw, "phones", path, p)):
            self._phone(plan, phone, f"{path}.phones[{index}]", p, merged=True)
        if location is not None and isinstance(location, dict):
            for index, phone in enumerate(self._list(location, "phones", f"{path}.location", p)):
                self._phone(plan, phone, f"{path}.location.phones[{index}]", p, merged=True)
        self._keep_all(plan, raw, path, p, "service_at_location", sal_id)
        description = self._text(raw, "description", path, p)
        plan.sals.append((sal_id, location_id, description, schedules))

    def _location(self, plan: ServicePlan, raw, path: str, p: _Problems) -> LocationPlan | None:
        if not isinstance(raw, dict):
            p.error(path, f"is {_kind(raw)}, not an object")
            return None
        location_id = self._uuid(raw, "id", path, p)
        if raw.get("location_type") == "virtual":
            p.note(path, "is a virtual location, which has no place on a map; left out")
            return None
        address = self._address(raw, path, p)
        town = address.get("city", "")
        if not town:
            p.error(f"{path}.addresses[0].city", "is missing: we show every location's town")
        town = self._fits(town, Location, "town", f"{path}.addresses[0]", p, label="city")
        postcode = self._postcode(address.get("postal_code", ""), f"{path}.addresses[0]", p)
        fields = {
            "organization_id": None,
            "name": self._text(raw, "name", path, p, Location),
            "address_1": self._fits(address.get("address_1", ""), Location, "address_1", path, p),
            "address_2": self._fits(address.get("address_2", ""), Location, "address_2", path, p),
            "town": town,
            "postcode": postcode,
            "nation": "",
            "accessibility": "",
            "confidential": False,
        }
        if raw.get("organization_id") not in (None, ""):
            fields["organization_id"] = self._uuid(raw, "organization_id", path, p)
        given = [raw.get(key) not in (None, "") for key in ("latitude", "longitude")]
        latitude = self._number(raw, "latitude", path, p, limit=90)
        longitude = self._number(raw, "longitude", path, p, limit=180)
        nation = geo.nation_from_name(str(address.get("state_province") or "")) or (
            geo.nation_from_name(str(address.get("region") or ""))
        )
        if given[0] != given[1]:
            p.error(path, "gives one of latitude and longitude without the other")
        elif not any(given):
            found = self._gazetteer(postcode, path, p)
            if found is not None:
                latitude, longitude = found.point.latitude, found.point.longitude
                nation = nation or found.nation
        if not nation and postcode:
            nation = self._nation_for(postcode)
        fields["nation"] = nation or "england"
        fields["latitude"], fields["longitude"] = latitude, longitude
        notes = []
        for index, entry in enumerate(self._list(raw, "accessibility", path, p)):
            here = f"{path}.accessibility[{index}]"
            if not isinstance(entry, dict):
                p.error(here, f"is {_kind(entry)}, not an object")
                continue
            for key in ("description", "details"):
                text = self._text(entry, key, here, p)
                if text:
                    notes.append(text)
        fields["accessibility"] = "\n".join(notes)
        self._unread(raw, LOCATION_KEYS, path, p)
        self._entity_attributes(
            raw,
            path,
            p,
            ("location", location_id, plan.kept),
            LOCATION_FLAG,
            lambda code: fields.update({"confidential": True}),
        )
        if location_id is None:
            return None
        return LocationPlan(location_id, fields)

    def _address(self, raw: dict, path: str, p: _Problems) -> dict:
        addresses = list(self._list(raw, "addresses", path, p))
        for index, address in enumerate(addresses):
            if not isinstance(address, dict):
                p.error(f"{path}.addresses[{index}]", f"is {_kind(address)}, not an object")
                return {}
        if not addresses:
            return {}
        chosen = next((a for a in addresses if a.get("address_type") == "physical"), addresses[0])
        if len(addresses) > 1:
            p.note(f"{path}.addresses", "only the first physical address is kept")
        return {
            key: self._text(chosen, key, f"{path}.addresses[0]", p)
            for key in ("address_1", "address_2", "city", "region", "state_province", "postal_code")
        }

    def _postcode(self, text: str, path: str, p: _Problems) -> str:
        if not text:
            return ""
        try:
            return geo.parse_postcode(text).full
        except geo.InvalidPostcode:
            if len(text) > _max_length(Location, "postcode"):
                p.error(f"{path}.postal_code", f"{_shown(text)} is too long for a postcode")
                return ""
            p.note(f"{path}.postal_code", f"{_shown(text)} is not a UK postcode; kept as given")
            return text

    def _gazetteer(self, postcode: str, path: str, p: _Problems):
        if not postcode:
            p.error(path, "has no latitude and longitude, and no postcode to find it by")
            return None
        try:
            found = geo.resolve_postcode(postcode)
        except geo.GeoError:
            p.error(
                path,
                f"has no latitude and longitude, and postcode {postcode!r} is not in the "
                "gazetteer (add coordinates, or load postcodes with import_gazetteer)",
            )
            return None
        p.note(path, f"no latitude and longitude: placed at {found.label} from the gazetteer")
        return found

    def _nation_for(self, postcode: str) -> str | None:
        try:
            return geo.resolve_postcode(postcode).nation or None
        except geo.GeoError:
            return None

    def _phone(self, plan: ServicePlan, raw, path: str, p: _Problems, merged=False) -> None:
        if not isinstance(raw, dict):
            p.error(path, f"is {_kind(raw)}, not an object")
            return
        phone_id = self._uuid(raw, "id", path, p)
        number = self._text(raw, "number", path, p, Phone, required=True)
        phone_type = raw.get("type") or "voice"
        if not isinstance(phone_type, str) or phone_type.lower() not in PHONE_TYPES:
            p.note(
                path,
                f"type {_shown(phone_type)} is not one we list (voice, text, textphone); left out",
            )
            return
        extension = raw.get("extension")
        if isinstance(extension, bool) or not isinstance(extension, (int, float, str, type(None))):
            p.error(f"{path}.extension", f"is {_kind(extension)}, not a number")
            extension = None
        elif isinstance(extension, float) and extension.is_integer():
            extension = int(extension)
        fields = {
            "number": number,
            "extension": self._fits(
                "" if extension is None else str(extension), Phone, "extension", path, p
            ),
            "type": PHONE_TYPES[phone_type.lower()],
            "description": self._text(raw, "description", path, p, Phone),
        }
        codes = []
        for index, language in enumerate(self._list(raw, "languages", path, p)):
            code = self._language_code(plan, language, f"{path}.languages[{index}]", p)
            if code and code not in codes:
                codes.append(code)
        self._unread(raw, PHONE_KEYS, path, p)
        if phone_id is None or not number:
            return
        if merged:
            # A location's phone may be listed under several services; each gets its own row.
            phone_id = uuid.uuid5(plan.id, f"phone:{phone_id}")
        self._keep_all(plan, raw, path, p, "phone", phone_id)
        plan.phones.append((phone_id, fields, codes))

    def _language_code(self, plan: ServicePlan, raw, path: str, p: _Problems) -> str | None:
        if not isinstance(raw, dict):
            p.error(path, f"is {_kind(raw)}, not an object")
            return None
        code = self._text(raw, "code", path, p).strip()
        name = self._text(raw, "name", path, p).strip()
        if not code and name:
            code = self.language_by_name.get(name.casefold(), "")
            if not code:
                p.error(path, f"has no code, and {name!r} is not a language we list")
                return None
        if not code:
            p.error(f"{path}.code", "is missing")
            return None
        code = LANGUAGE_ALIASES.get(code.lower(), code)
        if code in self.languages:
            return code
        if code.lower() in self.languages:
            return code.lower()
        if not _LANGUAGE_CODE.fullmatch(code) or len(code) > _max_length(Language, "code"):
            p.error(f"{path}.code", f"{_shown(code)} is not a language code (ISO 639 / BCP 47)")
            return None
        shown = name or code
        plan.new_languages[code] = shown[: _max_length(Language, "name")]
        p.note(path, f"{code!r} ({shown}) is not in our languages list; added")
        return code

    def _language(self, plan: ServicePlan, raw, path: str, p: _Problems) -> None:
        code = self._language_code(plan, raw, path, p)
        if not isinstance(raw, dict):
            return
        language_id = self._uuid(raw, "id", path, p)
        note = self._text(raw, "note", path, p, ServiceLanguage)
        provisions: list[str] = []
        self._entity_attributes(
            raw,
            path,
            p,
            ("language", language_id, plan.kept),
            LANGUAGE_PROVISION,
            lambda code: provisions.append(code) if code not in provisions else None,
        )
        self._unread(raw, LANGUAGE_KEYS, path, p)
        if code is None or language_id is None:
            return
        # One row per way the language is offered; the first keeps the HSDS id.
        for index, provision in enumerate(provisions or ["staff"]):
            row_id = language_id if index == 0 else uuid.uuid5(language_id, provision)
            if any(c == code and how == provision for _i, c, how, _n in plan.languages):
                p.note(path, f"{code!r} ({provision}) is listed twice; kept once")
                continue
            plan.languages.append((row_id, code, provision, note))

    def _schedule(self, plan: ServicePlan, raw, path: str, p: _Problems) -> list:
        if not isinstance(raw, dict):
            p.error(path, f"is {_kind(raw)}, not an object")
            return []
        schedule_id = self._uuid(raw, "id", path, p)
        self._unread(raw, SCHEDULE_KEYS, path, p)
        freq = str(raw.get("freq") or "WEEKLY").upper()
        byday = raw.get("byday")
        if freq != "WEEKLY" or not isinstance(byday, str) or not byday.strip():
            p.note(path, "is not a weekly schedule with days (freq WEEKLY, byday); left out")
            return []
        interval = raw.get("interval")
        if interval not in (None, 1, "1"):
            p.note(path, f"repeats every {_shown(interval)} weeks, which we cannot show; left out")
            return []
        days = []
        for part in byday.split(","):
            day = part.strip().upper()
            if day not in DAY_CODES:
                p.error(f"{path}.byday", f"{_shown(part.strip())} is not a day (MO, TU … SU)")
                return []
            if DAY_CODES.index(day) not in days:
                days.append(DAY_CODES.index(day))
        opens_at = self._time(raw, "opens_at", path, p)
        closes_at = self._time(raw, "closes_at", path, p)
        if opens_at is None or closes_at is None:
            if "opens_at" not in raw or "closes_at" not in raw:
                p.note(path, "has no opens_at and closes_at; left out")
            return []
        if opens_at == closes_at == time(0, 0):
            closes_at = time(23, 59)  # "00:00 to 00:00" is a whole day
        if opens_at == closes_at:
            p.error(path, f"opens and closes at {opens_at:%H:%M}")
            return []
        notes = self._text(raw, "notes", path, p) or self._text(raw, "description", path, p)
        notes = self._fits(notes, Schedule, "notes", path, p)
        flags: list[str] = []
        self._entity_attributes(
            raw, path, p, ("schedule", schedule_id, plan.kept), SCHEDULE_FLAG, flags.append
        )
        if schedule_id is None:
            return []
        rows = []
        for index, weekday in enumerate(sorted(days)):
            # The earliest day keeps the schedule's id, so an export groups them under it again.
            row_id = schedule_id if index == 0 else uuid.uuid5(schedule_id, DAY_CODES[weekday])
            rows.append(
                (
                    row_id,
                    {
                        "weekday": weekday,
                        "opens_at": opens_at,
                        "closes_at": closes_at,
                        "open_bank_holidays": "open_bank_holidays" in flags,
                        "notes": notes,
                    },
                )
            )
        return rows

    def _cost_options(self, plan: ServicePlan, record: dict, p: _Problems) -> None:
        descriptions = []
        charged = False
        for index, option in enumerate(self._list(record, "cost_options", "", p)):
            path = f"cost_options[{index}]"
            if not isinstance(option, dict):
                p.error(path, f"is {_kind(option)}, not an object")
                continue
            amount = self._number(option, "amount", path, p, limit=math.inf)
            if amount is None or amount > 0:
                charged = True
            description = self._text(option, "amount_description", path, p) or self._text(
                option, "option", path, p
            )
            if not description and amount:
                currency = self._text(option, "currency", path, p).upper() or "GBP"
                description = f"£{amount:.2f}" if currency == "GBP" else f"{amount:.2f} {currency}"
            if description:
                descriptions.append(description)
        plan.fields["free"] = not charged
        if charged and not plan.fields["fees_description"]:
            plan.fields["fees_description"] = "; ".join(descriptions)

    def _service_areas(self, plan: ServicePlan, record: dict, p: _Problems) -> None:
        polygons = []
        for index, area in enumerate(self._list(record, "service_areas", "", p)):
            path = f"service_areas[{index}]"
            if not isinstance(area, dict):
                p.error(path, f"is {_kind(area)}, not an object")
                continue
            name = self._text(area, "name", path, p) or self._text(area, "description", path, p)
            if name and not plan.fields["service_area_description"]:
                plan.fields["service_area_description"] = self._fits(
                    name, Service, "service_area_description", path, p
                )
            extent = area.get("extent")
            if extent in (None, ""):
                continue
            extent_type = str(area.get("extent_type") or "geojson").lower()
            if extent_type != "geojson":
                p.note(path, f"extent_type {extent_type!r} is not GeoJSON; the area is left out")
                continue
            geometry = self._geojson(extent, f"{path}.extent", p)
            if geometry is None:
                continue
            if geometry["type"] == "Polygon":
                polygons.append(geometry["coordinates"])
            else:
                polygons += geometry["coordinates"]
        if len(polygons) == 1:
            plan.fields["service_area"] = {"type": "Polygon", "coordinates": polygons[0]}
        elif polygons:
            plan.fields["service_area"] = {"type": "MultiPolygon", "coordinates": polygons}

    def _geojson(self, extent, path: str, p: _Problems) -> dict | None:
        if isinstance(extent, str):
            try:
                extent = json.loads(extent)
            except json.JSONDecodeError as exc:
                p.error(path, f"is not GeoJSON ({exc.msg})")
                return None
        if isinstance(extent, dict) and extent.get("type") == "Feature":
            extent = extent.get("geometry")
        try:
            validate_polygon(extent)
        except ValidationError as exc:
            p.error(path, " ".join(exc.messages))
            return None
        return extent

    # ---------------------------------------------------------------- attributes

    def _resolve_term(self, attribute: dict) -> tuple[str, str] | None:
        """Our (taxonomy, code) for an attribute's term, or None for a term we do not know.

        Matched by the term's id (ours are the same in every Navigator), else by its
        taxonomy (our taxonomy's id or name) and code.
        """
        term = attribute.get("taxonomy_term")
        term = term if isinstance(term, dict) else {}
        for candidate in (attribute.get("taxonomy_term_id"), term.get("id")):
            try:
                key = self.term_by_id.get(uuid.UUID(str(candidate)))
            except ValueError:
                key = None
            if key is not None:
                return key
        code = term.get("code")
        if not isinstance(code, str):
            return None
        names = []
        with contextlib.suppress(ValueError):
            names.append(TAXONOMY_BY_ID.get(uuid.UUID(str(term.get("taxonomy_id")))))
        names.append(term.get("taxonomy"))
        detail = term.get("taxonomy_detail")
        if isinstance(detail, dict):
            names.append(detail.get("name"))
        for name in names:
            if isinstance(name, str) and (name, code) in self.terms:
                return (name, code)
        return None

    def _attributes(self, raw: dict, path: str, p: _Problems):
        """(index, attribute, path, our term or None) for each well-formed attribute."""
        for index, attribute in enumerate(self._list(raw, "attributes", path, p)):
            here = _join(_join(path, "attributes"), index)
            if not isinstance(attribute, dict):
                p.error(here, f"is {_kind(attribute)}, not an object")
                continue
            if self._uuid(attribute, "id", here, p) is None:
                continue
            term = attribute.get("taxonomy_term")
            if term is not None and not isinstance(term, dict):
                p.error(f"{here}.taxonomy_term", f"is {_kind(term)}, not an object")
                continue
            value = attribute.get("value")
            if isinstance(value, bool) or not isinstance(value, (str, int, float, type(None))):
                p.error(f"{here}.value", f"is {_kind(value)}, not text")
                continue
            yield index, attribute, here, self._resolve_term(attribute)

    def _entity_attributes(self, raw, path, p, owner: tuple, taxonomy: str, apply) -> None:
        """Apply one taxonomy's attributes to a nested object; keep every other attribute.

        `owner` is (entity kind, its id, the list kept attributes go to).
        """
        entity, entity_id, kept = owner
        for index, attribute, _here, term in self._attributes(raw, path, p):
            if term is not None and term[0] == taxonomy:
                apply(term[1])
            elif entity_id is not None:
                kept.append(KeptAttribute(entity, entity_id, attribute, index))

    def _keep_all(self, plan, raw, path, p, entity, entity_id) -> None:
        for index, attribute, _here, _term in self._attributes(raw, path, p):
            plan.kept.append(KeptAttribute(entity, entity_id, attribute, index))

    def _apply_service_term(self, plan, attribute, term, path, index, p) -> None:
        fields = plan.fields
        taxonomy, code = term if term is not None else (None, None)
        if taxonomy in VOCABULARY_FIELDS:
            ids = plan.terms[VOCABULARY_FIELDS[taxonomy]]
            term_id = self.terms[term]
            if term_id not in ids:
                ids.append(term_id)
        elif taxonomy == GENDER:
            if fields["gender"] and fields["gender"] != code:
                p.error(
                    path, "gives both female and male: leave gender out for a service open to all"
                )
            fields["gender"] = code
        elif taxonomy == COVERAGE:
            fields["national"] = True
        elif taxonomy == ASSURANCE:
            key = "assurance_role" if code in ASSURANCE_ROLES else "assurance_method"
            if fields[key] and fields[key] != code:
                p.note(path, f"a second assurance {key.split('_')[1]} ({code}) is left out")
            else:
                fields[key] = code
        elif taxonomy == REFERRAL_PARTNER:
            try:
                partner_id = uuid.UUID(str(attribute.get("value")))
            except ValueError:
                p.error(f"{path}.value", f"{_shown(attribute.get('value'))} is not a service id")
                return
            if partner_id == plan.id:
                p.note(path, "a service cannot refer to itself; left out")
            elif partner_id not in [partner for partner, _raw, _pos in plan.referrals]:
                plan.referrals.append((partner_id, attribute, index))
        elif taxonomy == MHSDS_TEAM_TYPE and code in TYPE_FOR_MHSDS:
            plan.mhsds.append(code)
        else:
            # A term we have no vocabulary for, or one of ours on the wrong kind of object:
            # kept, so that it is exported again as it came.
            plan.kept.append(KeptAttribute("service", plan.id, attribute, index))

    def _mhsds_types(self, plan: ServicePlan, p: _Problems) -> None:
        """A record naming an NHS team type but none of our crisis types gets the type."""
        team_types = {self.team_type_of.get(term_id) for term_id in plan.terms["service_types"]}
        for code in plan.mhsds:
            if code in team_types:
                continue
            service_type = TYPE_FOR_MHSDS[code]
            term_id = self.terms[(vocabulary.SERVICE_TYPE, service_type)]
            plan.terms["service_types"].append(term_id)
            team_types.add(code)
            p.note("attributes", f"MHSDS team type {code}: service type {service_type!r} added")

    # ---------------------------------------------------------------- scalar checks

    def _list(self, raw: dict, key: str, path: str, p: _Problems) -> list:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            p.error(_join(path, key), f"is {_kind(value)}, not a list")
            return []
        return value

    def _uuid(self, raw: dict, key: str, path: str, p: _Problems) -> uuid.UUID | None:
        value = raw.get(key)
        here = _join(path, key)
        if value is None or value == "":
            p.error(here, "is missing")
            return None
        try:
            return uuid.UUID(str(value))
        except ValueError:
            p.error(here, f"{_shown(value)} is not a UUID")
            return None

    def _text(self, raw, key, path, p, model=None, *, required=False) -> str:
        value = raw.get(key)
        here = _join(path, key)
        if value is None or value == "":
            if required:
                p.error(here, "is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            p.error(here, f"is {_kind(value)}, not text")
            return ""
        text = value if isinstance(value, str) else str(value)
        if required and not text.strip():
            p.error(here, "is blank")
        if model is not None:
            text = self._fits(text, model, key, path, p)
        return text

    def _fits(self, text: str, model, name: str, path: str, p: _Problems, label=None) -> str:
        limit = _max_length(model, name)
        if limit and len(text) > limit:
            here = _join(path, label or name)
            p.error(here, f"is {len(text)} characters long; at most {limit} fit")
            return ""
        return text

    def _url(self, raw, key, path, p) -> str:
        text = self._text(raw, key, path, p).strip()
        if not text:
            return ""
        candidates = [text] if "://" in text else [text, f"https://{text}"]
        for candidate in candidates:
            try:
                _url_validator(candidate)
            except ValidationError:
                continue
            if len(candidate) <= 200:
                return candidate
        # Only http(s) addresses become links: anything else could be a script.
        p.note(_join(path, key), f"{_shown(text)} is not a web address we can link to; left out")
        return ""

    def _email(self, raw, key, path, p) -> str:
        text = self._text(raw, key, path, p).strip()
        if not text:
            return ""
        try:
            _email_validator(text)
        except ValidationError:
            p.note(_join(path, key), f"{_shown(text)} is not an email address; left out")
            return ""
        return text

    def _status(self, raw: dict, p: _Problems) -> str:
        status = raw.get("status")
        if status in ("active", "inactive"):
            return status
        if status in ("defunct", "temporarily closed"):
            p.note("status", f"{status!r} is kept as inactive")
            return "inactive"
        if status is None:
            p.error("status", "is missing")
        else:
            p.error(
                "status", f"{_shown(status)} is not active, inactive, defunct or temporarily closed"
            )
        return "inactive"

    def _number(self, raw, key, path, p, *, limit: float) -> float | None:
        value = raw.get(key)
        here = _join(path, key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            p.error(here, f"{_shown(value)} is not a number")
            return None
        try:
            number = float(value)
        except ValueError:
            p.error(here, f"{_shown(value)} is not a number")
            return None
        if not math.isfinite(number) or (limit != math.inf and not -limit <= number <= limit):
            p.error(here, f"{_shown(value)} is not between -{limit:g} and {limit:g}")
            return None
        return number

    def _age(self, raw, key, p) -> int | None:
        value = raw.get(key)
        if value is None or value == "":
            return None
        number = self._number(raw, key, "", p, limit=math.inf)
        if number is None:
            return None
        if not number.is_integer() or not 0 <= number <= 130:
            p.error(key, f"{_shown(value)} is not a whole number of years from 0 to 130")
            return None
        return int(number)

    def _date(self, raw, key, p) -> date | None:
        value = raw.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
        p.error(key, f"{_shown(value)} is not a date (YYYY-MM-DD)")
        return None

    def _datetime(self, raw, key, p) -> datetime | None:
        value = raw.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                if timezone.is_naive(moment):
                    moment = moment.replace(tzinfo=UTC)
                return moment
        p.error(key, f"{_shown(value)} is not a date and time (ISO 8601)")
        return None

    def _time(self, raw, key, path, p) -> time | None:
        value = raw.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            text = value.strip()
            if text in ("24:00", "24:00:00"):
                return time(23, 59)
            try:
                # Times are Europe/London wall-clock times; an offset, if any, is dropped.
                return time.fromisoformat(text).replace(tzinfo=None, second=0, microsecond=0)
            except ValueError:
                pass
        p.error(_join(path, key), f"{_shown(value)} is not a time (HH:MM)")
        return None

    def _unread(self, raw: dict, known: set, path: str, p: _Problems) -> None:
        left_out = sorted(k for k, v in raw.items() if k not in known and v not in (None, "", []))
        if left_out:
            p.note(path or "record", f"not kept: {', '.join(left_out)}")


# --------------------------------------------------------------------------- writing

ORGANIZATION_FIELDS = [
    "name", "description", "email", "website", "charity_number", "company_number",
    "ethnic_minority_led", "user_led",
]  # fmt: skip
LOCATION_FIELDS = [
    "organization_id", "name", "address_1", "address_2", "town", "postcode", "nation",
    "latitude", "longitude", "accessibility", "confidential",
]  # fmt: skip
SERVICE_FIELDS = [
    "organization_id", "name", "slug", "description", "url", "email", "status", "minimum_age",
    "maximum_age", "gender", "eligibility_description", "free", "fees_description",
    "national", "service_area", "service_area_description", "assured_date", "assurer_email",
    "assurance_role", "assurance_method",
]  # fmt: skip
SLUG_MAX = _max_length(Service, "slug")


@dataclass
class ImportReport:
    records: int = 0
    services_created: int = 0
    services_updated: int = 0
    organizations_written: int = 0
    locations_written: int = 0
    kept_attributes: int = 0
    languages_added: list = field(default_factory=list)
    bad: list = field(default_factory=list)  # "record 3 (id …): path: message"
    notes: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def services_written(self) -> int:
        return self.services_created + self.services_updated


class HsdsWriter:
    """Upserts `ServicePlan`s in batches. Use inside a transaction and `search.deferred()`.

    Parents (organisations, locations, services) are upserted by id; each service's children
    (locations it runs at, phones, schedules, languages, terms, kept attributes) are replaced
    with rows of the same ids, so writing the same plans twice leaves the same rows. Referral
    partners are linked at the end, when every service in the file exists.
    """

    def __init__(self, report: ImportReport, *, batch_size: int = 1000, progress=None):
        self.report = report
        self.batch_size = batch_size
        self.progress = progress or (lambda message: None)
        self.pending: list[ServicePlan] = []
        self.slug_owner: dict[str, uuid.UUID] = dict(Service.objects.values_list("slug", "id"))
        self.slug_of: dict[uuid.UUID, str] = {sid: slug for slug, sid in self.slug_owner.items()}
        self.referrals: dict[uuid.UUID, list] = {}
        self.written_ids: list[uuid.UUID] = []
        self.started = clock.monotonic()
        self.term_objects = {t.id: t for t in TaxonomyTerm.objects.select_related("parent")}
        self.language_objects = {language.code: language for language in Language.objects.all()}

    def add(self, plan: ServicePlan) -> None:
        self.pending.append(plan)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def finish(self) -> None:
        self.flush()
        self.link_referrals()

    def flush(self) -> None:
        plans, self.pending = self.pending, []
        if not plans:
            return
        ids = [plan.id for plan in plans]
        existing = dict(Service.objects.filter(id__in=ids).values_list("id", "last_modified"))
        self.write_languages(plans)
        self.write_organizations(plans)
        self.write_locations(plans)
        self.write_services(plans, existing)
        self.replace_children(plans, ids)
        self.write_search_documents(plans)
        self.written_ids += ids
        created = sum(1 for sid in ids if sid not in existing)
        self.report.services_created += created
        self.report.services_updated += len(ids) - created
        elapsed = clock.monotonic() - self.started
        self.progress(f"  {self.report.services_written:,} services written ({elapsed:,.0f} s)")

    def write_search_documents(self, plans) -> None:
        """Index the batch's words from the plans in hand.

        `search.document_for` decides the words, as for every other service; it is given a
        read-only view built from the plans rather than services loaded back from the
        database, which would cost more than the rest of the import put together.
        """
        orgs = {
            plan.organization.id: plan.organization.fields
            for plan in plans
            if plan.organization.fields is not None
        }
        missing_orgs = {p.organization.id for p in plans} - set(orgs)
        for org_id, name, description in Organization.objects.filter(
            id__in=missing_orgs
        ).values_list("id", "name", "description"):
            orgs[org_id] = {"name": name, "description": description}
        towns = {
            location.id: (location.fields["town"], location.fields["postcode"])
            for plan in plans
            for location in plan.locations
        }
        missing_locations = {sal[1] for p in plans for sal in p.sals} - set(towns)
        for location_id, town, postcode in Location.objects.filter(
            id__in=missing_locations
        ).values_list("id", "town", "postcode"):
            towns[location_id] = (town, postcode)
        documents = []
        for plan in plans:
            view = _SearchView(plan, orgs[plan.organization.id], towns, self)
            title, body = search.document_for(view)
            documents.append(
                ServiceSearchDocument(
                    service_id=plan.id, title=search.fold(title), body=search.fold(body)
                )
            )
        ServiceSearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["service"],
            update_fields=["title", "body"],
        )

    def write_languages(self, plans) -> None:
        new = {}
        for plan in plans:
            new.update(plan.new_languages)
        new = {code: name for code, name in new.items() if code not in self.report.languages_added}
        if not new:
            return
        known = set(Language.objects.filter(code__in=new).values_list("code", flat=True))
        added = [Language(code=c, name=n, native_name=n) for c, n in new.items() if c not in known]
        Language.objects.bulk_create(added)
        self.language_objects.update({language.code: language for language in added})
        self.report.languages_added += sorted(c for c in new if c not in known)

    def write_organizations(self, plans) -> None:
        wanted = {}
        for plan in plans:
            if plan.organization.fields is not None:
                wanted[plan.organization.id] = plan.organization.fields
        self.report.organizations_written += self._upsert_changed(
            Organization, wanted, ORGANIZATION_FIELDS
        )

    def write_locations(self, plans) -> None:
        wanted = {}
        for plan in plans:
            for location in plan.locations:
                wanted[location.id] = location.fields
        # A location may name an organisation that is in neither the file nor the database.
        org_ids = {f["organization_id"] for f in wanted.values() if f["organization_id"]}
        known = set(Organization.objects.filter(id__in=org_ids).values_list("id", flat=True))
        for fields in wanted.values():
            if fields["organization_id"] not in known:
                fields["organization_id"] = None
        self.report.locations_written += self._upsert_changed(Location, wanted, LOCATION_FIELDS)

    def _upsert_changed(self, model, wanted: dict, names: list[str]) -> int:
        """Write only new or changed rows, so an unchanged row keeps its `last_modified`."""
        if not wanted:
            return 0
        current = {
            row["id"]: row for row in model.objects.filter(id__in=wanted).values("id", *names)
        }
        now = timezone.now()
        stamps = {"last_modified": now}
        if any(f.name == "created" for f in model._meta.concrete_fields):
            stamps["created"] = now
        rows = [
            {"id": row_id, **fields, **stamps}
            for row_id, fields in wanted.items()
            if row_id not in current or any(current[row_id][n] != fields[n] for n in names)
        ]
        _upsert_rows(model, rows, insert_only=("created",))
        return len(rows)

    def slug_for(self, plan: ServicePlan) -> str:
        """The service's slug: its own if it has one, else one made from its name."""
        if plan.id in self.slug_of:
            return self.slug_of[plan.id]
        base = slugify(plan.fields["name"])[: SLUG_MAX - 9] or "service"
        slug = base
        if self.slug_owner.get(slug, plan.id) != plan.id:
            # A second service of the same name gets a suffix from its id: stable, unique.
            slug = f"{base}-{plan.id.hex[:8]}"
        self.slug_owner[slug] = plan.id
        self.slug_of[plan.id] = slug
        return slug

    def write_services(self, plans, existing: dict) -> None:
        now = timezone.now()
        rows = []
        for plan in plans:
            rows.append(
                {
                    "id": plan.id,
                    **plan.fields,
                    "organization_id": plan.organization.id,
                    "slug": self.slug_for(plan),
                    # The source's last_modified is kept (it is the source's to say when the
                    # service changed); a record without one keeps ours, or gets now if new.
                    "last_modified": plan.last_modified or existing.get(plan.id) or now,
                    "created": now,
                }
            )
        _upsert_rows(Service, rows, insert_only=("created",))

    def replace_children(self, plans, ids) -> None:
        ServiceAtLocation.objects.filter(service_id__in=ids).delete()
        Schedule.objects.filter(service_id__in=ids).delete()
        Phone.objects.filter(service_id__in=ids).delete()
        ServiceLanguage.objects.filter(service_id__in=ids).delete()
        ServiceAttribute.objects.filter(service_id__in=ids).delete()
        for field_name in VOCABULARY_FIELDS.values():
            getattr(Service, field_name).through.objects.filter(service_id__in=ids).delete()

        sals, schedules, phones, phone_languages, languages, kept = [], [], [], [], [], []
        through = {name: [] for name in VOCABULARY_FIELDS.values()}
        no_owner = {"service_id": None, "service_at_location_id": None}
        for plan in plans:
            for sal_id, location_id, description, sal_schedules in plan.sals:
                sals.append(
                    {
                        "id": sal_id,
                        "service_id": plan.id,
                        "location_id": location_id,
                        "description": description,
                    }
                )
                schedules += [
                    {"id": row_id, **no_owner, "service_at_location_id": sal_id, **fields}
                    for row_id, fields in sal_schedules
                ]
            schedules += [
                {"id": row_id, **no_owner, "service_id": plan.id, **fields}
                for row_id, fields in plan.schedules
            ]
            for phone_id, fields, codes in plan.phones:
                phones.append({"id": phone_id, "service_id": plan.id, **fields})
                phone_languages += [(phone_id, code) for code in codes]
            languages += [
                {
                    "id": row_id,
                    "service_id": plan.id,
                    "language_id": code,
                    "provision": how,
                    "note": note,
                }
                for row_id, code, how, note in plan.languages
            ]
            for name, term_ids in plan.terms.items():
                through[name] += [(plan.id, term_id) for term_id in term_ids]
            kept += [self.kept_row(plan.id, k) for k in plan.kept]
            self.referrals[plan.id] = plan.referrals

        # Upserts, because the same child id in two records (a foreign file's mistake) must
        # not stop the import: the later record wins.
        _upsert_rows(ServiceAtLocation, sals)
        _upsert_rows(Schedule, schedules)
        _upsert_rows(Phone, phones)
        _insert_links(Phone.languages.through, "phone", "language", phone_languages)
        _upsert_rows(ServiceLanguage, languages)
        for name, pairs in through.items():
            _insert_links(getattr(Service, name).through, "service", "taxonomyterm", pairs)
        _upsert_rows(ServiceAttribute, kept)
        self.report.kept_attributes += len(kept)

    @staticmethod
    def kept_row(service_id, kept: KeptAttribute) -> dict:
        raw = kept.raw
        term = raw.get("taxonomy_term") if isinstance(raw.get("taxonomy_term"), dict) else {}
        taxonomy = term.get("taxonomy") or term.get("taxonomy_id") or ""
        value = raw.get("value")
        return {
            "id": uuid.uuid5(service_id, f"{kept.link_entity}:{kept.link_id}:{raw.get('id')}"),
            "service_id": service_id,
            "link_entity": kept.link_entity,
            "link_id": kept.link_id,
            "link_type": str(raw.get("link_type") or "")[:100],
            "taxonomy": str(taxonomy)[:200],
            "code": str(term.get("code") or "")[:200],
            "name": str(term.get("name") or "")[:500],
            "value": "" if value is None else str(value),
            "raw": raw,
            "position": kept.position,
        }

    def link_referrals(self) -> None:
        """Link each service to its partners; a partner we do not have is kept as it came."""
        through = Service.referral_partners.through
        ids = list(self.referrals)
        partner_ids = {partner for pairs in self.referrals.values() for partner, _r, _p in pairs}
        known = set()
        partner_list = list(partner_ids)
        for start in range(0, len(partner_list), 500):
            chunk = partner_list[start : start + 500]
            known.update(Service.objects.filter(id__in=chunk).values_list("id", flat=True))
        for start in range(0, len(ids), 500):
            through.objects.filter(from_service_id__in=ids[start : start + 500]).delete()
        links, kept = [], []
        for service_id, pairs in self.referrals.items():
            for partner_id, raw, position in pairs:
                if partner_id in known:
                    links.append((service_id, partner_id))
                else:
                    kept.append(
                        self.kept_row(
                            service_id, KeptAttribute("service", service_id, raw, position)
                        )
                    )
        _insert_links(through, "from_service", "to_service", links)
        _upsert_rows(ServiceAttribute, kept)
        self.report.kept_attributes += len(kept)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _execute_many(sql: str, rows: list) -> None:
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _upsert_rows(model, rows: list[dict], *, insert_only=()) -> None:
    """INSERT … ON CONFLICT (id) DO UPDATE for rows given as {attname: value}.

    What bulk_create(update_conflicts=True) does, without a model instance per row (which
    cost more than everything else in a big import) and without auto_now overriding the
    values we give. Columns in `insert_only` are written for a new row and left alone for
    an existing one. A row repeated in the list simply wins over the earlier one.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in rows[0]]
    columns = ", ".join(_quoted(f.column) for f in fields)
    updates = ", ".join(
        f"{_quoted(f.column)} = EXCLUDED.{_quoted(f.column)}"
        for f in fields
        if not f.primary_key and f.attname not in insert_only
    )
    _execute_many(
        f"INSERT INTO {_quoted(meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({_quoted(meta.pk.column)}) DO UPDATE SET {updates}",
        _db_rows(fields, ([row[f.attname] for f in fields] for row in rows)),
    )


def _insert_links(through, left: str, right: str, pairs: list) -> None:
    """Insert many-to-many links as plain rows: a model instance per link would cost more
    than the rest of the import. A link that is already there is left alone."""
    left_field = through._meta.get_field(left)
    right_field = through._meta.get_field(right)
    left_pk, right_pk = left_field.target_field, right_field.target_field
    _execute_many(
        f"INSERT INTO {_quoted(through._meta.db_table)} "
        f"({_quoted(left_field.column)}, {_quoted(right_field.column)}) VALUES (%s, %s) "
        "ON CONFLICT DO NOTHING",
        _db_rows((left_pk, right_pk), dict.fromkeys(pairs)),
    )


# The Python types for which a column's get_db_prep_save changes nothing. Asking Django
# column by column, row by row, was a fifth of a big import; the parser already gives
# values of these types, and anything else still goes through Django.
_UNCHANGED = (
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.BooleanField, (bool,)),
    (models.IntegerField, (int,)),
    (models.FloatField, (float,)),
)


def _to_db(field):
    """A function from a Python value to what the database takes for `field`'s column."""
    target = field.target_field if field.is_relation else field

    def through_django(value):
        return field.get_db_prep_save(value, connection)

    if isinstance(target, models.UUIDField):
        if connection.features.has_native_uuid_field:
            return lambda value: value if isinstance(value, uuid.UUID) else through_django(value)
        return lambda value: value.hex if isinstance(value, uuid.UUID) else through_django(value)
    for kind, types in _UNCHANGED:
        if isinstance(field, kind) and not field.is_relation:
            return lambda value: (
                value if value is None or type(value) in types else through_django(value)
            )
    return through_django


def _db_rows(fields, rows) -> list[list]:
    converters = [_to_db(field) for field in fields]
    return [
        [convert(value) for convert, value in zip(converters, row, strict=True)] for row in rows
    ]


class _Rows(list):
    """A list that answers `.all()`, like a loaded related manager."""

    def all(self):
        return self


class _SearchView:
    """A service as `search.document_for` reads it, built from a `ServicePlan`."""

    def __init__(self, plan: ServicePlan, organization: dict, towns: dict, writer: "HsdsWriter"):
        fields = plan.fields
        self.name = fields["name"]
        self.description = fields["description"]
        self.organization = SimpleNamespace(
            name=organization["name"], description=organization["description"]
        )
        for name, term_ids in plan.terms.items():
            setattr(self, name, _Rows(writer.term_objects[t] for t in term_ids))
        self.languages = _Rows(
            SimpleNamespace(language=writer.language_objects[code])
            for _id, code, _how, _note in plan.languages
        )
        self.service_at_locations = _Rows(
            SimpleNamespace(location=_SearchLocation(*towns[location_id]))
            for _sal_id, location_id, _description, _schedules in plan.sals
        )


class _SearchLocation:
    def __init__(self, town: str, postcode: str):
        self.town = town
        self.postcode = postcode

    # The same district as Location.outcode.
    outcode = Location.outcode


class ImportRefused(Exception):
    """Bad records and no --skip-invalid: nothing was written."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.bad)} bad records")
        self.report = report


class _DryRun(Exception):
    pass


def import_hsds(
    path,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    batch_size: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import HSDS service records from a file, all or nothing; return what was done.

    Raises `HsdsFileError` when the file cannot be read as HSDS at all, and `ImportRefused`
    (carrying the report, with every bad record and its path) when a record is bad and
    `skip_invalid` is false; either way nothing is written. `dry_run` checks and writes
    everything, then rolls it back.
    """
    report = ImportReport(dry_run=dry_run)
    progress = progress or (lambda message: None)
    records = read_records(path)
    seen: set[uuid.UUID] = set()
    if connection.vendor == "sqlite":
        # A big import touches pages all over the UUID-keyed indexes; SQLite's default 2 MB
        # page cache makes each batch slower than the last. 256 MB, for this connection.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    try:
        with transaction.atomic(), search.deferred():
            parser = RecordParser()
            writer = HsdsWriter(report, batch_size=batch_size, progress=progress)
            writing = True
            for label, record in records:
                report.records += 1
                if isinstance(record, BadRecord):
                    parsed = ParsedRecord(None, [record.message], [])
                else:
                    parsed = parser.parse(record)
                name = _record_name(label, record)
                if parsed.plan is not None and parsed.plan.id in seen:
                    parsed = ParsedRecord(
                        None, [f"id: {parsed.plan.id} is used by an earlier record"], parsed.notes
                    )
                report.notes += [f"{name}: {note}" for note in parsed.notes]
                if parsed.plan is None:
                    report.bad += [f"{name}: {error}" for error in parsed.errors]
                    if not skip_invalid:
                        writing = False  # read on, to report every bad record at once
                    continue
                seen.add(parsed.plan.id)
                if writing:
                    writer.add(parsed.plan)
            if writing:
                writer.finish()
            if report.bad and not skip_invalid:
                raise ImportRefused(report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _record_name(label: str, record) -> str:
    if isinstance(record, dict) and isinstance(record.get("id"), str) and record["id"]:
        return f"{label} (id {record['id'][:40]})"
    return label


# --------------------------------------------------------------------------- API filters


def extra_term_filter(taxonomy: str, code: str) -> Q | None:
    """The services that carry one of the extra link types' terms, as a filter."""
    if taxonomy == GENDER:
        return Q(gender=code)
    if taxonomy == COVERAGE:
        return Q(national=True)
    if taxonomy == LED_BY:
        return Q(**{f"organization__{code}": True})
    if taxonomy == LANGUAGE_PROVISION:
        return Q(languages__provision=code)
    if taxonomy == LOCATION_FLAG:
        return Q(service_at_locations__location__confidential=True)
    if taxonomy == REFERRAL_PARTNER:
        return Q(referral_partners__status=Service.Status.ACTIVE)
    if taxonomy == ASSURANCE:
        return Q(assurance_role=code) | Q(assurance_method=code)
    if taxonomy == SCHEDULE_FLAG:
        return Q(schedules__open_bank_holidays=True) | Q(
            service_at_locations__schedules__open_bank_holidays=True
        )
    if taxonomy == MHSDS_TEAM_TYPE:
        return Q(service_types__mhsds_team_type=code)
    return None


def taxonomy_term_filter(term_id: uuid.UUID) -> Q:
    """Services with this term (ours or an extra link type's); matches nothing if unknown."""
    term = TaxonomyTerm.objects.filter(id=term_id).values_list("taxonomy", "code").first()
    if term is not None:
        return Q(**{f"{VOCABULARY_FIELDS[term[0]]}__id": term_id})
    for taxonomy, (_title, _description, terms) in EXTRA_TAXONOMIES.items():
        for extra in terms:
            if vocabulary.term_id(taxonomy, extra.code) == term_id:
                return extra_term_filter(taxonomy, extra.code)
    return Q(pk__in=[])


def taxonomy_filter(taxonomy_uuid: uuid.UUID) -> Q:
    """Services with any term of this taxonomy; matches nothing if unknown."""
    name = TAXONOMY_BY_ID.get(taxonomy_uuid)
    if name is None:
        return Q(pk__in=[])
    if name in VOCABULARY_FIELDS:
        return Q(**{f"{VOCABULARY_FIELDS[name]}__isnull": False})
    combined = Q(pk__in=[])
    for term in EXTRA_TAXONOMIES[name][2]:
        combined |= extra_term_filter(name, term.code)
    return combined
