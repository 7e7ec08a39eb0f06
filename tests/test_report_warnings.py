"""The weekly check tells the truth (#11): no "balanced" without data, a person who
stopped logging and a forgotten timer are warnings, team warnings need enough team time,
--who is a selection, the slide forecasts, and advice is in the period's tense.

Scenarios run on both backends through `build_report` (the store and the core); a few
CLI runs check what a cron job sees.  The policy's pure core is tested directly.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import NOW, NOW_EPOCH, TZ
from smbalance.domain import PolicyConfig, TimerRecord
from smbalance.periods import last_week, week_of
from smbalance.policy import (
    PersonSplit,
    Tense,
    evaluate,
    forecast,
    personal_warning,
    team_warning,
    timer_warning,
)
from smbalance.report import build_report, report_csv, report_dict
from test_report import at

H, M = 3600, 60
POLICY = PolicyConfig()
MAX = 12 * H  # max_entry_hours (default 12)
MONDAYS = ("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23")  # W45 … W48 (this week)


def week_report(store, period=None, label: str = "this week", **kwargs):  # type: ignore[no-untyped-def]
    period = period or week_of(NOW, TZ)
    return report_dict(
        build_report(
            store,
            period,
            policy=POLICY,
            label=label,
            now=NOW_EPOCH,
            max_entry_seconds=MAX,
            **kwargs,
        )
    )


def codes(data: dict) -> list[tuple[str, str | None]]:
    return [(w["code"], w["person"]) for w in data["warnings"]]


def day(store, who: str, monday: str, sales: int, marketing: int) -> None:  # type: ignore[no-untyped-def]
    """From 09:00 on `monday`: `marketing` seconds of marketing, then the sales."""
    start = at(f"{monday}T09:00")
    if marketing:
        store.log(who, "marketing", start, start + marketing)
    if sales:
        store.log(who, "sales", start + marketing, start + marketing + sales)


# ---- no-data ------------------------------------------------------------------------------


def test_an_empty_week_is_no_data_never_in_balance(store) -> None:  # type: ignore[no-untyped-def]
    data = week_report(store)
    assert codes(data) == [("no-data", None)]
    assert "nobody logged any time this week" in data["warnings"][0]["message"]


# ---- not-logging --------------------------------------------------------------------------


def test_a_person_who_logged_three_weeks_and_not_this_one(store) -> None:  # type: ignore[no-untyped-def]
    for monday in MONDAYS[:3]:
        day(store, "alice", monday, 5 * H, 3 * H)
        day(store, "bob", monday, 5 * H, 3 * H)
    day(store, "bob", MONDAYS[3], 5 * H, 3 * H)
    data = week_report(store)
    assert codes(data) == [("not-logging", "alice")]
    assert data["warnings"][0]["message"] == (
        "alice logged no time this week but 24h in the 4 weeks before: their balance is "
        "invisible (they stopped logging, or are away)"
    )
    # SPEC: `people` holds those with time in the period (and --who): no row of zeros
    # for alice, whose silence is told by the warning alone.
    assert [p["person"] for p in data["people"]] == ["bob"]
    # Five weeks back is outside the trend_weeks (4) weeks before: no warning.
    later = week_report(store, week_of(NOW.replace(day=27, month=12), TZ))
    assert ("not-logging", "alice") not in codes(later)


# ---- timer-left-running -------------------------------------------------------------------


def test_a_13_hour_timer_is_probably_forgotten(store) -> None:  # type: ignore[no-untyped-def]
    day(store, "bob", MONDAYS[3], 5 * H, 3 * H)
    store.start_timer("alice", "sales", at=NOW_EPOCH - 13 * H)
    data = week_report(store)
    assert codes(data) == [("timer-left-running", "alice")]
    message = data["warnings"][0]["message"]
    assert "alice's sales timer has run 13h, more than 12h: probably forgotten" in message
    assert "`smbalance stop --who alice --at WHEN`" in message
    assert "`smbalance cancel --who alice`" in message
    assert [p["person"] for p in data["people"]] == ["bob"]  # SPEC: time or --who only
    store.cancel_timer("alice")
    store.start_timer("alice", "sales", at=NOW_EPOCH - MAX)  # exactly 12h: fine
    assert codes(week_report(store)) == []


def test_status_marks_a_forgotten_timer_and_prints_the_fix(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("start", "sales", "--at", "2026-11-27 01:05").exit_code == 0  # 13h ago
    table = cli("status")
    assert table.exit_code == 0
    assert "tester's sales timer has run 13h, more than 12h: probably forgotten" in table.stdout
    assert "smbalance stop --who tester --at WHEN" in table.stdout
    shape = json.loads(cli("status", "--format", "json").stdout)
    assert shape["timers"][0]["forgotten"] is True
    report = cli("report", "--check")
    assert report.exit_code == 3 and "timer-left-running" in report.stdout


# ---- team warnings need min_hours ---------------------------------------------------------


def test_ten_minutes_of_team_time_on_a_monday_raise_no_team_warning(store) -> None:  # type: ignore[no-untyped-def]
    store.log("alice", "sales", at("2026-11-23T09:00"), at("2026-11-23T09:10"))
    data = week_report(store)
    assert data["team"]["marketing_share"] == 0.0
    assert codes(data) == []  # 10m of selling says nothing about a balance yet


# ---- --who is a selection -----------------------------------------------------------------


def test_who_of_a_specialist_is_a_selection_without_team_codes(store) -> None:  # type: ignore[no-untyped-def]
    store.add_person("carlos", "sales", commission=40)
    store.add_person("maya", "marketing")
    day(store, "carlos", MONDAYS[3], 10 * H, 0)
    day(store, "maya", MONDAYS[3], 0, 2 * H)
    team = week_report(store)
    assert codes(team) == [("team-below-floor", None)]  # 16.7% for the team
    data = week_report(store, people=["carlos"])
    assert data["team"]["scope"] == "selection"
    assert codes(data) == []  # a sales specialist who only sells is in the right seat
    rows = list(
        csv.reader(
            io.StringIO(
                report_csv(build_report(store, week_of(NOW, TZ), policy=POLICY, people=["carlos"]))
            )
        )
    )
    assert rows[-1] == ["", "selection", "", "", "36000", "0", "36000", "0.0", ""]


def test_who_report_says_selection_in_every_format(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("carlos", role="sales")
    assert cli("log", "sales", "3h", "--who", "carlos").exit_code == 0
    table = cli("report", "--who", "carlos", "--check")
    assert table.exit_code == 0, table.stdout
    assert "selection" in table.stdout and "\nteam " not in table.stdout
    markdown = cli("report", "--who", "carlos", "--format", "markdown").stdout
    assert "**selection**" in markdown
    html = cli("report", "--who", "carlos", "--format", "html").stdout
    assert '<td class="person">selection</td>' in html
    row = next(line for line in table.stdout.splitlines() if line.startswith("carlos"))
    assert "–" in row and "25%" not in row  # a sales specialist shows no target


# ---- marketing-slide forecasts ------------------------------------------------------------


def test_a_sliding_team_above_the_floor_gets_a_forecast(store) -> None:  # type: ignore[no-untyped-def]
    # Weekly shares 40, 36, 33, 30 (10h a week).  By hand: x̄ = 1.5, ȳ = 34.75,
    # Σdx·dy = (-1.5)(5.25) + (-0.5)(1.25) + (0.5)(-1.75) + (1.5)(-4.75) = -16.5,
    # Σdx² = 5, slope = -3.3 points a week; (30 - 25) / 3.3 = 1.52 → 2 whole weeks.
    for monday, marketing in zip(MONDAYS, (240 * M, 216 * M, 198 * M, 180 * M), strict=True):
        day(store, "alice", monday, 10 * H - marketing, marketing)
    data = week_report(store)
    assert data["team"]["trend_slope"] == -3.3
    assert data["team"]["weeks_to_floor"] == 2
    assert codes(data) == [("marketing-slide", None)]
    assert data["warnings"][0]["message"] == (
        "marketing is trending down: the team's weekly marketing share is still 30.0%, but "
        "falling 3.3 points a week: at this pace it crosses the 25% floor in about 2 weeks; "
        "a competitor gains in the medium term"
    )


def test_the_human_report_shows_the_forecast_under_the_trend(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("alice")
    for monday, marketing in zip(MONDAYS, ("4:00", "3:36", "3:18", "3:00"), strict=True):
        start = f"{monday} 09:00"
        assert cli("log", "m", marketing, "--start", start, "--who", "alice").exit_code == 0
        hours, minutes = map(int, marketing.split(":"))
        sales_start = f"{monday} {9 + hours:02d}:{minutes:02d}"
        rest = 600 - hours * 60 - minutes
        assert cli("log", "s", f"{rest}m", "--start", sales_start, "--who", "alice").exit_code == 0
    lines = cli("report").stdout.splitlines()
    forecast_line = (
        "Trend: falling 3.3 points a week; at this pace the share crosses the 25% floor in "
        "about 2 weeks."
    )
    assert forecast_line in lines
    assert lines.index(forecast_line) > max(i for i, line in enumerate(lines) if "W48" in line)


# ---- the tense of the advice --------------------------------------------------------------


def test_last_weeks_advice_says_what_would_have_been_needed(store) -> None:  # type: ignore[no-untyped-def]
    store.add_person("alice", "both", commission=70)
    day(store, "alice", MONDAYS[2], 10 * H, H)  # last week: 9.1%
    day(store, "alice", MONDAYS[3], 10 * H, H)  # this week too
    # x = (0.25 × 11h − 1h) / 0.75 = 2h20m
    past = week_report(store, last_week(NOW, TZ), "last week")
    assert past["warnings"][0]["message"].endswith(
        "alice needed 2h20m more marketing last week to reach 25%"
    )
    assert "alice needed" not in json.dumps(week_report(store))
    assert week_report(store)["warnings"][0]["message"].endswith(
        "2h20m more marketing this week brings alice back to 25%"
    )


# ---- the pure core --------------------------------------------------------------------------


def test_forecast_by_hand() -> None:
    ahead = forecast([None, 40, 36, 33, 30], POLICY)
    assert ahead.slope == pytest.approx(-3.3)
    assert (ahead.latest, ahead.weeks_to_floor, ahead.weeks_below) == (30, 2, 0)
    assert forecast([40, None, 36], POLICY).slope is None  # two weeks of data
    assert forecast([30, 31, 32], POLICY).weeks_to_floor is None  # rising
    below = forecast([30, 24, 22, 20], POLICY)
    assert (below.weeks_to_floor, below.weeks_below) == (None, 3)


def test_slide_below_the_floor_says_how_long() -> None:
    people: list[PersonSplit] = []
    found = evaluate(people, 16 * H, 4 * H, [30, 24, 22, 20], POLICY, "this week")
    slide = next(w for w in found if w.code == "marketing-slide")
    assert "20.0%, below the 25% floor for the last 3 weeks" in slide.message


def test_selection_scope_raises_no_team_code() -> None:
    found = evaluate([], 0, 0, [40, 30, 20, 10], POLICY, "this week", scope="selection")
    assert found == []
    assert [w.code for w in evaluate([], 0, 0, [], POLICY, "this week")] == ["no-data"]


def test_team_floor_needs_min_hours() -> None:
    assert team_warning(2 * H - 60, 0, POLICY, "this week") is None
    assert team_warning(2 * H, 0, POLICY, "this week") is not None


def test_tense_of_every_remedy() -> None:
    over = Tense("last week", over=True)
    seller = PersonSplit("sam", "both", 70, 25, 10 * H, H)
    assert personal_warning(seller, POLICY, over).message.endswith(  # type: ignore[union-attr]
        "sam needed 2h20m more marketing last week to reach 25%"
    )
    marketer = PersonSplit("maya", "marketing", 0, 25, 4 * H, 6 * H)
    assert personal_warning(marketer, POLICY, over).message.endswith(  # type: ignore[union-attr]
        "maya needed to hand over 2h30m of selling last week to stay within 20%"
    )
    assert team_warning(10 * H, H, POLICY, over).message.endswith(  # type: ignore[union-attr]
        "the team needed 2h20m more marketing last week to reach 25%"
    )
    assert team_warning(10 * H, H, POLICY, "this week").message.endswith(  # type: ignore[union-attr]
        "2h20m more marketing this week brings the team back to 25%"
    )


def test_timer_warning_boundary() -> None:
    timer = TimerRecord("al", "marketing", NOW_EPOCH - MAX)
    assert timer_warning(timer, NOW_EPOCH, MAX) is None
    late = timer_warning(timer, NOW_EPOCH + 1, MAX)
    assert late is not None and late.code == "timer-left-running" and late.person == "al"
