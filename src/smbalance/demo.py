"""The demo team: twelve weeks of a five-person business whose marketing slides.

Pure and deterministic: the same `now`, timezone and seed give the same entries, so
the demo can be tested and its report explained.  The story it tells:

- olivia owns the business and sells and markets herself (role `both`);
- sam sells on 70% commission and is meant to do marketing too, but crowds it out,
  more and more over the last weeks;
- carlos is a sales specialist (the right seat: almost no marketing);
- maya is the marketer, pulled into selling as the business chases this month's sales;
- pat works two mornings a week on both.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from smbalance.periods import weeks_ending
from smbalance.timeparse import local_date, to_epoch

WEEKS = 12
SEED = 2026
QUARTER = 15 * 60  # entries are whole quarter hours, as people log them


@dataclass(frozen=True)
class DemoPerson:
    name: str
    role: str
    commission: int
    target: int | None
    hours: float  # a usual working day
    workdays: tuple[int, ...]  # 0 = Monday
    # marketing share of each week, oldest first: steady, then the last four weeks
    marketing: tuple[float, ...]


def _shares(steady: float, *last: float) -> tuple[float, ...]:
    return (steady,) * (WEEKS - len(last)) + last


WEEKDAYS = (0, 1, 2, 3, 4)
TEAM = (
    DemoPerson("olivia", "both", 0, None, 8, WEEKDAYS, _shares(0.42, 0.40, 0.36, 0.32, 0.28)),
    DemoPerson("sam", "both", 70, None, 8, WEEKDAYS, _shares(0.24, 0.22, 0.16, 0.11, 0.06)),
    DemoPerson("carlos", "sales", 40, None, 8, WEEKDAYS, _shares(0.03)),
    DemoPerson("maya", "marketing", 0, None, 7.5, WEEKDAYS, _shares(0.93, 0.92, 0.86, 0.8, 0.72)),
    DemoPerson("pat", "both", 0, 40, 4, (1, 3), _shares(0.5, 0.5, 0.45, 0.45, 0.45)),
)

NOTES = {
    "sales": (
        "calls with prospects",
        "demo for a prospect",
        "proposal follow-ups",
        "pricing for a renewal",
        "visit to a key account",
    ),
    "marketing": (
        "newsletter",
        "blog post",
        "trade show planning",
        "customer survey",
        "website copy",
        "market research",
    ),
}


@dataclass(frozen=True)
class DemoEntry:
    person: str
    category: str
    start: int  # epoch seconds
    end: int
    note: str


def _quarters(seconds: float) -> int:
    return max(0, round(seconds / QUARTER)) * QUARTER


def _day_blocks(person: DemoPerson, share: float, rng: random.Random) -> list[tuple[str, int]]:
    """A day's blocks: (category, seconds), the main job first, lunch after the second."""
    day = _quarters(person.hours * 3600 + rng.choice((-3600, -1800, 0, 0, 1800)))
    marketing = _quarters(day * min(1.0, max(0.0, share + rng.uniform(-0.03, 0.03))))
    sales = day - marketing
    first, second = ("marketing", "sales") if person.role == "marketing" else ("sales", "marketing")
    amounts = {"sales": sales, "marketing": marketing}
    half = _quarters(amounts[first] / 2)
    return [(first, half), (second, amounts[second]), (first, amounts[first] - half)]


def demo_entries(now: int, tz: str, week_start: int = 0, seed: int = SEED) -> list[DemoEntry]:
    """The team's entries over the `WEEKS` weeks ending with the one holding `now`.

    Nothing starts after `now`; a block running at `now` ends there, on the minute
    before it, so the demo shows tidy durations rather than stray seconds.
    """
    now -= now % 60
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    weeks = weeks_ending(now, WEEKS, tz, week_start)
    entries: list[DemoEntry] = []
    for index, week in enumerate(weeks):
        first_day = local_date(week.start_utc, tz)
        for offset in range(7):
            day = first_day + dt.timedelta(days=offset)
            for person in TEAM:
                if day.weekday() in person.workdays:
                    entries += _day(person, person.marketing[index], day, zone, now, rng)
    return entries


def _day(
    person: DemoPerson, share: float, day: dt.date, zone: ZoneInfo, now: int, rng: random.Random
) -> Iterator[DemoEntry]:
    begin = rng.choice((8 * 60 + 30, 8 * 60 + 45, 9 * 60, 9 * 60 + 15))
    cursor = to_epoch(dt.datetime.combine(day, dt.time(begin // 60, begin % 60), zone))
    for number, (category, seconds) in enumerate(_day_blocks(person, share, rng)):
        if number == 2:
            cursor += 45 * 60  # lunch
        start, end = cursor, min(cursor + seconds, now)
        cursor += seconds
        if end - start >= QUARTER:
            yield DemoEntry(person.name, category, start, end, rng.choice(NOTES[category]))
