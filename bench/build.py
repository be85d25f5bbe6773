"""Build a synthetic directory of N services into bench/.data/directory-N.sqlite3.

    python -m bench.build 100000          (or: python bench/build.py 100000)

The directory is `bench.synthetic.directory(N)`: deterministic, so the same N always gives the
same rows. The database is migrated like any other (`migrate`), the gazetteer is loaded with
the app's own `import_gazetteer` from ../shared/data/uk-outcodes.csv when present, the rows
are written with `bulk_create` in one transaction, and the search documents are made by the
app's `directory.search.update_search_documents` (FTS5 triggers fill the index).

A build is cached: it is skipped when the file exists with N services and its recorded
fingerprint matches this code, the synthetic generator, the migrations and the outcodes file.
A build writes to a temporary file and renames it when complete, so an interrupted build never
leaves a file that looks finished.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: python bench/build.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import synthetic

REPO = synthetic.REPO
DATA_DIR = REPO / "bench" / ".data"
# Bump to force every cached directory to be rebuilt.
BUILD_VERSION = 1


def database_path(size: int) -> Path:
    return DATA_DIR / f"directory-{size}.sqlite3"


def _meta_path(size: int) -> Path:
    return DATA_DIR / f"directory-{size}.json"


def fingerprint() -> str:
    """What a cached directory was built from: change any of it and the cache is stale."""
    digest = hashlib.sha256(f"build {BUILD_VERSION}".encode())
    sources = [Path(__file__).resolve(), Path(synthetic.__file__).resolve()]
    sources += sorted(REPO.glob("*/migrations/*.py"))
    if synthetic.OUTCODES_CSV.exists():
        sources.append(synthetic.OUTCODES_CSV)
    for source in sources:
        digest.update(str(source.relative_to(REPO.parent)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def build_info(size: int) -> dict | None:
    """What the cached build of `size` recorded, or None when there is none or it is stale."""
    path, meta_path = database_path(size), _meta_path(size)
    if not (path.exists() and meta_path.exists()):
        return None
    try:
        meta = json.loads(meta_path.read_text())
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            (services,) = connection.execute("SELECT count(*) FROM directory_service").fetchone()
    except (ValueError, sqlite3.Error):
        return None
    if meta.get("fingerprint") != fingerprint() or not services == meta.get("services") == size:
        return None
    return meta


def ensure_built(size: int) -> dict:
    """Build `size` in a fresh process unless it is cached; returns the build's record."""
    info = build_info(size)
    if info is not None:
        return {**info, "cached": True}
    subprocess.run([sys.executable, "-m", "bench.build", str(size)], cwd=REPO, check=True)
    info = build_info(size)
    if info is None:
        raise RuntimeError(f"The build of {size} services did not leave a usable database.")
    return {**info, "cached": False}


# --------------------------------------------------------------------------- writing
# The functions below run in the process that `main` set up for one database.


def _write_gazetteer(directory: synthetic.Directory) -> None:
    from io import StringIO

    from django.core.management import call_command

    from directory.models import Place

    if directory.source == synthetic.OUTCODES_CSV.name:
        call_command(
            "import_gazetteer", str(synthetic.OUTCODES_CSV), "--skip-invalid", stdout=StringIO()
        )
    known = set(Place.objects.filter(kind=Place.Kind.OUTCODE).values_list("key", flat=True))
    Place.objects.bulk_create(
        Place(
            kind=Place.Kind.OUTCODE,
            key=district.outcode,
            name=district.town,
            latitude=district.latitude,
            longitude=district.longitude,
            nation=district.nation,
        )
        for district in directory.districts
        if district.outcode not in known
    )


class _Table:
    """Rows for one model, written with a single `executemany`.

    `bulk_create` builds a model instance per row and an INSERT per 40 rows (SQLite's 999
    parameters); for two million rows that is minutes. This keeps Django's own column names,
    defaults and value conversion (`get_db_prep_save`), so a field added to a model is filled
    with its default, and only skips the instances.
    """

    def __init__(self, model, *names: str):
        from django.db import connections
        from django.utils import timezone

        self.model = model
        # The wrapper itself, not the `connection` proxy: one lookup, not one a value.
        self.connection = connection = connections["default"]
        fields = {field.attname: field for field in model._meta.concrete_fields}
        self.given = [fields[name] for name in names]
        self.fixed = []
        now = timezone.now()
        for attname, field in fields.items():
            if attname in names or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            else:
                value = None if field.null else field.get_default()
            self.fixed.append((field, field.get_db_prep_save(value, connection)))
        self.rows: list[tuple] = []

    def add(self, *values) -> None:
        self.rows.append(values)

    def write(self) -> int:
        connection = self.connection
        columns = [field.column for field in self.given] + [field.column for field, _ in self.fixed]
        fixed = tuple(value for _field, value in self.fixed)
        prepared = [
            tuple(
                field.get_db_prep_save(value, connection)
                for field, value in zip(self.given, row, strict=True)
            )
            + fixed
            for row in self.rows
        ]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(self.model._meta.db_table)} "
            f"({', '.join(quote(column) for column in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
        return len(prepared)


