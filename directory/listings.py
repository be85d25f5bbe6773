"""Services read as plain records: the fast road for search results and pathway candidates.

A page of search results, and the candidates of a pathway plan, are the hottest reads in
Navigator. Loading them as model instances (about 25 objects a service, through eleven
prefetches) and walking them through nested DRF serializers cost most of a request. Here the
same rows are read with one `values_list` query a table, whatever the number of services,
into frozen records; `service_json` turns a record into exactly what `ServiceSerializer`
gives for the same service. `tests/directory/test_listings.py` checks that, service by
service, on the demo directory, so the serializer stays the documented schema and this
module the way the data is read.
"""

import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from uuid import UUID

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from . import geo, hours, models, vocabulary
from .models import (
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
    public_coordinate,
    public_postcode,
)


@dataclass(frozen=True, slots=True)
class OrganizationRecord:
    id: UUID
    name: str
    website: str
    ethnic_minority_led: bool
    user_led: bool


@dataclass(frozen=True, slots=True)
class LanguageRecord:
    code: str
    name: str
    native_name: str
    provision: str  # staff, interpreter or written


@dataclass(frozen=True, slots=True)
class PhoneRecord:
    number: str
    extension: str
    type: str
    description: str
    languages: tuple[str, ...]  # codes, in the order of the languages' names


@dataclass(frozen=True, slots=True)
class ScheduleRecord:
    """One weekly span; shaped like `Schedule`, so `directory.hours` reads it as it is."""

    weekday: int
    opens_at: object  # datetime.time
    closes_at: object
    open_bank_holidays: bool
    notes: str


@dataclass(frozen=True, slots=True)
class LocationRecord:
    id: UUID
    name: str
    address_1: str
    address_2: str
    town: str
    postcode: str
    nation: str
    latitude: float
    longitude: float
    accessibility: str
    confidential: bool
    schedules: tuple[ScheduleRecord, ...]  # this location's own hours, if it has them


@dataclass(frozen=True, slots=True)
class PartnerRecord:
    id: UUID
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    id: UUID
    slug: str
    name: str
    status: str
    description: str
    url: str
    email: str
    minimum_age: int | None
    maximum_age: int | None
    gender: str
    eligibility_description: str
    free: bool
    fees_description: str
    national: bool
    service_area: dict | None
    service_area_description: str
    assured_date: date | None
    assurance_role: str
    assurance_method: str
    organization: OrganizationRecord
    service_types: tuple[str, ...]  # codes, sorted
    needs: tuple[str, ...]
    communities: tuple[str, ...]
    access_routes: tuple[str, ...]
    languages: tuple[LanguageRecord, ...]
    phones: tuple[PhoneRecord, ...]
    schedules: tuple[ScheduleRecord, ...]  # the service's own hours
    locations: tuple[LocationRecord, ...]  # by town, then name
    referral_partners: tuple[PartnerRecord, ...]  # by name

    def location(self, location_id) -> LocationRecord | None:
        return next((loc for loc in self.locations if loc.id == location_id), None)

    def spans(self, location: LocationRecord | None = None) -> tuple[ScheduleRecord, ...]:
        """The opening spans that apply: the location's own, else the service's."""
        if location is not None and location.schedules:
            return location.schedules
        return self.schedules

    def nation(self, location: LocationRecord | None = None) -> str:
        """Whose bank holidays apply: the location's nation, else the first location's."""
        if location is not None:
            return location.nation
        return self.locations[0].nation if self.locations else "england"

    def is_stale(self, today: date | None = None) -> bool:
        return models.listing_is_stale(self.assured_date, today)


# The reads are plain SQL through Django's connection. Through the ORM, building each query
# and converting every column of every row cost more than the database's own work (about a
# millisecond a query, and a UUID made for every foreign key); here ids stay as the database
# gives them until a record is made. Table names come from the models; the columns are
# Django's defaults, and the tests compare every record with the serializer's reading.


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def statement(template: str, count: int = 0) -> str:
    """A statement with the real table names and `count` placeholders for the ids."""
    return template.format(
        ids=", ".join(["%s"] * count),
        service=_table(Service),
        organization=_table(Organization),
        term=_table(TaxonomyTerm),
        language=_table(Language),
        service_language=_table(ServiceLanguage),
        phone=_table(Phone),
        phone_language=_table(Phone.languages.through),
        schedule=_table(Schedule),
        place=_table(ServiceAtLocation),
        location=_table(Location),
        partner=_table(Service.referral_partners.through),
        **{f"{name}_terms": _table(getattr(Service, name).through) for name in _TERM_SETS},
    )


