"""Tests for local calendar periods: weeks, months, years, DST-length weeks, clipping."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smbalance.periods import (
    WEEKDAYS,
    Period,
    clip_seconds,
    day_of,
    last_month,
    last_week,
    month_of,
    parse_week_start,
    start_of_day,
    week_label,
    week_of,
    weeks_ending,
    year_of,
)
from smbalance.timeparse import to_epoch

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 27, 14, 5, tzinfo=UTC)  # a Friday
LONDON = "Europe/London"
ZONES = ("Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC")
HOUR = 3600


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def period(start: dt.datetime, end: dt.datetime, tz: str = LONDON) -> Period:
    return Period(to_epoch(start), to_epoch(end), tz)


# --------------------------------------------------------------------------- week_start


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("monday", 0),
        ("mon", 0),
        ("Monday", 0),
        (" MON ", 0),
        ("tue", 1),
        ("wednesday", 2),
        ("thu", 3),
        ("friday", 4),
        ("sat", 5),
        ("sunday", 6),
        ("Sun", 6),
    ],
)
def test_parse_week_start(name: str, index: int) -> None:
    assert parse_week_start(name) == index


@pytest.mark.parametrize("name", ["", "mo", "tues", "moonday", "0", "7", "weekday"])
def test_parse_week_start_invalid(name: str) -> None:
    with pytest.raises(ValueError, match="is not a weekday"):
        parse_week_start(name)


def test_weekdays_match_python_numbering() -> None:
    assert len(WEEKDAYS) == 7
    assert WEEKDAYS[NOW.weekday()] == "friday"


# --------------------------------------------------------------------------- Period


def test_period_seconds_and_contains() -> None:
    p = period(utc(2026, 11, 23), utc(2026, 11, 30))
    assert p.seconds == 168 * HOUR
    assert utc(2026, 11, 23) in p
    assert utc(2026, 11, 30) not in p  # half-open
    assert utc(2026, 11, 29, 23, 59, 59) in p


def test_period_is_frozen() -> None:
    p = period(utc(2026, 11, 23), utc(2026, 11, 30))
    with pytest.raises(AttributeError):
        p.start = utc(2026, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (utc(2026, 11, 30), utc(2026, 11, 23)),
        (utc(2026, 11, 23), utc(2026, 11, 23)),
        (dt.datetime(2026, 11, 23), utc(2026, 11, 30)),
    ],
)
def test_period_rejects_bad_bounds(start: dt.datetime, end: dt.datetime) -> None:
    with pytest.raises(ValueError):
        period(start, end)


def test_period_bounds_are_epoch_seconds() -> None:
    p = period(utc(2026, 11, 23), utc(2026, 11, 30))
    assert (p.start_utc, p.end_utc) == (1795392000, 1795996800)
    assert Period(utc(2026, 11, 23), utc(2026, 11, 30), LONDON) == p  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Period("2026-11-23", 1795996800, LONDON)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- weeks


@pytest.mark.parametrize(
    ("instant", "tz", "week_start", "start", "end"),
    [
        (NOW, LONDON, 0, utc(2026, 11, 23), utc(2026, 11, 30)),
        (NOW, LONDON, 6, utc(2026, 11, 22), utc(2026, 11, 29)),
        (NOW, LONDON, 4, utc(2026, 11, 27), utc(2026, 12, 4)),
        (NOW, LONDON, 5, utc(2026, 11, 21), utc(2026, 11, 28)),
        (utc(2026, 11, 23), LONDON, 0, utc(2026, 11, 23), utc(2026, 11, 30)),  # first instant
        (utc(2026, 11, 29, 23, 59, 59), LONDON, 0, utc(2026, 11, 23), utc(2026, 11, 30)),
        (NOW, "America/New_York", 0, utc(2026, 11, 23, 5), utc(2026, 11, 30, 5)),
        # Sunday 23:30 UTC is already Monday in Sydney: the next local week
        (utc(2026, 11, 29, 23, 30), "Australia/Sydney", 0, utc(2026, 11, 29, 13), None),
    ],
)
def test_week_of(
    instant: dt.datetime, tz: str, week_start: int, start: dt.datetime, end: dt.datetime | None
) -> None:
    week = week_of(instant, tz, week_start)
    assert week.start == start
    if end is not None:
        assert week.end == end
    assert week.tz == tz
    assert instant in week


@pytest.mark.parametrize(
    ("instant", "start", "end", "hours"),
    [
        # spring forward on Sunday 2026-03-29: 167 hours
        (utc(2026, 3, 25), utc(2026, 3, 23), utc(2026, 3, 29, 23), 167),
        # fall back on Sunday 2026-10-25: 169 hours
        (utc(2026, 10, 21), utc(2026, 10, 18, 23), utc(2026, 10, 26), 169),
        (utc(2026, 7, 1), utc(2026, 6, 28, 23), utc(2026, 7, 5, 23), 168),
    ],
)
def test_dst_weeks_in_london(
    instant: dt.datetime, start: dt.datetime, end: dt.datetime, hours: int
) -> None:
    week = week_of(instant, LONDON)
    assert (week.start, week.end) == (start, end)
    assert week.seconds == hours * HOUR


def test_sunday_start_week_holds_the_short_sunday() -> None:
    """A Sunday-start week begins at midnight, before the 01:00 change: 167 hours."""
    week = week_of(utc(2026, 3, 30), LONDON, week_start=6)
    assert week.start == utc(2026, 3, 29)
    assert week.seconds == 167 * HOUR


def test_week_start_out_of_range() -> None:
    with pytest.raises(ValueError, match="week_start"):
        week_of(NOW, LONDON, 7)


def test_naive_instant_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        week_of(dt.datetime(2026, 11, 27), LONDON)


def test_last_week() -> None:
    assert last_week(NOW, LONDON) == period(utc(2026, 11, 16), utc(2026, 11, 23))
    assert last_week(NOW, LONDON, 6) == period(utc(2026, 11, 15), utc(2026, 11, 22))
    # on the first instant of a week, last week is the one just finished
    assert last_week(utc(2026, 11, 23), LONDON).end == utc(2026, 11, 23)
    # the week before the fall-back week ends where that week starts
    assert last_week(utc(2026, 10, 28), LONDON).seconds == 169 * HOUR


def test_weeks_ending() -> None:
    weeks = weeks_ending(NOW, 3, LONDON)
    assert [w.start for w in weeks] == [utc(2026, 11, 9), utc(2026, 11, 16), utc(2026, 11, 23)]
    assert weeks[-1] == week_of(NOW, LONDON)
    assert weeks_ending(NOW, 1, LONDON) == [week_of(NOW, LONDON)]
    assert weeks_ending(NOW, 0, LONDON) == []
    with pytest.raises(ValueError):
        weeks_ending(NOW, -1, LONDON)


def test_weeks_ending_across_both_dst_changes() -> None:
    weeks = weeks_ending(utc(2026, 11, 2), 33, LONDON)  # from 2026-03-23
    hours = [w.seconds // HOUR for w in weeks]
    assert sorted(set(hours)) == [167, 168, 169]
    assert hours.count(167) == 1
    assert hours.count(169) == 1


@settings(max_examples=150, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1980, 1, 1), max_value=dt.datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=1, max_value=60),
    st.sampled_from(ZONES),
    st.integers(min_value=0, max_value=6),
)
def test_weeks_ending_properties(instant: dt.datetime, n: int, tz: str, week_start: int) -> None:
    weeks = weeks_ending(instant, n, tz, week_start)
    assert len(weeks) == n
    assert instant in weeks[-1]
    for earlier, later in itertools.pairwise(weeks):
        assert earlier.end == later.start  # contiguous, no gaps or overlaps
    for week in weeks:
        assert week.seconds in (167 * HOUR, 167.5 * HOUR, 168 * HOUR, 168.5 * HOUR, 169 * HOUR)
        if tz != "Australia/Lord_Howe":
            assert week.seconds in (167 * HOUR, 168 * HOUR, 169 * HOUR)
    labels = [week_label(w, week_start) for w in weeks]
    assert labels == sorted(labels)
    assert len(set(labels)) == n


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("instant", "week_start", "label"),
    [
        (NOW, 0, "2026-W48"),
        (utc(2026, 1, 1), 0, "2026-W01"),  # Thursday: ISO week 1 of 2026
        (utc(2027, 1, 1), 0, "2026-W53"),  # 2026 has 53 ISO weeks
        (utc(2027, 1, 4), 0, "2027-W01"),
        (utc(2024, 12, 30), 0, "2025-W01"),  # Monday in December, ISO year 2025
        (utc(2028, 2, 29), 0, "2028-W09"),
        # Other week starts: labelled by the date of their first day (spec), so the
        # week of Sunday 2026-11-22 is not called 2026-W48 (the ISO week of the 23rd)
        (utc(2026, 11, 22), 6, "2026-11-22"),
        (utc(2026, 11, 28), 6, "2026-11-22"),
        (utc(2026, 11, 29), 6, "2026-11-29"),
        (utc(2026, 11, 27), 2, "2026-11-25"),
    ],
)
def test_week_label(instant: dt.datetime, week_start: int, label: str) -> None:
    assert week_label(week_of(instant, LONDON, week_start), week_start) == label


def test_week_label_matches_iso_for_monday_weeks() -> None:
    day = dt.date(2020, 1, 1)
    for offset in range(0, 3000, 5):
        current = day + dt.timedelta(days=offset)
        instant = dt.datetime.combine(current, dt.time(12), tzinfo=UTC)
        year, week, _ = current.isocalendar()
        assert week_label(week_of(instant, LONDON), 0) == f"{year}-W{week:02d}"


# --------------------------------------------------------------------------- days, months, years


@pytest.mark.parametrize(
    ("instant", "hours"),
    [
        (utc(2026, 3, 29, 12), 23),
        (utc(2026, 10, 25, 12), 25),
        (utc(2026, 11, 27, 12), 24),
        (utc(2028, 2, 29, 12), 24),
    ],
)
def test_day_of(instant: dt.datetime, hours: int) -> None:
    day = day_of(instant, LONDON)
    assert day.seconds == hours * HOUR
    assert instant in day


def test_day_of_leap_day() -> None:
    assert day_of(utc(2028, 2, 29, 23, 59, 59), "UTC") == period(
        utc(2028, 2, 29), utc(2028, 3, 1), "UTC"
    )


@pytest.mark.parametrize(
    ("instant", "start", "end"),
    [
        (NOW, utc(2026, 11, 1), utc(2026, 12, 1)),
        (utc(2026, 12, 31, 23), utc(2026, 12, 1), utc(2027, 1, 1)),
        (utc(2028, 2, 10), utc(2028, 2, 1), utc(2028, 3, 1)),
        (utc(2026, 3, 15), utc(2026, 3, 1), utc(2026, 3, 31, 23)),  # ends in BST
        (utc(2026, 7, 1), utc(2026, 6, 30, 23), utc(2026, 7, 31, 23)),
        (utc(2026, 7, 31, 23, 30), utc(2026, 7, 31, 23), utc(2026, 8, 31, 23)),  # 00:30 BST
    ],
)
def test_month_of(instant: dt.datetime, start: dt.datetime, end: dt.datetime) -> None:
    assert month_of(instant, LONDON) == period(start, end)


def test_month_lengths() -> None:
    assert month_of(utc(2028, 2, 10), "UTC").seconds == 29 * 24 * HOUR
    assert month_of(utc(2027, 2, 10), "UTC").seconds == 28 * 24 * HOUR
    assert month_of(utc(2026, 3, 10), LONDON).seconds == (31 * 24 - 1) * HOUR
    assert month_of(utc(2026, 10, 10), LONDON).seconds == (31 * 24 + 1) * HOUR


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        (NOW, utc(2026, 10, 1, 0) - dt.timedelta(hours=1), utc(2026, 11, 1)),
        (utc(2026, 1, 15), utc(2025, 12, 1), utc(2026, 1, 1)),
        (utc(2028, 3, 1), utc(2028, 2, 1), utc(2028, 3, 1)),
        (utc(2026, 12, 1), utc(2026, 11, 1), utc(2026, 12, 1)),
    ],
)
def test_last_month(now: dt.datetime, start: dt.datetime, end: dt.datetime) -> None:
    assert last_month(now, LONDON) == period(start, end)


def test_year_of() -> None:
    assert year_of(NOW, LONDON) == period(utc(2026, 1, 1), utc(2027, 1, 1))
    assert year_of(utc(2028, 6, 1), "UTC").seconds == 366 * 24 * HOUR
    assert year_of(NOW, "America/New_York") == period(
        utc(2026, 1, 1, 5), utc(2027, 1, 1, 5), "America/New_York"
    )


def test_start_of_day_when_midnight_is_skipped() -> None:
    """Havana springs forward at midnight: 2026-03-08 starts at 01:00 local (05:00 UTC)."""
    assert start_of_day(dt.date(2026, 3, 8), "America/Havana") == utc(2026, 3, 8, 5)
    assert day_of(utc(2026, 3, 8, 12), "America/Havana").seconds == 23 * HOUR


def test_start_of_day_when_midnight_repeats() -> None:
    """Havana falls back from 01:00 to 00:00: the day starts at the first midnight."""
    assert start_of_day(dt.date(2026, 11, 1), "America/Havana") == utc(2026, 11, 1, 4)
    assert day_of(utc(2026, 11, 1, 12), "America/Havana").seconds == 25 * HOUR


# --------------------------------------------------------------------------- clipping


WEEK = period(utc(2026, 11, 23), utc(2026, 11, 30))


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (utc(2026, 11, 24, 9), utc(2026, 11, 24, 10), HOUR),  # inside
        (utc(2026, 11, 22, 23), utc(2026, 11, 23, 1), HOUR),  # Sun 23:00 - Mon 01:00
        (utc(2026, 11, 29, 23), utc(2026, 11, 30, 1), HOUR),  # spans the end
        (utc(2026, 11, 20), utc(2026, 12, 5), WEEK.seconds),  # covers the whole week
        (utc(2026, 11, 20), utc(2026, 11, 23), 0),  # ends at the start: half-open
        (utc(2026, 11, 30), utc(2026, 11, 30, 2), 0),  # starts at the end
        (utc(2026, 12, 1), utc(2026, 12, 2), 0),  # after
    ],
)
def test_clip_seconds(start: dt.datetime, end: dt.datetime, seconds: int) -> None:
    assert clip_seconds(start, end, WEEK) == seconds


def test_midnight_spanning_entry_counts_in_both_weeks() -> None:
    """The spec's example: Sunday 23:00 to Monday 01:00 is one hour in each week."""
    start, end = utc(2026, 11, 29, 23), utc(2026, 11, 30, 1)
    assert clip_seconds(start, end, week_of(start, LONDON)) == HOUR
    assert clip_seconds(start, end, week_of(end, LONDON)) == HOUR