def _write_services(services: list[synthetic.ServiceSpec]) -> None:
    import uuid
    from datetime import date, time, timedelta

    from directory import demo, vocabulary
    from directory.models import (
        Location,
        Organization,
        Phone,
        Schedule,
        Service,
        ServiceAtLocation,
        ServiceLanguage,
    )

    taxonomies = {
        "service_types": vocabulary.SERVICE_TYPE,
        "needs": vocabulary.NEED,
        "communities": vocabulary.COMMUNITY,
        "access_routes": vocabulary.ACCESS_ROUTE,
    }
    term_ids = {
        (field, term.code): vocabulary.term_id(taxonomy, term.code)
        for field, taxonomy in taxonomies.items()
        for term in vocabulary.VOCABULARY[taxonomy]
    }
    clock = {
        text: time.fromisoformat(text)
        for hours in synthetic.SCHEDULES.values()
        for _day, opens, closes in hours
        for text in (opens, closes)
    }
    today = date(2026, 12, 1)  # fixed, so a rebuild makes the same rows

    organizations = _Table(
        Organization, "id", "name", "description", "website", "ethnic_minority_led", "user_led"
    )
    locations = _Table(
        Location,
        "id", "organization_id", "address_1", "town", "postcode", "nation", "latitude",
        "longitude",
    )  # fmt: skip
    rows = _Table(
        Service,
        "id", "organization_id", "name", "slug", "description", "url", "status", "national",
        "service_area_description", "free", "minimum_age", "maximum_age", "gender",
        "assured_date", "assurance_role", "assurance_method",
    )  # fmt: skip
    sals = _Table(ServiceAtLocation, "id", "service_id", "location_id")
    links = {
        field: _Table(getattr(Service, field).through, "service_id", "taxonomyterm_id")
        for field in taxonomies
    }
    languages = _Table(ServiceLanguage, "id", "service_id", "language_id", "provision")
    phones = _Table(Phone, "id", "service_id", "number", "type")
    schedules = _Table(Schedule, "id", "service_id", "weekday", "opens_at", "closes_at")

    seen_organizations = set()
    for spec in services:
        org = spec.organization
        if org.id not in seen_organizations:
            seen_organizations.add(org.id)
            organizations.add(
                org.id, org.name, org.description, org.website, org.ethnic_minority_led,
                org.user_led,
            )  # fmt: skip
        assured = today - timedelta(days=spec.assured_days_ago) if spec.assured_days_ago else None
        rows.add(
            spec.id, org.id, spec.name, spec.slug, spec.description, spec.url,
            Service.Status.ACTIVE, spec.national,
            "The whole UK, by phone and online" if spec.national else "", spec.free,
            spec.minimum_age, spec.maximum_age, spec.gender, assured, spec.assurance_role,
            spec.assurance_method,
        )  # fmt: skip
        if spec.location is not None:
            place = spec.location
            locations.add(
                place.id, org.id, place.address_1, place.town, place.postcode, place.nation,
                place.latitude, place.longitude,
            )  # fmt: skip
            sals.add(uuid.uuid5(spec.id, "service_at_location"), spec.id, place.id)
        for field, table in links.items():
            for code in getattr(spec, field):
                if (field, code) not in term_ids:
                    raise ValueError(f"{spec.slug}: {code!r} is not one of the {field} codes.")
                table.add(spec.id, term_ids[field, code])
        for code, how in spec.languages:
            languages.add(uuid.uuid5(spec.id, f"language:{code}:{how}"), spec.id, code, how)
        for position, (number, kind) in enumerate(spec.phones):
            if not demo.is_fictional_phone_number(number):
                raise ValueError(f"{spec.slug}: {number} is not in Ofcom's drama ranges.")
            phones.add(uuid.uuid5(spec.id, f"phone:{position}"), spec.id, number, kind)
        for position, (weekday, opens, closes) in enumerate(spec.schedule):
            schedules.add(
                uuid.uuid5(spec.id, f"schedule:{position}"),
                spec.id, weekday, clock[opens], clock[closes],
            )  # fmt: skip

    for table in (organizations, locations, rows, sals, *links.values(), languages, phones):
        table.write()
    schedules.write()


