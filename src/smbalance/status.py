"""`status`: the running timers and today's split, and its JSON shape.

Today is the local day that holds "now" in the configured zone; its split counts the
running timers up to now (`domain.add_running`, as `report --current` does).  The CLI
only renders what `build_status` returns.  No Rich, no Typer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from smbalance.domain import SalesMarketingSeconds, TimerRecord
from smbalance.timeparse import day_bounds, iso_z

if TYPE_CHECKING:
    from smbalance.store import Store


# NamedTuples, not dataclasses: `status` is on the lean start-up path, and a frozen
# dataclass costs ~1 ms to build at import (it compiles its generated methods).


class DaySplit(NamedTuple):
    """One person's seconds today (running timers included)."""

    person: str
    sales_seconds: int
    marketing_seconds: int
    total_seconds = SalesMarketingSeconds.total_seconds  # the one definition of each
    marketing_share = SalesMarketingSeconds.marketing_share


class Status(NamedTuple):
    now: int
    timezone: str
    timers: Sequence[TimerRecord]
    day_start: int  # today's bounds in the timezone, epoch seconds
    day_end: int
    people: Sequence[DaySplit]  # sorted by name
    max_entry_seconds: int | None = None  # a timer running longer is probably forgotten

    def forgotten(self) -> list[str]:
        """What to say about each timer that has run longer than `max_entry_hours`
        (the `timer-left-running` warning: probably forgotten, and the fix)."""
        if self.max_entry_seconds is None:
            return []
        from smbalance.policy import timer_warning

        found = (timer_warning(t, self.now, self.max_entry_seconds) for t in self.timers)
        return [w.message for w in found if w is not None]


def build_status(
    store: Store,
    people: Sequence[str],
    now: int,
    timezone: str,
    max_entry_seconds: int | None = None,
) -> Status:
    """The running timers of `people` (everyone when empty) and their split today;
    timers longer than `max_entry_seconds` are probably forgotten."""
    from smbalance.domain import add_running

    start, end = day_bounds(now, timezone)
    timers = store.timers(people)
    totals = {
        s.person: [s.sales_seconds, s.marketing_seconds] for s in store.splits(start, end, people)
    }
    add_running(totals, timers, now, start, end)
    splits = [
        DaySplit(name, sales, marketing) for name, (sales, marketing) in sorted(totals.items())
    ]
    return Status(now, timezone, timers, start, end, splits, max_entry_seconds)


def split_dict(split: DaySplit) -> dict[str, Any]:
    return {
        "person": split.person,
        "sales_seconds": split.sales_seconds,
        "marketing_seconds": split.marketing_seconds,
        "total_seconds": split.total_seconds,
        "marketing_share": split.marketing_share,
    }


def status_dict(status: Status) -> dict[str, Any]:
    """`status --format json`."""
    return {
        "now": iso_z(status.now),
        "timers": [
            {
                "person": t.person,
                "category": t.category,
                "start": iso_z(t.start_utc),
                "seconds": max(status.now - t.start_utc, 0),
                "note": t.note,
                "tags": t.tags,
                "forgotten": status.max_entry_seconds is not None
                and status.now - t.start_utc > status.max_entry_seconds,
            }
            for t in status.timers
        ],
        "today": {
            "start": iso_z(status.day_start),
            "end": iso_z(status.day_end),
            "timezone": status.timezone,
            "people": [split_dict(split) for split in status.people],
        },
    }
