"""Opening hours: open now, the next opening, the week ahead, in Europe/London, with UK bank
holidays.

All the project's bank-holiday and time-zone knowledge lives here. Everything but `open_at_q`
is plain Python over plain data: spans are anything with `weekday`, `opens_at`, `closes_at` and
`open_bank_holidays` (a `Schedule` row or a frozen `Span`), and the moment is always passed in.

The rules (the `Schedule` docstring and the HSDS mapping in DESIGN.md):

- A span is one weekday (0 = Monday) with an opening and a closing time on London's clocks.
- A closing time earlier than the opening time runs past midnight into the next day; a closing
  time of 23:59 (or later in that minute) means "until midnight".
- Every day 00:00–23:59 is 24/7, and a 24/7 service is always open, bank holidays included.
- Otherwise a span is closed when the day it STARTS is a bank holiday in the service's nation,
  unless it has `open_bank_holidays`. A Sunday 20:00–06:00 span still runs into a bank-holiday
  Monday morning; a span starting on the bank holiday does not run at all.

The days the clocks change, read as a clock on the wall would be read:

- An opening or closing time that does not exist (the clocks go from 01:00 to 02:00 on the last
  Sunday in March) happens when the clocks go forward: a span due to close at 01:30 that night
  closes at 02:00 BST, the first moment the clocks show 01:30 or later.
- A time that happens twice (the clocks go back from 02:00 to 01:00 on the last Sunday in
  October) happens the first time the clocks show it (BST, zoneinfo's `fold=0`). A span that
  closes at 01:30 that night closes at 01:30 BST and stays closed through the repeated hour,
  rather than flickering open again when the clocks show 01:00 for the second time.

Aware datetimes that share a `tzinfo` compare and subtract by wall-clock time, ignoring the
offset, so every comparison here is made in UTC and only the answers are given in London time.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django.db.models import Q

LONDON = ZoneInfo("Europe/London")

# A closing time from 23:59 on means "until midnight" (the HSDS convention for a whole day).
UNTIL_MIDNIGHT = time(23, 59)
MIDNIGHT = time(0)
MIDDAY = time(12)

# How far ahead a closing time or the next opening is looked for.
SEARCH_DAYS = 14

DEFAULT_NATION = "england"
NATION_SUBDIVISIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}

# The names GOV.UK gives bank holidays (https://www.gov.uk/bank-holidays), where the holidays
# package words them differently. Names not listed here (one-off holidays) pass through.
GOV_UK_NAMES = {
    "New Year Holiday": "2nd January",
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "Summer Bank Holiday": "Summer bank holiday",
    "Saint Andrew's Day": "St Andrew's Day",
    "Saint Patrick's Day": "St Patrick's Day",
    "Battle of the Boyne": "Battle of the Boyne (Orangemen's Day)",
}
OBSERVED_SUFFIX = " (observed)"
SUBSTITUTE_SUFFIX = " (substitute day)"
# Every name a page can show, marked for translation (`describe_bank_holiday` translates them).
# A one-off holiday not listed here is shown in English.
BANK_HOLIDAY_NAMES = (
    N_("New Year's Day"),
    N_("2nd January"),
    N_("St Patrick's Day"),
    N_("Good Friday"),
    N_("Easter Monday"),
    N_("Early May bank holiday"),
    N_("Spring bank holiday"),
    N_("Battle of the Boyne (Orangemen's Day)"),
    N_("Summer bank holiday"),
    N_("St Andrew's Day"),
    N_("Christmas Day"),
    N_("Boxing Day"),
)


class SpanLike(Protocol):
    """One weekly opening span: a `Schedule` row, a `Span`, or anything shaped like them."""

    @property
    def weekday(self) -> int: ...

    @property
    def opens_at(self) -> time: ...

    @property
    def closes_at(self) -> time: ...

    @property
    def open_bank_holidays(self) -> bool: ...


@dataclass(frozen=True)
class Span:
    weekday: int
    opens_at: time
    closes_at: time
    open_bank_holidays: bool = False

    @classmethod
    def of(cls, span: SpanLike) -> "Span":
        """A frozen copy of any span, e.g. a `Schedule` row, for the pathway engine."""
        return cls(span.weekday, span.opens_at, span.closes_at, span.open_bank_holidays)


@dataclass(frozen=True)
class OpenState:
    """Whether a service is open at a moment, and when that changes.

    `closes_at` is when the current opening ends, contiguous spans merged (None when closed,
    and when no closing falls within SEARCH_DAYS, as for 24/7). `next_opens_at` is the next
    opening after the moment when closed now (None when open, or when nothing opens within
    SEARCH_DAYS). Both are aware, in Europe/London.
    """

    open_now: bool
    closes_at: datetime | None
    next_opens_at: datetime | None
    always_open: bool


@dataclass(frozen=True)
class DayHours:
    """One day on the service page.

    `spans` are the (opens_at, closes_at) spans that run that day, bank holidays applied.
    `closed_for_bank_holiday` is true when the service would have opened that day and the bank
    holiday closes it completely; a bank holiday with some spans still running keeps them in
    `spans` and leaves it false.
    """

    day: date
    spans: tuple[tuple[time, time], ...]
    bank_holiday: str | None
    closed_for_bank_holiday: bool


# Month names as a date uses them (Polish "2 grudnia", not "2 grudzień"): the templates format
# dates with "E", which Django looks up with the context "alt. month". Django's catalogues have
# them for most languages; marked here so ours carry them for the others (Somali).
DATE_MONTHS = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)


# --- Nations and bank holidays ----------------------------------------------------------------


def known_nation(nation: str | None) -> str:
    """The nation whose bank holidays apply: one of NATION_SUBDIVISIONS, England if unknown."""
    nation = (nation or "").strip().lower()
    return nation if nation in NATION_SUBDIVISIONS else DEFAULT_NATION


def _gov_uk_name(name: str) -> str:
    substitute = name.endswith(OBSERVED_SUFFIX)
    if substitute:
        name = name.removesuffix(OBSERVED_SUFFIX)
    name = GOV_UK_NAMES.get(name, name)
    return name + SUBSTITUTE_SUFFIX if substitute else name


@lru_cache(maxsize=256)
def _bank_holidays(nation: str, year: int) -> Mapping[date, str]:
    """One nation's bank holidays in one year, by date, in GOV.UK's words.

    The holidays package counts both the day itself and its substitute day when a holiday falls
    at a weekend (Saturday 26 December 2026 and Monday 28 December 2026 are both "Boxing Day").
    GOV.UK lists only the substitute day, but a weekend service shut on Boxing Day is far more
    likely than not, and a wrong "open" sends someone in crisis to a locked door, so both count.
    """
    calendar = holidays.country_holidays("GB", subdiv=NATION_SUBDIVISIONS[nation], years=year)
    return MappingProxyType(
        {
            day: "; ".join(_gov_uk_name(part) for part in name.split("; "))
            for day, name in calendar.items()
        }
    )


def describe_bank_holiday(name: str) -> str:
    """A bank holiday's GOV.UK name (as `is_bank_holiday` gives it) in the active language."""
    parts = []
    for part in name.split("; "):
        if part.endswith(SUBSTITUTE_SUFFIX):
            holiday = _(part.removesuffix(SUBSTITUTE_SUFFIX))
            parts.append(_("%(holiday)s (substitute day)") % {"holiday": holiday})
        else:
            parts.append(_(part))
    return "; ".join(parts)