def test_entry_across_the_fall_back_night() -> None:
    """Sat 22:00 BST to Sun 03:00 GMT is six real hours, all in one 169-hour week."""
    start, end = utc(2026, 10, 24, 21), utc(2026, 10, 25, 3)
    week = week_of(start, LONDON)
    assert week.seconds == 169 * HOUR
    assert clip_seconds(start, end, week) == 6 * HOUR
    assert clip_seconds(start, end, day_of(start, LONDON)) == 2 * HOUR
    assert clip_seconds(start, end, day_of(end, LONDON)) == 4 * HOUR


entries = st.tuples(
    st.datetimes(
        min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=1, max_value=40 * 24 * HOUR),
)


@settings(max_examples=150, deadline=None)
@given(entries, st.sampled_from(ZONES), st.integers(min_value=0, max_value=6))
def test_clip_over_a_partition_sums_to_the_entry(
    entry: tuple[dt.datetime, int], tz: str, week_start: int
) -> None:
    """Contiguous weeks (or days) covering an entry split it with nothing lost or doubled."""
    start = entry[0].replace(microsecond=0)
    end = start + dt.timedelta(seconds=entry[1])
    n = (end - start).days // 7 + 3
    weeks = weeks_ending(end, n, tz, week_start)
    assert weeks[0].start <= start
    assert sum(clip_seconds(start, end, w) for w in weeks) == entry[1]
    if entry[1] <= 3 * 24 * HOUR:
        days, day = [], day_of(start, tz)
        while day.start < end:
            days.append(day)
            day = day_of(day.end, tz)
        assert sum(clip_seconds(start, end, d) for d in days) == entry[1]


def test_a_skipped_day_is_empty_and_its_week_short() -> None:
    """Samoa skipped 2011-12-30 entirely; the day "starts" where Dec 31 starts."""
    assert start_of_day(dt.date(2011, 12, 30), "Pacific/Apia") == utc(2011, 12, 30, 10)
    week = week_of(utc(2011, 12, 31, 12), "Pacific/Apia")
    assert week.seconds == 6 * 24 * HOUR
