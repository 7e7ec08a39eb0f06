"""Start-up stays lean: what `--help`, `--version` and <Tab> completion import.

Each check runs a fresh interpreter (the test process has long imported everything),
and asserts on the modules actually loaded, not on timings, so it cannot flake on a
busy machine.  The figures themselves are in benchmarks/README.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from smbalance.store import open_store

HEAVY = {"sqlalchemy", "sqlmodel", "pendulum", "alembic", "rich"}

# Runs smbalance's console entry point with the given argv (and the environment's
# completion variables), then reports which top-level packages got imported.
PROBE = """
import json, sys
sys.argv = ["smbalance", *json.loads(sys.argv[1])]
from smbalance.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
loaded = sorted({m.split(".")[0] for m in sys.modules})
print("\\nLOADED " + json.dumps(loaded))
"""


def probe(args: list[str], env: dict[str, str] | None = None) -> tuple[str, set[str]]:
    """(stdout before the probe line, the top-level packages imported)."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    output, _, loaded = result.stdout.rpartition("\nLOADED ")
    return output, set(json.loads(loaded))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-h"]])
def test_help_and_version_import_no_database_time_or_rendering_library(args: list[str]) -> None:
    output, loaded = probe(args)
    assert "smbalance" in output
    assert loaded & HEAVY == set()


def test_importtime_of_help_lists_no_heavy_module() -> None:
    """The same, as `python -X importtime` sees it (catches imports the probe could miss)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "smbalance", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "typer" in imported  # the parse worked
    assert imported & HEAVY == set()


def complete(words: str, env: dict[str, str] | None = None) -> tuple[list[str], set[str]]:
    """Bash completion candidates for a command line (the last word is being completed)."""
    parts = words.split(" ")
    output, loaded = probe(
        [],
        {
            "_SMBALANCE_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
            **(env or {}),
        },
    )
    return output.split(), loaded


def test_completing_a_category_imports_no_heavy_module() -> None:
    candidates, loaded = complete("smbalance log m")
    assert candidates == ["marketing"]
    assert loaded & HEAVY == set()


def test_completing_names_reads_sqlite_without_sqlalchemy(sqlite_path: Path) -> None:
    with open_store(sqlite_path) as store:
        store.add_person("alice", role="sales")
        store.add_person("alan", role="both")
        store.add_person("bob", role="marketing")
    env = {"SMBALANCE_DB": str(sqlite_path)}
    candidates, loaded = complete("smbalance log sales --who al", env)
    assert candidates == ["alan", "alice"]
    assert loaded & HEAVY == set()


def test_completing_names_on_a_missing_store_offers_nothing_and_creates_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nowhere.db"
    candidates, _ = complete("smbalance log sales --who ", {"SMBALANCE_DB": str(missing)})
    assert candidates == []
    assert not missing.exists()


def test_opening_an_up_to_date_store_imports_no_alembic(sqlite_path: Path) -> None:
    open_store(sqlite_path).close()  # created and migrated here, in the test process
    script = (
        "import sys\n"
        "from smbalance.store import open_store\n"
        f"open_store({str(sqlite_path)!r}).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# What a tracking command may import besides the standard library and smbalance:
# platformdirs (where the config file is).  Not the CLI framework (the lean path parses
# a plain command line itself), nor SQLAlchemy, SQLModel, Alembic, pydantic, Rich or
# pendulum (#16): on an up-to-date SQLite store they go through sqlite3 alone.
TRACKING_MAY_IMPORT = {"platformdirs"}
# Standard-library modules that cost milliseconds to import and that these commands do
# not need: dataclasses (it imports inspect), uuid (it imports platform), fractions.
SLOW_STDLIB = {"dataclasses", "inspect", "uuid", "platform", "fractions"}
NOT_PACKAGES = {"__main__", "_distutils_hack"}


def third_party(loaded: set[str]) -> set[str]:
    return {
        name
        for name in loaded - set(sys.stdlib_module_names) - NOT_PACKAGES - {"smbalance"}
        if not name.startswith("_sysconfigdata")
    }


def test_tracking_commands_on_an_up_to_date_sqlite_store_import_no_framework_or_orm(
    sqlite_path: Path,
) -> None:
    with open_store(sqlite_path) as store:  # created and migrated here, in the test process
        store.add_person("alice", "both")
        store.add_person("bob", "both")
    db = ["--db", str(sqlite_path)]
    for args in (
        ["log", "sales", "30m", "--who", "alice", "--note", "call", "--tag", "q4"],
        ["start", "marketing", "--who", "alice"],
        ["status"],
        ["status", "--who", "alice", "--format", "json"],
        ["stop", "--who", "alice"],
        ["start", "sales", "--who", "bob", "--at", "13:00"],
        ["cancel", "--who", "bob"],
        ["undo"],
        ["log", "m", "-s", "09:00", "-e", "09:30", "-wbob", "-q"],
    ):
        output, loaded = probe([*db, *args])
        assert output.strip(), args
        assert third_party(loaded) <= TRACKING_MAY_IMPORT, (args, third_party(loaded))
        assert not loaded & (HEAVY | {"pydantic"}), args
        assert not loaded & SLOW_STDLIB, (args, loaded & SLOW_STDLIB)


def test_an_old_store_still_takes_the_full_path_and_is_migrated(tmp_path: Path) -> None:
    """The lean path only ever opens a store at the current schema; anything else goes
    through SQLAlchemy and Alembic as before (here: a missing file is created)."""
    store = tmp_path / "new.db"
    output, loaded = probe(["--db", str(store), "log", "sales", "30m"])
    assert "Logged 30m" in output
    assert "sqlalchemy" in loaded and "alembic" in loaded
