"""`entries`: streamed in every format through export's streaming, newest first; the
table's --limit and --by-day; one quiet exit for a reader that goes away; flat memory."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

SMBALANCE = Path(sys.executable).parent / "smbalance"
H = 3600


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def seed(store) -> None:  # type: ignore[no-untyped-def]
    store.add_person("alice", "both")
    store.add_person("bob", "both")
    store.log("alice", "sales", at("2026-11-25T23:00"), at("2026-11-26T01:00"), tags=["acme"])
    store.log("alice", "marketing", at("2026-11-26T09:00"), at("2026-11-26T09:30"), note="blog")
    store.log("bob", "marketing", at("2026-11-26T10:00"), at("2026-11-26T12:00"))
    store.log("bob", "sales", at("2026-11-27T08:00"), at("2026-11-27T09:00"))


def test_listing_is_newest_first_filtered_limited_and_counted(store) -> None:  # type: ignore[no-untyped-def]
    seed(store)
    week = {"start_utc": at("2026-11-23T00:00"), "end_utc": at("2026-11-30T00:00")}

    def ids(**options) -> list[int]:  # type: ignore[no-untyped-def]
        batches = store.export_batches(newest_first=True, iso_instants=False, **options)
        return [row[1] for batch in batches for row in batch]

    assert ids(**week) == [4, 3, 2, 1]
    assert ids(**week, category="marketing") == [3, 2]
    assert ids(**week, people=["alice"], limit=1) == [2]
    # An entry across the period's start is listed whole; instants stay epoch seconds.
    thursday = {"start_utc": at("2026-11-26T00:00"), "end_utc": at("2026-11-27T00:00")}
    assert ids(**thursday) == [3, 2, 1]
    (first,) = next(store.export_batches(limit=1, iso_instants=False, **thursday))
    assert first[4:7] == (at("2026-11-25T23:00"), at("2026-11-26T01:00"), 2 * H)
    assert store.listing_totals(**thursday) == (3, 2 * H + H // 2 + 2 * H)
    assert store.listing_totals(**thursday, category="sales", people=["bob"]) == (0, 0)


def test_entries_json_and_csv_are_exports_rows_newest_first(cli) -> None:  # type: ignore[no-untyped-def]
    for command in (
        "people add alice --role both",
        "log sales --who alice --start 2026-11-26T09:00Z --end 2026-11-26T10:00Z --tag a --tag b",
        "log marketing --who alice --start 2026-11-27T09:00Z --end 2026-11-27T09:30Z --note hi",
    ):
        assert cli(command).exit_code == 0, command
    exported = json.loads(cli("export --format json").stdout)
    listed = json.loads(cli("entries --format json").stdout)
    assert listed == exported[::-1] and listed[1]["tags"] == ["a", "b"]
    rows = list(csv.reader(io.StringIO(cli("entries --format csv").stdout)))
    assert rows[0] == ["uid", "id", "person", "category", "start", "end", "seconds", "note", "tags"]
    assert [row[1] for row in rows[1:]] == ["2", "1"] and rows[2][8] == "a b"
    assert [e["id"] for e in json.loads(cli("entries --format json --limit 1").stdout)] == [2]
    assert json.loads(cli("entries --format json --category sales").stdout)[0]["id"] == 1


def test_the_table_shows_the_limit_and_says_how_many_more(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("people add alice --role both").exit_code == 0
    for day in range(23, 28):
        cli(f"log sales --who alice --start 2026-11-{day}T09:00Z --end 2026-11-{day}T10:00Z")
    table = cli("entries --limit 2").stdout
    assert "2026-11-27" in table and "2026-11-26" in table and "2026-11-25" not in table
    assert "5 entries, 5h in all; showing the newest 2, 3 more (--limit 5" in table
    assert "5 entries, 5h in all\n" in cli("entries").stdout  # default limit: 100


def test_by_day_heads_each_day_with_its_clipped_sales_and_marketing(cli) -> None:  # type: ignore[no-untyped-def]
    for command in (
        "people add alice --role both",
        "log sales --who alice --start 2026-11-25T23:00Z --end 2026-11-26T01:00Z",
        "log marketing --who alice --start 2026-11-26T09:00Z --end 2026-11-26T09:30Z",
        "log marketing --who alice --start 2026-11-27T09:00Z --end 2026-11-27T10:00Z",
    ):
        assert cli(command).exit_code == 0, command
    lines = cli("entries --by-day").stdout.splitlines()
    headings = [line.strip() for line in lines if line.startswith(("Wed", "Thu", "Fri"))]
    # The entry across midnight is listed under the day it starts on, and counts an hour
    # in each day's line, as `report --by day` counts it.
    assert headings == [
        "Fri 2026-11-27  1h: sales 0m, marketing 1h",
        "Thu 2026-11-26  1h30m: sales 1h, marketing 30m",
        "Wed 2026-11-25  1h: sales 1h, marketing 0m",
    ]
    result = cli("entries --by-day --format json")
    assert result.exit_code == 2 and "report --by day --format json" in result.stderr


# ---- subprocesses: the installed command ---------------------------------------------


def fill(path: Path, count: int) -> None:
    """`count` half-hour entries of one person, an hour apart, made by SQLite itself (a
    recursive CTE, no Python per row) in a store the CLI created: a second, not a minute."""
    from smbalance.store import open_store

    with open_store(path) as store:
        store.log("al", "sales", at("2026-01-01T00:00"), at("2026-01-01T00:30"))
    with sqlite3.connect(path) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)"
            " INSERT INTO entry (uid, person_id, category, start_utc, end_utc, seconds, note,"
            " tags, created_utc, updated_utc)"
            " SELECT printf('00000000-0000-0000-0000-%012x', i), 1,"
            " CASE WHEN i % 3 THEN 'marketing' ELSE 'sales' END, ? + i * 3600,"
            " ? + i * 3600 + 1800, 1800, 'note ' || i || ' ' || printf('%.40c', 'x'),"
            " CASE WHEN i % 2 THEN 'acme q4' ELSE '' END, ?, ? FROM n",
            (count, *[at("2000-01-01T00:00")] * 4),
        )


PEAK = (
    "import sys\n"
    "from smbalance.cli import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    status = open('/proc/self/status').read()\n"
    "    print('peak', status.split('VmHWM:')[1].split()[0], file=sys.stderr)\n"
)


def peak_kib(path: Path, *argv: str) -> int:
    """Peak RSS of one `entries` run.  VmHWM, not ru_maxrss: Linux carries ru_maxrss
    over from the parent across exec, which would hide the child's own peak."""
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, "--db", str(path), "entries", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return int(proc.stderr.split("peak ")[-1])


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "store.db"
    fill(path, 200_000)
    return path


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_entries_memory_stays_flat_at_200k_entries(big: Path) -> None:
    """Listing all 200k entries, in every format, peaks within a few MB of a table of a
    week of them (the table imports Rich, the largest start-up of the three)."""
    week = peak_kib(big, "--from", "2022-10-24", "--to", "2022-10-30")
    everything = ("--from", "1999-01-01", "--to", "2027-01-01")
    peaks = {fmt: peak_kib(big, "--format", fmt, *everything) for fmt in ("json", "csv", "table")}
    # Before streaming, JSON of 200k entries took ~700 MB; a batch of 5,000 rows is ~3 MB.
    assert all(peak - week < 25 * 1024 for peak in peaks.values()), (week, peaks)


def test_a_reader_that_goes_away_is_a_quiet_success_for_entries_and_export(big: Path) -> None:
    """`entries | head -1` and `export | head -1` exit the same: 0, nothing on stderr
    (the table too: Rich's own handler would exit 1)."""
    for argv in (
        ["entries", "--format", "json", "--from", "1999-01-01"],
        ["export"],
        ["entries", "--from", "1999-01-01", "--limit", "1500"],  # ~120 KB of table
    ):
        proc = subprocess.Popen(
            [str(SMBALANCE), "--db", str(big), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stdout.readline()
        proc.stdout.close()  # the reader goes away after one line
        err = proc.stderr.read().decode()  # type: ignore[union-attr]
        assert proc.wait(timeout=60) == 0, (argv, err)
        assert err == "", (argv, err)
