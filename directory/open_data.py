"""Plain directories that councils publish as open data (CSV) → listings for a moderator.

`import_open_data(path)` reads a CSV file with a header naming (in any case, in any order)
`name`, and any of `description`, `address`, `postcode`, `telephone`, `website`, `email`,
`latitude`, `longitude`. Each row becomes an organisation, a service, a location and a
phone, and lands **inactive and unverified**: open data is often years old, and the public
must not be given a stale phone number until a person has checked it. Types are set only
where the row's own words say so (`TERM_RULES`), and every such guess is reported for a
moderator to confirm, with everything else a person needs to look at.

Ids are `uuid5`s of the source (the file's name, unless given) and the row's name and
postcode, so importing the same file again adds nothing: rows already imported are left as
they are, because a moderator may have checked and changed them since. The import is
all-or-nothing for malformed input (every bad line is reported) unless `skip_invalid`.
"""

import csv
import io
import math
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from . import geo, search, vocabulary
from .hsds import HsdsWriter, ImportReport, LocationPlan, OrganizationPlan, ServicePlan
from .models import Location, Organization, Phone, Place, Service, TaxonomyTerm

# Never change this: it is what makes a re-import find the rows it made before.
OPEN_DATA_NAMESPACE = uuid.UUID("3b0f6f0e-8f5c-4d6b-a1de-51c2b7a4e0c9")