def is_bank_holiday(day: date, nation: str) -> str | None:
    """The name of the bank holiday on `day` in `nation` (England if unknown), or None."""
    return _bank_holidays(known_nation(nation), day.year).get(day)


def bank_holiday_nations(day: date) -> frozenset[str]:
    """The nations for which `day` is a bank holiday (empty on an ordinary day)."""
    return frozenset(
        nation for nation in NATION_SUBDIVISIONS if _bank_holidays(nation, day.year).get(day)
    )


# --- London's clocks --------------------------------------------------------------------------


def _offset_changes_at(earlier: datetime, later: datetime) -> datetime:
    """The moment (UTC) between two aware datetimes at which London's UTC offset changed.

    London's offset differs at `earlier` and `later`; the change is found by halving, to the
    second (tz database transitions fall on whole seconds).
    """
    offset_after = later.astimezone(LONDON).utcoffset()
    low, high = math.floor(earlier.timestamp()), math.ceil(later.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, LONDON).utcoffset() == offset_after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def moment_in_london(day: date, clock: time) -> datetime:
    """The first moment London's clocks show `clock` on `day`, aware, in Europe/London.

    A time that happens twice (October) is its first occurrence, in BST; a time that never
    happens (the March gap) is the moment the clocks went forward, 02:00 BST.
    """
    wall = datetime.combine(day, clock)
    first = wall.replace(tzinfo=LONDON)  # fold=0: the first occurrence of a repeated time
    if first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) == wall:
        return first
    # In the gap zoneinfo reads the time with the offset from one side of the change or the
    # other (`fold`); the moment the clocks jumped lies between the two readings.
    readings = sorted((first.astimezone(UTC), wall.replace(tzinfo=LONDON, fold=1).astimezone(UTC)))
    return _offset_changes_at(*readings).astimezone(LONDON)


