"""The lean path (`cli/lean.py`) runs the commands typed all day exactly as Typer would.

`smbalance log sales 30m` is parsed by `cli/lean.py` from the same parameter
declarations Typer is given, without importing Typer; anything it is not sure of is
declined and the Typer app runs it.  So for any command line: either the lean path
declines and leaves no trace, or its exit code, stdout, stderr and the store it leaves
are exactly what the Typer app gives for the same line.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import NOW_EPOCH, PG_URL, _pg_admin
from smbalance.cli import lean, tracking
from smbalance.cli.app import app_for
from smbalance.store import open_store
from test_lean_differential import dump

Outcome = tuple[int, str, str]


def run_lean(argv: list[str]) -> Outcome | None:
    """What the lean path did (exit code, stdout, stderr), or None if it declined."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = lean.run(argv)
    if code is None:
        assert out.getvalue() == err.getvalue() == "", "a declined line must say nothing"
        return None
    return code, out.getvalue(), err.getvalue()


def run_typer(argv: list[str]) -> Outcome:
    result = CliRunner().invoke(app_for(argv), argv, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def same_text(outcome: Outcome, db: str) -> Outcome:
    code, out, err = outcome
    return code, out.replace(db, "DB"), err.replace(db, "DB")


# ---- the parser ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["log", "sales"], ({}, "log", ["sales"])),
        (
            ["--db", "x.db", "--tz=Europe/Paris", "stop"],
            ({"db": "x.db", "tz": "Europe/Paris"}, "stop", []),
        ),
        (
            ["--config", "c.toml", "status", "--who", "al"],
            ({"config": "c.toml"}, "status", ["--who", "al"]),
        ),
        (["--db"], None),
        (["--help"], None),
        (["--version", "log"], None),
        (["-x", "log"], None),
        ([], None),
    ],
)
def test_the_global_options_are_split_from_the_command(args: list[str], expected: Any) -> None:
    assert lean.split_root(args) == expected


@pytest.mark.parametrize(
    "tokens",
    [
        ["sales", "30m", "--who", "tester", "--note", "call", "--tag", "q4", "-t", "x"],
        ["s", "30m", "-wtester", "-ncall", "--tag=q4", "--long", "-q"],
        ["--note=call", "m", "--start", "09:00", "--end=10:30"],
        ["sales", "-s", "-2h"],  # a value may start with a dash
    ],
)
def test_plain_forms_of_log_are_parsed_here(tokens: list[str]) -> None:
    kwargs = lean.parse(tracking.log, tokens)
    assert set(kwargs) == {
        "category", "duration", "start", "end", "who", "note", "tag", "long", "quiet"
    }  # fmt: skip
    assert kwargs["category"] in ("sales", "marketing")


def test_values_are_parsed_and_repeats_collected() -> None:
    kwargs = lean.parse(tracking.log, ["SALES", "1h30m", "-t", "a", "--tag=b", "-wBob", "--long"])
    assert kwargs == {
        "category": "sales",
        "duration": 5400,
        "start": None,
        "end": None,
        "who": "bob",
        "note": None,
        "tag": ["a", "b"],
        "long": True,
        "quiet": False,
    }
    assert lean.parse(tracking.status, ["-fJSON"]) == {"who": None, "fmt": "json"}
    assert lean.parse(tracking.status, []) == {"who": None, "fmt": "table"}


@pytest.mark.parametrize(
    "tokens",
    [
        ["sales", "--help"],
        ["sales", "-h"],
        ["sales", "1h", "--"],
        ["sales", "1h", "-qn", "x"],  # a cluster of flags: Click's business
        ["sales", "1h", "--long=yes"],
        ["sales", "1h", "--note"],  # the value is missing
        ["sales", "1h", "extra"],
        ["sales", "1h", "--bogus"],
        ["sales", "1h", "--db", "x.db"],  # a global option after the command
        ["--who", "tester"],  # CATEGORY is missing
        ["sales", "tomorrow-ish"],  # a bad value: Click words the error
    ],
)
def test_anything_else_is_declined(tokens: list[str]) -> None:
    with pytest.raises(Exception):  # noqa: B017 (_Decline, or the parser's ValueError)
        lean.parse(tracking.log, tokens)


def test_the_lean_commands_are_the_tracking_module_s() -> None:
    from smbalance.cli import COMMAND_MODULES

    lean_names = {name for name, module in COMMAND_MODULES.items() if module == "tracking"}
    assert lean_names == {command.__name__ for command in tracking.COMMANDS}


# ---- differential: random command lines, both ways -------------------------------------


