"""Guarding the data: `db check` finds each kind of damage, `db backup` copies a store
that is being written, `undo` reverts every mutating command exactly, and the default
store is private.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import NOW_EPOCH, assert_error

WORKERS = Path(__file__).parent / "soak" / "workers.py"


def raw(db: Path, *statements: str) -> None:
    """Change the file behind smbalance's back, as a hand edit or another program would."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def seeded(sqlite_cli) -> None:  # type: ignore[no-untyped-def]
    sqlite_cli.people("al", "bo")
    for argv in (
        ["log", "sales", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00", "--who", "al"],
        ["log", "m", "--start", "2026-11-23 11:00", "--end", "2026-11-23 12:00", "--who", "al"],
        ["start", "marketing", "--who", "bo", "--at", "2026-11-27 13:00"],
    ):
        assert sqlite_cli(*argv).exit_code == 0


# ---- db check ------------------------------------------------------------------------------

ENTRY = (
    "INSERT INTO entry (uid, person_id, category, start_utc, end_utc, seconds, note, tags, "
    "created_utc, updated_utc) VALUES ('{uid}', {person}, '{category}', {start}, {end}, "
    "{seconds}, '', '', 0, 0)"
)
FIRST_START = "(SELECT start_utc FROM entry WHERE id = 1)"

DAMAGE: dict[str, tuple[list[str], str]] = {
    "overlap": (
        [
            ENTRY.format(
                uid="x1",
                person=1,
                category="sales",
                start=f"{FIRST_START} + 600",
                end=f"{FIRST_START} + 1200",
                seconds=600,
            )
        ],
        "overlaps entry 1",
    ),
    "end before start": (
        ["UPDATE entry SET end_utc = start_utc - 60, seconds = -60 WHERE id = 2"],
        "entry 2 ends before it starts",
    ),
    "wrong seconds": (["UPDATE entry SET seconds = 1 WHERE id = 2"], "entry 2 has a duration"),
    "unknown category": (
        ["UPDATE entry SET category = 'golf' WHERE id = 2"],
        "entry 2 has an unknown category",
    ),
    "unknown role": (["UPDATE person SET role = 'ceo' WHERE id = 1"], "person al has an unknown"),
    "commission 150": (
        ["UPDATE person SET commission = 150 WHERE id = 1"],
        "person al has a commission or target outside 0-100",
    ),
    "missing person": (["UPDATE entry SET person_id = 999 WHERE id = 2"], "foreign key"),
    "timer over an entry": (
        [
            ENTRY.format(
                uid="x2",
                person=2,
                category="sales",
                start=NOW_EPOCH - 7200 - 1800,
                end=NOW_EPOCH - 1800,
                seconds=5400,
            )
        ],
        "bo's running timer overlaps entry 3",
    ),
    "broken index": (
        [
            "PRAGMA writable_schema = ON",
            "UPDATE sqlite_master SET sql = replace(sql, '(start_utc)', '(end_utc)') "
            "WHERE name = 'ix_entry_start'",
        ],
        "integrity:",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_db_check_reports_each_kind_of_damage(damage: str, sqlite_cli, sqlite_path: Path) -> None:  # type: ignore[no-untyped-def]
    seeded(sqlite_cli)
    assert sqlite_cli("db", "check").exit_code == 0
    statements, expected = DAMAGE[damage]
    raw(sqlite_path, *statements)

    result = sqlite_cli("db", "check")

    assert result.exit_code == 1
    assert expected in result.stdout, result.stdout
    assert_error(result, None)


def test_db_check_is_clean_on_postgresql_too(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("al")
    assert cli("log", "sales", "1h", "--who", "al").exit_code == 0
    result = cli("db", "check")
    assert result.exit_code == 0 and "OK" in result.stdout


def test_db_check_finds_overlaps_hidden_behind_a_short_entry(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # 09:30-09:45 ends before 10:00 starts, yet both lie inside 09:00-11:00.
    rows = [("09:00", "11:00"), ("10:00", "12:00"), ("09:30", "09:45")]
    body = "person,category,start,end\n" + "".join(
        f"al,sales,2026-11-23T{a}:00Z,2026-11-23T{b}:00Z\n" for a, b in rows
    )
    (tmp_path / "o.csv").write_text(body)
    assert cli("import", str(tmp_path / "o.csv"), "--allow-overlap").exit_code == 0
    result = cli("db", "check")
    assert result.exit_code == 1
    found = sorted(line for line in result.stdout.splitlines() if "overlaps" in line)
    assert found == [
        "entry 2 overlaps entry 1 of the same person",
        "entry 3 overlaps entry 1 of the same person",
    ], result.stdout


# ---- db backup while another process writes ---------------------------------------------------


def test_backup_while_another_process_writes_is_consistent(
    tmp_path: Path, sqlite_cli, sqlite_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sqlite_cli.people("w")
    from smbalance.store import open_store

    assert sqlite_cli("log", "s", "1h", "--who", "w").exit_code == 0
    base = NOW_EPOCH - 40 * 86400
    slots = [base + n * 600 for n in range(200)]
    commands = [
        [
            "--db",
            str(sqlite_path),
            "log",
            "s",
            "--who",
            "w",
            "-q",
            "--start",
            _iso(start),
            "--end",
            _iso(start + 300),
        ]
        for start in slots
    ]
    spec = tmp_path / "writer.json"
    spec.write_text(json.dumps(commands))
    writer = subprocess.Popen(
        [sys.executable, str(WORKERS), "cli", str(spec)], stdout=subprocess.PIPE, text=True
    )

    def wait_for_more_than(count: int) -> None:
        """Until the writer has added a row since `count` (not a guess of how long)."""
        deadline = time.monotonic() + 60
        while writer.poll() is None and time.monotonic() < deadline:
            with closing(sqlite3.connect(sqlite_path, timeout=30)) as conn:
                if conn.execute("SELECT count(*) FROM entry").fetchone()[0] > count:
                    return
            time.sleep(0.02)

    counts: list[int] = []
    try:
        for n in range(4):
            wait_for_more_than(counts[-1] if counts else 1)  # 1: the entry logged above
            copy = tmp_path / f"backup{n}.db"
            result = sqlite_cli("db", "backup", str(copy))
            assert result.exit_code == 0, result.stderr
            assert stat.S_IMODE(copy.stat().st_mode) == 0o600
            with open_store(copy) as backup:
                assert backup.check() == []
            with closing(sqlite3.connect(copy)) as conn:
                counts.append(conn.execute("SELECT count(*) FROM entry").fetchone()[0])
    finally:
        out, _ = writer.communicate(timeout=120)
    assert all(json.loads(line)["code"] == 0 for line in out.splitlines())
    assert counts == sorted(counts) and counts[-1] <= 201
    assert len(set(counts)) > 1, f"the backups did not overlap the writes: {counts}"


def _iso(epoch: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_backup_refuses_to_overwrite(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "exists.db"
    target.write_bytes(b"precious")
    result = sqlite_cli("db", "backup", str(target))
    assert_error(result, 1)
    assert target.read_bytes() == b"precious"


# ---- undo after every mutating command -------------------------------------------------------


def state(db: Path) -> dict[str, list[tuple]]:
    """The user-visible tables, every column (the change journal is undo's own business)."""
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("person", "entry", "timer")
        }


def write_import_file(tmp_path: Path) -> str:
    path = tmp_path / "in.csv"
    path.write_text(
        "uid,id,person,category,start,end,seconds,note,tags\n"
        ",,cy,sales,2026-11-20T09:00:00Z,2026-11-20T10:00:00Z,3600,imported,\n"
        ",,al,marketing,2026-11-20T09:00:00Z,2026-11-20T09:30:00Z,1800,,q4\n"
    )
    return str(path)


MUTATIONS: dict[str, Callable[[Path], list[str]]] = {
    "log": lambda _: ["log", "s", "45m", "--who", "al"],
    "log new person": lambda _: ["log", "s", "45m"],  # the default person, created
    "start": lambda _: ["start", "s", "--who", "al", "--at", "2026-11-27 13:00"],
    "start (switch)": lambda _: ["start", "s", "--who", "bo", "--at", "2026-11-27 13:30"],
    "stop": lambda _: ["stop", "--who", "bo", "--note", "done"],
    "cancel": lambda _: ["cancel", "--who", "bo"],
    "edit": lambda _: ["edit", "1", "--category", "m", "--duration", "20m", "--note", "x"],
    "edit person": lambda _: ["edit", "2", "--who", "tester"],
    "rm": lambda _: ["rm", "1", "2", "--yes"],
    "people add": lambda _: ["people", "add", "dee", "--role", "sales"],
    "people set": lambda _: ["people", "set", "al", "--commission", "70", "--target", "30"],
    "people rename": lambda _: ["people", "rename", "al", "alan"],
    "people rm": lambda _: ["people", "rm", "al", "--force"],
    "import": lambda tmp: ["import", write_import_file(tmp)],
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_undo_restores_the_exact_previous_state(
    mutation: str, sqlite_cli, sqlite_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    seeded(sqlite_cli)
    before = state(sqlite_path)

    done = sqlite_cli(*MUTATIONS[mutation](tmp_path))
    assert done.exit_code == 0, done.stderr
    assert state(sqlite_path) != before

    undone = sqlite_cli("undo")
    assert undone.exit_code == 0, undone.stderr
    assert state(sqlite_path) == before
    assert sqlite_cli("db", "check").exit_code == 0


# ---- a private default store -----------------------------------------------------------------


@pytest.fixture
def open_umask() -> object:
    """umask 0: the modes we check must come from smbalance, not from a kind umask."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_default_store_and_backup_are_private(open_umask, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from smbalance.cli.app import app
    from smbalance.config import default_db_path

    runner = CliRunner()
    result = runner.invoke(app, ["log", "sales", "1h"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    store = default_db_path()
    assert str(store).startswith(os.environ["HOME"])
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    for file in store.parent.iterdir():  # the store and any -wal / -shm beside it
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    copy = tmp_path / "copy.db"
    result = runner.invoke(app, ["db", "backup", str(copy)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


# ---- secrets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "sales", "1h", "--who", "al"],
        ["entries"],
        ["report"],
        ["db", "path"],
        ["db", "check"],
        ["db", "backup", "/tmp/never.db"],
        ["people", "ls"],
    ],
)
def test_a_postgresql_password_never_shows(argv: list[str]) -> None:
    from smbalance.cli.app import app

    url = "postgresql+psycopg://u:s3cret@127.0.0.1:1/x"
    result = CliRunner().invoke(app, ["--db", url, *argv], catch_exceptions=False)
    assert "s3cret" not in result.stdout + result.stderr
    assert result.exit_code in (0, 1)
    if result.exit_code:
        assert_error(result, None)


@pytest.mark.pg
def test_a_password_never_shows_when_the_server_answers(pg_url: str) -> None:
    """A reachable server that refuses the database: its message must not echo the URL."""
    from sqlalchemy.engine import make_url

    from smbalance.cli.app import app

    url = make_url(pg_url).set(password="s3cret", database="no_such_db")
    result = CliRunner().invoke(
        app,
        ["--db", url.render_as_string(hide_password=False), "entries"],
        catch_exceptions=False,
    )
    assert_error(result, 1)
    assert "s3cret" not in result.stdout + result.stderr


def test_a_password_in_the_config_db_never_shows(tmp_path: Path) -> None:
    from smbalance.cli.app import app

    config = Path(os.environ["SMBALANCE_CONFIG"])
    config.write_text('db = "postgresql+psycopg://u:s3cret@127.0.0.1:1/x"\n')
    runner = CliRunner()
    url = "postgresql+psycopg://u:s3cret@127.0.0.1:1/x"
    for argv in (
        ["config", "show"],
        ["config", "get", "db"],
        ["log", "s", "1h", "--who", "a"],
        ["config", "set", "db", url],
    ):
        result = runner.invoke(app, argv, catch_exceptions=False)
        assert "s3cret" not in result.stdout + result.stderr, argv


def test_config_file_is_data_not_code(tmp_path: Path) -> None:
    from smbalance.cli.app import app

    marker = tmp_path / "pwned"
    config = Path(os.environ["SMBALANCE_CONFIG"])
    config.write_text(f"import os\nos.system('touch {marker}')\ntimezone = 'UTC'\n")
    result = CliRunner().invoke(app, ["log", "s", "1h", "--who", "a"], catch_exceptions=False)
    assert result.exit_code == 1
    assert_error(result, None)
    assert "Traceback" not in result.stderr
    assert not marker.exists()
