"""`smbalance demo`: a deterministic team whose report shows crowding and the slide."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import NOW_EPOCH, TZ
from smbalance.demo import TEAM, WEEKS, demo_entries


def test_generator_is_deterministic_and_ends_at_now() -> None:
    first = demo_entries(NOW_EPOCH, TZ)
    assert first == demo_entries(NOW_EPOCH, TZ)
    assert max(e.end for e in first) <= NOW_EPOCH
    assert {e.person for e in first} == {p.name for p in TEAM}
    # twelve weeks back from the Monday of this week (2026-11-23)
    oldest = datetime.fromtimestamp(min(e.start for e in first), UTC)
    assert oldest.date().isoformat() == "2026-09-07" and WEEKS == 12


def test_generator_never_overlaps_a_persons_entries() -> None:
    by_person: dict[str, list[tuple[int, int]]] = {}
    for entry in demo_entries(NOW_EPOCH, TZ):
        assert entry.end > entry.start
        by_person.setdefault(entry.person, []).append((entry.start, entry.end))
    for spans in by_person.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_demo_fills_the_store_and_shows_the_warnings(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("demo", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "Filled the demo store" in result.stderr
    data = json.loads(result.stdout)
    codes = {(w["code"], w["person"]) for w in data["warnings"]}
    assert ("commission-crowding", "sam") in codes
    assert ("marketing-slide", None) in codes
    assert data["period"]["start"] == "2026-11-23T00:00:00Z"  # this week
    assert [p["person"] for p in data["people"]] == sorted(p.name for p in TEAM)
    # the same numbers from `report` afterwards
    again = json.loads(cli("report", "--format", "json").stdout)
    assert again["team"] == data["team"]


def test_demo_refuses_a_store_with_entries(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("alice")
    assert cli("log", "sales", "1h", "--who", "alice").exit_code == 0
    before = cli("export", "--format", "json").stdout
    result = cli("demo")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "already holds entries" in result.stderr
    assert cli("export", "--format", "json").stdout == before


def test_demo_twice_shows_the_same_demo_again(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("demo", "--format", "json")
    assert first.exit_code == 0, first.stderr
    again = cli("demo", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert "already holds the demo team; here is its report again" in again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)
    exported = json.loads(cli("export", "--format", "json").stdout)
    assert f"and {len(exported)} entries" in first.stderr  # nothing was added twice


def test_undo_removes_the_demo(sqlite_cli) -> None:  # type: ignore[no-untyped-def]
    assert sqlite_cli("demo").exit_code == 0
    assert sqlite_cli("undo").exit_code == 0
    data = json.loads(sqlite_cli("report", "--format", "json", "--all").stdout)
    assert data["team"]["total_seconds"] == 0


def test_without_db_it_uses_demo_db_beside_the_default_store(tmp_path: Path) -> None:
    from smbalance.cli.app import app
    from smbalance.config import default_db_path

    result = CliRunner().invoke(app, ["demo", "--format", "csv"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    demo_db = default_db_path().parent / "demo.db"
    assert demo_db.exists() and not default_db_path().exists()
    assert str(demo_db) in result.stderr


@pytest.mark.parametrize(
    "now",
    [
        "2026-11-23T08:00:00Z",
        "2026-11-25T12:00:00Z",
        "2026-03-31T10:00:00Z",
        "2027-01-03T20:00:00Z",
    ],
)
def test_warnings_hold_on_any_day(sqlite_cli, now: str) -> None:  # type: ignore[no-untyped-def]
    result = sqlite_cli("demo", "--format", "json", env={"SMBALANCE_NOW": now})
    codes = {w["code"] for w in json.loads(result.stdout)["warnings"]}
    assert {"commission-crowding", "marketing-slide"} <= codes
