"""Opening hours: open now, bank holidays, the days the clocks change, and the database Q.

Moments are passed in, never read from a clock. 2026-12-01 is a Tuesday; the clocks go forward
on Sunday 2026-03-29 and back on Sunday 2026-10-25.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory import hours
from directory.hours import LONDON, DayHours, OpenState, Span
from directory.models import Schedule, Service, ServiceAtLocation
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def london(year, month, day, hour=0, minute=0, second=0):
    """A moment on London's clocks (the first one, when the clocks show it twice)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def utc(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def span(weekday, opens, closes, open_bank_holidays=False):
    """A span from "HH:MM" strings."""
    return Span(weekday, time.fromisoformat(opens), time.fromisoformat(closes), open_bank_holidays)


OFFICE_HOURS = tuple(span(day, "09:00", "17:00") for day in (MON, TUE, WED, THU, FRI))
OFFICE_HOURS_BANK_HOLIDAYS_TOO = tuple(replace(s, open_bank_holidays=True) for s in OFFICE_HOURS)
ALL_DAY_EVERY_DAY = tuple(span(day, "00:00", "23:59") for day in range(7))


def opened(closes_at):
    return OpenState(open_now=True, closes_at=closes_at, next_opens_at=None, always_open=False)


def closed(next_opens_at):
    return OpenState(open_now=False, closes_at=None, next_opens_at=next_opens_at, always_open=False)


ALWAYS = OpenState(open_now=True, closes_at=None, next_opens_at=None, always_open=True)


def in_utc(state):
    """The state with its moments in UTC.

    Needed to compare moments in the repeated hour: Python never finds an ambiguous London
    time equal to a moment in another zone (PEP 495), even when it is the same instant.
    """
    return replace(
        state,
        closes_at=state.closes_at and state.closes_at.astimezone(UTC),
        next_opens_at=state.next_opens_at and state.next_opens_at.astimezone(UTC),
    )


