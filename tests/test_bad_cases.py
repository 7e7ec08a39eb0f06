"""Named bad inputs, each with the exit code SPEC's table gives it and one `Error:` line.

2 = judged from the command line alone (a bad value); 1 = depends on the store or on a
file's contents.  Every case runs on both backends and must leave the store unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import assert_error

TEN_MB = 10 * 2**20
CSV_HEADER = "uid,id,person,category,start,end,seconds,note,tags\n"
ROW = ",,al,sales,2026-11-20T09:00:00Z,2026-11-20T10:00:00Z,3600,{note},\n"


@dataclass(frozen=True)
class Case:
    argv: Callable[[Path], list[str]]
    exit_code: int
    says: str  # a phrase the Error line (or, for an import, its list of problems) holds


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


CASES = {
    "unknown category": Case(lambda _: ["log", "golf", "1h"], 2, "'golf' is not a category"),
    "duration 1h-30m": Case(lambda _: ["log", "s", "1h-30m"], 2, "'1h-30m' is not a duration"),
    "duration 99999h": Case(lambda _: ["log", "s", "99999h"], 2, "'99999h'"),
    "duration 0m": Case(lambda _: ["log", "s", "0m"], 2, "zero"),
    "duration -5m": Case(lambda _: ["log", "s", "-5m"], 2, "-5"),
    "duration --duration=-5m": Case(lambda _: ["edit", "1", "--duration=-5m"], 2, "'-5m'"),
    "bare number duration": Case(lambda _: ["log", "s", "90"], 2, "'90'"),
    "date 2026-02-30": Case(
        lambda _: ["log", "s", "1h", "--start", "2026-02-30"], 2, "not a valid date"
    ),
    "nonexistent DST time": Case(
        lambda _: ["log", "s", "30m", "--start", "2026-03-29 01:30"], 2, "does not exist"
    ),
    "end before start": Case(
        lambda _: ["log", "s", "--start", "2026-11-20 10:00", "--end", "2026-11-20 09:00"],
        2,
        "after the start",
    ),
    "name with spaces": Case(lambda _: ["log", "s", "1h", "--who", "al ice"], 2, "valid name"),
    "name of 200 characters": Case(
        lambda _: ["log", "s", "1h", "--who", "a" * 200], 2, "valid name"
    ),
    "name with spaces in people add": Case(
        lambda _: ["people", "add", "Bob Smith", "--role", "sales"], 2, "valid name"
    ),
    "commission 150": Case(
        lambda _: ["people", "add", "cy", "--role", "both", "--commission", "150"],
        2,
        "between 0 and 100",
    ),
    "unknown role": Case(lambda _: ["people", "add", "cy", "--role", "ceo"], 2, "'ceo'"),
    "bad tag": Case(lambda _: ["log", "s", "1h", "--tag", "two words"], 2, "tag"),
    "unknown entry id": Case(lambda _: ["edit", "999", "--note", "x"], 1, "no entry with id 999"),
    "overlap": Case(
        lambda _: [
            "log",
            "m",
            "--start",
            "2026-11-23 09:30",
            "--end",
            "2026-11-23 10:30",
            "--who",
            "al",
        ],
        1,
        "overlap",
    ),
    "stop without a timer": Case(lambda _: ["stop", "--who", "al"], 1, "no running timer"),
    "rm a person with entries": Case(lambda _: ["people", "rm", "al"], 1, "al"),
    "10 MB note": Case(
        lambda _: [
            "log",
            "s",
            "--start",
            "2026-11-20 09:00",
            "--end",
            "2026-11-20 10:00",
            "--note",
            "x" * TEN_MB,
        ],
        2,
        "note",
    ),
    "CSV with a NUL byte": Case(
        lambda tmp: [
            "import",
            write(tmp / "nul.csv", (CSV_HEADER + ROW.format(note="a\0b")).encode()),
        ],
        1,
        "NUL",
    ),
    "CSV with a 10 MB note": Case(
        lambda tmp: [
            "import",
            write(tmp / "big.csv", (CSV_HEADER + ROW.format(note="x" * TEN_MB)).encode()),
        ],
        1,
        "field larger than field limit",
    ),
    "JSON nested 10,000 deep": Case(
        lambda tmp: [
            "import",
            write(tmp / "deep.json", b"[" * 10_000 + b"]" * 10_000),
            "--format",
            "json",
        ],
        1,
        "nested",
    ),
    "file that is not UTF-8": Case(
        lambda tmp: [
            "import",
            write(tmp / "latin1.csv", (CSV_HEADER + ROW.format(note="café")).encode("latin-1")),
        ],
        1,
        "UTF-8",
    ),
    "import file missing": Case(lambda tmp: ["import", str(tmp / "nope.csv")], 1, "nope.csv"),
    "import of a directory": Case(lambda tmp: ["import", str(tmp)], 1, "directory"),
    "seconds that disagree": Case(
        lambda tmp: [
            "import",
            write(
                tmp / "secs.csv",
                (CSV_HEADER + ROW.format(note="n")).replace(",3600,", ",60,").encode(),
            ),
        ],
        1,
        "line 2:",
    ),
}


def visible_state(cli) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    entries = cli("entries", "--format", "json", "--from", "2000-01-01", "--to", "2100-01-01")
    people = cli("people", "ls", "--format", "json")
    status = cli("status", "--format", "json")
    return entries.stdout, people.stdout, status.stdout


@pytest.mark.parametrize("name", list(CASES))
def test_named_bad_case(name: str, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.people("al")
    case = CASES[name]
    seed = ["log", "s", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00", "--who", "al"]
    assert cli(*seed).exit_code == 0
    before = visible_state(cli)

    result = cli(*case.argv(tmp_path))

    error = assert_error(result, case.exit_code)
    assert len(error) < 400, "one readable line, not the bad value echoed back in full"
    told = error if case.argv(tmp_path)[0] != "import" else result.stderr
    assert case.says in told, told[:500]
    assert "This is a bug" not in error
    assert visible_state(cli) == before


def test_every_case_is_counted() -> None:
    assert len(CASES) >= 25