def mostly(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """Values a person means, and now and then a mistake."""
    return st.sampled_from(good * 3 + bad)


NAMES = mostly(["tester", "alice", "bob", "Alice"], ["carol", "BAD!", ""])
WHEN = mostly(
    ["09:00", "13:30", "yesterday 10:00", "-2h", "-30m", "2026-11-27 08:00"], ["16:00", "bogus"]
)
DURATIONS = mostly(["30m", "1h30m", "1:30", "45s"], ["0m", "13h", "-5m", "abc"])
CATEGORIES = mostly(["sales", "m", "SALES", "mktg"], ["1h", "x"])
TEXT = mostly(["call", "", "a b", "-dash"], ["x" * 2000])


def option(long: str, short: str | None, values: st.SearchStrategy[str]) -> Any:
    """The option in each form a person might type it."""
    forms = [lambda v: [long, v], lambda v: [f"{long}={v}"]]
    if short:
        forms += [lambda v: [short, v], lambda v: [f"{short}{v}"]]
    return st.tuples(st.sampled_from(forms), values).map(lambda pair: pair[0](pair[1]))


ODD = st.sampled_from([["--"], ["-h"], ["--bogus"], ["extra"], ["-qn"], ["--long=1"], ["--at"]])
WHO = option("--who", "-w", NAMES)
NOTE = option("--note", "-n", TEXT)
TAG = option("--tag", "-t", st.sampled_from(["q4", "a.b", "bad tag", ""]))
AT = option("--at", None, WHEN)
FORMAT = option("--format", "-f", st.sampled_from(["json", "JSON", "table", "xml"]))
ROOT = st.sampled_from(
    [[], [], ["--tz", "Europe/London"], ["--tz=America/New_York"], ["--tz", "Mars/Base"]]
)


def line(command: str, positional: Any, options: Any = None) -> Any:
    """Global options, the command, its arguments and options (now and then an odd one)."""
    parts = st.lists(
        ODD if options is None else st.one_of(options, options, options, ODD), max_size=4
    )
    return st.tuples(ROOT, positional, parts).map(
        lambda t: [*t[0], command, *t[1], *[token for part in t[2] for token in part]]
    )


COMMAND_LINES = st.one_of(
    line(
        "log",
        st.one_of(
            st.tuples(CATEGORIES, DURATIONS).map(list),
            st.lists(st.one_of(CATEGORIES, DURATIONS), max_size=3),
        ),
        st.one_of(
            WHO,
            NOTE,
            TAG,
            option("--start", "-s", WHEN),
            option("--end", "-e", WHEN),
            st.just(["--long"]),
            st.sampled_from([["-q"], ["--quiet"]]),
        ),
    ),
    line(
        "start",
        st.lists(CATEGORIES, max_size=2),
        st.one_of(WHO, NOTE, TAG, option("--at", None, WHEN)),
    ),
    line(
        "stop", st.just([]), st.one_of(WHO, NOTE, option("--at", None, WHEN), st.just(["--long"]))
    ),
    line("cancel", st.just([]), WHO),
    line("status", st.just([]), st.one_of(WHO, FORMAT)),
    line("undo", st.just([])),
)


def seed(path: Path) -> None:
    """tester and alice with a day of entries, bob with a running timer."""
    with open_store(path, clock=lambda: NOW_EPOCH) as store:
        for name in ("tester", "alice", "bob"):
            store.add_person(name, "both")
        store.log("tester", "sales", NOW_EPOCH - 6 * 3600, NOW_EPOCH - 5 * 3600)
        store.log("alice", "marketing", NOW_EPOCH - 3 * 3600, NOW_EPOCH - 2 * 3600, note="draft")
        store.start_timer("bob", "sales", at=NOW_EPOCH - 1800)


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.db"
        seed(path)
        yield path


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=COMMAND_LINES)
def test_a_command_line_runs_the_same_on_the_lean_path_as_through_typer(
    args: list[str], template: Path
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        a, b = Path(directory) / "a.db", Path(directory) / "b.db"
        shutil.copy(template, a)
        shutil.copy(template, b)
        ran = run_lean(["--db", str(a), *args])
        if ran is None:
            event("declined")
            assert dump(a) == dump(template)  # a declined line leaves no trace
            return
        event(f"ran here, exit {ran[0]}")
        expected = run_typer(["--db", str(b), *args])
        assert same_text(ran, str(a)) == same_text(expected, str(b)), args
        assert dump(a) == dump(b), args


# ---- both backends: a working day, command by command -------------------------------

DAY = [
    "log sales 30m",
    "log m --start 09:00 --end 10:15 --note newsletter --tag q4",
    "log sales 1h -s 11:00",
    "start marketing --at 13:00 --note webinar",
    "status",
    "status --who tester --format json",
    "start sales",
    "stop --note calls",
    "log sales 1h --who nobody",  # an unknown person: exit 1, nothing written
    "cancel",  # no timer running: exit 1
    "undo",
    "undo",
    "status -f json",
]


@pytest.fixture
def second_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Another new store on the same backend as `db_url`."""
    if "://" not in db_url:
        yield str(tmp_path / "second.db")
        return
    assert PG_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = db_url.split("?")[0]
    with _pg_admin(base) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{base}?options=-csearch_path%3D{schema}"
    with _pg_admin(base) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_a_working_day_is_the_same_both_ways_on_each_backend(
    db_url: str, second_db_url: str
) -> None:
    for url in (db_url, second_db_url):
        open_store(url, clock=lambda: NOW_EPOCH).close()
    for command in DAY:
        ran = run_lean(["--db", db_url, *command.split()])
        assert ran is not None, f"{command!r} should take the lean path"
        expected = run_typer(["--db", second_db_url, *command.split()])
        assert same_text(ran, db_url) == same_text(expected, second_db_url), command
    assert export(db_url) == export(second_db_url)
    assert json.loads(export(db_url))  # the day left entries


def export(url: str) -> str:
    code, out, _ = run_typer(["--db", url, "export", "--all", "--format", "json"])
    assert code == 0
    rows = json.loads(out)
    for row in rows:
        row.pop("uid", None)
    return json.dumps(rows)


def test_sqlite_dump_sees_every_table(template: Path) -> None:
    """The differential compares whole stores: the dump must include the journal."""
    with closing(sqlite3.connect(template)) as db:
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(dump(template)) == tables
    assert dump(template)["entry"]