_TERM_SETS = ("service_types", "needs", "communities", "access_routes")

SERVICES_SQL = """
    SELECT s.id, s.slug, s.name, s.status, s.description, s.url, s.email, s.minimum_age,
           s.maximum_age, s.gender, s.eligibility_description, s.free, s.fees_description,
           s.national, s.service_area, s.service_area_description, s.assured_date,
           s.assurance_role, s.assurance_method,
           o.id, o.name, o.website, o.ethnic_minority_led, o.user_led
    FROM {service} s JOIN {organization} o ON o.id = s.organization_id
    WHERE s.id IN ({ids})
"""
TERMS_SQL = " UNION ALL ".join(
    f"SELECT {index}, t.service_id, x.code FROM {{{name}_terms}} t"
    f" JOIN {{term}} x ON x.id = t.taxonomyterm_id WHERE t.service_id IN ({{ids}})"
    for index, name in enumerate(_TERM_SETS)
)
LANGUAGES_SQL = """
    SELECT sl.service_id, sl.language_id, l.name, l.native_name, sl.provision
    FROM {service_language} sl JOIN {language} l ON l.code = sl.language_id
    WHERE sl.service_id IN ({ids})
    ORDER BY l.name, sl.provision, sl.id
"""
PHONES_SQL = """
    SELECT p.id, p.service_id, p.number, p.extension, p.type, p.description
    FROM {phone} p WHERE p.service_id IN ({ids})
    ORDER BY p.type, p.number, p.id
"""
PHONE_LANGUAGES_SQL = """
    SELECT pl.phone_id, pl.language_id
    FROM {phone_language} pl
    JOIN {phone} p ON p.id = pl.phone_id
    JOIN {language} l ON l.code = pl.language_id
    WHERE p.service_id IN ({ids})
    ORDER BY l.name
"""
# Times are read as text: the same few spans recur across services, and `_schedule` makes
# one record for each, so its times are parsed once (not once a row, by the driver).
SERVICE_HOURS_SQL = """
    SELECT h.service_id, h.weekday, CAST(h.opens_at AS TEXT), CAST(h.closes_at AS TEXT),
           h.open_bank_holidays, h.notes
    FROM {schedule} h WHERE h.service_id IN ({ids})
    ORDER BY h.weekday, h.opens_at, h.id
"""
LOCATIONS_SQL = """
    SELECT sal.id, sal.service_id, l.id, l.name, l.address_1, l.address_2, l.town, l.postcode,
           l.nation, l.latitude, l.longitude, l.accessibility, l.confidential
    FROM {place} sal JOIN {location} l ON l.id = sal.location_id
    WHERE sal.service_id IN ({ids})
    ORDER BY l.town, l.name, sal.location_id
"""
LOCATION_HOURS_SQL = """
    SELECT h.service_at_location_id, h.weekday, CAST(h.opens_at AS TEXT),
           CAST(h.closes_at AS TEXT), h.open_bank_holidays, h.notes
    FROM {schedule} h JOIN {place} sal ON sal.id = h.service_at_location_id
    WHERE sal.service_id IN ({ids})
    ORDER BY h.weekday, h.opens_at, h.id
"""
PARTNERS_SQL = """
    SELECT r.from_service_id, s.id, s.slug, s.name
    FROM {partner} r JOIN {service} s ON s.id = r.to_service_id
    WHERE r.from_service_id IN ({ids})
    ORDER BY s.name, s.id
"""


POINTS_SQL = """
    SELECT sal.service_id, l.latitude, l.longitude
    FROM {location} l JOIN {place} sal ON sal.location_id = l.id
    WHERE l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s
"""


def service_points_in_box(box: tuple[float, float, float, float]) -> list[tuple]:
    """(service id, None, latitude, longitude) for every service location inside the box
    (min_lat, max_lat, min_lon, max_lon), any status, in the shape `geo.nearest` reads.

    The ids are as the database holds them; `as_uuid` turns the few that are kept into
    UUIDs. A wide box round a city holds thousands of rows, and making a UUID of each was
    most of the cost.
    """
    with connection.cursor() as cursor:
        cursor.execute(statement(POINTS_SQL, 0), list(box))
        return [(service_id, None, lat, lon) for service_id, lat, lon in cursor.fetchall()]