OPEN_STATE_CASES = [
    # An evening span written as until 23:59 is open at 23:30 and runs to midnight.
    pytest.param(
        [span(TUE, "18:00", "23:59")],
        london(2026, 12, 1, 23, 30),
        "england",
        opened(london(2026, 12, 2)),
        id="an evening span to 23:59 is open on a Tuesday at 23:30 until midnight",
    ),
    # The same span written as until 00:00 means the same.
    pytest.param(
        [span(TUE, "18:00", "00:00")],
        london(2026, 12, 1, 23, 30),
        "england",
        opened(london(2026, 12, 2)),
        id="an evening span to 00:00 is open on a Tuesday at 23:30 until midnight",
    ),
    # 23:59 means until midnight, so the last seconds before midnight are open.
    pytest.param(
        [span(TUE, "18:00", "23:59")],
        london(2026, 12, 1, 23, 59, 30),
        "england",
        opened(london(2026, 12, 2)),
        id="an evening span to 23:59 is still open at 23:59:30",
    ),
    # An overnight span is open late on its first evening and reports its morning closing.
    pytest.param(
        [span(TUE, "22:00", "06:00")],
        london(2026, 12, 1, 23, 30),
        "england",
        opened(london(2026, 12, 2, 6)),
        id="an overnight span is open on a Tuesday at 23:30 until 6am on Wednesday",
    ),
    # Office hours are shut at 23:30 and open again at 9am the next morning.
    pytest.param(
        OFFICE_HOURS,
        london(2026, 12, 1, 23, 30),
        "england",
        closed(london(2026, 12, 2, 9)),
        id="office hours are closed on a Tuesday at 23:30 and open on Wednesday at 9am",
    ),
    # A Monday 18:00–02:00 span is still open in the small hours of Tuesday.
    pytest.param(
        [span(MON, "18:00", "02:00")],
        london(2026, 12, 1, 1),
        "england",
        opened(london(2026, 12, 1, 2)),
        id="a Monday overnight span is open at 1am on Tuesday until 2am",
    ),
    # Closing time is not open: at 02:00 it is shut until next Monday evening.
    pytest.param(
        [span(MON, "18:00", "02:00")],
        london(2026, 12, 1, 2),
        "england",
        closed(london(2026, 12, 7, 18)),
        id="a Monday overnight span is closed at 2am on Tuesday",
    ),
    # Opening time is open.
    pytest.param(
        OFFICE_HOURS,
        london(2026, 12, 1, 9),
        "england",
        opened(london(2026, 12, 1, 17)),
        id="office hours are open at 9am sharp",
    ),
    # Seven whole days is 24/7.
    pytest.param(
        ALL_DAY_EVERY_DAY,
        london(2026, 12, 1, 23, 30),
        "england",
        ALWAYS,
        id="a 24/7 service is always open",
    ),
    # 24/7 ignores bank holidays, even without open_bank_holidays.
    pytest.param(
        ALL_DAY_EVERY_DAY,
        london(2026, 12, 25, 3),
        "england",
        ALWAYS,
        id="a 24/7 service is open on Christmas Day",
    ),
    # A whole Monday and the small hours of Tuesday are one opening.
    pytest.param(
        [span(MON, "00:00", "23:59"), span(TUE, "00:00", "02:00")],
        london(2026, 11, 30, 12),
        "england",
        opened(london(2026, 12, 1, 2)),
        id="contiguous spans merge into one closing time on Tuesday at 2am",
    ),
    # Overlapping spans on one day merge too.
    pytest.param(
        [span(TUE, "09:00", "13:00"), span(TUE, "12:00", "17:00")],
        london(2026, 12, 1, 10),
        "england",
        opened(london(2026, 12, 1, 17)),
        id="overlapping spans merge into the later closing time",
    ),
    # Between a morning and an afternoon session it is closed until the afternoon.
    pytest.param(
        [span(TUE, "09:00", "12:00"), span(TUE, "13:00", "17:00")],
        london(2026, 12, 1, 12, 30),
        "england",
        closed(london(2026, 12, 1, 13)),
        id="a lunchtime gap is closed until the afternoon session",
    ),
    # No spans, no opening.
    pytest.param(
        [],
        london(2026, 12, 1, 12),
        "england",
        closed(None),
        id="a service with no hours is closed with no next opening",
    ),
    # A moment in another time zone is read on London's clocks.
    pytest.param(
        OFFICE_HOURS,
        datetime(2026, 12, 1, 4, 0, tzinfo=hours.ZoneInfo("America/New_York")),
        "england",
        opened(london(2026, 12, 1, 17)),
        id="a moment given in New York time is read as 9am in London",
    ),
    # Spring forward: 00:59:59 UTC is 00:59:59 GMT, inside Saturday's 18:00–02:00 span,
    # which ends when the clocks show 2am, an hour of the clock later (01:00 UTC).
    pytest.param(
        [span(SAT, "18:00", "02:00")],
        utc(2026, 3, 29, 0, 59, 59),
        "england",
        opened(utc(2026, 3, 29, 1)),
        id="a span ending at 2am on the spring-forward night is open at 00:59 GMT",
    ),
    # Spring forward: 01:00 UTC is 02:00 BST, when that span has closed.
    pytest.param(
        [span(SAT, "18:00", "02:00")],
        utc(2026, 3, 29, 1),
        "england",
        closed(london(2026, 4, 4, 18)),
        id="a span ending at 2am on the spring-forward night is closed at 02:00 BST",
    ),
    # Spring forward: a closing time the clocks skip (01:30) happens as they go forward.
    pytest.param(
        [span(SAT, "18:00", "01:30")],
        utc(2026, 3, 29, 0, 30),
        "england",
        opened(london(2026, 3, 29, 2)),
        id="a closing time in the spring gap closes when the clocks go forward",
    ),
    # Spring forward: an opening time the clocks skip also happens as they go forward.
    pytest.param(
        [span(SUN, "01:30", "05:00")],
        utc(2026, 3, 29, 0, 30),
        "england",
        closed(london(2026, 3, 29, 2)),
        id="an opening time in the spring gap opens when the clocks go forward",
    ),
    # Fall back: Saturday 18:00–02:00 runs until 02:00 GMT, an hour longer than usual.
    pytest.param(
        [span(SAT, "18:00", "02:00")],
        utc(2026, 10, 25, 1, 30),
        "england",
        opened(utc(2026, 10, 25, 2)),
        id="a span ending at 2am on the fall-back night is open at 01:30 GMT until 02:00 GMT",
    ),
    # Fall back: a closing time shown twice (01:30) is the first, 01:30 BST.
    pytest.param(
        [span(SAT, "18:00", "01:30")],
        utc(2026, 10, 25, 0, 15),
        "england",
        opened(utc(2026, 10, 25, 0, 30)),
        id="a closing time in the repeated hour is its first occurrence in BST",
    ),
    # Fall back: once closed at 01:30 BST it stays closed through the repeated hour.
    pytest.param(
        [span(SAT, "18:00", "01:30")],
        utc(2026, 10, 25, 1, 15),
        "england",
        closed(london(2026, 10, 31, 18)),
        id="a span closed at 01:30 BST does not reopen when the clocks show 01:15 again",
    ),
    # Christmas Day 2026 is a Friday: office hours are shut and reopen after Boxing Day's
    # substitute on Monday 28 December.
    pytest.param(
        OFFICE_HOURS,
        london(2026, 12, 25, 10),
        "england",
        closed(london(2026, 12, 29, 9)),
        id="office hours are closed on Christmas Day and the next opening skips Boxing Day",
    ),
    # Monday 28 December 2026 is Boxing Day's substitute day.
    pytest.param(
        OFFICE_HOURS,
        london(2026, 12, 28, 10),
        "england",
        closed(london(2026, 12, 29, 9)),
        id="office hours are closed on the Boxing Day substitute day",
    ),
    # open_bank_holidays keeps the span running on the holiday.
    pytest.param(
        OFFICE_HOURS_BANK_HOLIDAYS_TOO,
        london(2026, 12, 25, 10),
        "england",
        opened(london(2026, 12, 25, 17)),
        id="a span open on bank holidays is open on Christmas Day",
    ),
    # St Andrew's Day, Monday 30 November 2026, is a bank holiday in Scotland only.
    pytest.param(
        OFFICE_HOURS,
        london(2026, 11, 30, 10),
        "scotland",
        closed(london(2026, 12, 1, 9)),
        id="a Scottish service is closed on St Andrew's Day",
    ),
    pytest.param(
        OFFICE_HOURS,
        london(2026, 11, 30, 10),
        "wales",
        opened(london(2026, 11, 30, 17)),
        id="a Welsh service is open on St Andrew's Day",
    ),
    pytest.param(
        OFFICE_HOURS,
        london(2026, 11, 30, 10),
        "england",
        opened(london(2026, 11, 30, 17)),
        id="an English service is open on St Andrew's Day",
    ),
    # St Patrick's Day, Tuesday 17 March 2026, is a bank holiday in Northern Ireland only.
    pytest.param(
        OFFICE_HOURS,
        london(2026, 3, 17, 10),
        "northern_ireland",
        closed(london(2026, 3, 18, 9)),
        id="a Northern Ireland service is closed on St Patrick's Day",
    ),
    pytest.param(
        OFFICE_HOURS,
        london(2026, 3, 17, 10),
        "wales",
        opened(london(2026, 3, 17, 17)),
        id="a Welsh service is open on St Patrick's Day",
    ),
    # The bank-holiday rule looks at the day a span starts: Sunday night runs into the holiday.
    pytest.param(
        [span(SUN, "20:00", "06:00")],
        london(2026, 12, 28, 3),
        "england",
        opened(london(2026, 12, 28, 6)),
        id="a Sunday overnight span runs into a bank-holiday Monday morning",
    ),
    # A span starting on the holiday does not run, not even its after-midnight part.
    pytest.param(
        [span(MON, "20:00", "06:00")],
        london(2026, 12, 29, 3),
        "england",
        closed(london(2027, 1, 4, 20)),
        id="an overnight span starting on a bank holiday does not run past midnight either",
    ),
    # An unknown nation falls back to England's bank holidays.
    pytest.param(
        OFFICE_HOURS,
        london(2026, 12, 28, 10),
        "",
        closed(london(2026, 12, 29, 9)),
        id="a blank nation counts as England",
    ),
    # The next opening after a bank holiday is the following week's.
    pytest.param(
        [span(MON, "09:00", "17:00")],
        london(2026, 12, 28, 10),
        "england",
        closed(london(2027, 1, 4, 9)),
        id="the next opening is found a week after a bank holiday",
    ),
]


