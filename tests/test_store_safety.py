"""Stores that are damaged by hand, and database URLs that are malformed (#14.9, #14.10):
one clean `Error:` line and the way forward, never "This is a bug"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_error

# ---- malformed URLs (#14.10) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "part"),
    [
        ("postgresql+psycopg://u@127.0.0.1:abc/db", "the port 'abc'"),
        ("postgresql+psycopg://u@[::1/db", "the IPv6 host '[::1'"),
        ("postgresql+psycopg://u@[::1:5432/db", "no closing ']'"),
        ("postgresql+psycopg://u@host:99999/db", "the port '99999'"),
        ("postgresql+psycopg://u:pa/ss@host:x5/db", "the port 'x5'"),
        ("://nothing", "not a database URL scheme"),
    ],
    ids=["port", "ipv6", "ipv6-port", "port-range", "slash-in-password", "no-scheme"],
)
def test_a_malformed_url_is_a_usage_error_naming_the_bad_part(url: str, part: str) -> None:
    from smbalance.cli.app import app

    for argv, env in (
        (["--db", url, "entries"], None),
        (["report"], {"SMBALANCE_DB": url}),
    ):
        result = CliRunner().invoke(app, argv, env=env, catch_exceptions=False)
        line = assert_error(result, 2, part)
        assert "pa/ss" not in line and "This is a bug" not in line


def test_a_malformed_url_in_the_config_file_is_one_clean_error(tmp_path: Path) -> None:
    from smbalance.cli.app import app

    Path(os.environ["SMBALANCE_CONFIG"]).write_text(
        'db = "postgresql+psycopg://u:secret@127.0.0.1:abc/db"\n'
    )
    result = CliRunner().invoke(app, ["entries"], catch_exceptions=False)
    line = assert_error(result, 1, "the port 'abc'")
    assert "secret" not in line
    refused = CliRunner().invoke(app, ["config", "set", "db", "postgresql://u@[::1/x"])
    assert_error(refused, 2, "no closing ']'")


# ---- hand-damaged stores (#14.9) ------------------------------------------------------------


def hand_edit(db: str, *statements: str) -> None:
    """SQL as someone with sqlite3 or psql would type it, CHECK constraints bypassed."""
    if "://" not in db:
        import sqlite3

        conn = sqlite3.connect(db)
        try:
            conn.execute("PRAGMA ignore_check_constraints = 1")
            for statement in statements:
                conn.execute(statement)
            conn.commit()
        finally:
            conn.close()
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


READERS = (
    ["entries"],
    ["entries", "--format", "json"],
    ["report"],
    ["export"],
    ["export", "--format", "ndjson"],
)


def seed_week(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("al")
    for day in ("2026-11-23", "2026-11-24"):
        logged = cli("log", "sales", "1h", "--start", f"{day} 09:00", "--who", "al", "--tag", "q4")
        assert logged.exit_code == 0, logged.stderr


def assert_readers_refuse(cli, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    for argv in READERS:
        result = cli(*argv)
        line = assert_error(result, 1, "is damaged", "smbalance db check", *fragments)
        assert "This is a bug" not in line, argv


@pytest.mark.parametrize(
    ("edit", "said", "checked"),
    [
        (
            "UPDATE entry SET start_utc = 'abc' WHERE id = 1",
            "has a start that is not a number",
            "entry 1: start_utc, end_utc or seconds is not a whole number (type damage)",
        ),
        (
            "UPDATE entry SET tags = x'00ff' WHERE id = 2",
            "holds binary data (a blob)",
            "entry 2: note or tags holds binary data (a blob) (type damage)",
        ),
        (
            "UPDATE entry SET end_utc = '2026-11-23 10:00' WHERE id = 1",
            "has an end that is not a number",
            "entry 1: start_utc, end_utc or seconds is not a whole number (type damage)",
        ),
    ],
    ids=["text-start", "blob-tags", "text-end"],
)
def test_type_damage_is_one_clean_error_naming_db_check(  # type: ignore[no-untyped-def]
    sqlite_cli, edit: str, said: str, checked: str
) -> None:
    seed_week(sqlite_cli)
    hand_edit(sqlite_cli.db, edit)
    assert_readers_refuse(sqlite_cli, said)
    check = sqlite_cli("db", "check")
    assert check.exit_code == 1
    assert checked in check.stdout.splitlines()


def test_an_entry_ending_before_it_starts_is_never_counted_as_negative_time(cli) -> None:  # type: ignore[no-untyped-def]
    seed_week(cli)
    drop = (
        [
            "ALTER TABLE entry DROP CONSTRAINT ck_entry_span",
            "ALTER TABLE entry DROP CONSTRAINT ck_entry_seconds",
        ]
        if "://" in cli.db
        else []  # SQLite: ignore_check_constraints in hand_edit
    )
    hand_edit(cli.db, *drop, "UPDATE entry SET end_utc = start_utc - 3600 WHERE id = 2")
    assert_readers_refuse(cli, "entry 2 ends before it starts")
    check = cli("db", "check")
    assert check.exit_code == 1 and "entry 2 ends before it starts" in check.stdout


def test_db_check_reports_a_missing_index_and_knows_them_all(cli) -> None:  # type: ignore[no-untyped-def]
    from smbalance.store import open_store
    from smbalance.store.maintenance import INDEXES, index_names

    seed_week(cli)
    with open_store(cli.db) as store, store._read() as conn:
        assert set(INDEXES) <= index_names(conn)  # the list matches what migrations make
    assert cli("db", "check").exit_code == 0
    hand_edit(cli.db, "DROP INDEX ix_entry_seconds")
    check = cli("db", "check")
    assert check.exit_code == 1
    assert "index ix_entry_seconds is missing" in check.stdout
