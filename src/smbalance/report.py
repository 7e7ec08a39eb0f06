"""The report: store + period + policy → a typed `Report`, and its JSON and CSV shapes.

All sums come from SQL (`Store.splits`, `Store.period_totals`); this module only joins
them with the people's seats and asks the policy for warnings.  No Rich, no Typer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from smbalance.domain import SalesMarketingSeconds, add_running, plural
from smbalance.periods import Period, day_label, day_of, week_label, weeks_ending
from smbalance.policy import (
    BalanceWarning,
    Forecast,
    PersonSplit,
    Tense,
    effective_target,
    evaluate,
    forecast,
)
from smbalance.timeparse import iso_z

if TYPE_CHECKING:
    from smbalance.domain import PolicyConfig, TimerRecord
    from smbalance.store import Store

PERSON_FIELDS = (
    "person",
    "role",
    "commission",
    "target",
    "sales_seconds",
    "marketing_seconds",
    "total_seconds",
    "marketing_share",
)
BREAKDOWNS = ("day", "tag")  # report --by
UNTAGGED = "(untagged)"  # the key of untagged time; no tag can be spelled so
BREAKDOWN_FIELDS = ("key", "person", "sales_seconds", "marketing_seconds")


# NamedTuples, not dataclasses (`domain` says why); those with `SalesMarketingSeconds`'
# numbers keep their fields in a base of their own, as a NamedTuple has no other bases.


class _TrendWeekFields(NamedTuple):
    week: str  # e.g. 2026-W48
    start: int  # epoch seconds
    sales_seconds: int
    marketing_seconds: int


class TrendWeek(_TrendWeekFields, SalesMarketingSeconds):
    __slots__ = ()


class _BreakdownRowFields(NamedTuple):
    key: str  # "2026-11-27", a tag, or UNTAGGED
    person: str
    sales_seconds: int
    marketing_seconds: int


class BreakdownRow(_BreakdownRowFields, SalesMarketingSeconds):
    """One person's time under one key of a breakdown: a local day or a tag."""

    __slots__ = ()


class Report(NamedTuple):
    period: Period
    label: str  # how people say the period: "this week", "2026-11-01 – 2026-11-30"
    people: list[PersonSplit]
    team: PersonSplit  # person = scope ("team" or "selection"); role/commission unused
    trend: list[TrendWeek]
    warnings: list[BalanceWarning]
    policy: PolicyConfig
    by: str | None = None  # "day" or "tag" (report --by), else no breakdown
    breakdown: list[BreakdownRow] = []  # shared, never mutated  # noqa: RUF012
    current: bool = False  # running timers counted up to now (report --current)
    forecast: Forecast = Forecast(None, None, None, 0)
    over: bool = False  # the period has ended: remedies say what would have been needed

    @property
    def scope(self) -> str:
        """ "team", or "selection" when --who narrows the report (never "the team")."""
        return self.team.person

    @property
    def empty(self) -> bool:
        return self.team.total_seconds == 0

    def warnings_for(self, person: str | None) -> list[BalanceWarning]:
        return [w for w in self.warnings if w.person == person]

    def flag(self, split: PersonSplit) -> str | None:
        """Which cell of the person's row a human table marks with "!": "mktg%" for a
        share below target (both seats) or a sales specialist's marketing; "sales" for a
        marketer burdened with selling (their 78.9% marketing is the right seat, not the
        fault); "person" for a warning about logging or a timer; else None."""
        codes = {w.code for w in self.warnings_for(split.person)}
        if codes & {"commission-crowding", "below-target"} or (
            "role-overload" in codes and split.role == "sales"
        ):
            return "mktg%"
        if "role-overload" in codes:
            return "sales"
        return "person" if codes else None

    @property
    def verdict(self) -> str | None:
        """What a report without warnings says: in balance only with time to judge."""
        if self.warnings:
            return None
        if self.empty:
            return "No warnings, but nobody logged time in this period: nothing to judge."
        return "No warnings: selling and marketing are in balance."

    @property
    def forecast_text(self) -> str:
        """The line under the trend chart: where the weekly share is heading."""
        ahead, floor = self.forecast, f"{self.policy.floor:g}%"
        if ahead.slope is None:
            return (
                f"Trend: fewer than 3 of the last {self.policy.trend_weeks} weeks have data; "
                "no forecast yet."
            )
        direction = "falling" if ahead.slope < 0 else "rising"
        pace = f"Trend: {direction} {abs(ahead.slope):.1f} points a week"
        if ahead.weeks_to_floor is not None:
            return (
                f"{pace}; at this pace the share crosses the {floor} floor in about "
                f"{plural(ahead.weeks_to_floor, 'week')}."
            )
        if ahead.weeks_below:
            return f"{pace}; below the {floor} floor for {plural(ahead.weeks_below, 'week')}."
        return f"{pace}."


def target_shown(split: PersonSplit) -> float | None:
    """The target a human table shows: none for a sales specialist (no marketing is the
    right seat for them), else the effective target."""
    return None if split.role == "sales" else split.target