@lru_cache(maxsize=8192)
def _utc_moment(day: date, clock: time) -> datetime:
    """`moment_in_london` in UTC, remembered: a page of results asks for the same few
    opening times on the same few days hundreds of times."""
    return moment_in_london(day, clock).astimezone(UTC)


def _clock_reading(at: datetime) -> datetime:
    """London's wall-clock time at `at` (naive), read under this module's rules.

    Once the clocks have gone back, every time of the repeated hour has already happened at
    its first occurrence, so the second pass reads as the last instant of the first.
    """
    local = at.astimezone(LONDON)
    if not local.fold:
        return local.replace(tzinfo=None)
    first_pass = local.replace(fold=0).astimezone(UTC)
    went_back = _offset_changes_at(first_pass, at)
    return (went_back - timedelta(microseconds=1)).astimezone(LONDON).replace(tzinfo=None)


def _require_aware(at: datetime) -> None:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("The moment needs a time zone, e.g. 2026-12-01T23:30:00+00:00.")


# --- Open now ---------------------------------------------------------------------------------


def _is_24_7(spans: Iterable[SpanLike]) -> bool:
    whole_days = {
        span.weekday
        for span in spans
        if span.opens_at == MIDNIGHT and span.closes_at >= UNTIL_MIDNIGHT
    }
    return whole_days >= set(range(7))


def _wall_span(span: SpanLike, day: date) -> tuple[datetime, datetime]:
    """The naive wall-clock start and end of `span` when it starts on `day`."""
    start = datetime.combine(day, span.opens_at)
    if span.closes_at >= UNTIL_MIDNIGHT:
        return start, datetime.combine(day + timedelta(days=1), MIDNIGHT)
    if span.closes_at < span.opens_at:
        return start, datetime.combine(day + timedelta(days=1), span.closes_at)
    return start, datetime.combine(day, span.closes_at)


def _runs_on(span: SpanLike, day: date, nation: str) -> bool:
    """Whether `span` starts on `day`, bank holidays applied (not for 24/7 services)."""
    if span.weekday != day.weekday():
        return False
    return span.open_bank_holidays or is_bank_holiday(day, nation) is None


def _openings(
    spans: tuple[SpanLike, ...], first_day: date, last_day: date, nation: str
) -> list[tuple[datetime, datetime]]:
    """Every opening starting from `first_day` to `last_day`, as (start, end) in UTC, sorted.

    An opening whose times both fall in the March gap is empty, and left out.
    """
    openings = []
    day = first_day
    while day <= last_day:
        for span in spans:
            if not _runs_on(span, day, nation):
                continue
            start_wall, end_wall = _wall_span(span, day)
            start = _utc_moment(start_wall.date(), start_wall.time())
            end = _utc_moment(end_wall.date(), end_wall.time())
            if start < end:
                openings.append((start, end))
        day += timedelta(days=1)
    return sorted(openings)


def open_state(spans: Iterable[SpanLike], at: datetime, nation: str = DEFAULT_NATION) -> OpenState:
    """Whether `spans` are open at `at` in `nation` (England if unknown), and when that changes.

    `at` must be aware (ValueError if naive); it is read on London's clocks. The answer agrees
    exactly with `open_at_q(at)` in the database.
    """
    _require_aware(at)
    spans = tuple(spans)
    if _is_24_7(spans):
        return OpenState(open_now=True, closes_at=None, next_opens_at=None, always_open=True)
    nation = known_nation(nation)
    now = at.astimezone(UTC)
    today = now.astimezone(LONDON).date()
    horizon = now + timedelta(days=SEARCH_DAYS)
    # A span starting yesterday can still be open (past midnight); none starts earlier and is.
    openings = _openings(
        spans, today - timedelta(days=1), today + timedelta(days=SEARCH_DAYS), nation
    )

    if any(start <= now < end for start, end in openings):
        closes = max(end for start, end in openings if start <= now < end)
        # Merge the openings that begin before (or as) this one ends.
        for start, end in openings:
            if start <= closes < end:
                closes = end
        closes_at = closes.astimezone(LONDON) if closes <= horizon else None
        return OpenState(open_now=True, closes_at=closes_at, next_opens_at=None, always_open=False)

    upcoming = [start for start, _end in openings if now < start <= horizon]
    next_opens_at = min(upcoming).astimezone(LONDON) if upcoming else None
    return OpenState(open_now=False, closes_at=None, next_opens_at=next_opens_at, always_open=False)


