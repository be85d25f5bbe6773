"""`python manage.py import_gazetteer FILE`: fill the gazetteer (`Place`) from a CSV file.

Three formats, detected from the first line unless `--format` says:

- the ONS Postcode Directory (ONSPD/NSPL): a header with `pcds` (or `pcd`, `pcd7`…), `lat`,
  `long`, usually `doterm` and a country column (`ctry`, `ctry25cd`…);
- Ordnance Survey Code-Point Open: no header; postcode, quality, eastings, northings (British
  National Grid, converted to WGS84 with pyproj), country code, then area codes;
- an outcode file with the header `outcode,latitude,longitude` and optional `town`, `region`,
  `country` columns, like shared/data/uk-outcodes.csv.

Rows are upserted by (kind, key), so importing the same file twice leaves the same rows. The
import is all-or-nothing: a bad row means nothing is written and every bad row is reported,
unless `--skip-invalid`.
"""

import csv
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.geo import (
    InvalidPostcode,
    Point,
    Postcode,
    distance_km,
    nation_from_name,
    parse_postcode,
    place_key,
)
from directory.models import Place

FORMAT_ONSPD = "onspd"
FORMAT_CODEPOINT = "codepoint"
FORMAT_OUTCODES = "outcodes"

# ONS/GSS country codes, used by both ONSPD and Code-Point Open. L93000001 (Channel Islands)
# and M83000003 (Isle of Man) are not one of the four nations, so they get "".
NATION_BY_ONS_CODE = {
    "E92000001": "england",
    "W92000004": "wales",
    "S92000003": "scotland",
    "N92000002": "northern_ireland",
}

# Every UK and Crown-dependency postcode lies in this box (Jersey to Unst, Co. Fermanagh to
# Lowestoft). Checking against it, not just the globe, catches swapped or shifted columns.
UK_LATITUDES = (49.0, 61.0)
UK_LONGITUDES = (-8.7, 2.0)
# The British National Grid's extent, in metres.
GRID_EASTINGS = (0, 700_000)
GRID_NORTHINGS = (0, 1_300_000)
# ONSPD writes this latitude for a postcode without a grid reference.
ONSPD_NO_LOCATION_LATITUDE = 99.0
# Code-Point Open's positional quality 90 means "no coordinates".
CODEPOINT_NO_LOCATION_QUALITY = "90"
CODEPOINT_HEADERS = ({"pc", "pq", "ea", "no"}, {"postcode", "positional_quality_indicator"})

ONSPD_POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "pcd2")
ONSPD_COUNTRY_COLUMN = re.compile(r"ctry(\d+cd)?")

# A town name that several districts share ("Leeds", "St Ives") can name places hundreds of
# kilometres apart; its point is the mean of the largest group of its districts within this
# distance of one another, not a midpoint in a field between them.
TOWN_CLUSTER_KM = 25
NAME_MAX_CHARS = Place._meta.get_field("name").max_length
KEY_MAX_CHARS = Place._meta.get_field("key").max_length

DEFAULT_BATCH_SIZE = 5000


class BadRow(ValueError):
    """A row we cannot use; the message says why, for "line N: why"."""


@dataclass(frozen=True)
class PostcodeRow:
    postcode: Postcode
    latitude: float
    longitude: float
    nation: str


@dataclass(frozen=True)
class OutcodeRow:
    outcode: str
    name: str
    latitude: float
    longitude: float
    nation: str
    town: str
    region: str


@dataclass(frozen=True)
class SkippedRow:
    """A well-formed row we leave out on purpose (a terminated postcode, no location)."""

    reason: str


