"""The balance policy: splits in, warnings out.  Pure: no store, no CLI, no clock.

Shares are judged as the report shows them (`domain.share`, rounded half up to one
decimal), so a reader can check every warning against the numbers beside it.  The
"what restores it" amounts are exact and rounded *up* to the minute, so doing that much
really does restore the share.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from smbalance.domain import SalesMarketingSeconds, TimerRecord, plural, share
from smbalance.timeparse import format_duration

if TYPE_CHECKING:
    from fractions import Fraction

    from smbalance.domain import PolicyConfig

TEAM_CODES = ("team-below-floor", "marketing-slide", "no-data")  # never for a selection


# NamedTuples, not dataclasses (`domain` says why): `status` imports this module.


class _PersonSplitFields(NamedTuple):
    person: str
    role: str
    commission: int
    target: float  # the effective target: the person's own, else the policy floor
    sales_seconds: int = 0
    marketing_seconds: int = 0


class PersonSplit(_PersonSplitFields, SalesMarketingSeconds):
    """One person's seat and time in a period: what the personal rules judge."""

    __slots__ = ()


class BalanceWarning(NamedTuple):
    code: str
    person: str | None  # None: a team warning
    message: str


class Tense(NamedTuple):
    """How a remedy is said: `when` names the period ("this week", "last week"), and a
    period that is over says what *would have been* needed, not what brings it back."""

    when: str = "in this period"
    over: bool = False


class Forecast(NamedTuple):
    """Where the weekly marketing share is heading (team, or the selection)."""

    slope: float | None  # least-squares points a week; None with fewer than 3 weeks
    latest: float | None  # the latest weekly share in the window (None: no data)
    weeks_to_floor: int | None  # whole weeks until it crosses the floor, if above and falling
    weeks_below: int  # how many of the latest weeks with data were below the floor


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
    from fractions import Fraction  # exact; imported here, not by `status` (~2 ms)

    t = Fraction(str(target)) / 100
    if t >= 1:
        return None
    return _round_up_minutes((t * (sales + marketing) - marketing) / (1 - t))


def hand_over(own: int, other: int, limit: float) -> int:
    """Seconds of `other` work to hand over so that other/(own+other) ≤ `limit` percent."""
    from fractions import Fraction

    t = Fraction(str(limit)) / 100
    allowed = t * own / (1 - t) if t < 1 else Fraction(other)
    return min(other, _round_up_minutes(other - allowed))


def _as_tense(when: str | Tense) -> Tense:
    return when if isinstance(when, Tense) else Tense(when)


def _more_marketing(who: str, needed: int, target: str, tense: Tense) -> str:
    """The remedy of a share below `target`, for a person or "the team"."""
    amount, when = format_duration(needed), tense.when
    if tense.over:
        return f"{who} needed {amount} more marketing {when} to reach {target}"
    return f"{amount} more marketing {when} brings {who} back to {target}"


def _restore(split: PersonSplit, tense: Tense) -> str:
    needed = marketing_needed(split.sales_seconds, split.marketing_seconds, split.target)
    name, target, when = split.person, _pct(split.target), tense.when
    if needed is None:
        if tense.over:
            return f"only no selling at all {when} would have met {name}'s {target}"
        return f"only handing over all selling restores {name}'s {target}"
    return _more_marketing(name, needed, target, tense)


def personal_warning(
    split: PersonSplit, policy: PolicyConfig, when: str | Tense
) -> BalanceWarning | None:
    """At most one balance warning for one person; `when` says the period ("this week")."""
    if split.total_seconds == 0 or split.total_seconds < policy.min_hours * 3600:
        return None
    if split.role == "both":
        return _seat_warning(split, policy, _as_tense(when))
    return _overload_warning(split, policy, _as_tense(when))


