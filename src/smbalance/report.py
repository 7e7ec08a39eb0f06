"""The report: store + period + policy → a typed `Report`, and its JSON and CSV shapes.

All sums come from SQL (`Store.splits`, `Store.period_totals`); this module only joins
them with the people's seats and asks the policy for warnings.  No Rich, no Typer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from smbalance.config import PolicyConfig
from smbalance.domain import SalesMarketingSeconds
from smbalance.exchange.shape import iso_z
from smbalance.periods import Period, week_label, weeks_ending
from smbalance.policy import PersonSplit, Warning, effective_target, evaluate

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class TrendWeek(SalesMarketingSeconds):
    week: str  # e.g. 2026-W48
    start: int  # epoch seconds
    sales_seconds: int
    marketing_seconds: int


@dataclass(frozen=True)
class Report:
    period: Period
    label: str  # how people say the period: "this week", "2026-11-01 – 2026-11-30"
    people: list[PersonSplit]
    team: PersonSplit  # person "team"; role/commission unused
    trend: list[TrendWeek]
    warnings: list[Warning]
    policy: PolicyConfig

    @property
    def empty(self) -> bool:
        return self.team.total_seconds == 0

    def warnings_for(self, person: str | None) -> list[Warning]:
        return [w for w in self.warnings if w.person == person]


def epoch(instant: Any) -> int:
    return int(instant.timestamp())


def build_report(
    store: Store,
    period: Period,
    *,
    policy: PolicyConfig,
    people: Sequence[str] = (),
    trend_weeks: int = 8,
    week_start: int = 0,
    label: str = "in this period",
) -> Report:
    """The report of `period`, narrowed to `people` when given (team and trend too)."""
    start, end = epoch(period.start), epoch(period.end)
    seats = {p.name: p for p in store.people()}
    sums = {s.person: s for s in store.splits(start, end, people)}
    names = sorted(set(sums) | set(people))
    splits = []
    for name in names:
        seat, summed = seats[name], sums.get(name)
        splits.append(
            PersonSplit(
                person=name,
                role=seat.role,
                commission=seat.commission,
                target=effective_target(seat.target, policy),
                sales_seconds=summed.sales_seconds if summed else 0,
                marketing_seconds=summed.marketing_seconds if summed else 0,
            )
        )
    team = PersonSplit(
        "team",
        "both",
        0,
        policy.floor,
        sum(s.sales_seconds for s in splits),
        sum(s.marketing_seconds for s in splits),
    )
    weeks = _weeks(store, period, max(trend_weeks, policy.trend_weeks), week_start, people)
    slide_window = [w.marketing_share for w in weeks[-policy.trend_weeks :]]
    warnings = evaluate(
        splits, team.sales_seconds, team.marketing_seconds, slide_window, policy, label
    )
    trend = weeks[len(weeks) - trend_weeks :] if trend_weeks else []
    return Report(period, label, splits, team, trend, warnings, policy)


def _weeks(
    store: Store, period: Period, count: int, week_start: int, people: Sequence[str]
) -> list[TrendWeek]:
    """The `count` weeks ending with the one that holds the period's last instant."""
    last_instant = period.end - timedelta(seconds=1)
    weeks = weeks_ending(last_instant, count, period.tz, week_start)
    totals = store.period_totals([(epoch(w.start), epoch(w.end)) for w in weeks], people)
    return [
        TrendWeek(week_label(w, week_start), epoch(w.start), sales, marketing)
        for w, (sales, marketing) in zip(weeks, totals, strict=True)
    ]


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
    team = report.team
    return {
        "period": {
            "start": iso_z(epoch(report.period.start)),
            "end": iso_z(epoch(report.period.end)),
            "timezone": report.period.tz,
        },
        "people": [person_dict(p) for p in report.people],
        "team": {
            "sales_seconds": team.sales_seconds,
            "marketing_seconds": team.marketing_seconds,
            "total_seconds": team.total_seconds,
            "marketing_share": team.marketing_share,
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
    }


def report_csv(report: Report) -> str:
    """One row per person: the people fields, then their warning codes joined by spaces."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*PERSON_FIELDS, "warnings"])
    for split in report.people:
        row = person_dict(split)
        share_value = row["marketing_share"]
        row["marketing_share"] = "" if share_value is None else share_value
        codes = " ".join(w.code for w in report.warnings_for(split.person))
        writer.writerow([*(row[f] for f in PERSON_FIELDS), codes])
    return out.getvalue()