@dataclass
class Report:
    written: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Load postcodes, postcode districts and place names into the gazetteer from an ONS "
        "Postcode Directory, Code-Point Open or outcode CSV file. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file to import.")
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=("auto", FORMAT_ONSPD, FORMAT_CODEPOINT, FORMAT_OUTCODES),
            default="auto",
            help="The file's format; 'auto' (the default) tells from its first line.",
        )
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows written per query (default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the good rows and report the bad ones, instead of writing nothing.",
        )
        parser.add_argument(
            "--replace-outcodes",
            action="store_true",
            help="For a full-postcode file, replace existing district rows with the mean of "
            "the file's postcodes (by default only missing districts are added).",
        )

    def handle(
        self, *args, file, file_format, batch_size, skip_invalid, replace_outcodes, **options
    ):
        with open_csv(file) as handle:
            reader = csv.reader(handle)
            try:
                rows, description = self.open_format(reader, file_format, file)
                self.stdout.write(f"Importing {file.name} as {description}.")
                writer = GazetteerWriter(
                    batch_size=batch_size,
                    skip_invalid=skip_invalid,
                    replace_outcodes=replace_outcodes,
                    progress=self.stdout.write,
                )
                with transaction.atomic():
                    report = writer.run(rows)
                    if report.bad and not skip_invalid:
                        # Raised inside the transaction, so what was written is rolled back.
                        raise CommandError(
                            f"Nothing was written: {plural(len(report.bad), 'row')} "
                            f"{'is' if len(report.bad) == 1 else 'are'} not valid.\n"
                            + "\n".join(report.bad)
                            + "\nFix them, or run again with --skip-invalid to import the good "
                            "rows."
                        )
            except UnicodeDecodeError:
                raise CommandError(
                    f"{file} is not a CSV file: line {reader.line_num + 1} is not UTF-8 text."
                ) from None
            except csv.Error as exc:
                raise CommandError(
                    f"{file} is not a CSV file we can read (line {reader.line_num}: {exc})."
                ) from None

        if report.bad:
            self.stderr.write(
                f"Skipped {plural(len(report.bad), 'bad row')}:\n" + "\n".join(report.bad)
            )
        self.stdout.write(self.style.SUCCESS(summary(report)))

    def open_format(self, reader, requested: str, path: Path):
        """The row iterator for the file's format, and that format's name."""
        first = next(reader, None)
        while first is not None and not any(cell.strip() for cell in first):
            first = next(reader, None)
        if first is None:
            raise CommandError(f"{path} is empty.")
        if any("\x00" in cell for cell in first):
            raise CommandError(f"{path} is not a CSV file: it holds binary data.")
        header = [cell.strip().lower() for cell in first]

        detected = requested
        if requested == "auto":
            detected = detect_format(first, header)
            if detected is None:
                preview = ",".join(first)[:120]
                raise CommandError(
                    f"{path} is not a gazetteer file we know: its first line is {preview!r}. "
                    "Expected an ONS Postcode Directory CSV (with pcds, lat and long columns), "
                    "a Code-Point Open CSV, or an outcode CSV (outcode, latitude, longitude)."
                )

        if detected == FORMAT_ONSPD:
            return onspd_rows(reader, header, path), "an ONS Postcode Directory file"
        if detected == FORMAT_OUTCODES:
            return outcode_rows(reader, header, path), "an outcode file"
        # Code-Point Open ships its header in a separate file; a first row that is a header
        # (someone joined them) is skipped, otherwise it is data.
        is_header = any(names <= set(header) for names in CODEPOINT_HEADERS)
        return codepoint_rows(reader, None if is_header else first), "a Code-Point Open file"


def open_csv(path: Path):
    """The file open as text, or a CommandError saying plainly why it cannot be read."""
    try:
        with path.open("rb") as raw:
            signature = raw.read(4)
        # The ONS and Ordnance Survey publish their CSVs zipped; say so, not "not UTF-8".
        if signature.startswith((b"PK\x03\x04", b"\x1f\x8b")):
            raise CommandError(
                f"{path} is a compressed archive, not a CSV file: unzip it and import the CSV "
                "inside (for the ONS Postcode Directory, the one in its Data folder)."
            )
        # utf-8-sig: a file saved from Excel starts with a byte-order mark.
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise CommandError(f"There is no file at {path}.") from None
    except IsADirectoryError:
        raise CommandError(f"{path} is a folder, not a CSV file.") from None
    except OSError as exc:
        raise CommandError(f"Could not open {path}: {exc.strerror or exc}.") from None


def detect_format(first: list[str], header: list[str]) -> str | None:
    columns = set(header)
    if {"outcode", "latitude", "longitude"} <= columns:
        return FORMAT_OUTCODES
    if columns & set(ONSPD_POSTCODE_COLUMNS) and {"lat", "long"} <= columns:
        return FORMAT_ONSPD
    if any(names <= columns for names in CODEPOINT_HEADERS):
        return FORMAT_CODEPOINT
    if len(first) >= 5 and first[2].strip().isdigit() and first[3].strip().isdigit():
        try:
            if parse_postcode(first[0]).is_full:
                return FORMAT_CODEPOINT
        except InvalidPostcode:
            pass
    return None