@pytest.mark.parametrize(("spans", "at", "nation", "expected"), OPEN_STATE_CASES)
def test_open_state_answers_when_a_service_is_open(spans, at, nation, expected):
    assert in_utc(hours.open_state(spans, at, nation)) == in_utc(expected)


def test_open_state_gives_times_in_london():
    state = hours.open_state(OFFICE_HOURS, utc(2026, 7, 1, 9), "england")
    assert state.closes_at.tzinfo is LONDON
    assert state.closes_at.utcoffset() == timedelta(hours=1)


def test_open_state_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="time zone"):
        hours.open_state(OFFICE_HOURS, datetime(2026, 12, 1, 23, 30))


def test_open_state_looks_no_more_than_14_days_ahead():
    # Fridays only: Christmas Day and New Year's Day 2027 are Fridays, so the next is 8 January,
    # out of reach from the Friday before Christmas and within reach from Christmas Day.
    fridays = [span(FRI, "09:00", "17:00")]
    assert hours.open_state(fridays, london(2026, 12, 18, 18), "england") == closed(None)
    assert hours.open_state(fridays, london(2026, 12, 25, 12), "england") == closed(
        london(2027, 1, 8, 9)
    )


def test_open_state_accepts_schedule_rows():
    rows = [ScheduleFactory.build(weekday=TUE, opens_at=time(18), closes_at=time(2))]
    assert hours.open_state(rows, london(2026, 12, 1, 23, 30)) == opened(london(2026, 12, 2, 2))


