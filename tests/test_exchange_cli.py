"""Interop: real Watson and Timewarrior files, category/person mapping, format guessing.

`tests/data/exchange/frames` was written by Watson 2.1.0 (`watson add …`, TZ=UTC) and
`timew-export.json` by `timew export` of Timewarrior 1.4.3; the totals below were
checked by hand against the commands that made them (see docs/exchange.md).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "exchange"


def _totals(cli) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    totals: Counter[tuple[str, str]] = Counter()
    for entry in json.loads(cli("export", "-f", "json").stdout):
        totals[entry["person"], entry["category"]] += entry["seconds"]
    return dict(totals)


def _team(cli) -> None:  # type: ignore[no-untyped-def]
    cli("people", "add", "alice", "--role", "both")
    cli("people", "add", "bob", "--role", "both")


def test_watson_frames_with_known_people_tags_and_a_map(cli) -> None:  # type: ignore[no-untyped-def]
    _team(cli)
    frames = str(DATA / "frames")
    refused = cli("import", frames, "--who", "carol")
    assert refused.exit_code == 1
    listed = "(2 entries: frame 3 (index 2), frame 5 (index 4))"
    assert f"'blog' is not sales or marketing {listed}" in refused.stderr
    assert "--map blog=sales or --map blog=marketing" in refused.stderr
    result = cli("import", frames, "--who", "carol", "--map", "blog=marketing")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Imported 5 entries (0 skipped as already present); created person carol (role both)\n"
    )
    assert _totals(cli) == {
        ("alice", "sales"): 9000,  # 09:00-10:30 project sales, 11:00-12:00 acme +sales
        ("bob", "marketing"): 10800,  # 13:00-13:45 blog (mapped), 09:00-11:15 +marketing
        ("carol", "marketing"): 1200,  # 14:00-14:20 blog, no person tag: --who
    }
    acme = json.loads(cli("export", "-f", "json").stdout)[1]
    assert acme["uid"] == "ebf6d21b-38c9-4db9-b94c-87b9a314c279"  # Watson's frame id
    assert acme["tags"] == ["acme", "big-deal"]  # project kept; "big deal" made a tag
    again = cli("import", frames, "--who", "carol", "--map", "blog=marketing")
    assert again.stdout == "Imported 0 entries (5 skipped as already present)\n"


def test_timew_export_from_stdin_with_maps_and_a_running_interval(cli) -> None:  # type: ignore[no-untyped-def]
    _team(cli)
    text = (DATA / "timew-export.json").read_text(encoding="utf-8")
    args = ("import", "-", "--map", "blog=m", "--map", "cold calls=sales")
    result = cli(*args, input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Imported 4 entries (0 skipped as already present)\n"
    assert "Skipped the running interval @1 (no end yet)" in result.stderr
    assert _totals(cli) == {
        ("alice", "sales"): 3600,  # 09:00-10:00 alice sales
        ("alice", "marketing"): 5400,  # 10:30-12:00 alice marketing q1
        ("bob", "marketing"): 4500,  # 08:00-09:15 blog bob (mapped)
        ("bob", "sales"): 2400,  # 10:00-10:40 "cold calls" bob (mapped)
    }
    calls = json.loads(cli("export", "-f", "json", "--who", "bob").stdout)[1]
    assert calls["note"] == 'Called ACME, "big" deal' and calls["tags"] == ["cold-calls"]
    assert cli(*args, input=text).stdout.startswith("Imported 0 entries (4 skipped")


def test_format_from_the_name_frames_and_from_content(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _team(sqlite_cli)
    for name in ("frames", "watson.json", "anything"):
        shutil.copy(DATA / "frames", tmp_path / name)
    dry = ("--dry-run", "--who", "carol", "--map", "blog=m")
    for name in ("frames", "watson.json", "anything"):
        result = sqlite_cli("import", str(tmp_path / name), *dry)
        assert result.stdout.startswith("Would import 5 entries"), (name, result.stderr)
    timew = tmp_path / "timew.json"
    shutil.copy(DATA / "timew-export.json", timew)
    forced = sqlite_cli("import", str(timew), "--format", "watson", "--dry-run")
    assert forced.exit_code == 1 and "frame 1 (index 0): expected a frame" in forced.stderr


@pytest.mark.parametrize("bad", ["blog", "=sales", "blog=", "blog=golf"])
def test_a_malformed_map_is_a_usage_error(sqlite_cli, bad: str) -> None:  # type: ignore[no-untyped-def]
    result = sqlite_cli("import", str(DATA / "frames"), "--map", bad)
    assert result.exit_code == 2
    assert "Invalid value for '--map'" in result.stderr


def test_a_tag_naming_a_known_person_wins_over_who(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _team(sqlite_cli)
    frames = [[1704704400, 1704708000, "sales", "0" * 32, ["bob", "x y"], 1704708000]]
    path = tmp_path / "frames"
    path.write_text(json.dumps(frames), encoding="utf-8")
    assert sqlite_cli("import", str(path), "--who", "alice").exit_code == 0
    entry = json.loads(sqlite_cli("export", "-f", "json").stdout)[0]
    assert (entry["person"], entry["category"], entry["tags"]) == ("bob", "sales", ["x-y"])


def test_missing_file_and_directory_are_errors(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = sqlite_cli("import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
    folder = sqlite_cli("import", str(tmp_path))
    assert folder.exit_code == 1 and "is a directory" in folder.stderr


def test_help_shows_examples(sqlite_cli) -> None:  # type: ignore[no-untyped-def]
    for command in ("import", "export"):
        result = sqlite_cli(command, "--help")
        assert result.exit_code == 0 and "Examples:" in result.stdout


def test_progress_bar_draws_on_stderr_only_when_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    from smbalance.render.progress import progress_bar

    with progress_bar(10, "Importing", enabled=False) as advance:
        advance(10)
    assert capsys.readouterr() == ("", "")
    with progress_bar(10, "Importing", enabled=True) as advance:
        for _ in range(5):
            advance(2)
    captured = capsys.readouterr()
    assert captured.out == ""
