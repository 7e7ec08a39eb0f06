"""`smbalance report` through the real CLI on both backends: hand-computed scenarios for
every warning just above and just below its threshold, formats, periods and errors.

Now is Friday 2026-11-27 14:05 in Europe/London (= UTC in November); this week starts
Monday 2026-11-23 00:00.
"""

from __future__ import annotations

import json

import pytest

H = 3600
MONDAYS = ("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23")


def clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def span(cli, who: str, category: str, day: str, begin: int, end: int) -> None:  # type: ignore[no-untyped-def]
    """Log [begin, end) seconds after 00:00 on `day`."""
    result = cli(
        "log", category, "--who", who,
        "--start", f"{day}T{clock(begin)}", "--end", f"{day}T{clock(end)}", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def split_day(cli, who: str, day: str, sales: int, marketing: int) -> None:  # type: ignore[no-untyped-def]
    """From 09:00: `marketing` seconds of marketing, then `sales` seconds of sales."""
    nine = 9 * H
    if marketing:
        span(cli, who, "marketing", day, nine, nine + marketing)
    if sales:
        span(cli, who, "sales", day, nine + marketing, nine + marketing + sales)


def person(cli, *args: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("people", "add", *args).exit_code == 0


def report(cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("report", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def codes(data: dict) -> list[tuple[str, str | None]]:
    return [(w["code"], w["person"]) for w in data["warnings"]]


def with_marketer(cli) -> None:  # type: ignore[no-untyped-def]
    """mia, a marketer with 10h of marketing: keeps the team above its floor."""
    person(cli, "mia", "--role", "marketing")
    split_day(cli, "mia", "2026-11-25", 0, 10 * H)


MONDAY = "2026-11-23"


@pytest.mark.parametrize(
    ("commission", "marketing", "expected"),
    [
        (50, 2 * H + 29 * 60, [("commission-crowding", "alice")]),  # 24.8% < 25
        (50, 2 * H + 30 * 60, []),  # 25.0%: not below
        (49, 2 * H + 29 * 60, [("below-target", "alice")]),  # not commission-driven
        (49, 2 * H + 30 * 60, []),
    ],
)
def test_seat_warnings_around_the_target(cli, commission, marketing, expected) -> None:  # type: ignore[no-untyped-def]
    person(cli, "alice", "--role", "both", "--commission", str(commission))
    with_marketer(cli)
    split_day(cli, "alice", MONDAY, 10 * H - marketing, marketing)
    data = report(cli)
    assert codes(data) == expected
    alice = data["people"][0]
    assert (alice["person"], alice["total_seconds"]) == ("alice", 10 * H)
    if expected:
        # x = (0.25*10h - 2h29m)/0.75 = 1m20s -> rounded up to 2m
        assert (
            "2m more marketing this week brings alice back to 25%" in data["warnings"][0]["message"]
        )


@pytest.mark.parametrize(
    ("role", "off_role", "fires"),
    [
        ("sales", 2 * H, False),  # 20.0% marketing: not above 20
        ("sales", 2 * H + 60, True),  # 20.2%
        ("marketing", 2 * H, False),  # 20.0% selling
        ("marketing", 2 * H + 60, True),
    ],
)
def test_role_overload_around_the_limit(cli, role, off_role, fires) -> None:  # type: ignore[no-untyped-def]
    person(cli, "carol", "--role", role)
    with_marketer(cli)
    own = 10 * H - off_role
    if role == "sales":
        split_day(cli, "carol", MONDAY, own, off_role)
    else:
        split_day(cli, "carol", MONDAY, off_role, own)
    data = report(cli)
    assert codes(data) == ([("role-overload", "carol")] if fires else [])


def test_min_hours_guard(cli) -> None:  # type: ignore[no-untyped-def]
    person(cli, "alice", "--role", "both", "--commission", "90")
    with_marketer(cli)
    split_day(cli, "alice", MONDAY, 2 * H - 1, 0)  # 1h59m59s: too little to judge
    assert codes(report(cli)) == []
    split_day(cli, "alice", "2026-11-24", 1, 0)  # now 2h
    assert codes(report(cli)) == [("commission-crowding", "alice")]


@pytest.mark.parametrize(
    ("marketing", "fires"), [(2 * H + 30 * 60, False), (2 * H + 29 * 60, True)]
)
def test_team_below_floor(cli, marketing, fires) -> None:  # type: ignore[no-untyped-def]
    person(cli, "bob", "--role", "sales")
    person(cli, "mia", "--role", "marketing")
    split_day(cli, "bob", MONDAY, 10 * H - marketing, 0)
    split_day(cli, "mia", MONDAY, 0, marketing)
    data = report(cli)
    assert codes(data) == ([("team-below-floor", None)] if fires else [])
    assert data["team"]["total_seconds"] == 10 * H


@pytest.mark.parametrize(
    ("shares", "fires"),
    [
        ((12960, 12240, 11520, 10800), False),  # 36, 34, 32, 30 %: exactly -2 a week
        ((12960, 12204, 11448, 10692), True),  # 36, 33.9, 31.8, 29.7 %: -2.1 a week
    ],
)
def test_marketing_slide(cli, shares, fires) -> None:  # type: ignore[no-untyped-def]
    person(cli, "bob", "--role", "sales")
    person(cli, "mia", "--role", "marketing")
    for monday, marketing in zip(MONDAYS, shares, strict=True):
        split_day(cli, "bob", monday, 10 * H - marketing, 0)
        split_day(cli, "mia", monday, 0, marketing)
    data = report(cli)
    assert codes(data) == ([("marketing-slide", None)] if fires else [])
    assert [w["marketing_share"] for w in data["trend"][-4:]] == [round(m / 360, 1) for m in shares]


def balanced_team(cli) -> None:  # type: ignore[no-untyped-def]
    person(cli, "alice", "--role", "both", "--commission", "70")
    person(cli, "carol", "--role", "sales", "--commission", "60")
    person(cli, "mia", "--role", "marketing")
    split_day(cli, "alice", MONDAY, 7 * H, 3 * H)
    split_day(cli, "carol", MONDAY, 8 * H, 0)
    split_day(cli, "mia", MONDAY, H, 6 * H)


def test_balanced_team_has_no_warnings_and_check_passes(cli) -> None:  # type: ignore[no-untyped-def]
    balanced_team(cli)
    data = report(cli, "--check")
    assert data["warnings"] == []
    assert data["team"] == {
        "sales_seconds": 16 * H,
        "marketing_seconds": 9 * H,
        "total_seconds": 25 * H,
        "marketing_share": 36.0,
        "scope": "team",
        "trend_slope": None,
        "weeks_to_floor": None,
    }
    table = cli("report", "--check")
    assert table.exit_code == 0
    assert "No warnings" in table.stdout


def test_check_exits_3_and_still_prints(cli) -> None:  # type: ignore[no-untyped-def]
    person(cli, "alice", "--role", "both", "--commission", "70")
    split_day(cli, "alice", MONDAY, 10 * H, H)
    result = cli("report", "--check", "--format", "csv")
    assert result.exit_code == 3
    assert result.stdout.splitlines()[1] == (
        "alice,both,70,25,36000,3600,39600,9.1,commission-crowding"
    )
    table = cli("report", "--check")
    assert table.exit_code == 3
    assert "commission-crowding" in table.stdout and "2h20m more marketing" in table.stdout


def test_who_lists_named_people_even_without_time(cli) -> None:  # type: ignore[no-untyped-def]
    balanced_team(cli)
    person(cli, "zoe", "--role", "both", "--target", "40")
    data = report(cli, "--who", "zoe", "--who", "alice")
    assert [(p["person"], p["total_seconds"], p["target"]) for p in data["people"]] == [
        ("alice", 10 * H, 25),
        ("zoe", 0, 40),
    ]
    assert data["team"]["total_seconds"] == 10 * H


def test_unknown_person_is_exit_1_with_a_hint(cli) -> None:  # type: ignore[no-untyped-def]
    balanced_team(cli)
    result = cli("report", "--who", "alicee")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no person named 'alicee'; did you mean alice?"


def test_empty_period(cli) -> None:  # type: ignore[no-untyped-def]
    data = report(cli, "--last-week")
    assert data["people"] == [] and codes(data) == [("no-data", None)]
    assert data["team"]["marketing_share"] is None
    assert data["period"]["start"] == "2026-11-16T00:00:00Z"
    table = cli("report", "--last-week")
    assert table.exit_code == 0 and "No entries in this period" in table.stdout
    assert "in balance" not in table.stdout
    assert cli("report", "--last-week", "--check").exit_code == 3


def test_periods(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("alice")
    span(cli, "alice", "sales", "2026-10-30", 9 * H, 11 * H)  # Friday, Oct: 2h
    span(cli, "alice", "sales", MONDAY, 9 * H, 10 * H)  # this week: 1h
    assert report(cli, "--month")["team"]["total_seconds"] == H
    assert report(cli, "--last-month")["team"]["total_seconds"] == 2 * H
    assert report(cli, "--year")["team"]["total_seconds"] == 3 * H
    everything = report(cli, "--all")
    assert everything["team"]["total_seconds"] == 3 * H
    assert everything["period"] == {
        "start": "2026-10-30T09:00:00Z",
        "end": "2026-11-28T00:00:00Z",
        "timezone": "Europe/London",
    }
    # a date alone in --to is the end of that day
    days = report(cli, "--from", "2026-10-30", "--to", "2026-10-30")
    assert days["team"]["total_seconds"] == 2 * H
    assert days["period"]["end"] == "2026-10-31T00:00:00Z"
    assert [w["week"] for w in days["trend"]][-1] == "2026-W44"


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "2026-11-20", "--to", "2026-11-10"),
        ("--week", "--last-week"),
        ("--month", "--from", "2026-11-01"),
        ("--save", "report.png"),
        ("--format", "xml"),
        ("--trend-weeks", "-1"),
    ],
)
def test_usage_errors_are_exit_2(cli, args) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", *args)
    assert result.exit_code == 2
    assert "Error:" in result.stderr


def test_markdown_and_trend_weeks(cli) -> None:  # type: ignore[no-untyped-def]
    balanced_team(cli)
    data = report(cli, "--trend-weeks", "3")
    assert [w["week"] for w in data["trend"]] == ["2026-W46", "2026-W47", "2026-W48"]
    text = cli("report", "--format", "markdown").stdout
    assert text.startswith("# Sales / marketing balance this week")
    assert "| **team** |  |  | 16h | 9h | 25h | **36.0%** | 25% floor |" in text


def test_the_longest_trend_the_help_allows(cli) -> None:  # type: ignore[no-untyped-def]
    # 520 weeks is more periods than SQLite takes in one compound SELECT (500).
    cli.people("ann")
    span(cli, "ann", "marketing", "2016-12-14", 9 * H, 10 * H)
    span(cli, "ann", "sales", "2026-11-23", 9 * H, 11 * H)
    trend = report(cli, "--trend-weeks", "520")["trend"]
    assert len(trend) == 520
    assert (trend[0]["week"], trend[-1]["week"]) == ("2016-W50", "2026-W48")
    assert [w["week"] for w in trend if w["marketing_seconds"]] == ["2016-W50"]
    assert trend[-1]["sales_seconds"] == 2 * H


@pytest.mark.parametrize("suffix", ["svg", "html"])
def test_save(sqlite_cli, tmp_path, suffix) -> None:  # type: ignore[no-untyped-def]
    balanced_team(sqlite_cli)
    target = tmp_path / f"report.{suffix}"
    result = sqlite_cli("report", "--format", "json", "--save", str(target))
    assert result.exit_code == 0
    json.loads(result.stdout)  # stdout stays the JSON
    assert "alice" in target.read_text()


@pytest.mark.parametrize(
    ("where", "says"),
    [("missing/report.svg", "does not exist"), ("folder.svg", "is a directory")],
)
def test_save_where_it_cannot_write_is_one_clean_error(sqlite_cli, tmp_path, where, says) -> None:  # type: ignore[no-untyped-def]
    balanced_team(sqlite_cli)
    (tmp_path / "folder.svg").mkdir()
    result = sqlite_cli("report", "--save", str(tmp_path / where))
    assert result.exit_code == 1
    assert result.stdout == ""  # refused before printing half a success
    assert result.stderr.startswith("Error: cannot write") and says in result.stderr
    assert result.stderr.count("\n") == 1


def test_save_replaces_a_symlink_instead_of_writing_through_it(sqlite_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A link planted at the --save path (here to /dev/full, where every write fails) is
    replaced by the report; what it pointed at is never written (#14.5)."""
    balanced_team(sqlite_cli)
    planted = tmp_path / "report.svg"
    planted.symlink_to("/dev/full")
    result = sqlite_cli("report", "--save", str(planted))
    assert result.exit_code == 0, result.stderr
    assert not planted.is_symlink() and planted.read_text().startswith("<svg")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
