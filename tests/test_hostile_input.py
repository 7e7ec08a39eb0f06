"""Arbitrary text in every argument and option: never a traceback, only the spec's exit
codes, one `Error:` line on failure, and a store left exactly as it was.

Each example builds one command line where every slot holds either a plausible value
or arbitrary text (hypothesis), runs it in-process with exceptions propagating (so a
traceback fails the test), and compares a dump of the whole store before and after.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Examples per command. CI uses a fixed set; SMBALANCE_HOSTILE_EXAMPLES=2000 explores.
EXAMPLES = int(os.environ.get("SMBALANCE_HOSTILE_EXAMPLES", "40"))
TRIED: dict[str, int] = {}

anything = st.text(max_size=40)
# Stored text that has broken output before: Rich markup, terminal control sequences,
# C0/C1 controls, bidi overrides and spreadsheet formula prefixes (issue #14).
HOSTILE_PIECES = (
    "[/]",
    "[bold]",
    "[link=https://evil.example/login]",
    "[/link]",
    "[conceal]",
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x1b[31m",
    "\r",
    "\x07",
    "\x9b",
    "\u202e",
    "=",
    "+",
    "-",
    "@",
    "\t",
    '=HYPERLINK("http://evil.example/x","click")',
    "=cmd|' /C calc'!A0",
)
hostile = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_PIECES),
        st.characters(max_codepoint=0x9F, exclude_characters="\x00"),
        st.text(max_size=5),
    ),
    min_size=1,
    max_size=8,
).map("".join)
note_text = st.one_of(anything, hostile, hostile)
when = st.sampled_from(["2026-11-20 09:00", "yesterday 10:00", "-2h", "now", "mon 09:00"])
duration = st.sampled_from(["30m", "1h30m", "1.5h", "1:30", "45s"])
category = st.sampled_from(["sales", "marketing", "s", "M"])
name = st.sampled_from(["alice", "bob", "zed"])
percent = st.sampled_from(["0", "50", "100"])
fmt = st.sampled_from(["table", "json", "csv", "markdown"])


def slot(plausible: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly plausible, so whole commands reach the store often; else arbitrary text."""
    return st.one_of(plausible, plausible, anything)


