"""Tests for the WHEN/DURATION grammar and instant formatting (spec: "Times and durations").

``NOW`` is fixed (Friday 2026-11-27 14:05 UTC) so every relative form has one answer.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smbalance.timeparse import (
    MAX_DURATION_SECONDS,
    ParseError,
    format_duration,
    format_instant,
    from_epoch,
    iso_z,
    parse_duration,
    parse_iso_utc,
    parse_timezone,
    parse_when,
    to_epoch,
)

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 27, 14, 5, tzinfo=UTC)  # a Friday
LONDON = "Europe/London"
NEW_YORK = "America/New_York"
LORD_HOWE = "Australia/Lord_Howe"  # half-hour DST shift
ZONES = (LONDON, NEW_YORK, LORD_HOWE, "UTC")
WHEN = (
    "is not a time; use e.g. 2026-11-27 14:00, 14:00, 9am,"
    " yesterday 09:30, last mon 09:00, -90m or 2h ago"
)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def when(text: str, tz: str = LONDON, now: dt.datetime = NOW, **kw: bool) -> dt.datetime:
    return parse_when(text, tz=tz, now=now, **kw)


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90m", 5400),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("1.5h", 5400),
        ("1:30", 5400),
        ("45s", 45),
        ("2h", 7200),
        ("1h30m15s", 5415),
        ("1h 30m 15s", 5415),
        ("1m30s", 90),
        ("1h5s", 3605),
        ("  2H ", 7200),
        ("1H30M", 5400),
        ("0:45", 2700),
        ("1:30:15", 5415),
        ("10:00", 36000),
        ("90 minutes", 5400),
        ("2 hours", 7200),
        ("1 hr 5 min", 3900),
        ("30 sec", 30),
        (".5h", 1800),
        ("1.1h", 3960),  # exact, no float drift
        ("0.5s", 1),  # rounds half up
        ("1.4s", 1),
        ("2.5m", 150),
        ("0h30m", 1800),
        ("87672h", MAX_DURATION_SECONDS),
    ],
)
def test_parse_duration_valid(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("90", "'90' has no unit; did you mean 90m?"),
        ("1.5", "'1.5' has no unit; did you mean 1.5m?"),
        ("1h30", "'1h30' has no unit; did you mean 1h30m?"),
        ("1m30", "'1m30' has no unit; did you mean 1m30s?"),
        ("1h-30m", "'1h-30m' is not a duration; use e.g. 90m, 1h30m, 1.5h, 1:30 or 45s"),
        ("-90m", "'-90m' is negative; a duration must be positive, e.g. 90m"),
        ("0m", "'0m' is zero; a duration must be positive, e.g. 90m"),
        ("0:00", "is zero"),
        ("0.4s", "is zero"),
        ("99999999h", "'99999999h' is longer than 10 years"),
        ("87672h1s", "longer than 10 years"),
        ("2d", "is not a duration"),
        ("", "is not a duration"),
        ("   ", "is not a duration"),
        ("h", "is not a duration"),
        ("abc", "is not a duration"),
        ("30m1h", "is not a duration"),  # largest unit first
        ("1h1h", "is not a duration"),
        ("1:60", "is not a duration"),
        ("1:5", "is not a duration"),
        ("1..5h", "is not a duration"),
        ("1,5h", "is not a duration"),
        ("٣m", "is not a duration"),  # Arabic-Indic digit: ASCII only
        ("9" * 200 + "h", "is not a duration"),
    ],
)
def test_parse_duration_invalid(text: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_duration(text)
    assert message in str(info.value)


def test_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_duration("nonsense")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m"),
        (1, "1s"),
        (30, "30s"),
        (59, "59s"),  # seconds only under a minute
        (60, "1m"),
        (89, "1m"),
        (90, "2m"),  # to the nearest minute, half up
        (2700, "45m"),
        (3600, "1h"),
        (3605, "1h"),
        (3629, "1h"),
        (3630, "1h01m"),
        (5415, "1h30m"),
        (8100, "2h15m"),
        (21660, "6h01m"),
        (90000, "25h"),
    ],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_duration_rejects_negative() -> None:
    with pytest.raises(ValueError):
        format_duration(-1)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=MAX_DURATION_SECONDS))
def test_duration_round_trip(seconds: int) -> None:
    """What people read parses back to within half a minute of the exact seconds."""
    assert abs(parse_duration(format_duration(seconds)) - seconds) <= 30


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_parse_duration_never_crashes(text: str) -> None:
    """Any input gives seconds in range or a ParseError, never another exception."""
    try:
        seconds = parse_duration(text)
    except ParseError as error:
        assert "; " in str(error)  # what is wrong; what to do
    else:
        assert 1 <= seconds <= MAX_DURATION_SECONDS


# --------------------------------------------------------------------------- WHEN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO 8601, local to Europe/London (GMT in November)
        ("2026-11-27T14:00", utc(2026, 11, 27, 14)),
        ("2026-11-27 14:00", utc(2026, 11, 27, 14)),
        ("2026-11-27 14:00:30", utc(2026, 11, 27, 14, 0, 30)),
        ("2026-11-27T14:00:30.999", utc(2026, 11, 27, 14, 0, 30)),  # truncated
        ("2026-11-27 9:30", utc(2026, 11, 27, 9, 30)),
        ("2026-07-01 14:00", utc(2026, 7, 1, 13)),  # BST
        # with Z or an offset, the zone is ignored
        ("2026-11-27T14:00Z", utc(2026, 11, 27, 14)),
        ("2026-11-27t14:00:00z", utc(2026, 11, 27, 14)),
        ("2026-07-01T14:00Z", utc(2026, 7, 1, 14)),
        ("2026-11-27 14:00+01:00", utc(2026, 11, 27, 13)),
        ("2026-11-27T14:00:00-05:00", utc(2026, 11, 27, 19)),
        ("2026-11-27T14:00+0530", utc(2026, 11, 27, 8, 30)),
        ("2026-11-27T14:00 +01", utc(2026, 11, 27, 13)),
        # a date alone: local midnight
        ("2026-11-27", utc(2026, 11, 27)),
        ("2026-07-01", utc(2026, 6, 30, 23)),
        ("2028-02-29", utc(2028, 2, 29)),
        # clock times today
        ("14:00", utc(2026, 11, 27, 14)),
        ("09:30", utc(2026, 11, 27, 9, 30)),
        ("9:30", utc(2026, 11, 27, 9, 30)),
        ("23:59:59", utc(2026, 11, 26, 23, 59, 59)),  # later today: its latest occurrence
        ("today 23:59:59", utc(2026, 11, 27, 23, 59, 59)),  # today is always today
        ("today 09:00", utc(2026, 11, 27, 9)),
        ("Today 09:00", utc(2026, 11, 27, 9)),
        ("yesterday 09:30", utc(2026, 11, 26, 9, 30)),
        ("yesterday   23:00", utc(2026, 11, 26, 23)),
        ("today", utc(2026, 11, 27)),
        ("yesterday", utc(2026, 11, 26)),
        # weekdays: the most recent past one (NOW is Friday 14:05)
        ("mon 09:00", utc(2026, 11, 23, 9)),
        ("monday 09:00", utc(2026, 11, 23, 9)),
        ("MON 09:00", utc(2026, 11, 23, 9)),
        ("mon", utc(2026, 11, 23)),
        ("thu", utc(2026, 11, 26)),
        ("sat 10:00", utc(2026, 11, 21, 10)),
        ("sunday", utc(2026, 11, 22)),
        ("fri 14:05", utc(2026, 11, 27, 14, 5)),  # exactly now is not the future
        ("fri 09:00", utc(2026, 11, 27, 9)),
        ("fri 14:06", utc(2026, 11, 20, 14, 6)),  # future today: a week ago
        ("fri", utc(2026, 11, 27)),
        # now and relative
        ("now", NOW),
        ("NOW", NOW),
        ("-90m", utc(2026, 11, 27, 12, 35)),
        ("-1h30m", utc(2026, 11, 27, 12, 35)),
        ("-1:30", utc(2026, 11, 27, 12, 35)),
        ("-45s", utc(2026, 11, 27, 14, 4, 15)),
        ("2h ago", utc(2026, 11, 27, 12, 5)),
        ("2h  ago", utc(2026, 11, 27, 12, 5)),
        ("1h 30m ago", utc(2026, 11, 27, 12, 35)),
        ("90 minutes ago", utc(2026, 11, 27, 12, 35)),
        ("3 hours ago", utc(2026, 11, 27, 11, 5)),
        ("  now  ", NOW),
    ],
)
def test_parse_when_valid(text: str, expected: dt.datetime) -> None:
    result = when(text)
    assert result == expected
    assert result.tzinfo is UTC
    assert result.microsecond == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27", utc(2026, 11, 28)),
        ("2026-11-30", utc(2026, 12, 1)),  # --from 2026-11-01 --to 2026-11-30 = November
        ("2026-12-31", utc(2027, 1, 1)),
        ("2028-02-28", utc(2028, 2, 29)),
        ("2028-02-29", utc(2028, 3, 1)),
        ("2026-03-29", utc(2026, 3, 29, 23)),  # 23-hour day, ends at BST midnight
        ("2026-10-25", utc(2026, 10, 26)),  # 25-hour day
        ("today", utc(2026, 11, 28)),
        ("yesterday", utc(2026, 11, 27)),
        ("mon", utc(2026, 11, 24)),
        ("fri", utc(2026, 11, 28)),
        # a time means that instant, even in --to
        ("2026-11-27 14:00", utc(2026, 11, 27, 14)),
        ("today 09:00", utc(2026, 11, 27, 9)),
        ("14:00", utc(2026, 11, 27, 14)),
        ("now", NOW),
        ("-90m", utc(2026, 11, 27, 12, 35)),
    ],
)
def test_parse_when_end_of_day(text: str, expected: dt.datetime) -> None:
    assert when(text, end_of_day=True) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("garbage", WHEN),
        ("", WHEN),
        ("tomorrow", WHEN),
        ("mon09:00", WHEN),
        ("monday 09:00 extra", "has no valid time of day"),
        ("next monday", WHEN),
        ("2026/11/27", WHEN),
        ("27-11-2026", WHEN),
        ("2026-11-27T", WHEN),
        ("2026-11-27Z", WHEN),  # an offset needs a time
        ("1h30m", WHEN),  # a duration is not a time
        ("ago", WHEN),
        ("-", WHEN),
        ("-abc", WHEN),
        ("+90m", WHEN),
        ("2026-02-30", "'2026-02-30' is not a valid date; use e.g. 2026-11-27"),
        ("2027-02-29", "is not a valid date"),
        ("2026-13-01 10:00", "is not a valid date"),
        ("2026-11-27 24:00", "is not a valid time of day"),
        ("25:00", "is not a valid time of day"),
        ("12:60", "is not a valid time of day"),
        ("12:00:60", "is not a valid time of day"),
        ("today 9", "'today 9' has no valid time of day; use e.g. today 09:30"),
        ("mon noon", "has no valid time of day"),
        ("2026-11-27T14:00+24:00", "has an invalid UTC offset"),
        ("2026-11-27T14:00+01:75", "has an invalid UTC offset"),
        ("-90", "'-90' has no unit; did you mean -90m?"),
        ("90 ago", "'90 ago' has no unit; did you mean 90m ago?"),
        ("-99999999h", "more than 10 years ago"),
        ("x" * 500, WHEN),
        ("0999-12-31 12:00", "out of range; use a time from the year 1000 to 9998"),
        ("9999-01-01 00:01", "out of range"),
        ("0001-01-01 00:30", "out of range"),  # local midnight of year 1 overflows UTC
    ],
)
def test_parse_when_invalid(text: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        when(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "tz"),
    [
        ("2026-03-29 01:30", LONDON),
        ("2026-03-29 01:00", LONDON),
        ("2026-03-29 01:59:59", LONDON),
        ("2026-03-08 02:30", NEW_YORK),
        ("2026-10-04 02:15", LORD_HOWE),  # Lord Howe skips 02:00-02:30
    ],
)
def test_parse_when_spring_forward_gap_is_an_error(text: str, tz: str) -> None:
    with pytest.raises(ParseError, match=r"does not exist in .* DST change"):
        when(text, tz=tz)


def test_gap_error_for_relative_day_words() -> None:
    """``today 01:30`` on the spring-forward Sunday is just as impossible."""
    sunday = utc(2026, 3, 29, 12)
    with pytest.raises(ParseError, match="DST"):
        when("today 01:30", now=sunday)
    with pytest.raises(ParseError, match="DST"):
        when("sun 01:30", now=sunday)


def test_weekday_gap_later_today_means_last_week() -> None:
    """Before the gap, ``sun 01:30`` is the previous Sunday, which did have 01:30."""
    just_after_midnight = utc(2026, 3, 29, 0, 30)
    assert when("sun 01:30", now=just_after_midnight) == utc(2026, 3, 22, 1, 30)


def test_weekday_in_the_repeated_hour_uses_the_first_occurrence() -> None:
    """During the second 01:xx, the first 01:30 has already happened: it is today."""
    second_0110 = utc(2026, 10, 25, 1, 10)  # 01:10 GMT, after 01:10 BST
    assert when("sun 01:30", now=second_0110) == utc(2026, 10, 25, 0, 30)


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        # ambiguous wall times: the first (earlier) occurrence
        ("2026-10-25 01:30", LONDON, utc(2026, 10, 25, 0, 30)),
        ("2026-10-25 01:00", LONDON, utc(2026, 10, 25, 0, 0)),
        ("2026-11-01 01:30", NEW_YORK, utc(2026, 11, 1, 5, 30)),
        ("2026-04-05 01:45", LORD_HOWE, utc(2026, 4, 4, 14, 45)),
        # an offset picks either occurrence
        ("2026-10-25 01:30+01:00", LONDON, utc(2026, 10, 25, 0, 30)),
        ("2026-10-25 01:30+00:00", LONDON, utc(2026, 10, 25, 1, 30)),
        ("2026-11-01 01:30-05:00", NEW_YORK, utc(2026, 11, 1, 6, 30)),
        # just outside the transitions
        ("2026-10-25 02:00", LONDON, utc(2026, 10, 25, 2)),
        ("2026-10-25 00:59", LONDON, utc(2026, 10, 24, 23, 59)),
        ("2026-03-29 00:59", LONDON, utc(2026, 3, 29, 0, 59)),
        ("2026-03-29 02:00", LONDON, utc(2026, 3, 29, 1)),
    ],
)
def test_parse_when_around_dst(text: str, tz: str, expected: dt.datetime) -> None:
    assert when(text, tz=tz) == expected


def test_weekday_on_that_weekday_before_the_time_goes_back_a_week() -> None:
    monday_morning = utc(2026, 11, 23, 8)
    assert when("mon 09:00", now=monday_morning) == utc(2026, 11, 16, 9)
    assert when("mon 08:00", now=monday_morning) == utc(2026, 11, 23, 8)
    assert when("mon", now=monday_morning) == utc(2026, 11, 23)


def test_today_is_the_local_day_not_the_utc_day() -> None:
    """At 23:30 UTC it is already tomorrow in Sydney."""
    late = utc(2026, 11, 27, 23, 30)
    assert when("today", tz="Australia/Sydney", now=late) == utc(2026, 11, 27, 13)
    assert when("09:00", tz="Australia/Sydney", now=late) == utc(2026, 11, 27, 22)
    assert when("today", tz=NEW_YORK, now=late) == utc(2026, 11, 27, 5)


def test_yesterday_across_dst_day() -> None:
    monday = utc(2026, 3, 30, 12)
    assert when("yesterday", now=monday) == utc(2026, 3, 29)
    assert when("yesterday", now=monday, end_of_day=True) == utc(2026, 3, 29, 23)


def test_now_is_normalised_to_utc_seconds() -> None:
    paris = dt.datetime(2026, 11, 27, 15, 5, 7, 999999, tzinfo=ZoneInfo("Europe/Paris"))
    assert when("now", now=paris) == utc(2026, 11, 27, 14, 5, 7)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        when("now", now=dt.datetime(2026, 11, 27, 14, 5))


def test_unknown_zone_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="Europe/London"):
        when("14:00", tz="Mars/Olympus")


def test_the_last_day_of_the_range_ends_within_it() -> None:
    assert when("9998-12-31", end_of_day=True) == dt.datetime(9999, 1, 1, tzinfo=UTC)
    with pytest.raises(ParseError, match="out of range"):
        when("9999-12-31", end_of_day=True)  # the day after does not exist at all


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.sampled_from(ZONES), st.booleans())
def test_parse_when_never_crashes(text: str, tz: str, end_of_day: bool) -> None:
    try:
        result = when(text, tz=tz, end_of_day=end_of_day)
    except ParseError as error:
        assert "; " in str(error)  # what is wrong; what to do
    else:
        assert result.tzinfo is UTC


# --------------------------------------------------------------------------- format_instant


@pytest.mark.parametrize(
    ("instant", "tz", "text"),
    [
        (utc(2026, 11, 27, 14), LONDON, "2026-11-27 14:00"),
        (utc(2026, 11, 27, 14, 0, 5), LONDON, "2026-11-27 14:00:05"),
        (utc(2026, 7, 1, 13), LONDON, "2026-07-01 14:00"),
        (utc(2026, 10, 25, 0, 30), LONDON, "2026-10-25 01:30+01:00"),
        (utc(2026, 10, 25, 1, 30), LONDON, "2026-10-25 01:30+00:00"),
        (utc(2026, 10, 25, 2, 0), LONDON, "2026-10-25 02:00"),
        (utc(2026, 11, 1, 6, 30), NEW_YORK, "2026-11-01 01:30-05:00"),
        (utc(2026, 4, 4, 14, 45), LORD_HOWE, "2026-04-05 01:45+11:00"),
        (utc(2026, 4, 4, 15, 15), LORD_HOWE, "2026-04-05 01:45+10:30"),
        (utc(2026, 11, 27, 14), "UTC", "2026-11-27 14:00"),
        (utc(2026, 11, 27, 23, 30), "Australia/Sydney", "2026-11-28 10:30"),
    ],
)
def test_format_instant(instant: dt.datetime, tz: str, text: str) -> None:
    assert format_instant(instant, tz) == text


# Instants near the 2026/2027 transitions are where round trips can break, so most
# examples are drawn from a few hours either side of them.
TRANSITIONS = [
    utc(2026, 3, 29, 1),
    utc(2026, 10, 25, 1),
    utc(2026, 3, 8, 7),
    utc(2026, 11, 1, 6),
    utc(2026, 4, 4, 15),
    utc(2026, 10, 3, 15, 30),
    utc(2027, 3, 28, 1),
    utc(2027, 10, 31, 1),
]
near_transition = st.builds(
    lambda base, offset: base + dt.timedelta(seconds=offset),
    st.sampled_from(TRANSITIONS),
    st.integers(min_value=-3 * 3600, max_value=3 * 3600),
)
any_instant = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2099, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(near_transition, any_instant), st.sampled_from(ZONES))
def test_format_instant_round_trips(instant: dt.datetime, tz: str) -> None:
    instant = instant.replace(microsecond=0)
    assert when(format_instant(instant, tz), tz=tz) == instant


def test_format_instant_requires_aware() -> None:
    with pytest.raises(ValueError):
        format_instant(dt.datetime(2026, 1, 1), LONDON)


# --------------------------------------------------------------------------- zones


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        (" America/New_York ", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Australia/Lord_Howe", "Australia/Lord_Howe"),
    ],
)
def test_parse_timezone_valid(name: str, canonical: str) -> None:
    assert parse_timezone(name) == canonical


@pytest.mark.parametrize(
    "name", ["", "Mars/Olympus", "Europe", "../etc/passwd", "/etc/x", "+01:00"]
)
def test_parse_timezone_invalid(name: str) -> None:
    with pytest.raises(ParseError, match="such as Europe/London"):
        parse_timezone(name)


# --------------------------------------------------------------------------- ISO/epoch


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (utc(2026, 11, 27, 14), "2026-11-27T14:00:00Z"),
        (utc(2026, 11, 27, 14, 0, 5, 900000), "2026-11-27T14:00:05Z"),
        (dt.datetime(2026, 11, 27, 15, tzinfo=ZoneInfo("Europe/Paris")), "2026-11-27T14:00:00Z"),
        (utc(999, 1, 2, 3, 4, 5), "0999-01-02T03:04:05Z"),
    ],
)
def test_iso_z(instant: dt.datetime, text: str) -> None:
    assert iso_z(to_epoch(instant)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27T14:00:00Z", utc(2026, 11, 27, 14)),
        ("2026-11-27T14:00Z", utc(2026, 11, 27, 14)),
        ("2026-11-27 14:00:00Z", utc(2026, 11, 27, 14)),
        ("2026-11-27T15:00:00+01:00", utc(2026, 11, 27, 14)),
        ("2026-11-27T09:00:00-05:00", utc(2026, 11, 27, 14)),
        ("2026-11-27T14:00:00.75Z", utc(2026, 11, 27, 14)),
        ("2026-11-27T14:00:00+00:00", utc(2026, 11, 27, 14)),
    ],
)
def test_parse_iso_utc_valid(text: str, expected: dt.datetime) -> None:
    result = parse_iso_utc(text)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    ["2026-11-27T14:00:00", "2026-11-27", "now", "", "2026-02-30T00:00:00Z", "1795788000"],
)
def test_parse_iso_utc_invalid(text: str) -> None:
    with pytest.raises(ParseError):
        parse_iso_utc(text)


def test_parse_iso_utc_naive_message() -> None:
    with pytest.raises(ParseError, match=re.escape("no UTC offset; use e.g. 2026-11-27T14:00:00Z")):
        parse_iso_utc("2026-11-27T14:00:00")


@settings(max_examples=200, deadline=None)
@given(any_instant)
def test_iso_and_epoch_round_trip(instant: dt.datetime) -> None:
    instant = instant.replace(microsecond=0)
    assert parse_iso_utc(iso_z(to_epoch(instant))) == instant
    assert from_epoch(to_epoch(instant)) == instant


def test_epoch() -> None:
    assert to_epoch(utc(1970, 1, 1)) == 0
    assert to_epoch(NOW) == 1795788300
    assert to_epoch(utc(1969, 12, 31, 23, 59, 59)) == -1
    assert from_epoch(1795788300) == NOW
    assert from_epoch(0).tzinfo is UTC
    with pytest.raises(ValueError):
        to_epoch(dt.datetime(2026, 1, 1))