def week_ahead(
    spans: Iterable[SpanLike], start: date, nation: str = DEFAULT_NATION, days: int = 7
) -> list[DayHours]:
    """Opening hours for `days` days from `start`, for the service page, bank holidays marked.

    Each span is listed on the day it starts (an overnight span on its evening).
    """
    spans = tuple(sorted(spans, key=lambda span: (span.weekday, span.opens_at)))
    always_open = _is_24_7(spans)
    nation = known_nation(nation)
    week = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        usual = [span for span in spans if span.weekday == day.weekday()]
        bank_holiday = is_bank_holiday(day, nation)
        running = (
            usual
            if always_open or bank_holiday is None
            else [span for span in usual if span.open_bank_holidays]
        )
        week.append(
            DayHours(
                day=day,
                spans=tuple((span.opens_at, span.closes_at) for span in running),
                bank_holiday=bank_holiday,
                closed_for_bank_holiday=bool(usual) and not running,
            )
        )
    return week


# --- Words ------------------------------------------------------------------------------------


def describe_time(clock: time) -> str:
    """A time in GOV.UK style: "9am", "5:30pm", "midday", "midnight"."""
    if clock.hour == 0 and clock.minute == 0:
        return _("midnight")
    if clock.hour == 12 and clock.minute == 0:
        return _("midday")
    hour = clock.hour % 12 or 12
    minutes = f":{clock.minute:02d}" if clock.minute else ""
    return (_("%(time)sam") if clock.hour < 12 else _("%(time)spm")) % {"time": f"{hour}{minutes}"}


def describe_span(opens_at: time, closes_at: time) -> str:
    """A span in plain English: "9:30am to 4:30pm", "6pm to 2am (the next morning)",
    "Open all day" (00:00–23:59), "6pm to midnight" (a closing time of 23:59 or 00:00).

    Raises ValueError for a span that opens and closes at the same time (the database forbids
    it).
    """
    if opens_at == closes_at:
        raise ValueError("A span cannot open and close at the same time.")
    if opens_at == MIDNIGHT and closes_at >= UNTIL_MIDNIGHT:
        return _("Open all day")
    if closes_at >= UNTIL_MIDNIGHT or closes_at == MIDNIGHT:
        closing = describe_time(MIDNIGHT)
    elif closes_at < opens_at:
        closing = (
            _("%(time)s (the next morning)") if closes_at < MIDDAY else _("%(time)s (the next day)")
        ) % {"time": describe_time(closes_at)}
    else:
        closing = describe_time(closes_at)
    text = _("%(opens)s to %(closes)s") % {"opens": describe_time(opens_at), "closes": closing}
    return text[:1].upper() + text[1:]


# --- Reading a moment -------------------------------------------------------------------------

MOMENT_MAX_LENGTH = 40
MOMENT_YEARS = range(2000, 2101)
_MOMENT_PATTERN = re.compile(
    r"""
    [0-9]{4}-[0-9]{2}-[0-9]{2}          # date
    [T\ ]
    [0-9]{2}:[0-9]{2}                   # hours and minutes
    (:[0-9]{2}(\.[0-9]{1,6})?)?         # seconds, fractions
    (Z|[+-][0-9]{2}(:?[0-9]{2})?)?      # UTC offset; none means London time
    """,
    re.VERBOSE | re.ASCII | re.IGNORECASE,
)


