"""Calendar periods (days, weeks, months, quarters, years) bounded in a local timezone.

Reports count time per period, and a period must follow the user's wall clock, not
UTC: a week runs from local midnight to local midnight, so a week across a DST change
is 167 or 169 hours long.  Every period is half-open, ``[start, end)``, with both
bounds as integer epoch seconds (UTC), which is what the store compares against.

The calendar arithmetic — the first day of a week, month, quarter or year, the one
before it, ISO weeks and labels — is pendulum's.  A local day's first instant is
`timeparse.start_of_day` (standard library), which `status` needs on its lean start-up
path and which handles the zones whose midnight falls in a DST gap.  pendulum is
imported on first use, never when this module is imported, so `config` and `status`
can import it cheaply.

This module is pure (no I/O, no clock): callers pass ``now`` in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from smbalance.timeparse import (
    WEEKDAYS,
    ParseError,
    day_bounds,
    from_epoch,
    local_date,
    parse_week_start,
    start_of_day,
    to_epoch,
)

if TYPE_CHECKING:
    import pendulum

__all__ = [
    "PERIOD_CHOICES",
    "WEEKDAYS",
    "Period",
    "choose_period",
    "clip_seconds",
    "day_label",
    "day_of",
    "last_month",
    "last_quarter",
    "last_week",
    "last_year",
    "month_of",
    "parse_period_label",
    "parse_week_start",
    "quarter_of",
    "start_of_day",
    "week_label",
    "week_of",
    "weeks_ending",
    "year_of",
]

UTC = dt.UTC


class _PeriodFields(NamedTuple):
    start_utc: int
    end_utc: int
    tz: str


class Period(_PeriodFields):
    """A half-open span ``[start_utc, end_utc)`` of epoch seconds, with its zone.

    ``tz`` is kept so that labels (week numbers, dates) can be computed in the zone the
    period was bounded in.  ``start``/``end`` give the bounds as aware datetimes (and
    aware datetimes given as bounds are converted, so callers need not).

    A NamedTuple, not a dataclass (`domain` says why); the checks are in ``__new__``,
    which a NamedTuple's own body may not define, hence the fields' base class.
    """

    __slots__ = ()

    def __new__(cls, start_utc: int, end_utc: int, tz: str) -> Period:
        start, end = _bound(start_utc), _bound(end_utc)
        if end <= start:
            raise ValueError("a period must end after it starts")
        return super().__new__(cls, start, end, tz)

    @property
    def start(self) -> dt.datetime:
        return from_epoch(self.start_utc)

    @property
    def end(self) -> dt.datetime:
        return from_epoch(self.end_utc)

    @property
    def seconds(self) -> int:
        """Length in seconds (167, 168 or 169 hours for a week, depending on DST)."""
        return self.end_utc - self.start_utc

    def __contains__(self, instant: dt.datetime | int) -> bool:
        epoch = instant if isinstance(instant, int) else to_epoch(instant)
        return self.start_utc <= epoch < self.end_utc


def _bound(value: int | dt.datetime) -> int:
    """A period bound as epoch seconds: an aware datetime is taken as its instant."""
    if isinstance(value, dt.datetime):
        return to_epoch(value)
    if not isinstance(value, int):
        raise TypeError(f"a period bound is epoch seconds, not {value!r}")
    return value


def _pendulum():  # type: ignore[no-untyped-def]
    import pendulum

    return pendulum


def _epoch(instant: dt.datetime | int) -> int:
    if isinstance(instant, dt.datetime) and instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return instant if isinstance(instant, int) else to_epoch(instant)


def _local_date(instant: dt.datetime | int, tz: str) -> pendulum.Date:
    """The local calendar date (a pendulum ``Date``) that holds ``instant`` in ``tz``."""
    return _pendulum().from_timestamp(_epoch(instant), tz=tz).date()


def _span(first: dt.date, after: dt.date, tz: str) -> Period:
    """The period from the start of local day ``first`` to the start of ``after``."""
    return Period(to_epoch(start_of_day(first, tz)), to_epoch(start_of_day(after, tz)), tz)


def _first_of_week(day: pendulum.Date, week_start: int) -> pendulum.Date:
    if not 0 <= week_start <= 6:
        raise ValueError(f"week_start must be 0 (Monday) … 6 (Sunday), not {week_start}")
    return day.subtract(days=(int(day.day_of_week) - week_start) % 7)


def _week_from(first: pendulum.Date, tz: str) -> Period:
    return _span(first, first.add(weeks=1), tz)


def _unit(day: pendulum.Date, unit: str, back: int, tz: str) -> Period:
    """The month, quarter or year holding ``day`` (``back`` of them earlier)."""
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    first = day.first_of(unit).subtract(months=months * back)
    return _span(first, first.add(months=months), tz)


def day_of(instant: dt.datetime | int, tz: str) -> Period:
    """The local day that holds ``instant`` (23, 24 or 25 hours around DST)."""
    return Period(*day_bounds(_epoch(instant), tz), tz)


def week_of(instant: dt.datetime | int, tz: str, week_start: int = 0) -> Period:
    """The local week (starting on weekday ``week_start``, 0=Monday) holding ``instant``."""
    return _week_from(_first_of_week(_local_date(instant, tz), week_start), tz)


def last_week(now: dt.datetime | int, tz: str, week_start: int = 0) -> Period:
    """The whole week before the one that holds ``now``."""
    return _week_from(_first_of_week(_local_date(now, tz), week_start).subtract(weeks=1), tz)


def month_of(instant: dt.datetime | int, tz: str) -> Period:
    """The local calendar month that holds ``instant``."""
    return _unit(_local_date(instant, tz), "month", 0, tz)


def last_month(now: dt.datetime | int, tz: str) -> Period:
    """The whole calendar month before the one that holds ``now``."""
    return _unit(_local_date(now, tz), "month", 1, tz)


def quarter_of(instant: dt.datetime | int, tz: str) -> Period:
    """The local calendar quarter (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec) holding ``instant``."""
    return _unit(_local_date(instant, tz), "quarter", 0, tz)


def last_quarter(now: dt.datetime | int, tz: str) -> Period:
    """The whole calendar quarter before the one that holds ``now``."""
    return _unit(_local_date(now, tz), "quarter", 1, tz)


def year_of(instant: dt.datetime | int, tz: str) -> Period:
    """The local calendar year that holds ``instant``."""
    return _unit(_local_date(instant, tz), "year", 0, tz)


def last_year(now: dt.datetime | int, tz: str) -> Period:
    """The whole calendar year before the one that holds ``now``."""
    return _unit(_local_date(now, tz), "year", 1, tz)


def weeks_ending(instant: dt.datetime | int, n: int, tz: str, week_start: int = 0) -> list[Period]:
    """The ``n`` contiguous weeks ending with the week that holds ``instant``, oldest first.

    This is the report's trend: the last week is the (possibly partial) current one.
    """
    if n < 0:
        raise ValueError(f"the number of weeks must not be negative, not {n}")
    last = _first_of_week(_local_date(instant, tz), week_start)
    return [_week_from(last.subtract(weeks=back), tz) for back in range(n - 1, -1, -1)]


def day_label(period: Period) -> str:
    """The local date a period starts on, ``2026-11-27`` (a day's name)."""
    return local_date(period.start_utc, period.tz).isoformat()


def week_label(period: Period, week_start: int = 0) -> str:
    """How a week is named: the ISO week (``2026-W48``) when weeks start on Monday,
    else the date of the week's first day (``2026-11-22``), as the spec says.

    A period that does not begin on ``week_start`` is labelled by the week that holds
    its start.
    """
    first = _first_of_week(_local_date(period.start_utc, period.tz), week_start)
    if week_start == 0:
        year, week, _ = first.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return first.to_date_string()


# --------------------------------------------------------------------------- labels

_LABEL = re.compile(
    r"(?P<year>[0-9]{4})"
    r"(?:-(?:w(?P<week>[0-9]{2})|q(?P<quarter>[1-4])|(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?))?",
    re.ASCII | re.IGNORECASE,
)
LABEL_EXAMPLES = "use e.g. 2026-W47 (ISO week), 2026-11, 2026-Q4, 2026 or 2026-11-27"


def parse_period_label(label: str, tz: str) -> Period:
    """The period a label names, bounded in ``tz``: ``2026-W47`` (ISO week, Monday to
    Sunday, whatever ``week_start`` is: the label says which days), ``2026-11``,
    ``2026-Q4``, ``2026`` or ``2026-11-27``.  ValueError for anything else."""
    pdl = _pendulum()
    key = label.strip()
    match = _LABEL.fullmatch(key)
    if match is None:
        raise ParseError(f"{key!r} is not a period; {LABEL_EXAMPLES}")
    year = int(match["year"])
    if not 1000 <= year <= 9998:
        raise ParseError(f"{key!r} is out of range; use a year from 1000 to 9998")
    try:
        if match["week"]:
            first = pdl.parse(f"{year:04d}-W{match['week']}", exact=True)
            if first.isocalendar()[:2] != (year, int(match["week"])):
                raise ValueError
            return _week_from(first, tz)
        if match["quarter"]:
            return _unit(pdl.date(year, 3 * int(match["quarter"]) - 2, 1), "quarter", 0, tz)
        if match["day"]:
            day = pdl.date(year, int(match["month"]), int(match["day"]))
            return _span(day, day.add(days=1), tz)
        if match["month"]:
            return _unit(pdl.date(year, int(match["month"]), 1), "month", 0, tz)
        return _unit(pdl.date(year, 1, 1), "year", 0, tz)
    except ValueError:
        raise ParseError(f"{key!r} names no such period; {LABEL_EXAMPLES}") from None


# --------------------------------------------------------------------------- choosing

#: The PERIOD options every command shares, and how a warning says each ("this week").
PERIOD_CHOICES: dict[str, tuple[str, str]] = {
    "week": ("--week", "this week"),
    "last_week": ("--last-week", "last week"),
    "month": ("--month", "this month"),
    "last_month": ("--last-month", "last month"),
    "quarter": ("--quarter", "this quarter"),
    "last_quarter": ("--last-quarter", "last quarter"),
    "year": ("--year", "this year"),
    "last_year": ("--last-year", "last year"),
    "all": ("--all", "in this period"),
}


def choose_period(
    choice: str,
    *,
    now: int,
    tz: str,
    week_start: int = 0,
    label: str | None = None,
    start: int | None = None,
    end: int | None = None,
    time_span: Callable[[], tuple[int, int] | None] = lambda: None,
) -> tuple[Period, str]:
    """The period a command's PERIOD options name, and how a warning says it.

    ``choice`` is a key of `PERIOD_CHOICES`, ``period`` (with ``label``) or ``range``
    (with ``start`` and/or ``end``, epoch seconds).  ``time_span`` gives the first
    entry's start and the last entry's end (None on an empty store); it is asked only
    for ``all`` and for a range given one bound.  ValueError when a range ends before
    it starts.
    """
    makers: dict[str, Callable[[], Period]] = {
        "week": lambda: week_of(now, tz, week_start),
        "last_week": lambda: last_week(now, tz, week_start),
        "month": lambda: month_of(now, tz),
        "last_month": lambda: last_month(now, tz),
        "quarter": lambda: quarter_of(now, tz),
        "last_quarter": lambda: last_quarter(now, tz),
        "year": lambda: year_of(now, tz),
        "last_year": lambda: last_year(now, tz),
    }
    if choice in makers:
        return makers[choice](), PERIOD_CHOICES[choice][1]
    if choice == "period":
        assert label is not None
        return parse_period_label(label, tz), f"in {label.strip().upper()}"
    today = day_of(now, tz)
    if choice == "all":
        # From the first entry (or today, on an empty store) to the end of today, or to
        # the last entry's end if one lies beyond it.
        first, last = time_span() or (today.start_utc, today.end_utc)
        return Period(min(first, today.start_utc), max(last, today.end_utc), tz), "in this period"
    if choice != "range":
        raise ValueError(f"unknown period choice {choice!r}")
    stop = end if end is not None else today.end_utc
    if start is None:  # --to alone: from the first entry
        span = time_span()
        start = min(span[0], stop - 1) if span else stop - 1
    if stop <= start:
        raise ValueError(
            "--to must be after --from (a date alone in --to means the end of that day)"
        )
    return Period(start, stop, tz), "in this period"


def clip_seconds(start: dt.datetime | int, end: dt.datetime | int, period: Period) -> int:
    """Seconds of ``[start, end)`` that fall inside ``period`` (never negative).

    The store clips in SQL; this mirror exists for tests and as an oracle.
    """
    first = start if isinstance(start, int) else to_epoch(start)
    after = end if isinstance(end, int) else to_epoch(end)
    return max(0, min(after, period.end_utc) - max(first, period.start_utc))
