"""Import says what it read in the reader's words: person tags are taken before the
category label is chosen, untagged time has a map of its own, problems come one a line
after the Error line, cited 1-based (Timewarrior by its @id), and --dry-run lists what it
would add."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import assert_error


def timew(tmp_path: Path, intervals: list[dict]) -> str:
    path = tmp_path / "timew.json"
    path.write_text(json.dumps(intervals), encoding="utf-8")
    return str(path)


INTERVALS = [
    {"id": 3, "start": "20261124T090000Z", "end": "20261124T100000Z", "tags": ["blog", "alice"]},
    {"id": 2, "start": "20261124T100000Z", "end": "20261124T110000Z"},
    {"id": 1, "start": "20261124T110000Z", "end": "20261124T120000Z", "tags": ["alice", "calls"]},
]


def test_person_tags_first_then_the_label_and_untagged_time(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("people", "add", "alice", "--role", "both").exit_code == 0
    path = timew(tmp_path, INTERVALS)
    refused = cli("import", path, "--who", "bob")
    error = assert_error(refused, 1, "has 3 problems (timewarrior); nothing was imported:")
    assert "alice" not in error
    problems = refused.stderr.splitlines()[refused.stderr.splitlines().index(error) + 1 :]
    assert problems == [
        "  'blog' is not sales or marketing (1 entry: @3); add --map blog=sales or "
        "--map blog=marketing",
        "  '(no project)' is not sales or marketing (1 entry: @2); add --map-untagged sales "
        "or --map-untagged marketing",
        "  'calls' is not sales or marketing (1 entry: @1); add --map calls=sales or "
        "--map calls=marketing",
    ]
    maps = ("--map", "blog=marketing", "--map", "calls=sales")
    untagged = cli("import", path, "--who", "bob", *maps, "--map", "(no project)=sales")
    assert untagged.exit_code == 0, untagged.stderr
    assert cli("undo").exit_code == 0
    result = cli("import", path, "--who", "bob", *maps, "--map-untagged", "mktg")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(cli("export", "--format", "json").stdout)
    assert [(r["person"], r["category"], r["tags"]) for r in rows] == [
        ("alice", "marketing", ["blog"]),
        ("bob", "marketing", []),
        ("alice", "sales", ["calls"]),
    ]


def test_dry_run_lists_what_it_would_add(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hours = [
        {"id": 30 - i, "start": f"202611{1 + i:02d}T090000Z", "end": f"202611{1 + i:02d}T100000Z",
         "tags": ["sales"]}
        for i in range(25)
    ]  # fmt: skip
    result = sqlite_cli("import", timew(tmp_path, hours), "--who", "ann", "--dry-run")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Would import 25 entries (0 skipped as already present); would create person ann "
        "(role both) (--dry-run):"
    )
    assert lines[1] == "  @30: 1h of sales for ann, 2026-11-01 09:00"
    assert len(lines) == 1 + 20 + 1 and lines[-1] == "  … and 5 more entries"
    assert "nothing was imported" not in result.stdout.lower() + result.stderr.lower()
    assert json.loads(sqlite_cli("export", "--format", "json").stdout) == []
