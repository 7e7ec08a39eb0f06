"""Breakdowns (`report --by day|tag`) and running timers (`report --current`), on both
backends: the SQL sums against hand-computed numbers, then a few real CLI runs."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from conftest import NOW, NOW_EPOCH, TZ
from smbalance.domain import PolicyConfig
from smbalance.periods import Period, day_of, week_of
from smbalance.policy import PersonSplit
from smbalance.report import UNTAGGED, build_report, report_dict
from smbalance.timeparse import format_duration

H = 3600
POLICY = PolicyConfig()


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def breakdown(store, period: Period, by: str, **options) -> list[tuple]:  # type: ignore[no-untyped-def]
    result = report_dict(build_report(store, period, policy=POLICY, by=by, **options))
    return [
        (row["key"], row["person"], row["sales_seconds"], row["marketing_seconds"])
        for row in result["breakdown"]
    ]


# ---- by day ---------------------------------------------------------------------------


def test_an_entry_across_midnight_counts_an_hour_on_each_day(store) -> None:  # type: ignore[no-untyped-def]
    # Wednesday 25 Nov 23:00 to Thursday 01:00 (London = UTC in November).
    store.log("alice", "sales", at("2026-11-25T23:00"), at("2026-11-26T01:00"))
    store.log("alice", "marketing", at("2026-11-26T09:00"), at("2026-11-26T09:30"))
    store.log("bob", "marketing", at("2026-11-26T10:00"), at("2026-11-26T12:00"))
    assert breakdown(store, week_of(NOW, TZ), "day") == [
        ("2026-11-25", "alice", H, 0),
        ("2026-11-26", "alice", H, 30 * 60),
        ("2026-11-26", "bob", 0, 2 * H),
    ]


def test_days_follow_the_timezone_on_the_day_clocks_go_back(store) -> None:  # type: ignore[no-untyped-def]
    # Clocks go back at 02:00 BST on Sunday 25 Oct 2026, a 25-hour day.  Saturday 22:00
    # BST (21:00Z) to Sunday 06:00 GMT (06:00Z): 2 h on Saturday, 7 h (not 6) on Sunday.
    store.log("alice", "marketing", at("2026-10-24T21:00"), at("2026-10-25T06:00"))
    # Sunday 23:30 GMT to Monday 00:30 GMT: half an hour on each day.
    store.log("alice", "sales", at("2026-10-25T23:30"), at("2026-10-26T00:30"))
    week = week_of(datetime(2026, 10, 21, 12, tzinfo=UTC), TZ)  # Mon 19 – Sun 25 Oct
    assert breakdown(store, week, "day", trend_weeks=0) == [
        ("2026-10-24", "alice", 0, 2 * H),
        ("2026-10-25", "alice", 30 * 60, 7 * H),
    ]
    sunday = day_of(datetime(2026, 10, 25, 12, tzinfo=UTC), TZ)
    assert sunday.seconds == 25 * H
    assert breakdown(store, sunday, "day", trend_weeks=0) == [
        ("2026-10-25", "alice", 30 * 60, 7 * H)
    ]


def test_days_of_a_period_that_starts_mid_day_are_clipped_to_it(store) -> None:  # type: ignore[no-untyped-def]
    store.log("alice", "sales", at("2026-11-26T08:00"), at("2026-11-26T12:00"))
    period = Period(at("2026-11-26T10:00"), at("2026-11-27T00:00"), TZ)
    assert breakdown(store, period, "day", trend_weeks=0) == [("2026-11-26", "alice", 2 * H, 0)]


def test_by_day_follows_who(store) -> None:  # type: ignore[no-untyped-def]
    store.log("alice", "sales", at("2026-11-26T08:00"), at("2026-11-26T09:00"))
    store.log("bob", "sales", at("2026-11-26T08:00"), at("2026-11-26T10:00"))
    assert breakdown(store, week_of(NOW, TZ), "day", people=["bob"]) == [
        ("2026-11-26", "bob", 2 * H, 0)
    ]


# ---- by tag ---------------------------------------------------------------------------


def test_a_multi_tag_entry_counts_in_full_under_each_tag(store) -> None:  # type: ignore[no-untyped-def]
    store.log("alice", "sales", at("2026-11-24T09:00"), at("2026-11-24T11:00"), tags=["acme", "q4"])
    store.log("alice", "marketing", at("2026-11-24T12:00"), at("2026-11-24T13:00"), tags=["q4"])
    store.log("alice", "marketing", at("2026-11-24T14:00"), at("2026-11-24T14:45"))
    store.log("bob", "sales", at("2026-11-24T09:00"), at("2026-11-24T10:00"), tags=["acme"])
    # Last week's entry with the same tags: outside the period, counted nowhere.
    store.log("bob", "sales", at("2026-11-17T09:00"), at("2026-11-17T10:00"), tags=["acme"])
    rows = breakdown(store, week_of(NOW, TZ), "tag")
    assert rows == [
        ("acme", "alice", 2 * H, 0),
        ("acme", "bob", H, 0),
        ("q4", "alice", 2 * H, H),
        (UNTAGGED, "alice", 0, 45 * 60),  # untagged time comes last
    ]
    # The same tag set as another entry sums with it; each tag still counts once.
    store.log("alice", "sales", at("2026-11-25T09:00"), at("2026-11-25T09:30"), tags=["q4", "acme"])
    assert breakdown(store, week_of(NOW, TZ), "tag")[0] == ("acme", "alice", 2 * H + 30 * 60, 0)


def test_tags_are_clipped_to_the_period_and_all_time_needs_no_clipping(store) -> None:  # type: ignore[no-untyped-def]
    # Sunday 22 Nov 23:00 to Monday 23 Nov 01:00: one hour in this week.
    store.log("alice", "sales", at("2026-11-22T23:00"), at("2026-11-23T01:00"), tags=["late"])
    assert breakdown(store, week_of(NOW, TZ), "tag") == [("late", "alice", H, 0)]
    everything = Period(at("2026-01-01T00:00"), at("2027-01-01T00:00"), TZ)
    assert breakdown(store, everything, "tag", trend_weeks=0) == [("late", "alice", 2 * H, 0)]


def test_no_breakdown_key_without_by_and_an_empty_one_with_it(store) -> None:  # type: ignore[no-untyped-def]
    plain = report_dict(build_report(store, week_of(NOW, TZ), policy=POLICY))
    assert "breakdown" not in plain and "current" not in plain
    assert breakdown(store, week_of(NOW, TZ), "tag") == []


# ---- --current ------------------------------------------------------------------------


def test_current_counts_a_running_timer_up_to_now_everywhere(store) -> None:  # type: ignore[no-untyped-def]
    store.log("alice", "sales", at("2026-11-27T09:00"), at("2026-11-27T10:00"), tags=["acme"])
    store.start_timer("alice", "marketing", at=NOW_EPOCH - 2 * H, tags=["blog", "acme"])
    store.start_timer("bob", "sales", at=NOW_EPOCH - 30 * 60)
    week = week_of(NOW, TZ)
    without = report_dict(build_report(store, week, policy=POLICY, by="tag"))
    assert [p["person"] for p in without["people"]] == ["alice"]
    assert without["people"][0]["marketing_seconds"] == 0
    result = report_dict(
        build_report(store, week, policy=POLICY, by="tag", running_until=NOW_EPOCH)
    )
    assert result["current"] is True
    assert [
        (p["person"], p["sales_seconds"], p["marketing_seconds"]) for p in result["people"]
    ] == [
        ("alice", H, 2 * H),
        ("bob", 30 * 60, 0),
    ]
    assert (result["team"]["sales_seconds"], result["team"]["marketing_seconds"]) == (
        H + 30 * 60,
        2 * H,
    )
    assert result["trend"][-1]["marketing_seconds"] == 2 * H
    assert [
        (r["key"], r["person"], r["sales_seconds"], r["marketing_seconds"])
        for r in result["breakdown"]
    ] == [
        ("acme", "alice", H, 2 * H),
        ("blog", "alice", 0, 2 * H),
        (UNTAGGED, "bob", 30 * 60, 0),
    ]
    days = breakdown(store, week, "day", running_until=NOW_EPOCH)
    assert days == [("2026-11-27", "alice", H, 2 * H), ("2026-11-27", "bob", 30 * 60, 0)]


def test_current_clips_a_timer_to_the_period(store) -> None:  # type: ignore[no-untyped-def]
    # Started Thursday 22:00; the report of Thursday counts its 2 hours there only.
    store.start_timer("alice", "sales", at=at("2026-11-26T22:00"))
    thursday = day_of(datetime(2026, 11, 26, 12, tzinfo=UTC), TZ)
    assert breakdown(store, thursday, "day", trend_weeks=0, running_until=NOW_EPOCH) == [
        ("2026-11-26", "alice", 2 * H, 0)
    ]
    assert breakdown(store, week_of(NOW, TZ), "day", running_until=NOW_EPOCH) == [
        ("2026-11-26", "alice", 2 * H, 0),
        ("2026-11-27", "alice", 14 * H + 5 * 60, 0),
    ]


# ---- the CLI --------------------------------------------------------------------------


def test_report_by_through_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    for command in (
        "people add alice --role both",
        "log sales --who alice --start 2026-11-25T23:00Z --end 2026-11-26T01:00Z --tag acme "
        "--tag q4",
        "log marketing --who alice --start 2026-11-26T09:00Z --end 2026-11-26T09:30Z",
        "start marketing --who alice --at 2026-11-27T13:05Z --tag blog",
    ):
        assert cli(command).exit_code == 0, command
    result = cli("report --by tag --format json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "current" not in data
    assert [(r["key"], r["sales_seconds"], r["marketing_seconds"]) for r in data["breakdown"]] == [
        ("acme", 2 * H, 0),
        ("q4", 2 * H, 0),
        (UNTAGGED, 0, 30 * 60),
    ]
    current = json.loads(cli("report --by tag --current --format json").stdout)
    assert current["current"] is True
    assert ("blog", "alice", 0, H) in [
        (r["key"], r["person"], r["sales_seconds"], r["marketing_seconds"])
        for r in current["breakdown"]
    ]
    days = list(csv.reader(io.StringIO(cli("report --by day --format csv").stdout)))
    assert days == [
        ["day", "person", "sales_seconds", "marketing_seconds"],
        ["2026-11-25", "alice", "3600", "0"],
        ["2026-11-26", "alice", "3600", "1800"],
    ]
    table = cli("report --by day --current").stdout
    assert "By day" in table and "2026-11-27" in table and "counted up to now" in table
    markdown = cli("report --by tag --format markdown").stdout
    assert "## By tag" in markdown and "| acme | alice | 2h | 0m | 2h | 0.0% |" in markdown


def test_report_by_refuses_an_unknown_breakdown(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("report --by week")
    assert result.exit_code == 2
    assert "is not a breakdown; use day or tag" in result.stderr


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_breakdown_table_never_cuts_a_value(width: int) -> None:
    from rich.console import Console

    from smbalance.render.report import print_report
    from smbalance.report import BreakdownRow, Report

    period = week_of(NOW, TZ)
    rows = [
        BreakdownRow("customer-acme-renewal", "alexandra-marketing", 110 * H + 30 * 60, 29 * H),
        BreakdownRow("customer-acme-renewal", "bob", 78 * H, 0),
        BreakdownRow(UNTAGGED, "bob", 0, 3 * H + 5 * 60),
    ]
    team = PersonSplit("team", "both", 0, 25, 0, 0)
    report = Report(period, "this week", [], team, [], [], POLICY, by="tag", breakdown=rows)
    out = Console(width=width, file=io.StringIO(), record=True, no_color=True)
    print_report(report, out)
    text = out.export_text()
    assert "…" not in text and max(len(line) for line in text.splitlines()) <= width, text
    found = set(text.split())
    for row in rows:
        assert {row.key, row.person} <= found, text
        assert {format_duration(row.sales_seconds), format_duration(row.marketing_seconds)} <= found