def build_report(
    store: Store,
    period: Period,
    *,
    policy: PolicyConfig,
    people: Sequence[str] = (),
    trend_weeks: int = 8,
    week_start: int = 0,
    label: str = "in this period",
    by: str | None = None,
    running_until: int | None = None,
    now: int | None = None,
    max_entry_seconds: int | None = None,
) -> Report:
    """The report of `period`, narrowed to `people` when given (team and trend too).

    `by` ("day" or "tag") adds a breakdown; `running_until` (report --current) counts
    running timers as entries that end then.  `now` tells a running period from a
    finished one (the tense of remedies) and, with `max_entry_seconds`, judges running
    timers (`timer-left-running`).  With `people` the summed row is the selection and
    no team warning is raised.
    """
    start, end = period.start_utc, period.end_utc
    # The period and the trend's weeks before it: damage there is one clean error.
    weeks_back = max(trend_weeks, policy.trend_weeks) + 1
    store.require_sound(min(start, end - weeks_back * 7 * 86_400), end)
    seats = {p.name: p for p in store.people()}
    running = store.timers(people)
    timers = running if running_until is not None else []
    sums = {
        s.person: [s.sales_seconds, s.marketing_seconds] for s in store.splits(start, end, people)
    }
    add_running(sums, timers, running_until, start, end)
    # Time in the trend_weeks weeks before the period, for those with none in it.
    before = start - policy.trend_weeks * 7 * 86400
    absent = {
        s.person: s.total_seconds
        for s in store.splits(before, start, people)
        if s.person not in sums and s.total_seconds
    }
    judged = now is not None and max_entry_seconds is not None
    late = {t.person for t in running if judged and now - t.start_utc > max_entry_seconds}  # type: ignore[operator]
    # Judged: everyone with time, everyone --who names, and those a data warning is
    # about.  Shown (SPEC: `people`): only the first two; a silent person or a forgotten
    # timer is told in the warnings, never as a row of zeros that scripts would count.
    shown = set(sums) | set(people)
    names = sorted(shown | set(absent) | late)
    splits = []
    for name in names:
        seat, (sales, marketing) = seats[name], sums.get(name, (0, 0))
        splits.append(
            PersonSplit(
                person=name,
                role=seat.role,
                commission=seat.commission,
                target=effective_target(seat.target, policy),
                sales_seconds=sales,
                marketing_seconds=marketing,
            )
        )
    team = PersonSplit(
        "selection" if people else "team",
        "both",
        0,
        policy.floor,
        sum(s.sales_seconds for s in splits),
        sum(s.marketing_seconds for s in splits),
    )
    weeks = _weeks(
        store,
        period,
        max(trend_weeks, policy.trend_weeks),
        week_start,
        people,
        timers,
        running_until,
    )
    shares = [w.marketing_share for w in weeks]
    tense = Tense(label, over=now is not None and now >= end)
    warnings = evaluate(
        splits,
        team.sales_seconds,
        team.marketing_seconds,
        shares,
        policy,
        tense,
        scope=team.person,
        absent=absent,
        timers=running,
        now=now,
        max_entry_seconds=max_entry_seconds,
    )
    splits = [s for s in splits if s.person in shown]
    trend = weeks[len(weeks) - trend_weeks :] if trend_weeks else []
    breakdown = []
    if by == "day":
        breakdown = _by_day(store, period, people, timers, running_until)
    elif by == "tag":
        breakdown = _by_tag(store, start, end, people, timers, running_until)
    return Report(
        period,
        label,
        splits,
        team,
        trend,
        warnings,
        policy,
        by=by,
        breakdown=breakdown,
        current=running_until is not None,
        forecast=forecast(shares, policy),
        over=tense.over,
    )


def _weeks(
    store: Store,
    period: Period,
    count: int,
    week_start: int,
    people: Sequence[str],
    timers: Sequence[TimerRecord] = (),
    running_until: int | None = None,
) -> list[TrendWeek]:
    """The `count` weeks ending with the one that holds the period's last instant."""
    weeks = weeks_ending(period.end_utc - 1, count, period.tz, week_start)
    bounds = [(w.start_utc, w.end_utc) for w in weeks]
    trend = []
    for w, (low, high), (sales, marketing) in zip(
        weeks, bounds, store.period_totals(bounds, people), strict=True
    ):
        running: dict[str, list[int]] = {}
        add_running(running, timers, running_until, low, high)
        sales += sum(seconds[0] for seconds in running.values())
        marketing += sum(seconds[1] for seconds in running.values())
        trend.append(TrendWeek(week_label(w, week_start), low, sales, marketing))
    return trend


def local_days(period: Period) -> list[tuple[str, int, int]]:
    """The local days `period` touches, as (date, start, end) clipped to the period."""
    days, cursor = [], period.start_utc
    while cursor < period.end_utc:
        day = day_of(cursor, period.tz)
        label = day_label(day)
        days.append((label, max(day.start_utc, period.start_utc), min(day.end_utc, period.end_utc)))
        cursor = day.end_utc
    return days


