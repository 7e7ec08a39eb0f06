"""How the report's numbers and period read, the same in every human format (terminal,
Markdown, HTML).  Stdlib only."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smbalance.policy import PersonSplit
    from smbalance.report import Report


def pct(value: float | None) -> str:
    """A share: `28.2%`, or `–` when there is no time to share."""
    return "–" if value is None else f"{value:.1f}%"


def target_text(value: float) -> str:
    """A target or floor: `25%`."""
    return f"{value:g}%"


def target_cell(split: PersonSplit) -> str:
    """A person's target column: `25%`, or `–` where none is shown (`target_shown`)."""
    from smbalance.report import target_shown

    target = target_shown(split)
    return "–" if target is None else target_text(target)


def period_text(report: Report) -> str:
    """`2026-11-23 – 2026-11-29 (Europe/London)`: the local days the period covers."""
    from smbalance.timeparse import local_date

    period = report.period
    first = local_date(period.start_utc, period.tz)
    last = local_date(period.end_utc - 1, period.tz)
    days = f"{first}" if first == last else f"{first} – {last}"
    return f"{days} ({period.tz})"
