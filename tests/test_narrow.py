"""At 40, 60, 80 and 120 columns (Rich's pinned width) the report never cuts a number, a
share, a flag or a name, and `entries` never cuts an id: each value appears whole, and
no line is wider than the terminal.  Also the trend bar against the floor mark, and the
legend and trend title that wrap only between their phrases.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from rich.console import Console

from smbalance.domain import EntryRecord, PolicyConfig
from smbalance.periods import Period
from smbalance.policy import BalanceWarning, PersonSplit
from smbalance.render.report import print_report, trend_bar
from smbalance.render.tables import entries_layout
from smbalance.report import Report, TrendWeek
from smbalance.timeparse import format_duration

H, M = 3600, 60
WIDTHS = [40, 60, 80, 120]
START = datetime(2026, 11, 23, tzinfo=UTC)


def team_report(*, people: bool = True) -> Report:
    period = Period(START, datetime(2026, 11, 30, tzinfo=UTC), "Europe/London")
    splits = [
        PersonSplit("alexandra-marketing", "marketing", 0, 25, 110 * H + 30 * M, 29 * H + 15 * M),
        PersonSplit("bob", "both", 70, 30, 78 * H + 10 * M, 3 * H + 5 * M),
        PersonSplit("carlos", "sales", 40, 25, 33 * H + 20 * M, 30 * M),
    ]
    if not people:
        splits = []
    team = PersonSplit(
        "team",
        "both",
        0,
        25,
        sum(s.sales_seconds for s in splits),
        sum(s.marketing_seconds for s in splits),
    )
    week = int(START.timestamp())
    trend = [
        TrendWeek("2026-W47", week - 7 * 24 * H, 110 * H, 48 * H + 40 * M),  # 30.7%
        TrendWeek("2026-W48", week, team.sales_seconds, team.marketing_seconds),
    ]
    warnings = (
        [
            BalanceWarning("role-overload", "alexandra-marketing", "alexandra-marketing sells"),
            BalanceWarning("commission-crowding", "bob", "bob's marketing is crowded out"),
        ]
        if people
        else [BalanceWarning("no-data", None, "nobody logged time in this period")]
    )
    return Report(period, "this week", splits, team, trend, warnings, PolicyConfig())


def shown(report: Report, width: int) -> str:
    out = Console(width=width, file=io.StringIO(), record=True, no_color=True)
    print_report(report, out)
    return out.export_text()


def words(text: str) -> set[str]:
    return set(re.split(r"[\s│]+", text))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_keeps_every_value_whole(width: int) -> None:
    report = team_report()
    text = shown(report, width)
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width
    found = words(text)
    for split in [*report.people, report.team]:
        assert split.person in found
        flag = report.flag(split) if split is not report.team else None
        sales = format_duration(split.sales_seconds) + ("!" if flag == "sales" else "")
        for shown_value in (
            sales,
            format_duration(split.marketing_seconds),
            format_duration(split.total_seconds),
        ):
            assert shown_value in found, (shown_value, text)
    for split in report.people:  # a flagged cell keeps its "!"
        flag = "!" if report.flag(split) == "mktg%" else ""
        assert f"{split.marketing_share:.1f}%{flag}" in found, text
        assert f"{split.commission}%" in found and f"{split.target:g}%" in found
    assert f"{report.team.marketing_share:.1f}%" in found
    assert "110h30m!" in found  # the marketer's selling is what is flagged
    for week in report.trend:
        assert week.week in found and format_duration(week.total_seconds) in found


@pytest.mark.parametrize("width", [80, 120])
def test_wide_enough_it_is_a_table_and_the_widest_has_the_bar(width: int) -> None:
    text = shown(team_report(), width)
    assert re.search(r"^person +role", text, re.MULTILINE)
    assert ("split" in text) == (width == 120)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_legend_and_trend_title_break_between_phrases(width: int) -> None:
    text = shown(team_report(), width)
    lines = text.splitlines()
    for phrase in ("comm = commission", "! a warning below", "Team marketing share by week"):
        if phrase.startswith("comm") and not text.count("\nperson "):
            continue  # the narrowest layout spells commission out
        assert any(phrase in line for line in lines), (phrase, text)
    assert not any(line.rstrip().endswith(("comm =", "the", "(│")) for line in lines), text
    empty = shown(team_report(people=False), width)
    assert any("Team marketing share by week" in line for line in empty.splitlines())
    assert any("(│ marks the 25% floor)" in line for line in empty.splitlines()), empty


@pytest.mark.parametrize(
    ("share", "floor"), [(30.7, 25), (25.1, 25), (24.9, 25), (26, 25), (50, 50), (0.5, 25)]
)
@pytest.mark.parametrize("width", [10, 12, 20, 30])
def test_the_trend_bar_never_ends_on_the_floor_mark_unless_it_is_the_floor(
    share: float, floor: float, width: int
) -> None:
    bar = re.sub(r"\[/?[a-z ]*\]", "", trend_bar(share, floor, width))
    assert len(bar) == width + 1  # the mark sits between cells, hiding none
    before, after = bar.split("│")
    if share > floor:
        assert before.strip(" ") == before and after.startswith("▒")
    elif share < floor:
        assert not after.strip() and before.endswith(" ")
    else:
        assert before.endswith("▒") and after.startswith(" ")


# ---- entries -------------------------------------------------------------------------


def entry(entry_id: int, person: str, hours: float, note: str = "") -> EntryRecord:
    start = int(START.timestamp()) + entry_id % 97 * H
    return EntryRecord(
        entry_id, "u", person, "marketing", start, start + int(hours * H), note, ["q4"]
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_entries_never_cut_an_id(width: int) -> None:
    from smbalance.cli.context import AppState

    rows = [
        entry(1234567, "alexandra-marketing", 1.5, "newsletter draft " * 4),
        entry(89, "bob", 26.25),
        entry(7, "carlos", 0.75, "calls"),
    ]
    fmt = AppState(tz="Europe/London").format_instant
    out = Console(width=width, file=io.StringIO(), record=True, no_color=True)
    out.print(entries_layout(rows, fmt, width))
    text = out.export_text()
    assert "…" not in text and max(len(line) for line in text.splitlines()) <= width
    found = words(text)
    assert {"1234567", "89", "7", "alexandra-marketing", "bob", "carlos"} <= found, text
    assert {"1h30m", "26h15m", "45m"} <= found, text
