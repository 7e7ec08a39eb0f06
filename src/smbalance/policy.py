"""The balance policy: splits in, warnings out.  Pure: no store, no CLI, no clock.

Shares are judged as the report shows them (`domain.share`, rounded half up to one
decimal), so a reader can check every warning against the numbers beside it.  The
"what restores it" amounts are exact and rounded *up* to the minute, so doing that much
really does restore the share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from smbalance.domain import PolicyConfig, SalesMarketingSeconds, share
from smbalance.timeparse import format_duration

CODES = (
    "commission-crowding",
    "below-target",
    "role-overload",
    "team-below-floor",
    "marketing-slide",
)


@dataclass(frozen=True)
class PersonSplit(SalesMarketingSeconds):
    """One person's seat and time in a period: what the personal rules judge."""

    person: str
    role: str
    commission: int
    target: float  # the effective target: the person's own, else the policy floor
    sales_seconds: int = 0
    marketing_seconds: int = 0


@dataclass(frozen=True)
class Warning:
    code: str
    person: str | None  # None: a team warning
    message: str


def effective_target(target: int | None, policy: PolicyConfig) -> float:
    """A person's minimum marketing share: their own target, else the policy floor."""
    return policy.floor if target is None else target


def _pct(value: float) -> str:
    return f"{value:g}%"


def _round_up_minutes(seconds: Fraction) -> int:
    """Seconds rounded up to a whole minute (at least one minute)."""
    return max(60, math.ceil(seconds / 60) * 60)


def marketing_needed(sales: int, marketing: int, target: float) -> int | None:
    """Seconds of extra marketing that lift M/(S+M) to `target` percent.

    x = (t·(S+M) − M)/(1 − t); None when no amount of marketing can do it (t = 100%
    with any selling).
    """
    t = Fraction(str(target)) / 100
    if t >= 1:
        return None
    return _round_up_minutes((t * (sales + marketing) - marketing) / (1 - t))


def hand_over(own: int, other: int, limit: float) -> int:
    """Seconds of `other` work to hand over so that other/(own+other) ≤ `limit` percent."""
    t = Fraction(str(limit)) / 100
    allowed = t * own / (1 - t) if t < 1 else Fraction(other)
    return min(other, _round_up_minutes(other - allowed))


def _restore(split: PersonSplit, when: str) -> str:
    needed = marketing_needed(split.sales_seconds, split.marketing_seconds, split.target)
    if needed is None:
        return f"only handing over all selling restores {split.person}'s {_pct(split.target)}"
    return (
        f"{format_duration(needed)} of marketing {when} brings {split.person} back to "
        f"{_pct(split.target)}"
    )


def personal_warning(split: PersonSplit, policy: PolicyConfig, when: str) -> Warning | None:
    """At most one warning for one person; `when` says the period ("this week")."""
    if split.total_seconds == 0 or split.total_seconds < policy.min_hours * 3600:
        return None
    if split.role == "both":
        return _seat_warning(split, policy, when)
    return _overload_warning(split, policy, when)


def _seat_warning(split: PersonSplit, policy: PolicyConfig, when: str) -> Warning | None:
    current = split.marketing_share
    if current is None or current >= split.target:
        return None
    name, restore = split.person, _restore(split, when)
    if split.commission >= policy.commission_driven:
        return Warning(
            "commission-crowding",
            name,
            f"commission-driven selling is crowding out {name}'s marketing: "
            f"{current:.1f}% marketing against a {_pct(split.target)} target "
            f"({split.commission}% commission); {restore}",
        )
    return Warning(
        "below-target",
        name,
        f"{name}'s marketing is below target: {current:.1f}% against "
        f"{_pct(split.target)}; {restore}",
    )


def _overload_warning(split: PersonSplit, policy: PolicyConfig, when: str) -> Warning | None:
    name = split.person
    if split.role == "sales":
        off, own, other, job, seat = (
            split.marketing_share,
            split.sales_seconds,
            split.marketing_seconds,
            "marketing",
            "sales specialist",
        )
    else:
        off, own, other, job, seat = (
            split.sales_share,
            split.marketing_seconds,
            split.sales_seconds,
            "selling",
            "marketer",
        )
    if off is None or off <= policy.overload:
        return None
    handed = hand_over(own, other, policy.overload)
    return Warning(
        "role-overload",
        name,
        f"{name} is a {seat} burdened with {job}: {off:.1f}% {job} against at most "
        f"{_pct(policy.overload)} (target {_pct(split.target)} marketing); hand over "
        f"{format_duration(handed)} of {job} {when} to bring {name} back to "
        f"{_pct(policy.overload)}",
    )


def team_warning(sales: int, marketing: int, policy: PolicyConfig, when: str) -> Warning | None:
    current = share(marketing, sales + marketing)
    if current is None or current >= policy.floor:
        return None
    needed = marketing_needed(sales, marketing, policy.floor)
    restore = (
        "only marketing restores it"
        if needed is None
        else f"{format_duration(needed)} more marketing {when} brings the team back to "
        f"{_pct(policy.floor)}"
    )
    return Warning(
        "team-below-floor",
        None,
        f"the business as a whole is letting marketing slide: the team's marketing share "
        f"is {current:.1f}% against the {_pct(policy.floor)} floor; {restore}",
    )


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def slide_warning(weekly_shares: Sequence[float | None], policy: PolicyConfig) -> Warning | None:
    """`marketing-slide` over the last `policy.trend_weeks` weekly team shares.

    `weekly_shares` is the trend, oldest first, None for a week without data.  Weeks
    keep their places on the x axis (a gap week is skipped, not closed up).
    """
    window = list(weekly_shares)[-policy.trend_weeks :]
    points = [(float(i), s) for i, s in enumerate(window) if s is not None]
    if len(points) < 3:
        return None
    per_week = slope(points)
    if per_week >= -policy.slide:
        return None
    first, last = points[0][1], points[-1][1]
    return Warning(
        "marketing-slide",
        None,
        f"marketing is trending down: the team's weekly marketing share went from "
        f"{first:.1f}% to {last:.1f}% over the last {len(window)} weeks "
        f"({per_week:+.1f} points a week, against a limit of -{policy.slide:g}): a "
        f"competitor gains in the medium term; bring it back to the "
        f"{_pct(policy.floor)} floor and hold it there",
    )


def evaluate(
    people: Sequence[PersonSplit],
    team_sales: int,
    team_marketing: int,
    weekly_shares: Sequence[float | None],
    policy: PolicyConfig,
    when: str = "in this period",
) -> list[Warning]:
    """Every warning the policy gives: personal ones in `people` order, then the team's."""
    found = [personal_warning(split, policy, when) for split in people]
    found.append(team_warning(team_sales, team_marketing, policy, when))
    found.append(slide_warning(weekly_shares, policy))
    return [w for w in found if w is not None]