def _by_day(
    store: Store,
    period: Period,
    people: Sequence[str],
    timers: Sequence[TimerRecord],
    running_until: int | None,
) -> list[BreakdownRow]:
    """Each person's time per local day, entries clipped to each day, in SQL."""
    days = local_days(period)
    per_day = store.period_splits([(low, high) for _, low, high in days], people)
    rows = []
    for (label, low, high), splits in zip(days, per_day, strict=True):
        totals = {s.person: [s.sales_seconds, s.marketing_seconds] for s in splits}
        add_running(totals, timers, running_until, low, high)
        rows += [BreakdownRow(label, name, *seconds) for name, seconds in sorted(totals.items())]
    return rows


def _by_tag(
    store: Store,
    start: int,
    end: int,
    people: Sequence[str],
    timers: Sequence[TimerRecord],
    running_until: int | None,
) -> list[BreakdownRow]:
    """Each person's time per tag (in full under each of an entry's tags), tags sorted,
    untagged time last."""
    totals: dict[str | None, dict[str, list[int]]] = {
        tag: {s.person: [s.sales_seconds, s.marketing_seconds] for s in splits}
        for tag, splits in store.tag_splits(start, end, people).items()
    }
    for timer in timers:
        for tag in timer.tags or [None]:
            add_running(totals.setdefault(tag, {}), [timer], running_until, start, end)
    rows = []
    for tag in sorted(totals, key=lambda tag: (tag is None, tag or "")):
        rows += [
            BreakdownRow(UNTAGGED if tag is None else tag, name, *seconds)
            for name, seconds in sorted(totals[tag].items())
            if seconds[0] or seconds[1]
        ]
    return rows


# ---- machine-readable shapes ---------------------------------------------------------


def _number(value: float) -> int | float:
    """Whole percents as JSON integers (25, not 25.0), as the spec's example shows."""
    return int(value) if float(value).is_integer() else value


def person_dict(split: PersonSplit) -> dict[str, Any]:
    return {
        "person": split.person,
        "role": split.role,
        "commission": split.commission,
        "target": _number(split.target),
        "sales_seconds": split.sales_seconds,
        "marketing_seconds": split.marketing_seconds,
        "total_seconds": split.total_seconds,
        "marketing_share": split.marketing_share,
    }


def report_dict(report: Report) -> dict[str, Any]:
    """The spec's Report JSON."""
    team, slope = report.team, report.forecast.slope
    return {
        "period": {
            "start": iso_z(report.period.start_utc),
            "end": iso_z(report.period.end_utc),
            "timezone": report.period.tz,
        },
        "people": [person_dict(p) for p in report.people],
        "team": {
            "sales_seconds": team.sales_seconds,
            "marketing_seconds": team.marketing_seconds,
            "total_seconds": team.total_seconds,
            "marketing_share": team.marketing_share,
            "scope": report.scope,
            "trend_slope": None if slope is None else round(slope, 2),
            "weeks_to_floor": report.forecast.weeks_to_floor,
        },
        "trend": [
            {
                "week": w.week,
                "start": iso_z(w.start),
                "sales_seconds": w.sales_seconds,
                "marketing_seconds": w.marketing_seconds,
                "marketing_share": w.marketing_share,
            }
            for w in report.trend
        ],
        "warnings": [
            {"code": w.code, "person": w.person, "message": w.message} for w in report.warnings
        ],
        **({"breakdown": [breakdown_dict(row) for row in report.breakdown]} if report.by else {}),
        **({"current": True} if report.current else {}),
    }


def breakdown_dict(row: BreakdownRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "person": row.person,
        "sales_seconds": row.sales_seconds,
        "marketing_seconds": row.marketing_seconds,
    }


def report_csv(report: Report) -> str:
    """One row per person: the people fields, then their warning codes joined by spaces;
    then one last row for the team (or the selection): person empty, role `team` (or
    `selection`), commission and target empty, and the team warning codes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*PERSON_FIELDS, "warnings"])
    for split in report.people:
        row = person_dict(split)
        codes = " ".join(w.code for w in report.warnings_for(split.person))
        writer.writerow([*_csv_cells(row), codes])
    team = report.team
    row = {
        **person_dict(team),
        "person": "",
        "role": report.scope,
        "commission": "",
        "target": "",
    }
    writer.writerow([*_csv_cells(row), " ".join(w.code for w in report.warnings_for(None))])
    return out.getvalue()


def _csv_cells(row: dict[str, Any]) -> list[Any]:
    return ["" if row[f] is None else row[f] for f in PERSON_FIELDS]


def breakdown_csv(report: Report) -> str:
    """With --by, the CSV is the breakdown: one row per key and person, the first
    column named after the breakdown (`day` or `tag`), then the JSON's fields."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([report.by or "key", *BREAKDOWN_FIELDS[1:]])
    for row in report.breakdown:
        writer.writerow(breakdown_dict(row).values())
    return out.getvalue()