# --- Reading each format ----------------------------------------------------------------------
# Each `*_rows` function checks the header at once (a missing column is an error before any row
# is read) and returns an iterator of (line number, PostcodeRow | OutcodeRow | SkippedRow |
# BadRow). Line numbers are the file's own, header included, so "line 7" is line 7 in an editor.


def find_columns(header: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """The index of each wanted column, by the first of its possible names in the header."""
    columns = {}
    for column, names in wanted.items():
        for name in names:
            if name in header:
                columns[column] = header.index(name)
                break
    return columns


def require_columns(columns: dict[str, int], needed: dict[str, str], path: Path, kind: str):
    missing = [label for column, label in needed.items() if column not in columns]
    if missing:
        names = " and ".join(
            [", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing
        )
        columns_word = "columns" if len(missing) > 1 else "column"
        raise CommandError(f"{path} lacks the {names} {columns_word}, which {kind} needs.")


def cell(row: list[str], columns: dict[str, int], column: str) -> str:
    """The stripped text of a column, or "" when the file has no such column."""
    index = columns.get(column)
    return row[index].strip() if index is not None else ""


def data_rows(reader, columns: dict[str, int], header: list[str]):
    """(line number, row) for each non-blank row, or a BadRow when it is too short."""
    width = max(columns.values(), default=0)
    for row in reader:
        if not row:
            continue
        if len(row) <= width:
            yield reader.line_num, BadRow(f"expected {len(header)} columns, found {len(row)}")
        else:
            yield reader.line_num, row


def onspd_rows(reader, header: list[str], path: Path) -> Iterator[tuple[int, object]]:
    country = next((name for name in header if ONSPD_COUNTRY_COLUMN.fullmatch(name)), "ctry")
    columns = find_columns(
        header,
        {
            "postcode": ONSPD_POSTCODE_COLUMNS,
            "latitude": ("lat",),
            "longitude": ("long",),
            "doterm": ("doterm",),
            "country": (country,),
        },
    )
    require_columns(
        columns,
        {"postcode": "pcds", "latitude": "lat", "longitude": "long"},
        path,
        "an ONS Postcode Directory file",
    )
    return _onspd_rows(reader, header, columns)


def _onspd_rows(reader, header, columns):
    for line, row in data_rows(reader, columns, header):
        try:
            if isinstance(row, BadRow):
                raise row
            if cell(row, columns, "doterm"):
                yield line, SkippedRow("terminated")
                continue
            postcode = full_postcode(cell(row, columns, "postcode"))
            latitude = number(cell(row, columns, "latitude"), "latitude")
            if latitude >= ONSPD_NO_LOCATION_LATITUDE:
                yield line, SkippedRow("no_location")
                continue
            latitude, longitude = uk_point(
                latitude, number(cell(row, columns, "longitude"), "longitude")
            )
            nation = NATION_BY_ONS_CODE.get(cell(row, columns, "country"), "")
            yield line, PostcodeRow(postcode, latitude, longitude, nation)
        except BadRow as exc:
            yield line, exc


def codepoint_rows(reader, first: list[str] | None) -> Iterator[tuple[int, object]]:
    """`first` is the first row when it is data rather than a header."""
    return _codepoint_rows(reader, first, grid_to_wgs84())


def _codepoint_rows(reader, first, to_wgs84):
    def rows():
        if first is not None:
            yield reader.line_num, first
        for row in reader:
            yield reader.line_num, row

    for line, row in rows():
        if not row:
            continue
        try:
            if len(row) < 5:
                raise BadRow(f"expected at least 5 columns, found {len(row)}")
            postcode = full_postcode(row[0])
            easting = number(row[2], "easting")
            northing = number(row[3], "northing")
            if row[1].strip() == CODEPOINT_NO_LOCATION_QUALITY or easting == northing == 0:
                yield line, SkippedRow("no_location")
                continue
            in_range(easting, GRID_EASTINGS, "easting", "the British National Grid")
            in_range(northing, GRID_NORTHINGS, "northing", "the British National Grid")
            longitude, latitude = to_wgs84(easting, northing)
            latitude, longitude = uk_point(latitude, longitude)
            nation = NATION_BY_ONS_CODE.get(row[4].strip(), "")
            yield line, PostcodeRow(postcode, latitude, longitude, nation)
        except BadRow as exc:
            yield line, exc


def grid_to_wgs84():
    """A function (easting, northing) → (longitude, latitude), OSGB36 grid to WGS84."""
    try:
        from pyproj import Transformer
    except ImportError:
        raise CommandError(
            "Reading Code-Point Open needs pyproj, to convert grid references: pip install pyproj."
        ) from None
    # Without the OSTN15 grid file (a download PROJ does not make unasked) PROJ uses a
    # Helmert transformation good to a few metres: plenty for a postcode's point.
    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    return transformer.transform


def outcode_rows(reader, header: list[str], path: Path) -> Iterator[tuple[int, object]]:
    columns = find_columns(
        header,
        {
            "outcode": ("outcode",),
            "latitude": ("latitude",),
            "longitude": ("longitude",),
            "town": ("town",),
            "region": ("region",),
            "country": ("country",),
        },
    )
    require_columns(
        columns,
        {"outcode": "outcode", "latitude": "latitude", "longitude": "longitude"},
        path,
        "an outcode file",
    )
    return _outcode_rows(reader, header, columns)


def _outcode_rows(reader, header, columns):
    for line, row in data_rows(reader, columns, header):
        try:
            if isinstance(row, BadRow):
                raise row
            outcode = district(cell(row, columns, "outcode"))
            latitude, longitude = uk_point(
                number(cell(row, columns, "latitude"), "latitude"),
                number(cell(row, columns, "longitude"), "longitude"),
            )
            country = cell(row, columns, "country")
            nation = nation_from_name(country) if country else ""
            if nation is None:
                raise BadRow(
                    f"country {country!r} is not one we know (England, Wales, Scotland, "
                    "Northern Ireland, Guernsey, Jersey or Isle of Man)"
                )
            town, region = cell(row, columns, "town"), cell(row, columns, "region")
            for value, name in ((town, "town"), (region, "region")):
                if len(value) > NAME_MAX_CHARS:
                    raise BadRow(f"{name} is longer than {NAME_MAX_CHARS} characters")
            yield (
                line,
                OutcodeRow(outcode, town or outcode, latitude, longitude, nation, town, region),
            )
        except BadRow as exc:
            yield line, exc


# --- Checking cells ----------------------------------------------------------------------------


def full_postcode(text: str) -> Postcode:
    try:
        postcode = parse_postcode(text)
    except InvalidPostcode:
        raise BadRow(f"{text.strip()!r} is not a UK postcode") from None
    if not postcode.is_full:
        raise BadRow(f"{text.strip()!r} is a postcode district, not a full postcode")
    return postcode


def district(text: str) -> str:
    try:
        postcode = parse_postcode(text)
    except InvalidPostcode:
        raise BadRow(f"{text!r} is not a UK postcode district") from None
    if postcode.is_full:
        raise BadRow(f"{text!r} is a full postcode, not a postcode district")
    return postcode.outcode


def number(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadRow(f"{name} {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise BadRow(f"{name} {text.strip()!r} is not a number")
    return value


def in_range(value: float, bounds: tuple[float, float], name: str, where: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        # .10g: "-0.05" and "9530047", not "-5e-02" or "9.53005e+06".
        raise BadRow(f"{name} {value:.10g} is outside {where} ({low:.10g} to {high:.10g})")


def uk_point(latitude: float, longitude: float) -> tuple[float, float]:
    in_range(latitude, UK_LATITUDES, "latitude", "the UK")
    in_range(longitude, UK_LONGITUDES, "longitude", "the UK")
    return latitude, longitude


# --- Writing ----------------------------------------------------------------------------------


class GazetteerWriter:
    """Upserts rows in batches, and derives district and town rows at the end.

    Call `run(rows)` inside a transaction. Once a bad row is seen, and bad rows are not being
    skipped, it stops writing (the transaction will be rolled back) but reads on, so that
    every bad row is reported at once.
    """

    def __init__(self, *, batch_size, skip_invalid, replace_outcodes, progress):
        self.batch_size = batch_size
        self.skip_invalid = skip_invalid
        self.replace_outcodes = replace_outcodes
        self.progress = progress
        self.report = Report()
        self.writing = True
        # A key repeated within a batch would make PostgreSQL refuse the whole upsert, so the
        # batch is keyed: the later row wins, as it does across batches.
        self.pending: dict[tuple[str, str], Place] = {}
        # Per district from a postcode file: latitude sum, longitude sum, count, nations.
        self.districts: dict[str, list] = {}
        # From an outcode file, for the place names: name key → [display name, rows].
        self.towns: dict[str, list] = {}
        self.regions: dict[str, list] = {}

    def run(self, rows) -> Report:
        line = 0
        for line, row in rows:
            if isinstance(row, BadRow):
                self.report.bad.append(f"line {line}: {row}")
                if not self.skip_invalid:
                    self.writing = False
                    self.pending.clear()
            elif isinstance(row, SkippedRow):
                self.report.skipped[row.reason] += 1
            elif isinstance(row, PostcodeRow):
                self.add_postcode(row)
            else:
                self.add_outcode(row)
            if len(self.pending) >= self.batch_size:
                self.flush(line)
        self.flush(line)
        if self.writing:
            self.write_districts()
            self.write_towns()
        return self.report

    def add(self, place: Place) -> None:
        if self.writing:
            self.pending[(place.kind, place.key)] = place

    def add_postcode(self, row: PostcodeRow) -> None:
        postcode = row.postcode
        self.add(
            Place(
                kind=Place.Kind.POSTCODE,
                key=postcode.key,
                name=postcode.full,
                latitude=row.latitude,
                longitude=row.longitude,
                nation=row.nation,
            )
        )
        totals = self.districts.setdefault(postcode.outcode, [0.0, 0.0, 0, Counter()])
        totals[0] += row.latitude
        totals[1] += row.longitude
        totals[2] += 1
        totals[3][row.nation] += 1

    def add_outcode(self, row: OutcodeRow) -> None:
        self.add(
            Place(
                kind=Place.Kind.OUTCODE,
                key=row.outcode,
                name=row.name,
                latitude=row.latitude,
                longitude=row.longitude,
                nation=row.nation,
            )
        )
        for name in town_names(row.town):
            entry = self.towns.setdefault(place_key(name), [name, []])
            entry[1].append(row)
        for name in region_names(row.region):
            entry = self.regions.setdefault(place_key(name), [name, []])
            entry[1].append(row)

    def flush(self, line: int) -> None:
        if not self.pending:
            return
        if self.writing:
            Place.objects.bulk_create(
                self.pending.values(),
                update_conflicts=True,
                unique_fields=["kind", "key"],
                update_fields=["name", "latitude", "longitude", "nation"],
            )
            self.report.written.update(place.kind for place in self.pending.values())
            written = self.report.written
            self.progress(
                f"  to line {line:,}: {plural(written[Place.Kind.POSTCODE], 'postcode')}, "
                f"{plural(written[Place.Kind.OUTCODE], 'district')} written"
            )
        self.pending.clear()

    def write_districts(self) -> None:
        """A district row at the mean of its postcodes, for each district without one."""
        if not self.districts:
            return
        keys = set(self.districts)
        if not self.replace_outcodes:
            keys -= existing_keys(Place.Kind.OUTCODE, keys)
        places = []
        for outcode in sorted(keys):
            lat_sum, lon_sum, count, nations = self.districts[outcode]
            places.append(
                Place(
                    kind=Place.Kind.OUTCODE,
                    key=outcode,
                    name=outcode,
                    latitude=lat_sum / count,
                    longitude=lon_sum / count,
                    nation=nations.most_common(1)[0][0],
                )
            )
        self.upsert(places)

    def write_towns(self) -> None:
        """A place row per town or region named in an outcode file, unless already known.

        A town is placed at the densest group of its districts (`town_group`); a region
        (county, council, city) at the mean of all its districts, which lie in one area by
        definition. A name that is both ("Greater London" is the town of one district in
        Kent and the region of 253) goes to the one with more districts, the region on a tie.
        """
        groups: dict[str, tuple[str, list[OutcodeRow]]] = {}
        for key, (name, rows) in self.regions.items():
            groups[key] = (name, rows)
        for key, (name, rows) in self.towns.items():
            group = town_group(rows)
            if key not in groups or len(group) > len(groups[key][1]):
                groups[key] = (name, group)
        keys = {key for key in groups if len(key) <= KEY_MAX_CHARS}
        keys -= existing_keys(Place.Kind.PLACE, keys)
        places = []
        for key in sorted(keys):
            name, rows = groups[key]
            latitude, longitude, nation = mean_point(rows)
            places.append(
                Place(
                    kind=Place.Kind.PLACE,
                    key=key,
                    name=name,
                    latitude=latitude,
                    longitude=longitude,
                    nation=nation,
                )
            )
        self.upsert(places)

    def upsert(self, places: list[Place]) -> None:
        for start in range(0, len(places), self.batch_size):
            batch = places[start : start + self.batch_size]
            Place.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["kind", "key"],
                update_fields=["name", "latitude", "longitude", "nation"],
            )
            self.report.written.update(place.kind for place in batch)


def existing_keys(kind: str, keys: set[str]) -> set[str]:
    found = set()
    ordered = sorted(keys)
    # Chunks keep the IN list well under SQLite's limit on query parameters.
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(Place.objects.filter(kind=kind, key__in=chunk).values_list("key", flat=True))
    return found


# --- Town names and points --------------------------------------------------------------------

_LIST_SEPARATOR = re.compile(r",|\s+and\s+|\s+&\s+", re.IGNORECASE)
_CITY_OF = re.compile(r"^(the\s+)?city\s+of\s+", re.IGNORECASE)
_CITY_SUFFIX = re.compile(r"\s+city$", re.IGNORECASE)


def town_names(town: str) -> list[str]:
    """The names a town cell gives: itself, without "City of", and each part of a list.

    "Davidson's Mains, Barnton and Cramond" → itself, "Davidson's Mains", "Barnton",
    "Cramond"; "The City of Brighton and Hove" → itself, "Brighton and Hove", "Brighton",
    "Hove".
    """
    town = town.strip()
    whole = _CITY_OF.sub("", town)
    return unique_names([town, whole, *_LIST_SEPARATOR.split(whole)])


def region_names(region: str) -> list[str]:
    """A region cell's names: "City of Edinburgh" gives itself and "Edinburgh"."""
    region = region.strip()
    return unique_names([region, _CITY_SUFFIX.sub("", _CITY_OF.sub("", region))])


def unique_names(names: list[str]) -> list[str]:
    """The names, stripped, without blanks or repeats (by gazetteer key), in order."""
    unique = {}
    for raw in names:
        name = raw.strip()
        if name and place_key(name) not in unique:
            unique[place_key(name)] = name
    return list(unique.values())


def mean_point(rows: list[OutcodeRow]) -> tuple[float, float, str]:
    """The mean latitude and longitude of the rows, and their most common nation."""
    latitude = sum(row.latitude for row in rows) / len(rows)
    longitude = sum(row.longitude for row in rows) / len(rows)
    nation = Counter(row.nation for row in rows).most_common(1)[0][0]
    return latitude, longitude, nation


def town_group(rows: list[OutcodeRow]) -> list[OutcodeRow]:
    """The largest group of a town's districts that lie near one another.

    The district with the most others within TOWN_CLUSTER_KM (ties: the first in the file)
    and those others; so "Leeds" is in West Yorkshire, not halfway to Leeds in Kent.
    """
    if len(rows) == 1:
        return rows
    points = [Point(row.latitude, row.longitude) for row in rows]
    neighbours = [
        [
            other
            for other, q in zip(rows, points, strict=True)
            if distance_km(p, q) <= TOWN_CLUSTER_KM
        ]
        for p in points
    ]
    densest = max(range(len(rows)), key=lambda i: (len(neighbours[i]), -i))
    return neighbours[densest]


# --- Words ------------------------------------------------------------------------------------


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def summary(report: Report) -> str:
    written = report.written
    text = (
        f"Wrote {plural(written[Place.Kind.POSTCODE], 'postcode')}, "
        f"{plural(written[Place.Kind.OUTCODE], 'postcode district')} and "
        f"{plural(written[Place.Kind.PLACE], 'place')}."
    )
    skipped = []
    if report.skipped["terminated"]:
        skipped.append(f"{plural(report.skipped['terminated'], 'terminated postcode')}")
    if report.skipped["no_location"]:
        skipped.append(f"{plural(report.skipped['no_location'], 'row')} without a location")
    if skipped:
        text += " Left out " + " and ".join(skipped) + "."
    if report.bad:
        text += f" Skipped {plural(len(report.bad), 'bad row')}."
    return text
