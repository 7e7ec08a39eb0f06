"""The long reliability soak (not in CI): many more processes, kills and rounds.

    .venv/bin/python tests/soak/soak.py                # default: about 10 minutes
    .venv/bin/python tests/soak/soak.py --rounds 20    # quicker

It reuses the CI tests' helpers with bigger numbers and prints the figures:
  1. the installed `smbalance` script, 8 processes x 50 `log`s each at once, plus timers;
  2. kill -9 of a `log` loop, --rounds times: every printed id must survive;
  3. kill -9 of a 100,000-row `import` (and of the store's bulk transaction),
     --rounds times each: all or nothing.
Any broken promise stops it with an AssertionError and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))

from conftest import NOW  # noqa: E402


def isolate(home: Path) -> None:
    """The same fixed clock, zone and private home the tests use."""
    os.environ.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        SMBALANCE_CONFIG=str(home / "config.toml"),
        SMBALANCE_TZ="Europe/London",
        SMBALANCE_NOW=NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        NO_COLOR="1",
    )
    os.environ.pop("SMBALANCE_DB", None)


def script_concurrency(work: Path, processes: int, logs: int) -> int:
    """`processes` shells, each running the installed script `logs` times, all at once."""
    import test_concurrency_sqlite as conc

    db = work / "script.db"
    conc.with_people(db, "team", *(f"p{worker}" for worker in range(processes)))
    procs = []
    for worker in range(processes):
        lines = []
        for k in range(logs):
            argv = conc.log_slot(str(db), "team", worker + processes * k)
            lines.append(" ".join([str(conc.SMBALANCE), *map(repr, argv)]) + " || exit 1")
        at = conc.NOW_EPOCH - 3 * 3600 + worker * 60
        lines.append(
            f"{conc.SMBALANCE} --db {db} start m --who p{worker} --at {conc.iso(at)} || exit 1"
        )
        lines.append(
            f"{conc.SMBALANCE} --db {db} stop --who p{worker} --at {conc.iso(at + 30)} || exit 1"
        )
        procs.append(
            subprocess.Popen(
                ["bash", "-c", "\n".join(lines)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for proc in procs:
        _, err = proc.communicate()
        assert proc.returncode == 0, err
        assert "locked" not in err
    held = conc.table_rows(
        db, "SELECT count(*) FROM entry e JOIN person p ON p.id = e.person_id WHERE p.name = 'team'"
    )[0][0]
    assert held == processes * logs, held
    conc.assert_check_clean(db)
    return held


def log_loop_kills(work: Path, rounds: int, rng: random.Random) -> tuple[int, int]:
    import test_crash as crash

    db = work / "loop.db"
    crash.create_store(db)
    promised: list[int] = []
    for round_ in range(rounds):
        promised += crash.log_loop_round(work, db, round_ * 300, rng)
        crash.assert_store_sound(db)
        with sqlite3.connect(db) as conn:
            stored = {i for (i,) in conn.execute("SELECT id FROM entry")}
        assert set(promised) <= stored, "a printed id was lost"
    return rounds, len(promised)


def big_write_kills(work: Path, kind: str, rounds: int, rng: random.Random) -> dict[str, int]:
    import test_crash as crash

    csv_file = work / "big.csv"
    if kind == "import" and not csv_file.exists():
        crash.write_big_csv(csv_file)
    tally = {"all": 0, "none": 0}
    for round_ in range(rounds):
        db = work / f"big-{kind}.db"
        for leftover in work.glob(f"big-{kind}.db*"):
            leftover.unlink()
        crash.create_store(db)
        proc = crash.big_write(kind, db, csv_file)
        crash.kill_mid_write(proc, db, rng.uniform(0.2, 22.0) * 2**20)
        crash.assert_store_sound(db)
        held = crash.count(db, "SELECT count(*) FROM entry")
        assert held in (0, crash.BIG), f"{kind} round {round_}: {held} rows"
        tally["all" if held else "none"] += 1
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=100, help="kill rounds of each kind")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--logs", type=int, default=50, help="logs per process")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="smbalance-soak-") as tmp:
        work = Path(tmp)
        isolate(work / "home")
        started = time.monotonic()
        held = script_concurrency(work, args.processes, args.logs)
        print(
            f"script concurrency: {args.processes} processes x {args.logs} logs: "
            f"{held} entries held, db check clean",
            flush=True,
        )
        rounds, printed = log_loop_kills(work, args.rounds, rng)
        print(f"log loop: {rounds} kill -9 rounds, all {printed} printed ids held", flush=True)
        for kind in ("import", "store-bulk"):
            tally = big_write_kills(work, kind, args.rounds, rng)
            print(
                f"{kind}: {args.rounds} kill -9 rounds of 100,000 rows: "
                f"{json.dumps(tally)} (all-or-nothing every time)",
                flush=True,
            )
        print(f"seed {args.seed}; {time.monotonic() - started:.0f} s; nothing lost")


if __name__ == "__main__":
    main()