# --- Clocks -----------------------------------------------------------------------------------

LONDON_CLOCK_CASES = [
    # The last second of GMT before the clocks go forward.
    (utc(2026, 3, 29, 0, 59, 59), datetime(2026, 3, 29, 0, 59, 59), "GMT"),
    # One second later the clocks show 2am BST.
    (utc(2026, 3, 29, 1), datetime(2026, 3, 29, 2), "BST"),
    # The first pass through 01:xx on the night the clocks go back is BST.
    (utc(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 1, 30), "BST"),
    # The second pass, an hour later, is GMT.
    (utc(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 1, 30), "GMT"),
    # After the change, UTC and London agree.
    (utc(2026, 10, 25, 2), datetime(2026, 10, 25, 2), "GMT"),
]


@pytest.mark.parametrize(("moment", "wall_clock", "zone"), LONDON_CLOCK_CASES)
def test_utc_moments_read_as_londons_clocks_on_the_days_they_change(moment, wall_clock, zone):
    local = moment.astimezone(LONDON)
    assert (local.replace(tzinfo=None), local.tzname()) == (wall_clock, zone)


MOMENT_IN_LONDON_CASES = [
    # An ordinary winter time.
    (date(2026, 12, 1), time(23, 30), utc(2026, 12, 1, 23, 30)),
    # An ordinary summer time.
    (date(2026, 7, 1), time(9), utc(2026, 7, 1, 8)),
    # 01:30 never happens on 29 March 2026: it is when the clocks go forward (01:00 UTC).
    (date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1)),
    # 01:30 happens twice on 25 October 2026: the first, BST.
    (date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
]


@pytest.mark.parametrize(("day", "clock", "expected"), MOMENT_IN_LONDON_CASES)
def test_moment_in_london_is_the_first_moment_the_clocks_show_that_time(day, clock, expected):
    moment = hours.moment_in_london(day, clock)
    assert (moment.astimezone(UTC), moment.tzinfo) == (expected, LONDON)


# --- Bank holidays ----------------------------------------------------------------------------

BANK_HOLIDAY_CASES = [
    # Christmas Day 2026 is a Friday.
    (date(2026, 12, 25), "england", "Christmas Day"),
    # Boxing Day falls on a Saturday: the day itself counts (see hours._bank_holidays)...
    (date(2026, 12, 26), "england", "Boxing Day"),
    # ...and so does its substitute day, on the Monday.
    (date(2026, 12, 28), "england", "Boxing Day (substitute day)"),
    # An ordinary Tuesday.
    (date(2026, 12, 29), "england", None),
    # St Andrew's Day is Scottish.
    (date(2026, 11, 30), "scotland", "St Andrew's Day"),
    (date(2026, 11, 30), "wales", None),
    # St Patrick's Day is Northern Irish.
    (date(2026, 3, 17), "northern_ireland", "St Patrick's Day"),
    (date(2026, 3, 17), "england", None),
    # Scotland has 2 January and no Easter Monday.
    (date(2026, 1, 2), "scotland", "2nd January"),
    (date(2026, 4, 6), "scotland", None),
    (date(2026, 4, 6), "wales", "Easter Monday"),
    # GOV.UK's names, not the package's.
    (date(2026, 5, 4), "england", "Early May bank holiday"),
    (date(2026, 8, 31), "england", "Summer bank holiday"),
    (date(2026, 8, 3), "scotland", "Summer bank holiday"),
    # The Twelfth is a Sunday in 2026, with a substitute on the Monday.
    (
        date(2026, 7, 13),
        "northern_ireland",
        "Battle of the Boyne (Orangemen's Day) (substitute day)",
    ),
    # An unknown nation is England.
    (date(2026, 12, 28), "atlantis", "Boxing Day (substitute day)"),
]