def _moment_help() -> str:
    return _("Give a date and time like 2026-12-01T23:30 (London time) or 2026-12-01T23:30:00Z.")


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date and time, aware, in Europe/London.

    Accepts "2026-12-01T23:30:00Z", "2026-12-01T23:30:00+00:00", "2026-12-01T23:30" and
    "2026-12-01 23:30"; a time without an offset is London time (see `moment_in_london` for the
    days the clocks change). Raises ValueError with a plain message for anything else,
    including text over 40 characters and years outside 2000–2100.
    """
    if not isinstance(text, str) or len(text) > MOMENT_MAX_LENGTH:
        raise ValueError(_moment_help())
    text = text.strip()
    if not _MOMENT_PATTERN.fullmatch(text):
        raise ValueError(_moment_help())
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        raise ValueError(
            _("That is not a real date and time. %(help)s") % {"help": _moment_help()}
        ) from None
    if moment.year not in MOMENT_YEARS:
        raise ValueError(
            _("Give a year from %(first)s to %(last)s. %(help)s")
            % {"first": MOMENT_YEARS.start, "last": MOMENT_YEARS.stop - 1, "help": _moment_help()}
        )
    if moment.tzinfo is None:
        return moment_in_london(moment.date(), moment.time())
    return moment.astimezone(LONDON)


# --- The database -----------------------------------------------------------------------------


def open_at_q(at: datetime, prefix: str = "schedules__") -> "Q":
    """A Q over Schedule rows that is true for the spans running at `at`.

    `prefix` is the path to a Schedule: "schedules__" from Service (the service-wide hours;
    `Service.objects.filter(open_at_q(at)).distinct()`), "service_at_locations__schedules__"
    from Service for a location's own hours, "" from Schedule. The answer agrees exactly with
    `open_state(...).open_now` for the same spans and nation.

    Whose bank holidays apply is read from the schedule row itself, not from a path relative to
    the model being filtered: a location's schedule follows its location's nation; a
    service-wide schedule follows the nations of the service's locations, closing if the day
    is a bank holiday in any of them (the cautious answer for a service in two nations);
    a service with no location, or a location with no known nation, counts as England. Every
    condition is a positive lookup on the schedule row or a self-contained subquery, so the
    join to Schedule is shared by the whole Q and no location join multiplies the rows.
    """
    _require_aware(at)
    reading = _clock_reading(at)
    today, clock = reading.date(), reading.time()
    yesterday = today - timedelta(days=1)
    return (_started_today(today, clock, prefix) & _not_closed_for_bank_holiday(today, prefix)) | (
        _started_yesterday(yesterday, clock, prefix)
        & _not_closed_for_bank_holiday(yesterday, prefix)
    )


def _started_today(today: date, clock: time, prefix: str) -> "Q":
    from django.db.models import F, Q

    return Q(**{f"{prefix}weekday": today.weekday(), f"{prefix}opens_at__lte": clock}) & (
        Q(**{f"{prefix}closes_at__gt": clock})
        | Q(**{f"{prefix}closes_at__gte": UNTIL_MIDNIGHT})
        | Q(**{f"{prefix}closes_at__lt": F(f"{prefix}opens_at")})
    )


def _started_yesterday(yesterday: date, clock: time, prefix: str) -> "Q":
    """Overnight spans from yesterday still running after midnight."""
    from django.db.models import F, Q

    return Q(
        **{
            f"{prefix}weekday": yesterday.weekday(),
            f"{prefix}closes_at__lt": F(f"{prefix}opens_at"),
            f"{prefix}closes_at__gt": clock,
        }
    ) & Q(**{f"{prefix}closes_at__lt": UNTIL_MIDNIGHT})


def _not_closed_for_bank_holiday(day: date, prefix: str) -> "Q":
    """Spans starting on `day` that a bank holiday does not close."""
    # Imported here so that the rest of this module stays plain Python, importable and testable
    # without Django's models.
    from django.db.models import Count, Q

    from .models import Location, Schedule, Service, ServiceAtLocation

    nations = bank_holiday_nations(day)
    if not nations:
        return Q()

    in_holiday = Q(nation__in=sorted(nations))
    if DEFAULT_NATION in nations:
        in_holiday |= ~Q(nation__in=list(NATION_SUBDIVISIONS))  # an unknown nation is England
    holiday_locations = Location.objects.filter(in_holiday)
    services_in_holiday = ServiceAtLocation.objects.filter(location__in=holiday_locations).values(
        "service"
    )
    services_without_holiday = Service.objects.exclude(pk__in=services_in_holiday)
    if DEFAULT_NATION in nations:
        # A service with no location counts as England, so it needs a location elsewhere.
        services_without_holiday = services_without_holiday.filter(
            pk__in=ServiceAtLocation.objects.values("service")
        )
    places_without_holiday = ServiceAtLocation.objects.exclude(location__in=holiday_locations)

    whole_days = Schedule.objects.filter(opens_at=MIDNIGHT, closes_at__gte=UNTIL_MIDNIGHT)
    services_24_7 = (
        whole_days.filter(service__isnull=False)
        .values("service")
        .annotate(days=Count("weekday", distinct=True))
        .filter(days=7)
        .values("service")
    )
    places_24_7 = (
        whole_days.filter(service_at_location__isnull=False)
        .values("service_at_location")
        .annotate(days=Count("weekday", distinct=True))
        .filter(days=7)
        .values("service_at_location")
    )
    return (
        Q(**{f"{prefix}open_bank_holidays": True})
        | Q(**{f"{prefix}service__in": services_24_7})
        | Q(**{f"{prefix}service_at_location__in": places_24_7})
        | Q(**{f"{prefix}service__in": services_without_holiday})
        | Q(**{f"{prefix}service_at_location__in": places_without_holiday})
    )