NEAREST_POINTS_SQL = (
    POINTS_SQL
    + """
    ORDER BY (l.latitude - %s) * (l.latitude - %s)
             + (l.longitude - %s) * (l.longitude - %s) * %s
    LIMIT %s
"""
)


def service_points_nearest_first(
    box: tuple[float, float, float, float], origin, limit: int
) -> list[tuple]:
    """As `service_points_in_box`, but only the `limit` rows nearest `origin` by
    `geo.flat_km`, nearest first: the database sorts, so Python never sees the rest."""
    scale = geo.flat_scale(origin)
    params = [*box, origin.latitude, origin.latitude, origin.longitude, origin.longitude]
    with connection.cursor() as cursor:
        cursor.execute(statement(NEAREST_POINTS_SQL, 0), [*params, scale * scale, limit])
        return [(service_id, None, lat, lon) for service_id, lat, lon in cursor.fetchall()]


# The services a pathway plan adds to the nearest ones, read from their small partial
# indexes in name order, a bounded number.
NATIONAL_LINES_FOR_NEEDS_SQL = """
    SELECT s.id FROM {service} s
    WHERE s.national AND s.status = %s AND EXISTS (
        SELECT 1 FROM {needs_terms} t WHERE t.service_id = s.id AND t.taxonomyterm_id IN ({ids}))
    ORDER BY s.name, s.id LIMIT %s
"""
NATIONAL_LINES_SQL = """
    SELECT s.id FROM {service} s WHERE s.national AND s.status = %s
    ORDER BY s.name, s.id LIMIT %s
"""
WITH_AREA_SQL = """
    SELECT s.id, s.service_area FROM {service} s WHERE s.service_area IS NOT NULL
    AND s.status = %s ORDER BY s.name, s.id
"""


def national_service_ids(needs: Iterable[str], limit: int) -> list:
    """The first `limit` active national services by name; with `needs` (codes), only those
    that help with one of them."""
    term = TaxonomyTerm._meta.pk
    terms = [
        term.get_db_prep_value(vocabulary.term_id(vocabulary.NEED, code), connection)
        for code in dict.fromkeys(needs)
    ]
    template = NATIONAL_LINES_FOR_NEEDS_SQL if terms else NATIONAL_LINES_SQL
    with connection.cursor() as cursor:
        cursor.execute(statement(template, len(terms)), [Service.Status.ACTIVE, *terms, limit])
        return [as_uuid(service_id) for (service_id,) in cursor.fetchall()]


def area_service_ids(point: geo.Point, limit: int) -> list:
    """The first `limit` active services, by name, whose service area holds `point`.

    Every service area is read and tested, so none that holds the person is left out
    however many there are elsewhere (an IMHA, a local crisis line): a few hundred in the
    whole UK. Beyond that, a stored bounding box of each area would let the database
    narrow them first.
    """
    with connection.cursor() as cursor:
        cursor.execute(statement(WITH_AREA_SQL), [Service.Status.ACTIVE])
        holding = [
            as_uuid(service_id)
            for service_id, area in cursor.fetchall()
            if geo.area_contains(json_value(area), point)
        ]
    return holding[:limit]


# Values as each backend gives them: SQLite hands back text and integers where PostgreSQL
# hands back UUIDs, dates, times and booleans.
def as_uuid(value) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def _time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def json_value(value):
    """A JSON column's value: SQLite gives text, PostgreSQL may give it parsed."""
    return json.loads(value) if isinstance(value, str) else value


# Records are frozen, and most spans and languages recur across services (office hours,
# the same language through staff): one shared record for each, rather than hundreds alike.
@functools.lru_cache(maxsize=4096)
def _schedule(weekday, opens_at, closes_at, open_bank_holidays, notes) -> ScheduleRecord:
    return ScheduleRecord(
        weekday, _time(opens_at), _time(closes_at), bool(open_bank_holidays), notes
    )


_language = functools.lru_cache(maxsize=4096)(LanguageRecord)