@pytest.mark.parametrize(("day", "nation", "expected"), BANK_HOLIDAY_CASES)
def test_is_bank_holiday_names_the_holiday_in_that_nation(day, nation, expected):
    assert hours.is_bank_holiday(day, nation) == expected


def test_bank_holiday_nations_lists_where_a_day_is_a_holiday():
    assert hours.bank_holiday_nations(date(2026, 11, 30)) == {"scotland"}
    assert hours.bank_holiday_nations(date(2026, 3, 17)) == {"northern_ireland"}
    assert hours.bank_holiday_nations(date(2026, 4, 6)) == {"england", "wales", "northern_ireland"}
    assert hours.bank_holiday_nations(date(2026, 12, 25)) == set(hours.NATION_SUBDIVISIONS)
    assert hours.bank_holiday_nations(date(2026, 12, 1)) == frozenset()


# --- The week ahead ---------------------------------------------------------------------------


def test_week_ahead_marks_bank_holidays():
    spans = [*OFFICE_HOURS, span(SAT, "10:00", "14:00"), span(MON, "18:00", "02:00", True)]
    week = hours.week_ahead(spans, date(2026, 12, 23), "england")
    nine_to_five = ((time(9), time(17)),)
    assert week == [
        # An ordinary Wednesday.
        DayHours(date(2026, 12, 23), nine_to_five, None, False),
        DayHours(date(2026, 12, 24), nine_to_five, None, False),
        # Christmas Day closes the office.
        DayHours(date(2026, 12, 25), (), "Christmas Day", True),
        # Boxing Day on a Saturday closes the Saturday session too.
        DayHours(date(2026, 12, 26), (), "Boxing Day", True),
        # A Sunday with no hours is not "closed for" the holiday.
        DayHours(date(2026, 12, 27), (), None, False),
        # The substitute day keeps only the evening span that opens on bank holidays.
        DayHours(date(2026, 12, 28), ((time(18), time(2)),), "Boxing Day (substitute day)", False),
        DayHours(date(2026, 12, 29), nine_to_five, None, False),
    ]


def test_week_ahead_keeps_24_7_open_on_bank_holidays():
    week = hours.week_ahead(ALL_DAY_EVERY_DAY, date(2026, 12, 25), "england", days=2)
    assert [(d.spans, d.bank_holiday, d.closed_for_bank_holiday) for d in week] == [
        (((time(0), time(23, 59)),), "Christmas Day", False),
        (((time(0), time(23, 59)),), "Boxing Day", False),
    ]


def test_week_ahead_follows_the_services_nation():
    week = hours.week_ahead(OFFICE_HOURS, date(2026, 11, 30), "scotland", days=1)
    assert week == [DayHours(date(2026, 11, 30), (), "St Andrew's Day", True)]


# --- Words ------------------------------------------------------------------------------------

DESCRIBE_SPAN_CASES = [
    # Minutes shown only when there are some.
    ("09:30", "16:30", "9:30am to 4:30pm"),
    ("09:00", "17:00", "9am to 5pm"),
    # An overnight span says when it ends.
    ("18:00", "02:00", "6pm to 2am (the next morning)"),
    ("22:00", "13:00", "10pm to 1pm (the next day)"),
    # A whole day.
    ("00:00", "23:59", "Open all day"),
    # Until midnight, however it is written.
    ("18:00", "23:59", "6pm to midnight"),
    ("18:00", "00:00", "6pm to midnight"),
    # Midnight and midday start a sentence with a capital.
    ("00:00", "06:00", "Midnight to 6am"),
    ("12:00", "17:30", "Midday to 5:30pm"),
    ("08:00", "12:00", "8am to midday"),
    ("23:30", "00:30", "11:30pm to 12:30am (the next morning)"),
]


@pytest.mark.parametrize(("opens", "closes", "expected"), DESCRIBE_SPAN_CASES)
def test_describe_span_says_the_hours_in_plain_english(opens, closes, expected):
    assert hours.describe_span(time.fromisoformat(opens), time.fromisoformat(closes)) == expected


def test_describe_span_refuses_an_empty_span():
    with pytest.raises(ValueError):
        hours.describe_span(time(9), time(9))


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (time(0), "midnight"),
        (time(12), "midday"),
        (time(9), "9am"),
        (time(17, 30), "5:30pm"),
        (time(12, 15), "12:15pm"),
        (time(0, 5), "12:05am"),
        (time(23, 59), "11:59pm"),
    ],
)
def test_describe_time_uses_gov_uk_style(clock, expected):
    assert hours.describe_time(clock) == expected


