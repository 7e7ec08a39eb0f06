"""Many processes writing one PostgreSQL store at once: no overlap, no lost entry.

On PostgreSQL, `Store.change` runs at READ COMMITTED and serialises writers per person
with `SELECT … FOR UPDATE` on the person's row, taken after the person is ensured: an
existing person's row is locked before the overlap check, and a brand-new person's
INSERT waits on the unique index for the other creator, then uses their row.

The workers are real processes released at one instant.  Each runs its commands through
the real CLI in a loop (this file is also the worker script, see `worker_main`), so
hundreds of commands cost one interpreter start-up per process; a smaller round runs the
installed `smbalance` script itself, one process per command.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import NOW, NOW_EPOCH

pytestmark = pytest.mark.pg

SMBALANCE = Path(sys.executable).parent / "smbalance"
PROCESSES = 8
# CI runs 8 × 15; the full run is SMBALANCE_PG_CONCURRENCY_LOGS=50 (8 × 50).
LOGS_EACH = int(os.environ.get("SMBALANCE_PG_CONCURRENCY_LOGS", "15"))
BASE = NOW_EPOCH - 60 * 86400  # two months back: clear of "now" and the stacked logs
HOUR = 3600


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def log_at(db: str, who: str, start: int, length: int = HOUR) -> list[str]:
    return ["--db", db, "log", "sales", "--start", iso(start), "--end", iso(start + length),
            "--who", who, "-q"]  # fmt: skip


NEWBIE = {"USER": "newbie", "LOGNAME": "newbie"}  # the login name: created on first use


def log_now(db: str, who: str) -> list[str]:
    return ["--db", db, "log", "marketing", "20m", "--who", who, "-q"]


# ---- the worker process --------------------------------------------------------------


def worker_main(commands_file: str, go: str) -> None:
    """Run each argv of COMMANDS_FILE through the CLI; print one JSON line per command."""
    from smbalance.cli.app import app  # imported before the start signal

    commands = json.loads(Path(commands_file).read_text())
    time.sleep(max(0.0, float(go) - time.time()))
    for argv in commands:
        out, err, code = io.StringIO(), io.StringIO(), 0
        with redirect_stdout(out), redirect_stderr(err):
            try:
                app(args=argv, prog_name="smbalance")
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        line = {"argv": argv, "code": code, "out": out.getvalue(), "err": err.getvalue()}
        print(json.dumps(line), flush=True)


def run_workers(tmp_path: Path, plans: list[tuple[list[list[str]], dict[str, str]]]) -> list:
    """One process per (commands, extra env); all start at the same instant."""
    go = time.time() + 2.0  # time for every worker to import smbalance first
    procs = []
    for n, (commands, env) in enumerate(plans):
        spec = tmp_path / f"worker{n}.json"
        spec.write_text(json.dumps(commands))
        procs.append(
            subprocess.Popen(
                [sys.executable, __file__, str(spec), str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(env),
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append([json.loads(line) for line in out.splitlines()])
    return results


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SMBALANCE_NOW"}
    env.update(extra)
    return env


# ---- checks --------------------------------------------------------------------------


def stored_entries(db: str) -> dict[int, tuple[str, int, int]]:
    from smbalance.store import open_store

    with open_store(db) as store:
        assert store.check() == []  # no overlaps, end > start, seconds agree
        return {e.id: (e.person, e.start_utc, e.end_utc) for e in store.entries()}


def assert_no_overlaps(entries: dict[int, tuple[str, int, int]]) -> None:
    by_person: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for person, start, end in entries.values():
        by_person[person].append((start, end))
    for person, spans in by_person.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, f"{person}: overlapping entries"


def assert_clean_refusal(result: dict) -> None:
    assert result["code"] == 1, result
    lines = result["err"].strip().splitlines()
    assert len(lines) == 1, result
    assert lines[0].startswith("Error: ") and "overlap" in lines[0], result
    assert result["out"] == ""


def check_outcomes(db: str, results: list[list[dict]]) -> dict[int, tuple[str, int, int]]:
    """Every exit 0 is stored as logged; every other exit is a clean overlap refusal."""
    stored = stored_entries(db)
    accepted = [r for worker in results for r in worker if r["code"] == 0]
    for r in (r for worker in results for r in worker if r["code"] != 0):
        assert_clean_refusal(r)
    ids = [int(r["out"]) for r in accepted]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(stored)  # nothing lost, nothing extra
    for r in accepted:
        argv = r["argv"]
        person, start, _end = stored[int(r["out"])]
        assert person == argv[argv.index("--who") + 1]
        if "--start" in argv:
            assert iso(start) == argv[argv.index("--start") + 1]
    assert_no_overlaps(stored)
    return stored


# ---- the tests -----------------------------------------------------------------------


@pytest.fixture
def pg_store(pg_url: str) -> str:
    """A PostgreSQL store, created before the workers start (they race on data, not DDL)."""
    from smbalance.store import open_store

    with open_store(pg_url) as store:
        for name in ("shared", "pair", "script"):  # only the default person appears by itself
            store.add_person(name, "both")
    return pg_url


def test_eight_processes_logging_at_once_never_overlap(pg_store: str, tmp_path: Path) -> None:
    db, fixed_now = pg_store, {"SMBALANCE_NOW": NOW.strftime("%Y-%m-%dT%H:%M:%SZ")}
    slots = [BASE + k * HOUR for k in range(LOGS_EACH)]
    plans = [
        # Four processes race for the same hours of one person: one wins each hour.
        *[([log_at(db, "shared", s) for s in slots], fixed_now) for _ in range(4)],
        # Two processes for one person, half an hour apart: each hour collides with two.
        ([log_at(db, "pair", s) for s in slots], {}),
        ([log_at(db, "pair", s + HOUR // 2) for s in slots], {}),
        # Two processes create one new person (their login name, so the default person)
        # at once and log durations that end now (the real clock in one, the fixed one
        # in the other): all stack without a gap.
        ([log_now(db, "newbie") for _ in slots], NEWBIE),
        ([log_now(db, "newbie") for _ in slots], fixed_now | NEWBIE),
    ]
    assert len(plans) == PROCESSES

    results = run_workers(tmp_path, plans)

    stored = check_outcomes(db, results)
    people = [person for person, _, _ in stored.values()]
    assert people.count("shared") == LOGS_EACH
    assert sum(r["code"] == 1 for w in results[:4] for r in w) == 3 * LOGS_EACH
    assert all(r["code"] == 0 for w in results[6:] for r in w)  # durations always fit
    assert people.count("newbie") == 2 * LOGS_EACH
    assert 0 < people.count("pair") < 2 * LOGS_EACH


def test_installed_script_processes_collide_cleanly(pg_store: str) -> None:
    """The console script itself, eight at a time, racing for the same hours."""
    db, rounds = pg_store, 2
    results: list[list[dict]] = [[] for _ in range(PROCESSES)]
    for k in range(rounds):
        start = BASE + k * HOUR
        argvs = [log_at(db, "script", start + (n % 2) * HOUR // 2) for n in range(PROCESSES)]
        procs = [
            subprocess.Popen([str(SMBALANCE), *argv], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=_env({}))
            for argv in argvs
        ]  # fmt: skip
        for n, (argv, proc) in enumerate(zip(argvs, procs, strict=True)):
            out, err = proc.communicate(timeout=60)
            results[n].append({"argv": argv, "code": proc.returncode, "out": out, "err": err})

    stored = check_outcomes(db, results)
    # Each round's hour and half-hour collide, and with the neighbouring rounds: at
    # least one and at most two of the eight win each round.
    assert rounds <= len(stored) <= 2 * rounds


if __name__ == "__main__":
    worker_main(*sys.argv[1:])
