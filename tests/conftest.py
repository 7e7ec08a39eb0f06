"""Shared fixtures: an isolated environment, a fixed clock, and a real store on each backend.

Every test that takes `db_url`, `store` or `cli` runs twice: on a fresh SQLite file and
on a fresh PostgreSQL schema (in one database created for the test session, dropped
afterwards).  The PostgreSQL run reads its server from SMBALANCE_TEST_PG_URL and is
skipped only when that variable is unset.
"""

from __future__ import annotations

import os
import shlex
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

# Friday 2026-11-27 14:05 UTC (14:05 in Europe/London): every test's "now".
NOW = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)
NOW_EPOCH = int(NOW.timestamp())
TZ = "Europe/London"
PG_URL = os.environ.get("SMBALANCE_TEST_PG_URL")


def fixed_clock() -> int:
    return NOW_EPOCH


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config or store, or depends on the machine."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("SMBALANCE_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SMBALANCE_TZ", TZ)
    monkeypatch.setenv("SMBALANCE_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")
    monkeypatch.delenv("SMBALANCE_DB", raising=False)
    monkeypatch.delenv("SMBALANCE_DEBUG", raising=False)


# ---- PostgreSQL -------------------------------------------------------------------------


def _pg_admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username,
        password=u.password,
        dbname=u.database or "postgres",
        autocommit=True,
    )


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of our own for this test session, dropped at the end."""
    if not PG_URL:
        pytest.skip("SMBALANCE_TEST_PG_URL is not set")
    from sqlalchemy.engine import make_url

    name = f"smbalance_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with _pg_admin(PG_URL) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_URL).set(drivername="postgresql+psycopg", database=name)
    yield url.render_as_string(hide_password=False)
    with _pg_admin(PG_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_database: str) -> Iterator[str]:
    """A fresh, empty schema in the session database, as a URL that uses it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _pg_admin(pg_database) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{pg_database}?options=-csearch_path%3D{schema}"
    with _pg_admin(pg_database) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store on each backend: a SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]
    from smbalance.store import open_store

    opened = open_store(db_url, clock=fixed_clock)
    yield opened
    opened.close()


# ---- the CLI ----------------------------------------------------------------------------


@dataclass
class Cli:
    """Runs smbalance in-process against one store, like a user at a terminal would."""

    db: str
    runner: CliRunner

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):  # type: ignore[no-untyped-def]
        from smbalance.cli.app import app_for

        argv = list(shlex.split(args[0])) if len(args) == 1 and " " in args[0] else list(args)
        argv = ["--db", self.db, *argv]
        # The console script's own path: app_for builds only the command argv names.
        return self.runner.invoke(app_for(argv), argv, input=input, env=env, catch_exceptions=False)

    def people(self, *names: str, role: str = "both") -> None:
        """Add people (only the default person is created by a first `log`)."""
        for name in names:
            result = self("people", "add", name, "--role", role)
            assert result.exit_code == 0, result.stderr


def _created(db: str) -> str:
    """The store made, empty: commands that only read refuse a missing one."""
    from smbalance.store import open_store

    open_store(db, clock=fixed_clock).close()
    return db


@pytest.fixture
def cli(db_url: str) -> Cli:
    """The CLI on a new, empty store (created, as a first write would)."""
    return Cli(db=_created(db_url), runner=CliRunner())


@pytest.fixture
def sqlite_cli(sqlite_path: Path) -> Cli:
    """The CLI on SQLite only, for tests about files and the local machine."""
    return Cli(db=_created(str(sqlite_path)), runner=CliRunner())


# ---- failures ---------------------------------------------------------------------------


def assert_error(result: Any, code: int | None, *fragments: str) -> str:
    """A failure as SPEC wants it: exactly one `Error: …` line on stderr (notices may
    come before it), no traceback, the exit code `code` (None: not checked here), and
    each fragment in that line, which is returned.

    `result` is a CliRunner result, a CompletedProcess, or stderr itself."""
    stderr = result if isinstance(result, str) else result.stderr
    if code is not None:
        actual = getattr(result, "exit_code", getattr(result, "returncode", None))
        assert actual == code, (actual, stderr)
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


# ---- reporting ----------------------------------------------------------------------------


_PG_TESTS: set[str] = set()


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Remember which tests talk to PostgreSQL (they use the session database)."""
    _PG_TESTS.update(
        item.nodeid
        for item in items
        if "[postgresql" in item.nodeid or "pg_database" in item.fixturenames
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    """Say how many tests ran against PostgreSQL, so a silent skip cannot go unnoticed."""
    stats = terminalreporter.stats

    def count(*statuses: str) -> int:
        return sum(
            r.nodeid in _PG_TESTS and getattr(r, "when", "call") == "call"
            for status in statuses
            for r in stats.get(status, [])
        )

    skipped = sum(r.nodeid in _PG_TESTS for r in stats.get("skipped", []))
    terminalreporter.write_line(
        f"PostgreSQL: {count('passed', 'failed')} tests ran, {skipped} skipped"
        + ("" if PG_URL else " (SMBALANCE_TEST_PG_URL is not set)")
    )