# --- Reading a moment -------------------------------------------------------------------------

GOOD_MOMENTS = [
    # UTC, with Z.
    ("2026-12-01T23:30:00Z", utc(2026, 12, 1, 23, 30)),
    # No offset: London time.
    ("2026-12-01T23:30", utc(2026, 12, 1, 23, 30)),
    # An explicit offset.
    ("2026-12-01T23:30:00+00:00", utc(2026, 12, 1, 23, 30)),
    # A space instead of T.
    ("2026-12-01 23:30", utc(2026, 12, 1, 23, 30)),
    # London time in summer is BST.
    ("2026-07-01T09:00", utc(2026, 7, 1, 8)),
    # Another offset, converted.
    ("2026-07-01T09:00+05:30", utc(2026, 7, 1, 3, 30)),
    # Fractions of a second, and spaces around.
    (" 2026-12-01T23:30:00.5Z ", utc(2026, 12, 1, 23, 30) + timedelta(milliseconds=500)),
    # A London time the clocks skip is when they go forward.
    ("2026-03-29T01:30", utc(2026, 3, 29, 1)),
    # A London time the clocks show twice is the first.
    ("2026-10-25T01:30", utc(2026, 10, 25, 0, 30)),
]


@pytest.mark.parametrize(("text", "expected"), GOOD_MOMENTS)
def test_parse_moment_reads_iso_8601(text, expected):
    moment = hours.parse_moment(text)
    assert (moment.astimezone(UTC), moment.tzinfo) == (expected, LONDON)


BAD_MOMENTS = [
    "",  # nothing
    "tonight",  # words
    "2026-12-01",  # a date without a time
    "23:30",  # a time without a date
    "2026-02-30T10:00",  # no such day
    "2026-12-01T25:00",  # no such hour
    "9999-12-31T23:59:59Z",  # an absurd year
    "1066-10-14T09:00",  # another
    "2026-12-01T23:30:00+25:00",  # no such offset
    "2026-12-01T23:30:00Z" + " " * 30,  # too long, even if it is mostly space
    "２０２６-12-01T23:30",  # full-width digits
    "2026-12-01T23:30:00Z[Europe/London]",  # not ISO 8601
]


@pytest.mark.parametrize("text", BAD_MOMENTS)
def test_parse_moment_refuses_anything_else_with_a_plain_message(text):
    with pytest.raises(ValueError, match="Give") as error:
        hours.parse_moment(text)
    assert "2026-12-01T23:30" in str(error.value)


def test_parse_moment_refuses_what_is_not_text():
    with pytest.raises(ValueError):
        hours.parse_moment(None)


# --- The database -----------------------------------------------------------------------------


def service_in(nation, *spans):
    """A service with one location in `nation` (None: no location) and service-wide spans."""
    service = ServiceFactory()
    if nation is not None:
        ServiceAtLocationFactory(service=service, location=LocationFactory(nation=nation))
    for s in spans:
        ScheduleFactory(
            service=service,
            weekday=s.weekday,
            opens_at=s.opens_at,
            closes_at=s.closes_at,
            open_bank_holidays=s.open_bank_holidays,
        )
    return service


def services_open_at(at):
    return set(Service.objects.filter(hours.open_at_q(at)).distinct())


@pytest.mark.django_db
@pytest.mark.parametrize(("spans", "at", "nation", "expected"), OPEN_STATE_CASES)
def test_open_at_q_agrees_with_open_state_on_every_case(spans, at, nation, expected):
    service = service_in(nation or None, *spans)
    assert (service in services_open_at(at)) == expected.open_now


@pytest.mark.django_db
def test_open_at_q_closes_a_scottish_service_on_st_andrews_day_only():
    scottish, welsh, english, nowhere = (
        service_in(nation, *OFFICE_HOURS) for nation in ("scotland", "wales", "england", None)
    )
    assert services_open_at(london(2026, 11, 30, 10)) == {welsh, english, nowhere}
    assert services_open_at(london(2026, 12, 1, 10)) == {scottish, welsh, english, nowhere}


@pytest.mark.django_db
def test_open_at_q_closes_a_service_without_a_location_on_englands_holidays():
    nowhere = service_in(None, *OFFICE_HOURS)
    northern_irish = service_in("northern_ireland", *OFFICE_HOURS)
    # Easter Monday is a holiday in England, Wales and Northern Ireland, not Scotland.
    scottish = service_in("scotland", *OFFICE_HOURS)
    assert services_open_at(london(2026, 4, 6, 10)) == {scottish}
    assert nowhere not in services_open_at(london(2026, 12, 28, 10))
    assert northern_irish in services_open_at(london(2026, 11, 30, 10))


