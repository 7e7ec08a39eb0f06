"""PostgreSQL as the team store: clear connection errors, and the same answers as SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from conftest import PG_URL, Cli
from smbalance.store.opening import translate

SMBALANCE = Path(sys.executable).parent / "smbalance"
PASSWORD = "Sup3r-s3cret-pw"


def run_script(db: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SMBALANCE), "--db", db, "entries"], capture_output=True, text=True, timeout=30
    )


def pg_server() -> tuple[str, int]:
    from sqlalchemy.engine import make_url

    if not PG_URL:
        pytest.skip("SMBALANCE_TEST_PG_URL is not set")
    url = make_url(PG_URL)
    return url.host or "127.0.0.1", url.port or 5432


def bad_urls() -> dict[str, tuple[str, str]]:
    """Each failure: the URL (with a password) and what its one line must say."""
    host, port = pg_server()
    return {
        "server down": (
            f"postgresql+psycopg://alice:{PASSWORD}@127.0.0.1:1/team",
            r"cannot connect to PostgreSQL database 'team' on 127\.0\.0\.1:1: connection refused",
        ),
        "unknown role": (
            f"postgresql+psycopg://nobody_here:{PASSWORD}@{host}:{port}/postgres",
            rf"cannot log in to PostgreSQL database 'postgres' on {host}:{port}: "
            r"there is no role 'nobody_here'",
        ),
        "unknown database": (
            f"postgresql+psycopg://postgres:{PASSWORD}@{host}:{port}/no_such_db_here",
            rf"PostgreSQL database 'no_such_db_here' on {host}:{port} does not exist; "
            r"create it first",
        ),
        "unknown host": (
            f"postgresql+psycopg://alice:{PASSWORD}@nonexistent.invalid/team",
            r"cannot connect to PostgreSQL database 'team' on nonexistent\.invalid: "
            r"the host name 'nonexistent\.invalid' is unknown",
        ),
    }


@pytest.mark.pg
@pytest.mark.parametrize(
    "case", ["server down", "unknown role", "unknown database", "unknown host"]
)
def test_connection_failure_is_one_line_naming_host_and_database(case: str) -> None:
    url, expected = bad_urls()[case]
    started = time.monotonic()

    done = run_script(url)

    assert time.monotonic() - started < 10  # fails fast, no long hang
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    import re

    assert re.search(expected, lines[0]), lines[0]
    assert PASSWORD not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("server_says", "expected"),
    [
        (
            'connection failed: connection to server at "db.example", port 5432 failed: '
            'FATAL:  password authentication failed for user "alice"',
            "cannot log in to PostgreSQL database 'team' on db.example as 'alice': "
            "wrong password; check the user and password",
        ),
        (
            'connection failed: connection to server at "db.example", port 5432 failed: '
            "timeout expired",
            "cannot connect to PostgreSQL database 'team' on db.example: no answer within 10 s",
        ),
        (
            f"could not connect: postgresql://alice:{PASSWORD}@db.example/team is odd",
            "cannot connect to PostgreSQL database 'team' on db.example: could not connect: "
            "<url> is odd",
        ),
    ],
    ids=["wrong password", "timeout", "url in message"],
)
def test_server_messages_we_cannot_provoke_here_read_clearly(
    server_says: str, expected: str
) -> None:
    """The local server trusts every login and answers at once, so these are fed in."""
    error = OperationalError("connect", {}, Exception(server_says))

    message = translate(error, "PostgreSQL database 'team' on db.example").message

    assert message.startswith(expected), message
    assert PASSWORD not in message


def test_db_path_never_shows_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"postgresql+psycopg://alice:{PASSWORD}@127.0.0.1:1/team"
    monkeypatch.setenv("SMBALANCE_DB", url)
    done = subprocess.run([str(SMBALANCE), "db", "path"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "team" in done.stdout and PASSWORD not in done.stdout + done.stderr


# ---- the same answers on both backends ----------------------------------------------

# One command per line, split like a shell would (Cli does shlex.split).
SCENARIO = [
    "people add carol --role sales --commission 80",
    "people add alice --role both",
    "people add bob --role both",
    "log sales --start '2026-11-23 09:00' --end '2026-11-23 12:30' --who alice"
    " --note 'Café “call”' --tag q4 --tag acme",
    "log marketing 45m --who alice",
    "log marketing 1h --who alice",  # stacks before the 45m
    "log sales --start '2026-11-22 23:00' --end '2026-11-23 01:00' --who bob",  # spans weeks
    "log m --start '2026-10-25 00:30' --end '2026-10-25 03:00' --who bob",  # across DST end
    "log sales 2h --who carol",
    "log marketing --start '2026-11-26 16:00' --end '2026-11-26 17:00' --who carol",
    "start marketing --who bob --at 13:30",
    "edit 2 --note edited",
]

REPORTS = [
    ("entries", "--from", "2026-10-01", "--to", "2026-11-30", "--format", "json"),
    ("report", "--format", "json"),
    ("report", "--last-week", "--format", "json"),
    ("report", "--month", "--format", "json", "--trend-weeks", "10"),
    ("report", "--from", "2026-10-24", "--to", "2026-11-30", "--format", "json"),
    ("report", "--all", "--format", "json"),
]


def without_uids(value):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        return {k: without_uids(v) for k, v in value.items() if k != "uid"}
    if isinstance(value, list):
        return [without_uids(v) for v in value]
    return value


@pytest.mark.pg
def test_same_scenario_gives_identical_json_on_sqlite_and_postgresql(
    sqlite_cli: Cli, pg_url: str
) -> None:
    pg_cli = Cli(db=pg_url, runner=sqlite_cli.runner)
    outputs = {}
    for name, cli in (("sqlite", sqlite_cli), ("postgresql", pg_cli)):
        for step in SCENARIO:
            done = cli(step)
            assert done.exit_code == 0, (name, step, done.stderr)
        outputs[name] = []
        for query in REPORTS:
            done = cli(*query)
            assert done.exit_code == 0, (name, query, done.stderr)
            outputs[name].append(without_uids(json.loads(done.stdout)))

    assert outputs["sqlite"] == outputs["postgresql"]
    entries, week = outputs["sqlite"][0], outputs["sqlite"][1]
    assert len(entries) == 7 and week["team"]["total_seconds"] > 0  # not vacuously equal
