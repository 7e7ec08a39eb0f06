"""`--db` pointing at something that is not (or not only) ours: refused with one clear
`Error:` line and exit 1, and not a byte written.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_error

SMBALANCE = Path(sys.executable).parent / "smbalance"
WRITES = [
    ["log", "sales", "1h", "--who", "al"],
    ["start", "m", "--who", "al"],
    ["people", "add", "bo", "--role", "sales"],
    ["db", "migrate"],
]


def run(db: str, *argv: str):  # type: ignore[no-untyped-def]
    from smbalance.cli.app import app

    return CliRunner().invoke(app, ["--db", db, *argv], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in the folder: its bytes and its mtime.

    SQLite's own side files of a WAL store are left out: `-shm` is a shared-memory
    index, not data, and a `-wal` must hold no pages (checked here) for nothing to
    have been written.
    """
    files = {}
    for f in sorted(folder.iterdir()):
        if f.name.endswith("-wal"):
            assert f.stat().st_size == 0, f"{f.name} holds written pages"
        elif f.is_file() and not f.name.endswith("-shm"):
            files[f.name] = (f.read_bytes(), f.stat().st_mtime_ns)
    return files


def make_store(path: Path) -> None:
    assert run(str(path), "people", "add", "al", "--role", "both").exit_code == 0
    assert run(str(path), "log", "sales", "1h", "--who", "al").exit_code == 0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    place = tmp_path / "place"
    place.mkdir()
    return place


def test_a_directory(folder: Path) -> None:
    before = snapshot(folder)
    for argv in WRITES:
        assert_error(run(str(folder), *argv), 1, "is a directory")
    assert snapshot(folder) == before and list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "content", [b"name,amount\nalice,3\n", b"\x00" * 4096, b"SQLite format 3\x00" + b"\xff" * 200]
)
def test_a_file_that_is_not_sqlite(folder: Path, content: bytes) -> None:
    target = folder / "notes.db"
    target.write_bytes(content)
    before = snapshot(folder)
    for argv in [*WRITES, ["entries"], ["report"]]:
        assert_error(run(str(target), *argv), 1)
    assert snapshot(folder) == before


def test_a_sqlite_file_of_another_program(folder: Path) -> None:
    target = folder / "other.db"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    before = snapshot(folder)
    for argv in [*WRITES, ["entries"]]:
        assert_error(run(str(target), *argv), 1, "not a smbalance store")
    assert snapshot(folder) == before


def test_a_store_from_a_newer_smbalance(folder: Path) -> None:
    target = folder / "store.db"
    make_store(target)
    conn = sqlite3.connect(target)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # our edit into the file, WAL empty
    conn.close()
    before = snapshot(folder)
    for argv in [*WRITES, ["entries"], ["db", "check"]]:
        assert_error(run(str(target), *argv), 1, "newer smbalance", "9999")
    assert snapshot(folder) == before  # refused: never downgraded, no backup taken


def test_read_only_url_reads_but_never_writes(folder: Path) -> None:
    target = folder / "store.db"
    make_store(target)
    before = snapshot(folder)
    url = f"sqlite:///{target}?mode=ro"
    listed = run(url, "entries", "--format", "json", "--from", "2026-01-01")
    assert listed.exit_code == 0 and '"person": "al"' in listed.stdout
    for argv in WRITES[:3]:
        result = run(url, *argv)
        assert_error(result, 1, "read-only", str(target))
        assert "file:" not in result.stderr
    assert snapshot(folder) == before
    missing = run(f"sqlite:///{folder / 'missing.db'}?mode=ro", "entries")
    assert_error(missing, 1, "no store at", "missing.db")
    assert not (folder / "missing.db").exists()


def test_a_read_only_file(folder: Path) -> None:
    target = folder / "store.db"
    make_store(target)
    target.chmod(0o400)
    immutable = False
    if os.geteuid() == 0:  # root ignores file modes: make the file immutable instead
        if shutil.which("chattr") is None:
            pytest.skip("running as root and chattr is missing: cannot make a read-only file")
        immutable = (
            subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode == 0
        )
        if not immutable:
            pytest.skip("running as root and this file system refuses chattr +i")
    try:
        before = snapshot(folder)
        for argv in WRITES[:3]:
            assert_error(run(str(target), *argv), 1, "read-only")
        assert snapshot(folder) == before
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(target)], check=True)


def test_output_closed_early_is_not_a_bug(folder: Path) -> None:
    """`smbalance entries | head -1`: no traceback, no "this is a bug"."""
    from smbalance.store import open_store

    target = folder / "store.db"
    with open_store(target) as store:  # ~100 KB of JSON: more than a pipe buffer holds
        for n in range(400):
            start = 1_790_000_000 + n * 3600
            store.log("al", "sales", start, start + 1800, note="x" * 40)
    proc = subprocess.Popen(
        [
            str(SMBALANCE),
            "--db",
            str(target),
            "entries",
            "--format",
            "json",
            "--from",
            "2026-01-01",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdout.readline().startswith(b"[")
    proc.stdout.close()  # the reader goes away after one line
    err = proc.stderr.read().decode()  # type: ignore[union-attr]
    proc.wait(timeout=30)
    assert proc.returncode == 0  # the reader took what it wanted: success, as for export
    assert "bug" not in err and "Traceback" not in err and "Exception" not in err, err