def _seat_warning(split: PersonSplit, policy: PolicyConfig, tense: Tense) -> BalanceWarning | None:
    current = split.marketing_share
    if current is None or current >= split.target:
        return None
    name, restore = split.person, _restore(split, tense)
    if split.commission >= policy.commission_driven:
        return BalanceWarning(
            "commission-crowding",
            name,
            f"commission-driven selling is crowding out {name}'s marketing: "
            f"{current:.1f}% marketing against a {_pct(split.target)} target "
            f"({split.commission}% commission); {restore}",
        )
    return BalanceWarning(
        "below-target",
        name,
        f"{name}'s marketing is below target: {current:.1f}% against "
        f"{_pct(split.target)}; {restore}",
    )


def off_role_share(split: PersonSplit) -> float | None:
    """A specialist's share of the *other* job (what `role-overload` judges); None for
    people in both seats."""
    if split.role == "sales":
        return split.marketing_share
    if split.role == "marketing":
        return split.sales_share
    return None


def _overload_warning(
    split: PersonSplit, policy: PolicyConfig, tense: Tense
) -> BalanceWarning | None:
    name, off = split.person, off_role_share(split)
    if split.role == "sales":
        own, other, job, seat = split.sales_seconds, split.marketing_seconds, "marketing", "sales"
    else:
        own, other, job, seat = split.marketing_seconds, split.sales_seconds, "selling", "marketing"
    if off is None or off <= policy.overload:
        return None
    handed, limit = format_duration(hand_over(own, other, policy.overload)), _pct(policy.overload)
    remedy = (
        f"{name} needed to hand over {handed} of {job} {tense.when} to stay within {limit}"
        if tense.over
        else f"hand over {handed} of {job} {tense.when} to bring {name} back to {limit}"
    )
    return BalanceWarning(
        "role-overload",
        name,
        f"{name} is a {seat} specialist burdened with {job}: {off:.1f}% {job} against at "
        f"most {limit}; {remedy}",
    )


def team_warning(
    sales: int, marketing: int, policy: PolicyConfig, when: str | Tense
) -> BalanceWarning | None:
    """`team-below-floor`: needs `min_hours` of team time (a Monday morning's minutes
    are not a trend)."""
    tense = _as_tense(when)
    current = share(marketing, sales + marketing)
    if current is None or current >= policy.floor or sales + marketing < policy.min_hours * 3600:
        return None
    needed = marketing_needed(sales, marketing, policy.floor)
    floor = _pct(policy.floor)
    if needed is None:
        restore = "only marketing restores it"
    else:
        restore = _more_marketing("the team", needed, floor, tense)
    return BalanceWarning(
        "team-below-floor",
        None,
        f"the business as a whole is letting marketing slide: the team's marketing share "
        f"is {current:.1f}% against the {floor} floor; {restore}",
    )


def no_data_warning(when: str | Tense) -> BalanceWarning:
    """`no-data`: nobody logged anything, so nothing can be vouched for."""
    return BalanceWarning(
        "no-data",
        None,
        f"nobody logged any time {_as_tense(when).when}: the check cannot vouch for a period "
        "without data; check that people are logging and that this is the right store",
    )


def not_logging_warning(
    name: str, seconds_before: int, weeks: int, when: str | Tense
) -> BalanceWarning:
    """`not-logging`: time in the `weeks` weeks before the period, none in it."""
    return BalanceWarning(
        "not-logging",
        name,
        f"{name} logged no time {_as_tense(when).when} but {format_duration(seconds_before)} in "
        f"the {plural(weeks, 'week')} before: their balance is invisible (they stopped "
        "logging, or are away)",
    )