def read_services(ids: Iterable) -> dict[UUID, ServiceRecord]:
    """Records of the services with these ids (any status), in nine queries however many."""
    keys = [Service._meta.pk.get_db_prep_value(i, connection) for i in dict.fromkeys(ids)]
    if not keys:
        return {}

    with connection.cursor() as cursor:

        def rows(template: str, repeat: int = 1) -> list[tuple]:
            cursor.execute(statement(template, len(keys)), keys * repeat)
            return cursor.fetchall()

        services = rows(SERVICES_SQL)
        terms = [defaultdict(list) for _ in _TERM_SETS]
        for index, service_id, code in rows(TERMS_SQL, repeat=len(_TERM_SETS)):
            terms[index][service_id].append(code)
        languages = defaultdict(list)
        for service_id, *fields in rows(LANGUAGES_SQL):
            languages[service_id].append(_language(*fields))
        spoken = defaultdict(list)
        for phone_id, code in rows(PHONE_LANGUAGES_SQL):
            spoken[phone_id].append(code)
        phones = defaultdict(list)
        for phone_id, service_id, *fields in rows(PHONES_SQL):
            phones[service_id].append(PhoneRecord(*fields, languages=tuple(spoken[phone_id])))
        service_hours = defaultdict(list)
        for service_id, *fields in rows(SERVICE_HOURS_SQL):
            service_hours[service_id].append(_schedule(*fields))
        place_hours = defaultdict(list)
        for place_id, *fields in rows(LOCATION_HOURS_SQL):
            place_hours[place_id].append(_schedule(*fields))
        locations = defaultdict(list)
        for place_id, service_id, location_id, *fields, confidential in rows(LOCATIONS_SQL):
            locations[service_id].append(
                LocationRecord(
                    as_uuid(location_id),
                    *fields,
                    confidential=bool(confidential),
                    schedules=tuple(place_hours[place_id]),
                )
            )
        partners = defaultdict(list)
        for service_id, partner_id, slug, name in rows(PARTNERS_SQL):
            partners[service_id].append(PartnerRecord(as_uuid(partner_id), slug, name))

    records = {}
    for row in services:
        key = row[0]
        (
            service_id,
            slug,
            name,
            status,
            description,
            url,
            email,
            minimum_age,
            maximum_age,
            gender,
            eligibility_description,
            free,
            fees_description,
            national,
            service_area,
            service_area_description,
            assured_date,
            assurance_role,
            assurance_method,
            organization_id,
            organization_name,
            website,
            ethnic_minority_led,
            user_led,
        ) = row
        record = ServiceRecord(
            id=as_uuid(service_id),
            slug=slug,
            name=name,
            status=status,
            description=description,
            url=url,
            email=email,
            minimum_age=minimum_age,
            maximum_age=maximum_age,
            gender=gender,
            eligibility_description=eligibility_description,
            free=bool(free),
            fees_description=fees_description,
            national=bool(national),
            service_area=json_value(service_area),
            service_area_description=service_area_description,
            assured_date=_date(assured_date),
            assurance_role=assurance_role,
            assurance_method=assurance_method,
            organization=OrganizationRecord(
                as_uuid(organization_id),
                organization_name,
                website,
                bool(ethnic_minority_led),
                bool(user_led),
            ),
            **{
                term_set: tuple(sorted(terms[index][key]))
                for index, term_set in enumerate(_TERM_SETS)
            },
            languages=tuple(languages[key]),
            phones=tuple(phones[key]),
            schedules=tuple(service_hours[key]),
            locations=tuple(locations[key]),
            referral_partners=tuple(partners[key]),
        )
        records[record.id] = record
    return records


@dataclass(frozen=True, slots=True)
class LanguageMatch:
    code: str
    name: str
    how: str  # "staff" or "interpreter"


def language_matches(languages, codes) -> tuple[LanguageMatch, ...]:
    """Which of the asked-for `codes` the service speaks, staff before interpreter.

    `languages` gives (code, name, provision) for each of the service's languages.
    """
    best: dict[str, LanguageMatch] = {}
    for code, name, provision in languages:
        if code not in codes or provision == "written":
            continue
        current = best.get(code)
        if current is None or (current.how == "interpreter" and provision == "staff"):
            best[code] = LanguageMatch(code, name, provision)
    return tuple(best[code] for code in codes if code in best)


# What the API shows. The shapes are `directory.serializers.ServiceSerializer`'s.

DAY_NAMES = dict(Schedule.Weekday.choices)


def location_json(location: Location | LocationRecord) -> dict:
    """A location as the public may see it (see `LocationSerializer` for the masking)."""
    if location.confidential:
        return {
            "id": None,
            "name": None,
            "address_1": None,
            "address_2": None,
            "town": location.town,
            "postcode": public_postcode(location.postcode, confidential=True),
            "nation": location.nation,
            "latitude": public_coordinate(location.latitude, confidential=True),
            "longitude": public_coordinate(location.longitude, confidential=True),
            "accessibility": None,
            "confidential": True,
        }
    return {
        "id": str(location.id),
        "name": location.name,
        "address_1": location.address_1,
        "address_2": location.address_2,
        "town": location.town,
        "postcode": location.postcode,
        "nation": location.nation,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "accessibility": location.accessibility,
        "confidential": False,
    }