@pytest.mark.django_db
def test_open_at_q_closes_a_service_in_two_nations_if_either_has_a_holiday():
    service = service_in("england", *OFFICE_HOURS)
    ServiceAtLocationFactory(service=service, location=LocationFactory(nation="scotland"))
    assert service not in services_open_at(london(2026, 11, 30, 10))
    assert service in services_open_at(london(2026, 12, 1, 10))


@pytest.mark.django_db
def test_open_at_q_keeps_24_7_services_open_on_bank_holidays():
    always = service_in("england", *ALL_DAY_EVERY_DAY)
    service_in("england", *ALL_DAY_EVERY_DAY[:6])  # six whole days is not 24/7
    assert services_open_at(london(2026, 12, 25, 3)) == {always}


@pytest.mark.django_db
def test_open_at_q_reads_a_locations_own_hours_in_its_own_nation():
    service = service_in("england")
    place = ServiceAtLocationFactory(service=service, location=LocationFactory(nation="scotland"))
    ScheduleFactory(service=None, service_at_location=place, weekday=MON)
    on_st_andrews_day = hours.open_at_q(london(2026, 11, 30, 10), prefix="")
    on_the_next_monday = hours.open_at_q(london(2026, 12, 7, 10), prefix="")
    assert not Schedule.objects.filter(on_st_andrews_day).exists()
    assert Schedule.objects.filter(on_the_next_monday).exists()
    # Easter Monday is a holiday in England, not Scotland: the service-wide England rule
    # must not close the Scottish location's own hours.
    assert Schedule.objects.filter(hours.open_at_q(london(2026, 4, 6, 10), prefix="")).exists()
    by_location = "service_at_locations__schedules__"
    at = london(2026, 12, 7, 10)
    assert set(Service.objects.filter(hours.open_at_q(at, prefix=by_location))) == {service}


@pytest.mark.django_db
def test_open_at_q_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="time zone"):
        hours.open_at_q(datetime(2026, 12, 1, 23, 30))


# The property: for random spans, nations and moments, the database and Python agree. Spans and
# nations are drawn near the moment (its weekday and the day before, times around it, the
# nations on holiday), or nothing interesting would be open or closed.

# The days the clocks change, and bank holidays in some nations or all.
INTERESTING_DAYS = [
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2027, 3, 28),
    date(2027, 10, 31),
    date(2026, 1, 2),  # Scotland
    date(2026, 3, 17),  # Northern Ireland
    date(2026, 4, 6),  # not Scotland
    date(2026, 6, 15),  # Scotland
    date(2026, 7, 13),  # Northern Ireland
    date(2026, 8, 3),  # Scotland
    date(2026, 8, 31),  # not Scotland
    date(2026, 11, 30),  # Scotland
    date(2026, 12, 25),  # everywhere
    date(2026, 12, 26),  # everywhere, a Saturday
    date(2026, 12, 28),  # everywhere, a substitute day
]
# When the clocks change (01:00 UTC), from an hour before to two after.
CLOCKS_CHANGE = [
    utc(2026, 3, 29, 1),
    utc(2026, 10, 25, 1),
    utc(2027, 3, 28, 1),
    utc(2027, 10, 31, 1),
]
INTERESTING_CLOCKS = [
    time(h, m)
    for h, m in [(0, 0), (1, 0), (1, 30), (2, 0), (9, 0), (12, 0), (18, 0), (23, 30), (23, 59)]
]
# Seconds from a drawn moment to the others asked about with the same rows.
AROUND = (0, -1, 900, 86400)
QUARTER_HOURS = st.integers(-8, 8).map(lambda n: timedelta(minutes=15 * n))


def at_seconds(start, seconds):
    return start + timedelta(seconds=seconds)


# Any second of an interesting day, or the early hours of the next.
on_interesting_days = st.builds(
    at_seconds,
    st.sampled_from(INTERESTING_DAYS).map(lambda day: datetime.combine(day, time(0), UTC)),
    st.integers(0, 30 * 3600),
)
# Around the clocks changing, on the quarter hour or any second.
around_the_clocks_changing = st.builds(
    at_seconds,
    st.sampled_from(CLOCKS_CHANGE),
    st.one_of(st.integers(-4, 8).map(lambda n: 900 * n), st.integers(-3600, 7200)),
)
# Any quarter hour of 2026 and 2027.
on_any_day = st.builds(
    lambda day, quarter: datetime.combine(day, time(0), UTC) + timedelta(minutes=15 * quarter),
    st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    st.integers(0, 95),
)
moments = st.one_of(
    on_interesting_days, on_interesting_days, around_the_clocks_changing, on_any_day
)


