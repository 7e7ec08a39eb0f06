"""Writes and week reports read index ranges, never all of history (SQLite).

Every statement the real CLI sends while running `log` and `report --week` on a
generated five-year store is captured (sqlite3's trace callback, which sees each
statement with its values filled in) and re-run under EXPLAIN QUERY PLAN.  Each step
that touches `entry` must be a SEARCH (an index probe or range), not a SCAN: that is
what keeps `log` at a million entries as fast as at a thousand, and a week's report
independent of the years before it.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smbalance.store.sql import SqliteDatabase

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import generate  # the benchmark generator: a realistic, ANALYZEd store

Statement = tuple[str, tuple]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 entries over five years of work days for 20 people, ending 2026-11-27."""
    return generate.sqlite_store(1000, data_dir=tmp_path_factory.mktemp("history"))


@pytest.fixture
def captured() -> Iterator[list[Statement]]:
    statements: list[Statement] = []

    def watch(connection: sqlite3.Connection) -> None:
        connection.set_trace_callback(lambda statement: statements.append((statement, ())))

    SqliteDatabase.on_connect.append(watch)
    yield statements
    SqliteDatabase.on_connect.remove(watch)


def run(store: Path, *args: str) -> None:
    from smbalance.cli.app import app

    result = CliRunner().invoke(app, ["--db", str(store), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def entry_plans(store: Path, statements: list[Statement]) -> list[tuple[str, list[str]]]:
    """(statement, its plan steps that touch `entry`) for every statement on `entry`."""
    db = sqlite3.connect(store)
    plans = []
    for statement, parameters in statements:
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb not in ("SELECT", "UPDATE", "DELETE", "WITH") or "entry" not in statement:
            continue
        rows = db.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
        steps = [row[-1] for row in rows if " entry" in f" {row[-1]}"]
        plans.append((statement, steps))
    db.close()
    return plans


def assert_all_searches(plans: list[tuple[str, list[str]]]) -> None:
    assert plans, "no statement on entry was captured"
    for statement, steps in plans:
        for step in steps:
            assert step.startswith("SEARCH"), f"{step!r} scans entry in:\n{statement}"


def test_log_probes_only_indexes(history: Path, captured: list[Statement]) -> None:
    # Before the generated working day (08:00-19:00) of the tests' "now", never after it:
    # log refuses the future.
    run(history, "log", "sales", "--start", "2026-11-27 06:00", "--end", "2026-11-27 07:00",
        "--who", "person01")  # fmt: skip
    plans = entry_plans(history, captured)
    assert_all_searches(plans)
    overlap = [steps for statement, steps in plans if "start_utc DESC" in statement]
    assert overlap, "the overlap probe was not issued"
    assert any("ix_entry_person_start" in step for step in overlap[0])


def test_log_with_only_a_duration_probes_only_indexes(
    history: Path, captured: list[Statement]
) -> None:
    run(history, "log", "marketing", "3h", "--who", "person02")  # stacks back past busy time
    assert_all_searches(entry_plans(history, captured))


def test_report_week_reads_a_range_of_ix_entry_start(
    history: Path, captured: list[Statement]
) -> None:
    run(history, "report", "--week")
    plans = entry_plans(history, captured)
    assert_all_searches(plans)
    assert any("ix_entry_start" in step for _, steps in plans for step in steps)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--month", "--by", "day"],
        ["report", "--month", "--by", "tag"],
        ["entries", "--by-day", "--limit", "5"],
        ["entries", "--format", "csv", "--category", "sales"],
    ],
)
def test_breakdowns_and_listings_read_ranges(
    history: Path, captured: list[Statement], args: list[str]
) -> None:
    """A month by day is one VALUES table joined to the start index, a day at a time."""
    run(history, *args)
    assert_all_searches(entry_plans(history, captured))
