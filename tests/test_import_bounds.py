"""Import reads are bounded (#14.7): one cap on every text field in every reader, JSON
arrays parsed an item at a time, and running out of memory is a clean error.

The memory tests run the real CLI in a subprocess under an address-space limit
(`ulimit -v`), set relative to what a tiny import of the same build needs.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import assert_error
from smbalance.domain import MAX_NOTE
from smbalance.exchange.readers import read

LONG = "x" * (MAX_NOTE + 1)
TOO_LONG = f"is {MAX_NOTE + 1:,} characters; keep it under {MAX_NOTE:,}"
ENTRY = {"category": "sales", "start": "2026-11-20T09:00:00Z", "end": "2026-11-20T10:00:00Z"}


def _csv(note: str) -> bytes:
    return f"category,start,end,note\nsales,{ENTRY['start']},{ENTRY['end']},{note}\n".encode()


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("csv", _csv(LONG)),
        ("json", json.dumps([{**ENTRY, "note": LONG}]).encode()),
        ("ndjson", json.dumps({**ENTRY, "note": LONG}).encode() + b"\n"),
        ("json", json.dumps([{**ENTRY, "tags": " ".join(["t"] * (MAX_NOTE // 2 + 1))}]).encode()),
        (
            "timewarrior",
            json.dumps(
                [{"start": "20261120T090000Z", "end": "20261120T100000Z", "annotation": LONG}]
            ).encode(),
        ),
        ("watson", json.dumps([[1763629200, 1763632800, LONG, "id", []]]).encode()),
    ],
    ids=["csv-note", "json-note", "ndjson-note", "json-tags", "timewarrior-note", "watson-project"],
)
def test_every_reader_caps_text_at_the_note_limit(fmt: str, data: bytes) -> None:
    result = read(data, fmt)
    assert result.rows == []
    (problem,) = result.problems.kept
    assert TOO_LONG in problem, problem


def test_a_note_at_the_limit_is_taken() -> None:
    result = read(json.dumps([{**ENTRY, "note": "y" * MAX_NOTE}]).encode(), "json")
    assert [len(row.note) for row in result.rows] == [MAX_NOTE]


def test_streamed_json_reads_like_json_loads() -> None:
    """Items split across read chunks, numbers at a chunk's end, and the messages."""
    import smbalance.exchange.readers as readers

    items = [{**ENTRY, "note": "n" * (i * 37 % 500)} for i in range(300)]
    old = readers.JSON_CHUNK
    readers.JSON_CHUNK = 7  # every item crosses many chunk boundaries
    try:
        result = read(json.dumps(items, indent=1).encode(), "json")
        assert [len(row.note) for row in result.rows] == [len(i["note"]) for i in items]
        for text, message in (
            ('[{"category": "sales"} {"x": 1}]', "line 1, column 24: Expecting ',' delimiter"),
            ('[{"category": "sales"}', "(is the file truncated?)"),
            ("[1, 2]\n[3]", "line 2, column 1: Extra data"),
            ('{"a": 1}', "found a JSON dict"),
            ("[\n  1,\n  x]", "line 3, column 3: Expecting value"),
        ):
            with pytest.raises(readers.ReadError, match=re.escape(message)):
                read(text.encode(), "json")
        assert [r.pos for r in read(b"[12345]", "json").rows] == []  # a number: a problem
        (problem,) = read(b"[12345]", "json").problems.kept
        assert problem.startswith("entry 1") and "expected an object" in problem
    finally:
        readers.JSON_CHUNK = old


# ---- memory, under ulimit -v --------------------------------------------------------------

pytestmark_linux = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads VmPeak from /proc"
)
RUN = (
    "import atexit, runpy, sys\n"
    "def peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmPeak:'):\n"
    "            print('VMPEAK', line.split()[1], file=sys.stderr)\n"
    "atexit.register(peak)\n"
    "sys.argv = ['smbalance', *sys.argv[1:]]\n"
    "runpy.run_module('smbalance', run_name='__main__')\n"
)


def smbalance(*args: str, limit_kb: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if limit_kb is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit_kb * 1024, limit_kb * 1024))

    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )


def baseline_kb(tmp_path: Path) -> int:
    """What this build needs for a one-row import (interpreter, SQLAlchemy, SQLite)."""
    small = tmp_path / "small.json"
    small.write_text(json.dumps([{**ENTRY, "person": "al"}]))
    for _ in range(2):  # the second time on an existing store, as the tests below run
        done = smbalance("--db", str(tmp_path / "base.db"), "import", str(small))
        assert done.returncode == 0, done.stderr
    return int(done.stderr.split("VMPEAK")[-1].split()[0])


def stderr_lines(done: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(s for s in done.stderr.splitlines() if not s.startswith("VMPEAK"))


@pytestmark_linux
def test_a_huge_note_or_line_is_refused_without_loading_it(tmp_path: Path) -> None:
    """A 60 MB note: json.loads of the file needs twice that; the reader stops at 1 MiB."""
    base = baseline_kb(tmp_path)
    chunk = "a" * (1 << 20)
    for fmt, head, tail in (
        ("json", '[{"category": "sales", "note": "', '"}]'),
        ("ndjson", '{"category": "sales", "note": "', '"}\n'),
    ):
        path = tmp_path / f"huge.{fmt}"
        with path.open("w") as out:
            out.write(head)
            for _ in range(60):
                out.write(chunk)
            out.write(tail)
        done = smbalance(
            "--db", str(tmp_path / "base.db"), "import", str(path), limit_kb=base + 50_000
        )
        line = assert_error(stderr_lines(done), None, "nothing was imported")
        assert done.returncode == 1, (fmt, done.stderr)
        assert "over 1,048,576 characters" in done.stderr  # in the line or the listing
        assert "This is a bug" not in line
        path.unlink()


@pytestmark_linux
def test_running_out_of_memory_is_a_clean_error(tmp_path: Path) -> None:
    base = baseline_kb(tmp_path)
    rows = tmp_path / "many.ndjson"
    with rows.open("w") as out:
        for i in range(40_000):
            start = 1_700_000_000 + i * 600
            out.write(
                json.dumps(
                    {
                        "person": "al",
                        "category": "sales",
                        "start": f"{_iso(start)}",
                        "end": f"{_iso(start + 300)}",
                        "note": f"call {i}",
                    }
                )
                + "\n"
            )
    # Into the store the baseline made: memory runs out reading and writing rows, not
    # while a new store is being created.
    done = smbalance("--db", str(tmp_path / "base.db"), "import", str(rows), limit_kb=base + 8_000)
    line = assert_error(stderr_lines(done), None, "out of memory", "nothing was changed")
    assert done.returncode == 1 and "This is a bug" not in line


def _iso(epoch: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_c_extension_that_cannot_be_mapped_is_out_of_memory_not_a_bug() -> None:
    # Under `ulimit -v`, a lazily imported extension (sqlite3 on the lean path) can be the
    # allocation that fails; CI saw exactly this message once.
    from smbalance.cli.outcome import _short_of_memory

    mapped = ImportError(
        "/usr/lib/python3.11/lib-dynload/_sqlite3.so: failed to map segment from shared object"
    )
    assert _short_of_memory(mapped)
    # ... or the import system cannot list the package's directory (seen in CI too).
    assert _short_of_memory(OSError(12, "Cannot allocate memory", "/usr/lib/python3.11/sqlite3"))
    assert not _short_of_memory(OSError(2, "No such file or directory", "x.db"))
    assert not _short_of_memory(ImportError("No module named 'tomli_w'"))
    assert not _short_of_memory(ValueError("failed to map segment"))