def _write_search_documents(services: list[synthetic.ServiceSpec]) -> None:
    """Each service's search words, as `directory.search.document_for` would make them.

    The app's `update_search_documents` loads every service back with six prefetches: 2.4 ms
    a service, four minutes for 100k. These are made from the specs instead, and a sample is
    then rebuilt by the app's own function, which must leave it unchanged.
    """
    from directory import search, vocabulary
    from directory.models import Language, ServiceSearchDocument, TaxonomyTerm

    terms = {(t.taxonomy, t.code): t for t in TaxonomyTerm.objects.select_related("parent")}
    languages = {language.code: language for language in Language.objects.all()}
    taxonomies = (
        ("service_types", vocabulary.SERVICE_TYPE),
        ("needs", vocabulary.NEED),
        ("communities", vocabulary.COMMUNITY),
        ("access_routes", vocabulary.ACCESS_ROUTE),
    )
    folded: dict[str, str] = {}

    def fold(text: str) -> str:
        if text not in folded:
            folded[text] = search.fold(text)
        return folded[text]

    documents = _Table(ServiceSearchDocument, "service_id", "title", "body")
    for spec in services:
        parts = [spec.description, spec.organization.description]
        # In the order the app's prefetches give: terms by name, languages by name.
        for field, taxonomy in taxonomies:
            chosen = sorted((terms[taxonomy, code] for code in getattr(spec, field)), key=str)
            for term in chosen:
                parts += [term.name, term.code.replace("_", " ")]
                if term.parent_id:
                    parts.append(term.parent.name)
        for code, _how in sorted(spec.languages, key=lambda entry: languages[entry[0]].name):
            parts += [languages[code].name, languages[code].native_name]
        if spec.location is not None:
            parts += [spec.location.town, spec.location.postcode.split()[0]]
        title = f"{spec.name} {spec.organization.name}"
        documents.add(spec.id, search.fold(title), " ".join(fold(part) for part in parts if part))
    documents.write()

    sample = [spec.id for spec in services[:: max(1, len(services) // 200)]]
    before = dict(
        ServiceSearchDocument.objects.filter(service_id__in=sample).values_list(
            "service_id", "body"
        )
    )
    search.update_search_documents(sample)
    after = dict(
        ServiceSearchDocument.objects.filter(service_id__in=sample).values_list(
            "service_id", "body"
        )
    )
    if before != after:
        wrong = next(
            service_id for service_id in sample if before.get(service_id) != after[service_id]
        )
        raise RuntimeError(
            f"bench/build.py makes different search words from directory.search for service "
            f"{wrong}:\n  bench: {before.get(wrong)!r}\n  app:   {after[wrong]!r}"
        )


def _write(size: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from directory.models import Service

    timings = {}
    started = time.perf_counter()
    # A scratch file until it is complete: no journal, no waiting for the disk.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate"] = time.perf_counter() - started

    mark = time.perf_counter()
    directory = synthetic.directory(size)
    services = list(directory.services)
    timings["generate"] = time.perf_counter() - mark

    mark = time.perf_counter()
    with transaction.atomic():
        _write_gazetteer(directory)
        _write_services(services)
    timings["write"] = time.perf_counter() - mark

    mark = time.perf_counter()
    with transaction.atomic():
        _write_search_documents(services)
    timings["search documents"] = time.perf_counter() - mark

    count = Service.objects.count()
    if count != size:
        raise RuntimeError(f"Built {count} services, not {size}.")
    connection.close()
    return {
        "fingerprint": fingerprint(),
        "services": size,
        "neighbourhood": len(directory.neighbourhood),
        "districts": len(directory.districts),
        "source": directory.source,
        "seconds": round(time.perf_counter() - started, 1),
        "timings": {step: round(seconds, 1) for step, seconds in timings.items()},
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].isdigit():
        print("Usage: python -m bench.build SIZE", file=sys.stderr)
        return 2
    size = int(argv[0])
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    final, scratch = database_path(size), database_path(size).with_suffix(".building")
    scratch.unlink(missing_ok=True)
    _meta_path(size).unlink(missing_ok=True)
    os.environ["BENCH_DATABASE"] = str(scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

    import django

    django.setup()
    print(f"Building a directory of {size:,} services into {final.relative_to(REPO)} …")
    meta = _write(size)
    os.replace(scratch, final)
    _meta_path(size).write_text(json.dumps(meta, indent=2) + "\n")
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in meta["timings"].items())
    print(f"Built {size:,} services in {meta['seconds']:.1f} s ({steps}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
