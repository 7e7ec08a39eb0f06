"""Worker processes for the reliability tests and the soak: real processes on one store.

Run as a script, one mode per process:

    python tests/soak/workers.py cli COMMANDS.json [--go EPOCH]
        Runs each argv list of COMMANDS.json through the real smbalance CLI in this one
        process (no interpreter start-up per command, so hundreds of commands stay fast)
        and prints one JSON line per command as soon as it returns: its exit code,
        stdout and stderr.  A `log -q` line therefore carries the id of an entry that is
        already committed.  `--go` makes every worker start at the same instant.

    python tests/soak/workers.py bulk DB ROWS [--go EPOCH]
        Inserts ROWS entries in ONE journaled store transaction (what an import does),
        then prints "committed".  Used to kill -9 a big write half-way.
"""

from __future__ import annotations

import functools
import io
import json
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

BULK_PERSON = "bulk"
BULK_START = 1_700_000_000  # 2023-11-14: far from anything the tests log by hand


def wait_for(go: float | None) -> None:
    """Sleep until the shared start instant, so the workers collide on purpose."""
    if go is not None:
        time.sleep(max(0.0, go - time.time()))


@functools.cache
def smbalance_command():  # type: ignore[no-untyped-def]
    """The Click command the console script runs, built once (Typer rebuilds it per call)."""
    from typer.main import get_command

    from smbalance.cli.app import app

    return get_command(app)


def run_cli(argv: list[str]) -> dict[str, object]:
    """One smbalance command, in-process, as the console script would run it."""
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            smbalance_command().main(args=argv, prog_name="smbalance")
        except SystemExit as exc:
            code = exc.code if exc.code is not None else 0
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


def cli_mode(commands_file: str, go: float | None) -> None:
    commands = json.loads(Path(commands_file).read_text())
    smbalance_command()  # build it before the start signal, not after

    wait_for(go)
    for index, argv in enumerate(commands):
        result = run_cli(argv)
        sys.stdout.write(json.dumps({"i": index, **result}) + "\n")
        sys.stdout.flush()


def bulk_mode(db: str, rows: int, go: float | None) -> None:
    """ROWS entries of one person in a single change, like `import` of a big file."""
    import uuid

    from smbalance.store import open_store

    insert = (
        "INSERT INTO entry (uid, person_id, category, start_utc, end_utc, seconds, note, tags,"
        " created_utc, updated_utc, change_id) VALUES (:uid, :person_id, :category,"
        " :start_utc, :end_utc, :seconds, :note, :tags, :created_utc, :updated_utc, :change_id)"
    )

    store = open_store(db)
    wait_for(go)
    with store._change("import") as ctx:
        person, _ = store._ensure_person(ctx, BULK_PERSON)
        batch = []
        for n in range(rows):
            start = BULK_START + n * 120
            batch.append(
                {
                    "uid": str(uuid.uuid4()),
                    "person_id": person.id,
                    "category": "sales" if n % 2 else "marketing",
                    "start_utc": start,
                    "end_utc": start + 60,
                    "seconds": 60,
                    "note": f"row {n}",
                    "tags": "",
                    "created_utc": ctx.now,
                    "updated_utc": ctx.now,
                    "change_id": ctx.change_id,
                }
            )
            if len(batch) == 5000:
                ctx.conn.run_many(insert, batch)
                batch = []
        if batch:
            ctx.conn.run_many(insert, batch)
    store.close()
    print("committed", flush=True)


def main(argv: list[str]) -> None:
    go = None
    if "--go" in argv:
        at = argv.index("--go")
        go = float(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    mode, *rest = argv
    if mode == "cli":
        cli_mode(rest[0], go)
    elif mode == "bulk":
        bulk_mode(rest[0], int(rest[1]), go)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