def option(flag: str, plausible: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """Absent, or the flag with a plausible or arbitrary value."""
    return st.one_of(st.just([]), slot(plausible).map(lambda v: [flag, v]))


def command(head: list[str], *parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy:
    return st.tuples(*parts).map(lambda chunks: head + [a for chunk in chunks for a in chunk])


def positional(plausible: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return slot(plausible).map(lambda v: [v])


COMMANDS = {
    "log": command(
        ["log"],
        positional(category),
        st.one_of(st.just([]), positional(duration)),
        option("--start", when),
        option("--end", when),
        option("--who", name),
        option("--note", note_text),
        option("--tag", st.sampled_from(["q4", "client:acme"])),
    ),
    "start": command(
        ["start"],
        positional(category),
        option("--who", name),
        option("--at", when),
        option("--note", note_text),
        option("--tag", st.sampled_from(["q4"])),
    ),
    "edit": command(
        ["edit"],
        positional(st.sampled_from(["1", "2", "3", "999"])),
        option("--category", category),
        option("--start", when),
        option("--end", when),
        option("--duration", duration),
        option("--who", name),
        option("--note", note_text),
        option("--tag", st.sampled_from(["q4"])),
    ),
    "report": command(
        ["report"],
        option("--from", when),
        option("--to", when),
        option("--who", name),
        option("--format", fmt),
        option("--trend-weeks", st.sampled_from(["0", "4", "520"])),
        st.sampled_from([[], ["--check"], ["--all"], ["--last-month"]]),
    ),
    "entries": command(
        ["entries"],
        option("--who", name),
        option("--category", category),
        option("--from", when),
        option("--to", when),
        option("--limit", st.sampled_from(["1", "10"])),
        option("--format", fmt),
    ),
    "people": st.one_of(
        command(
            ["people", "add"],
            positional(name),
            option("--role", st.sampled_from(["sales", "marketing", "both"])),
            option("--commission", percent),
            option("--target", percent),
        ),
        command(
            ["people", "set"],
            positional(name),
            option("--role", st.sampled_from(["sales", "both"])),
            option("--commission", percent),
            option("--target", percent),
        ),
        command(["people", "rename"], positional(name), positional(name)),
        command(["people", "rm"], positional(name), st.sampled_from([[], ["--force"]])),
        command(["people", "ls"], option("--format", fmt)),
    ),
    "import": command(
        ["import"],
        positional(st.sampled_from(["-", "missing.csv"])),
        option("--format", st.sampled_from(["csv", "json", "ndjson", "watson", "timewarrior"])),
        option("--who", name),
        option("--map", st.sampled_from(["work=sales", "x=marketing"])),
        st.sampled_from([[], ["--dry-run"], ["--allow-overlap"]]),
    ),
}


def dump(db: Path) -> list[str]:
    """Every row of every table, journal included: 'unchanged' means exactly that."""
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def seed(sqlite_cli) -> None:  # type: ignore[no-untyped-def]
    for argv in (
        ["people", "add", "alice", "--role", "both", "--commission", "70"],
        ["people", "add", "bob", "--role", "both"],
        [
            "log",
            "sales",
            "--start",
            "2026-11-23 09:00",
            "--end",
            "2026-11-23 12:00",
            "--who",
            "alice",
        ],
        ["log", "m", "--start", "2026-11-24 09:00", "--end", "2026-11-24 10:00", "--who", "bob"],
        ["start", "marketing", "--who", "alice", "--at", "2026-11-27 13:00"],
    ):
        assert sqlite_cli(*argv).exit_code == 0


@pytest.mark.parametrize("name", list(COMMANDS))
def test_arbitrary_text_never_breaks_a_command(name: str, sqlite_cli, sqlite_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(sqlite_cli)
    TRIED[name] = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=EXAMPLES == 40,
    )
    @given(argv=COMMANDS[name], stdin=st.one_of(st.just(""), anything))
    def run(argv: list[str], stdin: str) -> None:
        TRIED[name] += 1
        before = dump(sqlite_path)
        result = sqlite_cli(*argv, input=stdin)  # a traceback raises here
        assert result.exit_code in (0, 1, 2, 3), (argv, result.exit_code, result.stderr)
        assert "Traceback" not in result.stderr
        assert "This is a bug" not in result.stderr, (argv, result.stderr)
        if result.exit_code in (1, 2):
            assert any(line.startswith("Error: ") for line in result.stderr.splitlines()), (
                argv,
                result.stderr,
            )
            assert dump(sqlite_path) == before, argv

    run()
    print(f"{name}: {TRIED[name]} hypothesis examples")


def visible_controls(output: str) -> list[str]:
    """Control characters a terminal would act on (line breaks aside)."""
    return [hex(ord(c)) for c in output if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]


def test_hostile_notes_come_out_as_text(sqlite_cli) -> None:  # type: ignore[no-untyped-def]
    """Whatever a note holds, `entries` and `status` show it: no markup error, no raw
    control character, and the note's printable text is all there."""
    seed(sqlite_cli)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=EXAMPLES == 40,
    )
    @given(note=hostile)
    def run(note: str) -> None:
        logged = sqlite_cli("log", "sales", "1m", "--who", "alice", "--note", note, "-q")
        if logged.exit_code != 0:  # a note refused while parsing is fine; a crash is not
            assert logged.exit_code == 2 and logged.stderr.startswith("Error: "), logged.stderr
            return
        started = sqlite_cli("start", "marketing", "--who", "bob", "--note", note)
        assert started.exit_code == 0, started.stderr
        for argv in (["entries", "--who", "alice", "--limit", "1"], ["status"]):
            result = sqlite_cli(*argv)
            assert result.exit_code == 0, (argv, result.stderr)
            assert "This is a bug" not in result.stderr
            assert not visible_controls(result.stdout), (argv, note)

    run()
