"""Many processes writing one SQLite file at the same moment: nothing lost, nothing locked.

The workers are real processes (tests/soak/workers.py runs the real CLI in a loop, so
hundreds of commands do not pay the interpreter's start-up each), released together at
one instant.  A smaller round runs the installed `smbalance` script itself.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import NOW_EPOCH

pytestmark = pytest.mark.slow

WORKERS = Path(__file__).parent / "soak" / "workers.py"
SMBALANCE = Path(sys.executable).parent / "smbalance"
PROCESSES = 8
LOGS_EACH = 50
BASE = NOW_EPOCH - 30 * 86400  # a month back: clear of the timers, which run up to now
SLOT = 600  # each entry takes the first 300 s of its own 10-minute slot


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def log_slot(db: str, who: str, slot: int) -> list[str]:
    start = BASE + slot * SLOT
    when = ["--start", iso(start), "--end", iso(start + 300)]
    return ["--db", db, "log", "sales", *when, "--who", who, "-q"]


def with_people(db: Path, *names: str) -> None:
    """Create the store and its people first: only the default person is created by a
    first `log`, and these processes race on data, not on adding people."""
    from smbalance.store import open_store

    with open_store(db) as store:
        for name in names:
            store.add_person(name, "both")


def run_workers(tmp_path: Path, command_lists: list[list[list[str]]]) -> list[list[dict]]:
    """Start one worker process per command list, all released at the same instant."""
    go = time.time() + 1.5  # time for every worker to import smbalance first
    procs = []
    for n, commands in enumerate(command_lists):
        spec = tmp_path / f"worker{n}.json"
        spec.write_text(json.dumps(commands))
        procs.append(
            subprocess.Popen(
                [sys.executable, str(WORKERS), "cli", str(spec), "--go", str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append([json.loads(line) for line in out.splitlines()])
    return results


def table_rows(db: Path, query: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchall()


def assert_check_clean(db: Path) -> None:
    from smbalance.store import open_store

    with open_store(db) as store:
        assert store.check() == []
    assert table_rows(db, "PRAGMA integrity_check") == [("ok",)]


def test_eight_processes_fifty_logs_each_and_timers_all_succeed(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with_people(db, "team", *(f"p{worker}" for worker in range(PROCESSES)))
    command_lists = []
    for worker in range(PROCESSES):
        # Interleaved slots of one shared person: every worker's overlap check reads the
        # same rows the others are writing.
        commands = [log_slot(str(db), "team", worker + PROCESSES * k) for k in range(LOGS_EACH)]
        # Each worker also runs its own person's timer: start, stop, start, stop, …
        for round_ in range(3):
            at = NOW_EPOCH - 3 * 3600 + round_ * 1200
            who = f"p{worker}"
            commands.insert(
                10 + round_ * 15, ["--db", str(db), "start", "m", "--who", who, "--at", iso(at)]
            )
            commands.insert(
                11 + round_ * 15, ["--db", str(db), "stop", "--who", who, "--at", iso(at + 600)]
            )
        command_lists.append(commands)

    results = run_workers(tmp_path, command_lists)

    failures = [r for worker in results for r in worker if r["code"] != 0]
    assert failures == []
    logged_ids = [int(r["out"]) for worker in results for r in worker if r["out"].strip().isdigit()]
    assert len(logged_ids) == PROCESSES * LOGS_EACH == len(set(logged_ids))
    team = table_rows(
        db, "SELECT e.id FROM entry e JOIN person p ON p.id = e.person_id WHERE p.name = 'team'"
    )
    assert sorted(i for (i,) in team) == sorted(logged_ids)
    timer_entries = table_rows(
        db,
        "SELECT count(*) FROM entry e JOIN person p ON p.id = e.person_id WHERE p.name LIKE 'p%'",
    )
    assert timer_entries == [(PROCESSES * 3,)]
    assert table_rows(db, "SELECT count(*) FROM timer") == [(0,)]
    assert_check_clean(db)


def test_colliding_processes_get_clean_overlap_refusals(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with_people(db, "clash")
    slots = list(range(15))
    command_lists = []
    for worker in range(PROCESSES):
        order = slots[:]
        random.Random(worker).shuffle(order)  # every worker races for every slot
        command_lists.append([log_slot(str(db), "clash", slot) for slot in order])

    results = run_workers(tmp_path, command_lists)

    outcomes = [r for worker in results for r in worker]
    winners = [r for r in outcomes if r["code"] == 0]
    refused = [r for r in outcomes if r["code"] != 0]
    assert len(winners) == len(slots)  # exactly one process wins each slot
    assert len(refused) == len(slots) * (PROCESSES - 1)
    for r in refused:
        assert r["code"] == 1, r
        lines = r["err"].strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and "overlap" in lines[0], r
        assert "locked" not in r["err"] and "Traceback" not in r["err"]
    stored = table_rows(db, "SELECT id, start_utc FROM entry ORDER BY start_utc")
    assert sorted(int(r["out"]) for r in winners) == sorted(i for i, _ in stored)
    assert [s for _, s in stored] == [BASE + slot * SLOT for slot in slots]
    assert_check_clean(db)


def test_installed_script_in_eight_processes_at_once(tmp_path: Path) -> None:
    """The console script itself, 8 at a time: logs beside timers starting, then stopping."""
    db = tmp_path / "store.db"
    for name in ("bin", *(f"w{n}" for n in range(PROCESSES // 2))):
        subprocess.run(
            [str(SMBALANCE), "--db", str(db), "people", "add", name, "--role", "both"],
            check=True,
            capture_output=True,
        )

    def wave(argvs: list[list[str]]) -> list[subprocess.CompletedProcess]:
        procs = [
            subprocess.Popen(
                [str(SMBALANCE), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for argv in argvs
        ]
        done = []
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
        return done

    at = NOW_EPOCH - 3600
    half = PROCESSES // 2
    start = [
        ["--db", str(db), "start", "s", "--who", f"w{n}", "--at", iso(at)] for n in range(half)
    ]
    stop = [["--db", str(db), "stop", "--who", f"w{n}", "--at", iso(at + 900)] for n in range(half)]
    logs = [log_slot(str(db), "bin", slot) for slot in range(PROCESSES)]
    waves = [start + logs[:half], stop + logs[half:]]  # 8 processes at once, twice
    for argvs in waves:
        for done in wave(argvs):
            assert done.returncode == 0, done.stderr
            assert "locked" not in done.stderr
    assert table_rows(db, "SELECT count(*) FROM entry") == [(PROCESSES + half,)]
    check = subprocess.run(
        [str(SMBALANCE), "--db", str(db), "db", "check"], capture_output=True, text=True
    )
    assert check.returncode == 0 and check.stdout.strip().endswith("OK"), check