COLUMNS = {
    "name": ("name", "service name", "service", "organisation", "organization", "title"),
    "description": ("description", "details", "summary", "about"),
    "address": ("address", "street address", "full address", "address 1", "address line 1"),
    "postcode": ("postcode", "post code", "postal code", "zip", "zip code"),
    "telephone": ("telephone", "phone", "tel", "telephone number", "phone number"),
    "website": ("website", "url", "web", "web address", "website address", "web site"),
    "email": ("email", "e mail", "email address"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
}

# Conservative keyword rules: (taxonomy, code, pattern, where). A rule fires only on the
# row's own words, and "name" rules only on its name (an ethnic-minority organisation names
# itself so; a counselling service that "can offer bilingual counselling for BME groups" is
# not one). Addresses are never read: a group meeting in a church hall is not faith-based.
_RULES = (
    (vocabulary.SERVICE_TYPE, "imha", r"\bimha\b|independent mental health advoca", "text"),
    (vocabulary.SERVICE_TYPE, "imha", r"independent advocat.*mental health act", "text"),
    (vocabulary.SERVICE_TYPE, "advocacy", r"\badvoca(cy|tes?)\b", "text"),
    (vocabulary.SERVICE_TYPE, "peer_support", r"\bpeer[- ]support\b|\bhearing voices\b", "text"),
    (
        vocabulary.SERVICE_TYPE,
        "talking_therapy",
        r"\bcounsell?(ing|ors?)\b|\btherap(y|ies)\b|\bcognitive behavioural\b",
        "text",
    ),
    (vocabulary.SERVICE_TYPE, "helpline", r"\bsamaritans\b|\bhelpline\b", "text"),
    (
        vocabulary.SERVICE_TYPE,
        "carers_support",
        r"\bcarers (centre|support|group)\b|\bunpaid carers\b|\bfamily carers\b",
        "text",
    ),
    (
        vocabulary.SERVICE_TYPE,
        "faith_based",
        r"\bchristian\b|\bmosque\b|\bgurdwara\b|\bmandir\b|\bsynagogue\b|\bsalvation army\b",
        "text",
    ),
    (
        vocabulary.SERVICE_TYPE,
        "bme_community_org",
        r"\bbme\b|\bblack and minority ethnic\b",
        "name",
    ),
    (vocabulary.SERVICE_TYPE, "crisis_cafe", r"\bcrisis caf[eé]\b|\bsafe haven\b", "text"),
    (vocabulary.SERVICE_TYPE, "crisis_house", r"\bcrisis house\b", "text"),
    (vocabulary.SERVICE_TYPE, "sanctuary", r"\bsanctuary\b", "text"),
    (vocabulary.COMMUNITY, "refugee_asylum_seeker", r"\brefugees?\b|\basylum\b", "text"),
    (
        vocabulary.COMMUNITY,
        "african_caribbean",
        r"\bafrican[- ]caribbean\b|\bafrican and (african )?caribbean\b",
        "text",
    ),
    (vocabulary.COMMUNITY, "south_asian", r"\bsouth asian\b", "text"),
    (vocabulary.COMMUNITY, "pakistani", r"\bpakistani\b", "text"),
    (vocabulary.COMMUNITY, "bangladeshi", r"\bbangladeshi\b", "text"),
    (vocabulary.COMMUNITY, "somali", r"\bsomali\b", "text"),
    (vocabulary.COMMUNITY, "chinese", r"\bchinese\b", "text"),
    (vocabulary.NEED, "refugee_asylum", r"\brefugees?\b|\basylum\b", "text"),
    (vocabulary.NEED, "domestic_abuse", r"\bdomestic (abuse|violence)\b", "text"),
    (vocabulary.NEED, "bereavement", r"\bbereave", "text"),
    (vocabulary.NEED, "isolation", r"\bisolat(ed|ion)\b|\blonel(y|iness)\b", "text"),
    (vocabulary.NEED, "substance_use", r"\bdrugs?\b|\balcohol\b", "text"),
    (vocabulary.NEED, "young_person", r"\byoung people\b|\byouth\b", "text"),
    (vocabulary.ACCESS_ROUTE, "drop_in", r"\bdrop[- ]in\b", "text"),
    (vocabulary.ACCESS_ROUTE, "self_referral", r"\bself[- ]referr?(al|ed)?\b", "text"),
    (vocabulary.ACCESS_ROUTE, "online", r"\bonline\b", "text"),
)
TERM_RULES = tuple(
    (taxonomy, code, re.compile(pattern, re.IGNORECASE), where)
    for taxonomy, code, pattern, where in _RULES
)
TAXONOMY_WORDS = {
    vocabulary.SERVICE_TYPE: "service type",
    vocabulary.NEED: "need",
    vocabulary.COMMUNITY: "community",
    vocabulary.ACCESS_ROUTE: "access route",
}
FIELD_FOR_TAXONOMY = {
    vocabulary.SERVICE_TYPE: "service_types",
    vocabulary.NEED: "needs",
    vocabulary.COMMUNITY: "communities",
    vocabulary.ACCESS_ROUTE: "access_routes",
}

_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


class OpenDataFileError(ValueError):
    """The file cannot be read as a CSV directory at all; the message says why."""


class BadLine(ValueError):
    pass


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def header_key(text: str) -> str:
    return " ".join(re.sub(r"[_\-.]", " ", text.strip().lstrip("\ufeff")).lower().split())


def map_columns(header: list[str]) -> dict[str, int]:
    """Our column name → its position in the file, found by name in any case or spelling."""
    positions = {}
    keys = [header_key(cell) for cell in header]
    for column, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in keys and column not in positions:
                positions[column] = keys.index(alias)
    return positions


def guess_terms(name: str, description: str) -> list[tuple[str, str, str]]:
    """(taxonomy, code, the words that said so) for every rule the row's words meet."""
    text = f"{name}. {description}"
    guesses = []
    for taxonomy, code, pattern, where in TERM_RULES:
        match = pattern.search(name if where == "name" else text)
        if match and not any(g[:2] == (taxonomy, code) for g in guesses):
            guesses.append((taxonomy, code, match.group(0)))
    # An IMHA is advocacy too, but say it once, as the more specific type.
    codes = {(t, c) for t, c, _w in guesses}
    if (vocabulary.SERVICE_TYPE, "imha") in codes:
        guesses = [g for g in guesses if g[:2] != (vocabulary.SERVICE_TYPE, "advocacy")]
    return guesses


@dataclass
class RowOutcome:
    line: int
    name: str
    service_id: uuid.UUID
    needs_a_human: list[str] = field(default_factory=list)
    already_imported: bool = False


@dataclass
class OpenDataReport:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    with_location: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    dry_run: bool = False


class OpenDataRefused(Exception):
    def __init__(self, report: OpenDataReport):
        super().__init__(f"{len(report.bad)} bad lines")
        self.report = report


class _DryRun(Exception):
    pass


def read_rows(path: Path):
    """(line number, {column: text}) per data row, and the mapped columns. Raises
    `OpenDataFileError` for a file that is not a CSV directory with a name column."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise OpenDataFileError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if b"\x00" in raw[:4096]:
        raise OpenDataFileError(f"{path.name} is not a CSV file: it holds binary data.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")  # what spreadsheets on Windows often save
        except UnicodeDecodeError:
            raise OpenDataFileError(f"{path.name} is not a CSV file: it is not text.") from None
    # strict: an unclosed quote is an error, not a row that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise OpenDataFileError(f"{path.name} is empty: it has no header line.")
        columns = map_columns(header)
        if "name" not in columns:
            raise OpenDataFileError(
                f"{path.name} has no name column. The first line must be a header naming the "
                f"columns, with at least 'name' (found: {', '.join(h.strip() for h in header)})."
            )
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(row) > len(header):
                rows.append((line, BadLine(f"has {len(row)} fields; the header has {len(header)}")))
                continue
            rows.append(
                (
                    line,
                    {
                        column: (row[index].strip() if index < len(row) else "")
                        for column, index in columns.items()
                    },
                )
            )
    except csv.Error as exc:
        raise OpenDataFileError(f"{path.name} is not a CSV file: {exc}.") from None
    return rows, columns


class _RowPlanner:
    def __init__(self, source: str):
        self.source = source
        self.terms = {
            (taxonomy, code): term_id
            for term_id, taxonomy, code in TaxonomyTerm.objects.values_list(
                "id", "taxonomy", "code"
            )
        }
        self.names: dict[str, int] = {}
        self.keys: dict[str, int] = {}
        self.location_owner: dict[uuid.UUID, uuid.UUID] = {}

    def make_id(self, *parts: str) -> uuid.UUID:
        return uuid.uuid5(OPEN_DATA_NAMESPACE, "|".join([self.source, *parts]))

    def plan(self, line: int, row: dict) -> tuple[ServicePlan, RowOutcome]:
        name = row.get("name", "")
        if not name:
            raise BadLine("has no name")
        if len(name) > _max(Service, "name"):
            raise BadLine(f"name is {len(name)} characters long; at most 200 fit")
        latitude, longitude = self.coordinates(row)
        folded = " ".join(name.casefold().split())
        postcode_text = row.get("postcode", "")
        # The same name at the same postcode twice is two rows, so the line's place among
        # them is part of the key; the same name elsewhere is another service.
        key = f"{folded}|{postcode_text.upper().replace(' ', '')}"
        occurrence = self.keys.get(key, 0)
        self.keys[key] = occurrence + 1
        service_id = self.make_id("service", key, str(occurrence))
        outcome = RowOutcome(line=line, name=name, service_id=service_id)
        human = outcome.needs_a_human
        if folded in self.names:
            human.append(
                f"another row has the same name (line {self.names[folded]}): one service at "
                "two places, or two services?"
            )
        else:
            self.names[folded] = line

        organization_id = self.make_id("organization", folded)
        website = self.website(row.get("website", ""), human)
        organization = OrganizationPlan(
            organization_id,
            {
                "name": name,
                "description": "",
                "email": "",
                "website": website,
                "charity_number": "",
                "company_number": "",
                "ethnic_minority_led": False,
                "user_led": False,
            },
        )
        description = row.get("description", "")
        fields = {
            "name": name,
            "description": description,
            "url": website,
            "email": self.email(row.get("email", ""), human),
            # Open data is often stale: nothing is shown to the public until a person checks.
            "status": Service.Status.INACTIVE,
            "fees_description": "",
            "eligibility_description": "",
            "minimum_age": None,
            "maximum_age": None,
            "assured_date": None,
            "assurer_email": "",
            "gender": "",
            "national": False,
            "free": True,
            "service_area": None,
            "service_area_description": "",
            "assurance_role": "",
            "assurance_method": "",
        }
        plan = ServicePlan(
            id=service_id, organization=organization, fields=fields, last_modified=None
        )
        self.add_terms(plan, name, description, human)
        self.add_location(plan, row, latitude, longitude, human)
        self.add_phone(plan, row.get("telephone", ""), human)
        return plan, outcome

    def coordinates(self, row: dict) -> tuple[float | None, float | None]:
        given = [row.get(key, "") for key in ("latitude", "longitude")]
        if not any(given):
            return None, None
        if not all(given):
            raise BadLine("gives one of latitude and longitude without the other")
        numbers = []
        for label, text, limit in (("latitude", given[0], 90), ("longitude", given[1], 180)):
            try:
                number = float(text)
            except ValueError:
                raise BadLine(f"{label} {text!r} is not a number") from None
            if not math.isfinite(number) or not -limit <= number <= limit:
                raise BadLine(f"{label} {text!r} is not between -{limit} and {limit}")
            numbers.append(number)
        return numbers[0], numbers[1]

    def website(self, text: str, human: list) -> str:
        if not text:
            return ""
        candidate = text if "://" in text else f"https://{text}"
        try:
            _url_validator(candidate)
        except ValidationError:
            human.append(f"website {text!r} is not a web address; left out")
            return ""
        if len(candidate) > 200:
            human.append("website address is too long to keep; left out")
            return ""
        return candidate

    def email(self, text: str, human: list) -> str:
        if not text:
            return ""
        try:
            _email_validator(text)
        except ValidationError:
            human.append(f"email {text!r} is not an email address; left out")
            return ""
        return text

    def add_terms(self, plan: ServicePlan, name: str, description: str, human: list) -> None:
        guesses = guess_terms(name, description)
        for taxonomy, code, _words in guesses:
            plan.terms[FIELD_FOR_TAXONOMY[taxonomy]].append(self.terms[(taxonomy, code)])
        if guesses:
            human.append(
                "guessed from its words, to confirm: "
                + "; ".join(f"{TAXONOMY_WORDS[t]} {c} (“{w}”)" for t, c, w in guesses)
            )
        if not plan.terms["service_types"]:
            human.append("no service type: choose one")

    def add_location(self, plan, row, latitude, longitude, human: list) -> None:
        address = row.get("address", "")
        postcode_text = row.get("postcode", "")
        postcode, parsed = "", None
        if postcode_text:
            try:
                parsed = geo.parse_postcode(postcode_text)
                postcode = parsed.full
            except geo.InvalidPostcode:
                human.append(f"postcode {postcode_text!r} is not a UK postcode")
                postcode = postcode_text if len(postcode_text) <= 10 else ""
        else:
            human.append("no postcode")
        nation = ""
        if latitude is None:
            found = None
            if parsed is not None:
                try:
                    found = geo.resolve_postcode(postcode)
                except geo.GeoError:
                    found = None
            if found is None:
                human.append(
                    "not on the map: no coordinates, and the postcode is not in the gazetteer"
                )
                return
            latitude, longitude, nation = found.point.latitude, found.point.longitude, found.nation
            if found.precision != geo.PRECISION_POSTCODE:
                human.append(f"placed at the middle of postcode district {parsed.outcode}: check")
        parts = [part.strip().rstrip(".").strip() for part in address.split(",") if part.strip()]
        town = parts[-1] if len(parts) > 1 else ""
        lines = parts[:-1] if len(parts) > 1 else parts
        if not town and parsed is not None:
            district = Place.objects.filter(kind=Place.Kind.OUTCODE, key=parsed.outcode).first()
            town = district.name.split(",")[0] if district else ""
        if not town:
            human.append("no town in the address")
            town = "Unknown"
        if not address:
            human.append("no address")
        if not nation:
            nation = geo.resolve_coordinates(latitude, longitude).nation or "england"
        address_1, address_2 = self.address_lines(lines)
        location_id = self.make_id("location", " ".join(address.casefold().split()), postcode)
        # Several services at one address (a community centre) share one location.
        owner = self.location_owner.setdefault(location_id, plan.organization.id)
        plan.locations.append(
            LocationPlan(
                location_id,
                {
                    "organization_id": owner,
                    "name": "",
                    "address_1": address_1,
                    "address_2": address_2,
                    "town": town[: _max(Location, "town")],
                    "postcode": postcode,
                    "nation": nation,
                    "latitude": latitude,
                    "longitude": longitude,
                    "accessibility": "",
                    "confidential": False,
                },
            )
        )
        sal_id = uuid.uuid5(plan.id, f"at:{location_id}")
        plan.sals.append((sal_id, location_id, "", []))

    @staticmethod
    def address_lines(lines: list[str]) -> tuple[str, str]:
        limit = _max(Location, "address_1")
        first = ", ".join(lines[:2]) if len(lines) > 2 else (lines[0] if lines else "")
        rest = ", ".join(lines[2:]) if len(lines) > 2 else ", ".join(lines[1:])
        return first[:limit], rest[:limit]

    def add_phone(self, plan: ServicePlan, number: str, human: list) -> None:
        digits = re.sub(r"\D", "", number)
        if not number:
            human.append("no phone number")
            return
        if len(digits) < 3 or len(number) > _max(Phone, "number"):
            human.append(f"phone {number!r} does not look like a phone number; left out")
            return
        plan.phones.append((uuid.uuid5(plan.id, "phone"), _phone_fields(number), []))


def _phone_fields(number: str) -> dict:
    return {"number": number, "extension": "", "type": "voice", "description": ""}


def import_open_data(
    path,
    *,
    source: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress=None,
) -> OpenDataReport:
    """Import a CSV directory as inactive, unverified listings; return what was done.

    Raises `OpenDataFileError` when the file cannot be read as one, and `OpenDataRefused`
    (with the report) when a line is bad and `skip_invalid` is false: nothing is written.
    """
    path = Path(path)
    report = OpenDataReport(dry_run=dry_run)
    rows, _columns = read_rows(path)
    planner = _RowPlanner(source or path.stem)
    plans = []
    for line, row in rows:
        report.rows += 1
        if isinstance(row, BadLine):
            report.bad.append(f"line {line}: {row}")
            continue
        try:
            plan, outcome = planner.plan(line, row)
        except BadLine as exc:
            label = row.get("name") or "(no name)"
            report.bad.append(f"line {line} ({label[:60]}): {exc}")
            continue
        plans.append((plan, outcome))
    if report.bad and not skip_invalid:
        raise OpenDataRefused(report)

    existing = set(
        Service.objects.filter(id__in=[plan.id for plan, _o in plans]).values_list("id", flat=True)
    )
    existing_orgs = set(
        Organization.objects.filter(
            id__in=[plan.organization.id for plan, _o in plans]
        ).values_list("id", flat=True)
    )
    existing_locations = set(
        Location.objects.filter(
            id__in=[location.id for plan, _o in plans for location in plan.locations]
        ).values_list("id", flat=True)
    )
    try:
        with transaction.atomic(), search.deferred():
            writer = HsdsWriter(ImportReport(), batch_size=500, progress=progress)
            for plan, outcome in plans:
                report.outcomes.append(outcome)
                if plan.id in existing:
                    outcome.already_imported = True
                    report.already_imported += 1
                    continue
                if plan.organization.id in existing_orgs:
                    # Keep the organisation as a moderator may have corrected it.
                    plan.organization = OrganizationPlan(plan.organization.id, None)
                # Likewise a location another imported row already made.
                plan.locations = [loc for loc in plan.locations if loc.id not in existing_locations]
                report.imported += 1
                report.with_location += bool(plan.sals)
                writer.add(plan)
            writer.finish()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report
