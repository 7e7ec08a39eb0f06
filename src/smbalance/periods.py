"""Calendar periods (days, weeks, months, years) bounded in a local timezone.

Reports count time per period, and a period must follow the user's wall clock, not
UTC: a week runs from local midnight to local midnight, so a week across a DST change
is 167 or 169 hours long.  Every period is half-open, ``[start, end)``, with both
bounds as aware UTC datetimes, which is what the store compares against.

This module is pure (no I/O, no clock): callers pass ``now`` in.  It depends only on
the standard library so reports can import it cheaply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = [
    "WEEKDAYS",
    "Period",
    "clip_seconds",
    "day_of",
    "last_month",
    "last_week",
    "month_of",
    "parse_week_start",
    "start_of_day",
    "week_label",
    "week_of",
    "weeks_ending",
    "year_of",
]

UTC = dt.UTC

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Period:
    """A half-open span ``[start, end)`` of UTC instants, remembered with its zone.

    ``tz`` is kept so that labels (week numbers, dates) can be computed in the zone the
    period was bounded in.
    """

    start: dt.datetime
    end: dt.datetime
    tz: str

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("period bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @property
    def seconds(self) -> int:
        """Length in seconds (167, 168 or 169 hours for a week, depending on DST)."""
        return int((self.end - self.start).total_seconds())

    def __contains__(self, instant: dt.datetime) -> bool:
        return self.start <= instant < self.end


def parse_week_start(name: str) -> int:
    """Turn ``mon``/``monday`` (any case) into 0 … 6, as ``date.weekday()`` counts."""
    key = name.strip().lower()
    for index, day in enumerate(WEEKDAYS):
        if key in (day, day[:3]):
            return index
    raise ValueError(f"{name!r} is not a weekday; use e.g. monday or sun")


def start_of_day(day: dt.date, tz: str) -> dt.datetime:
    """The first instant of local ``day`` in ``tz``, as an aware UTC datetime.

    Usually local midnight.  If midnight is ambiguous (clocks fall back across it) the
    first occurrence is used; if midnight does not exist (a few zones spring forward at
    00:00) the day starts at the transition instant.  Both cases pick the earliest UTC
    candidate that still lies on ``day`` locally.
    """
    zone = ZoneInfo(tz)
    candidates = []
    for fold in (0, 1):
        local = dt.datetime(day.year, day.month, day.day, fold=fold, tzinfo=zone)
        instant = local.astimezone(UTC)
        if instant.astimezone(zone).date() == day:
            candidates.append(instant)
    if not candidates:  # the whole day was skipped (Pacific/Apia, 2011-12-30)
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    return min(candidates)


def _local_date(instant: dt.datetime, tz: str) -> dt.date:
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return instant.astimezone(ZoneInfo(tz)).date()


def _span(first: dt.date, after: dt.date, tz: str) -> Period:
    """The period from the start of local day ``first`` to the start of ``after``."""
    return Period(start_of_day(first, tz), start_of_day(after, tz), tz)


def _week_from(first: dt.date, tz: str) -> Period:
    return _span(first, first + dt.timedelta(days=7), tz)


def _first_of_week(day: dt.date, week_start: int) -> dt.date:
    if not 0 <= week_start <= 6:
        raise ValueError(f"week_start must be 0 (Monday) … 6 (Sunday), not {week_start}")
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


def _next_month(day: dt.date) -> dt.date:
    if day.month == 12:
        return dt.date(day.year + 1, 1, 1)
    return dt.date(day.year, day.month + 1, 1)


def day_of(instant: dt.datetime, tz: str) -> Period:
    """The local day that holds ``instant`` (23, 24 or 25 hours around DST)."""
    day = _local_date(instant, tz)
    return _span(day, day + dt.timedelta(days=1), tz)


def week_of(instant: dt.datetime, tz: str, week_start: int = 0) -> Period:
    """The local week (starting on weekday ``week_start``, 0=Monday) holding ``instant``."""
    return _week_from(_first_of_week(_local_date(instant, tz), week_start), tz)


def month_of(instant: dt.datetime, tz: str) -> Period:
    """The local calendar month that holds ``instant``."""
    first = _local_date(instant, tz).replace(day=1)
    return _span(first, _next_month(first), tz)


def year_of(instant: dt.datetime, tz: str) -> Period:
    """The local calendar year that holds ``instant``."""
    year = _local_date(instant, tz).year
    return _span(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), tz)


def last_week(now: dt.datetime, tz: str, week_start: int = 0) -> Period:
    """The whole week before the one that holds ``now``."""
    first = _first_of_week(_local_date(now, tz), week_start)
    return _week_from(first - dt.timedelta(days=7), tz)


def last_month(now: dt.datetime, tz: str) -> Period:
    """The whole calendar month before the one that holds ``now``."""
    first = _local_date(now, tz).replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return _span(previous, first, tz)


def weeks_ending(instant: dt.datetime, n: int, tz: str, week_start: int = 0) -> list[Period]:
    """The ``n`` contiguous weeks ending with the week that holds ``instant``, oldest first.

    This is the report's trend: the last week is the (possibly partial) current one.
    """
    if n < 0:
        raise ValueError(f"the number of weeks must not be negative, not {n}")
    last = _first_of_week(_local_date(instant, tz), week_start)
    firsts = [last - dt.timedelta(days=7 * back) for back in range(n - 1, -1, -1)]
    return [_week_from(first, tz) for first in firsts]


def week_label(period: Period, week_start: int = 0) -> str:
    """An ISO-style label such as ``2026-W48`` for a week-long period.

    The label is the ISO year and week of the day three days after the week's first
    (local) day.  For a Monday-start week that day is Thursday, so the label is exactly
    the ISO 8601 week.  For any other ``week_start`` it is the ISO week holding the
    middle day, i.e. the ISO week that shares at least four of the seven days — labels
    of consecutive weeks are therefore distinct and increasing.  A period that does not
    begin on ``week_start`` is labelled by the week that holds its start.
    """
    first = _first_of_week(_local_date(period.start, period.tz), week_start)
    year, week, _ = (first + dt.timedelta(days=3)).isocalendar()
    return f"{year:04d}-W{week:02d}"


def clip_seconds(start: dt.datetime, end: dt.datetime, period: Period) -> int:
    """Seconds of ``[start, end)`` that fall inside ``period`` (never negative).

    The store clips in SQL; this mirror exists for tests and as an oracle.
    """
    overlap = min(end, period.end) - max(start, period.start)
    return max(0, int(overlap.total_seconds()))