def timer_warning(timer: TimerRecord, now: int, max_seconds: int) -> BalanceWarning | None:
    """`timer-left-running`: a timer older than `max_entry_hours` is probably forgotten."""
    ran = now - timer.start_utc
    if ran <= max_seconds:
        return None
    name = timer.person
    return BalanceWarning(
        "timer-left-running",
        name,
        f"{name}'s {timer.category} timer has run {format_duration(ran)}, more than "
        f"{format_duration(max_seconds)}: probably forgotten, and `stop` would book all of it "
        f"as {timer.category}; say when it really ended with `smbalance stop --who {name} "
        f"--at WHEN`, or discard it with `smbalance cancel --who {name}`",
    )


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def forecast(weekly_shares: Sequence[float | None], policy: PolicyConfig) -> Forecast:
    """The slope over the last `policy.trend_weeks` weekly shares (weeks keep their
    places on the x axis: a gap week is skipped, not closed up), and when the share
    crosses the floor at that pace.  `weekly_shares` is the trend, oldest first."""
    window = list(weekly_shares)[-policy.trend_weeks :]
    points = [(float(i), s) for i, s in enumerate(window) if s is not None]
    latest = points[-1][1] if points else None
    below = 0
    for value in reversed([s for s in weekly_shares if s is not None]):
        if value >= policy.floor:
            break
        below += 1
    if len(points) < 3:
        return Forecast(None, latest, None, below)
    per_week = slope(points)
    weeks = None
    if latest is not None and latest > policy.floor and per_week < 0:
        weeks = math.ceil((latest - policy.floor) / -per_week)
    return Forecast(per_week, latest, weeks, below)


def slide_warning(
    weekly_shares: Sequence[float | None], policy: PolicyConfig
) -> BalanceWarning | None:
    """`marketing-slide`: the slope of the last `trend_weeks` weeks with data (at least
    3) is below −`slide`.  Above the floor it forecasts the crossing; below it, it says
    how long the share has been below."""
    ahead = forecast(weekly_shares, policy)
    if ahead.slope is None or ahead.slope >= -policy.slide or ahead.latest is None:
        return None
    floor, falling = _pct(policy.floor), f"falling {-ahead.slope:.1f} points a week"
    if ahead.weeks_to_floor is not None:
        where = (
            f"still {ahead.latest:.1f}%, but {falling}: at this pace it crosses the {floor} "
            f"floor in about {plural(ahead.weeks_to_floor, 'week')}"
        )
    elif ahead.weeks_below:
        where = (
            f"{ahead.latest:.1f}%, below the {floor} floor for the last "
            f"{plural(ahead.weeks_below, 'week')} and {falling}"
        )
    else:
        where = f"{ahead.latest:.1f}%, at the {floor} floor and {falling}"
    return BalanceWarning(
        "marketing-slide",
        None,
        f"marketing is trending down: the team's weekly marketing share is {where}; a "
        "competitor gains in the medium term",
    )


def evaluate(
    people: Sequence[PersonSplit],
    team_sales: int,
    team_marketing: int,
    weekly_shares: Sequence[float | None],
    policy: PolicyConfig,
    when: str | Tense = "in this period",
    *,
    scope: str = "team",
    absent: Mapping[str, int] | None = None,
    timers: Sequence[TimerRecord] = (),
    now: int | None = None,
    max_entry_seconds: int | None = None,
) -> list[BalanceWarning]:
    """Every warning the policy gives: each person's (in `people` order: balance,
    `not-logging`, `timer-left-running`), then the team's.

    `scope` "selection" (report --who) raises no team code; `absent` maps a person with
    no time in the period to their seconds in the `trend_weeks` weeks before it; `timers`
    are the running timers, judged at `now` against `max_entry_seconds`.
    """
    tense, absent = _as_tense(when), absent or {}
    found: list[BalanceWarning | None] = []
    for split in people:
        found.append(personal_warning(split, policy, tense))
        if split.person in absent:
            found.append(
                not_logging_warning(split.person, absent[split.person], policy.trend_weeks, tense)
            )
        if now is not None and max_entry_seconds is not None:
            found += [
                timer_warning(t, now, max_entry_seconds) for t in timers if t.person == split.person
            ]
    if scope == "team":
        if team_sales + team_marketing == 0:
            found.append(no_data_warning(tense))
        found.append(team_warning(team_sales, team_marketing, policy, tense))
        found.append(slide_warning(weekly_shares, policy))
    return [w for w in found if w is not None]