def service_page_link(request=None):
    """A function from a service's slug to its page's address in the active language
    (absolute, given a request), for linking many services: the URL is reversed once."""
    # Service pages differ only by slug; "-" stands for it (no slug is "-").
    path = reverse("directory:service_detail", kwargs={"slug": "-"})
    link = request.build_absolute_uri(path) if request is not None else path
    return lambda slug: link.replace("/-/", f"/{slug}/", 1)


class _Shown:
    """What every service on one response shares: how links to its pages are made, the
    names of the days in the active language and today's date, worked out once, not per
    service and per span."""

    def __init__(self, request=None, today: date | None = None):
        self.web_url = service_page_link(request)
        self.day_names = {weekday: str(name) for weekday, name in DAY_NAMES.items()}
        self.today = today or timezone.localdate()


def _clock(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def service_json(record: ServiceRecord, request=None, *, today: date | None = None) -> dict:
    """The API's representation of one service, from its record."""
    return _service_json(record, _Shown(request, today))


def _service_json(record: ServiceRecord, shown: _Shown) -> dict:
    organization = record.organization
    return {
        "id": str(record.id),
        "slug": record.slug,
        "name": record.name,
        "organization": {
            "id": str(organization.id),
            "name": organization.name,
            "website": organization.website,
            "ethnic_minority_led": organization.ethnic_minority_led,
            "user_led": organization.user_led,
        },
        "description": record.description,
        "url": record.url,
        "email": record.email,
        "service_types": list(record.service_types),
        "needs": list(record.needs),
        "communities": list(record.communities),
        "access_routes": list(record.access_routes),
        "languages": [
            {
                "code": language.code,
                "name": language.name,
                "native_name": language.native_name,
                "how": language.provision,
            }
            for language in record.languages
        ],
        "minimum_age": record.minimum_age,
        "maximum_age": record.maximum_age,
        "gender": record.gender,
        "eligibility_description": record.eligibility_description,
        "free": record.free,
        "fees_description": record.fees_description,
        "national": record.national,
        "service_area_description": record.service_area_description,
        "locations": [location_json(location) for location in record.locations],
        "phones": [
            {
                "number": phone.number,
                "extension": phone.extension,
                "type": phone.type,
                "description": phone.description,
                "languages": list(phone.languages),
            }
            for phone in record.phones
        ],
        "schedules": [
            {
                "weekday": span.weekday,
                "day": shown.day_names[span.weekday],
                "opens_at": _clock(span.opens_at),
                "closes_at": _clock(span.closes_at),
                "open_bank_holidays": span.open_bank_holidays,
                "notes": span.notes,
            }
            for span in record.schedules
        ],
        "referral_partners": [
            {"id": str(partner.id), "slug": partner.slug, "name": partner.name}
            for partner in record.referral_partners
        ],
        "last_checked": None
        if record.assured_date is None
        else {
            "date": record.assured_date.isoformat(),
            "role": record.assurance_role or None,
            "method": record.assurance_method or None,
            "stale": record.is_stale(shown.today),
        },
        "web_url": shown.web_url(record.slug),
    }


def search_results(found, request=None) -> list[dict]:
    """A `selectors.HitPage` as the API's results: each service, how near, whether open."""
    records = read_services(hit.service_id for hit in found.hits)
    shown = _Shown(request)
    results = []
    for hit in found.hits:
        record = records[hit.service_id]
        location = record.location(hit.location_id)
        state = hours.open_state(record.spans(location), found.moment, record.nation(location))
        matches = language_matches(
            ((lang.code, lang.name, lang.provision) for lang in record.languages),
            found.language_codes,
        )
        results.append(
            {
                **_service_json(record, shown),
                "distance_km": hit.rounded_distance_km,
                "open_now": state.open_now,
                "always_open": state.always_open,
                "closes_at": state.closes_at.isoformat() if state.closes_at else None,
                "next_opens_at": state.next_opens_at.isoformat() if state.next_opens_at else None,
                "language_match": [
                    {"code": match.code, "name": match.name, "how": match.how} for match in matches
                ],
            }
        )
    return results