@st.composite
def scenarios(draw):
    """A moment and two to four services, each (nation, spans, 24/7, hours at its location)."""
    at = draw(moments)
    local = at.astimezone(LONDON)
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    near = datetime.combine(today, local.time().replace(minute=local.minute // 15 * 15, second=0))
    near_clocks = QUARTER_HOURS.map(lambda delta: (near + delta).time())
    clocks = st.one_of(
        near_clocks,
        near_clocks,
        st.sampled_from(INTERESTING_CLOCKS),
        st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59])),
    )
    weekdays = st.one_of(st.sampled_from([today.weekday(), yesterday.weekday()]), st.integers(0, 6))
    spans = st.builds(
        Span, weekdays, clocks, clocks, st.integers(0, 3).map(lambda n: n == 0)
    ).filter(lambda s: s.opens_at != s.closes_at)
    on_holiday = sorted(hours.bank_holiday_nations(today) | hours.bank_holiday_nations(yesterday))
    not_on_holiday = [nation for nation in hours.NATION_SUBDIVISIONS if nation not in on_holiday]
    nations = st.one_of(
        st.just(None),
        st.sampled_from(on_holiday or [None]),
        st.sampled_from(not_on_holiday or [None]),
    )
    a_service = st.tuples(
        nations,
        st.lists(spans, min_size=1, max_size=4),
        st.integers(0, 5).map(lambda n: n == 0),  # 24/7 as well, now and then
        st.booleans(),  # the spans belong to its location rather than the whole service
    )
    return at, draw(st.lists(a_service, min_size=2, max_size=4))


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_open_at_q_agrees_with_open_state_for_any_spans_and_moment(scenario):
    at, services = scenario
    with transaction.atomic():
        # Made in bulk: the rows are the slow part of each example.
        organization = OrganizationFactory()
        rows, service_hours, made = [], [], {"services": [], "places": [], "schedules": []}
        for nation, some_spans, twenty_four_seven, at_location in services:
            all_spans = [*some_spans, *(ALL_DAY_EVERY_DAY if twenty_four_seven else ())]
            service = ServiceFactory.build(organization=organization)
            made["services"].append(service)
            place = None
            if nation is not None:
                place = ServiceAtLocationFactory.build(
                    service=service, location=LocationFactory(nation=nation)
                )
                made["places"].append(place)
            owner = {"service": None, "service_at_location": place}
            if not (at_location and place):
                owner = {"service": service}
                service_hours.append((service.pk, all_spans, nation))
            for s in all_spans:
                row = Schedule(
                    weekday=s.weekday,
                    opens_at=s.opens_at,
                    closes_at=s.closes_at,
                    open_bank_holidays=s.open_bank_holidays,
                    **owner,
                )
                made["schedules"].append(row)
                # The span on its own, exempt from bank holidays if its service is 24/7.
                alone = replace(s, open_bank_holidays=s.open_bank_holidays or twenty_four_seven)
                rows.append((row.pk, alone, nation))
        Service.objects.bulk_create(made["services"])
        ServiceAtLocation.objects.bulk_create(made["places"])
        Schedule.objects.bulk_create(made["schedules"])
        service_pks = [pk for pk, _spans, _nation in service_hours]

        # Rows are slow to make and queries quick: ask about moments around `at` as well.
        for moment in [at + timedelta(seconds=delta) for delta in AROUND]:
            found_rows = set(
                Schedule.objects.filter(hours.open_at_q(moment, prefix="")).values_list(
                    "pk", flat=True
                )
            )
            expected_rows = {
                pk
                for pk, alone, nation in rows
                if hours.open_state([alone], moment, nation or "").open_now
            }
            assert found_rows == expected_rows, moment
            found_services = set(
                Service.objects.filter(hours.open_at_q(moment), pk__in=service_pks)
                .distinct()
                .values_list("pk", flat=True)
            )
            expected_services = {
                pk
                for pk, all_spans, nation in service_hours
                if hours.open_state(all_spans, moment, nation or "").open_now
            }
            assert found_services == expected_services, moment
        transaction.set_rollback(True)
