"""`smbalance import` of our own formats: validation with where, all or nothing,
idempotence, overlaps, undo, and the round trip through export on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import fixed_clock
from exchange_seed import seed_entries

HEADER = "uid,id,person,category,start,end,seconds,note,tags\n"
NOTE = 'comma, "quotes",\nnew line\r\n — ünïcødé 🚀 日本語 \u2028 \u0085 tab\t end'


def _csv(tmp_path: Path, body: str, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return str(path)


def _rows(cli) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The export without the id column (ids are per store)."""
    import csv
    import io

    return [r[:1] + r[2:] for r in csv.reader(io.StringIO(cli("export").stdout))]


def _seed(cli) -> None:  # type: ignore[no-untyped-def]
    seed_entries(cli, NOTE, last_end="2026-11-01T08:45:30Z")  # ends off the minute


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_round_trip_through_an_empty_store(cli, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    _seed(cli)
    exported = cli("export", "--format", fmt).stdout
    from conftest import Cli

    other = Cli(db=str(tmp_path / "other.db"), runner=cli.runner)
    path = _csv(tmp_path, exported, f"dump.{fmt}")
    result = other("import", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Imported 3 entries (0 skipped as already present); created people alice, bob (role both)\n"
    )
    assert _rows(other) == _rows(cli)
    again = other("import", path)
    assert again.stdout == "Imported 0 entries (3 skipped as already present)\n"
    assert _rows(other) == _rows(cli)


def test_round_trip_between_sqlite_and_postgresql(pg_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from conftest import Cli

    runner = CliRunner()
    lite, pg = Cli(str(tmp_path / "a.db"), runner), Cli(pg_url, runner)
    _seed(lite)
    dump = _csv(tmp_path, lite("export").stdout)
    assert pg("import", dump).exit_code == 0
    back = _csv(tmp_path, pg("export", "-f", "ndjson").stdout, "back.ndjson")
    fresh = Cli(str(tmp_path / "b.db"), runner)
    assert fresh("import", back).exit_code == 0
    assert _rows(lite) == _rows(pg) == _rows(fresh)


def test_rows_without_uid_match_on_person_category_and_times(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = HEADER + ",,alice,sales,2026-11-23T09:00:00Z,2026-11-23T10:00:00Z,3600,,\n"
    path = _csv(tmp_path, body)
    assert cli("import", path).stdout == (
        "Imported 1 entry (0 skipped as already present); created person alice (role both)\n"
    )
    assert cli("import", path).stdout == "Imported 0 entries (1 skipped as already present)\n"
    # The same times in the other category is a different entry, which overlaps.
    other = _csv(tmp_path, body.replace(",sales,", ",marketing,"), "m.csv")
    result = cli("import", other)
    assert result.exit_code == 1 and "overlap" in result.stderr


def test_minimal_columns_default_person_and_offsets(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = "category,start,end\nSales,2026-11-23T10:00:00+01:00,2026-11-23T10:30:00+01:00\n"
    result = cli("import", _csv(tmp_path, body), "--who", "dora")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("; created person dora (role both)\n")
    row = json.loads(cli("export", "-f", "json").stdout)[0]
    assert (row["person"], row["category"], row["start"], row["seconds"]) == (
        "dora",
        "sales",
        "2026-11-23T09:00:00Z",
        1800,
    )


def test_times_without_an_offset_are_local_and_ids_are_ignored(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The tests' zone is Europe/London: 1 November 2026 is GMT, 1 July is BST (UTC+1).
    body = (
        "id,person,category,start,end\n"
        "x,ann,sales,2026-11-01 09:00,2026-11-01T10:00\n"
        "99999999999999999999999,ann,m,2026-07-01T09:00:00,2026-07-01T09:30:00\n"
        ",ann,m,2026-10-25T01:30,2026-10-25T01:45\n"  # happens twice: the first one (BST)
    )
    result = cli("import", _csv(tmp_path, body))
    assert result.exit_code == 0, result.stderr
    rows = json.loads(cli("export", "-f", "json").stdout)
    assert [(r["start"], r["end"]) for r in rows] == [
        ("2026-07-01T08:00:00Z", "2026-07-01T08:30:00Z"),
        ("2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z"),
        ("2026-11-01T09:00:00Z", "2026-11-01T10:00:00Z"),
    ]
    assert cli("--tz", "Asia/Tokyo", "import", _csv(tmp_path, body)).stdout == (
        "Imported 3 entries (0 skipped as already present)\n"  # other instants in Tokyo
    )


def test_rows_beyond_four_digit_years_are_bad_rows(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = "person,category,start,end\nann,sales,0001-01-01T00:00:00Z,0001-01-01T01:00:00Z\n"
    result = cli("import", _csv(tmp_path, body))
    assert (
        result.exit_code == 1
        and "line 2: start: '0001-01-01T00:00:00Z' is out of range" in result.stderr
    )
    frames = tmp_path / "frames"
    frames.write_text(json.dumps([[253402297000, 253402297500, "sales", "f1", [], 0]]))
    result = cli("import", str(frames), "--who", "ann")
    assert result.exit_code == 1 and "frame 1 (index 0): the entry is out of range" in result.stderr


def test_a_local_time_in_the_spring_gap_is_a_bad_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = "person,category,start,end\nann,sales,2026-03-29 01:30,2026-03-29 03:00\n"
    result = cli("import", _csv(tmp_path, body))
    assert result.exit_code == 1
    assert "line 2: start: '2026-03-29 01:30' does not exist in Europe/London" in result.stderr
    assert cli("export").stdout == HEADER


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_written(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = ",,alice,sales,2026-11-20T09:00:00Z,2026-11-20T10:00:00Z,3600,,\n"
    body = (
        HEADER
        + good
        + ',,alice,sales,2026-11-21T09:00:00Z,2026-11-21T10:00:00Z,60,"multi\nline",\n'  # 3-4
        + ",,alice,sales,2026-11-22T09:00:00Z,2026-11-22T08:00:00Z,,,\n"  # 5: end before start
        + ",,alice,sales,2026-11-23T09:00:00Z\n"  # 6: short row
        + ",,alice,sales,2026-11-31T09:00:00Z,2026-11-31T10:00:00Z,,,\n"  # 7: bad date
        + ",,Alice Smith,sales,2026-11-24T09:00:00Z,2026-11-24T10:00:00Z,,,\n"  # 8
        + ",,alice,sales,2026-11-25T09:00:00Z,2026-11-25T10:00:00Z,,,bad!tag\n"  # 9
        + "nope,,alice,sales,2026-11-26T09:00:00Z,2026-11-26T10:00:00Z,,,\n"  # 10
        + ",,alice,golf,2026-11-27T09:00:00Z,2026-11-27T10:00:00Z,,,\n"  # 11
    )
    result = cli("import", _csv(tmp_path, body))
    assert result.exit_code == 1
    error, *problems = result.stderr.splitlines()  # the Error line, then one problem a line
    assert error.startswith("Error: ") and "8 problems" in error
    assert error.endswith("; nothing was imported:")
    assert len(problems) == 8 and all(problem.startswith("  ") for problem in problems)
    for expected in (
        "line 3: seconds 60 disagrees with start and end (3600)",
        "line 5: end 2026-11-22T08:00:00Z is not after start",
        "line 6: 5 fields, but the header has 9",
        "line 7: start: '2026-11-31T09:00:00Z' is not a valid date",
        "line 8: person 'Alice Smith' is not a valid name",
        "line 9: tag 'bad!tag' is not valid",
        "line 10: uid 'nope' is not a UUID",
        "'golf' is not sales or marketing (1 entry: line 11); add --map golf=sales",
    ):
        assert any(expected in problem for problem in problems), expected
    assert "Traceback" not in result.stderr
    assert _rows(cli) == [HEADER.strip().split(",")[:1] + HEADER.strip().split(",")[2:]]


def test_the_listing_is_capped(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = ",,alice,sales,yesterday,2026-11-20T10:00:00Z,,,\n"
    result = cli("import", _csv(tmp_path, HEADER + bad * 30))
    error, *listed = result.stderr.splitlines()
    assert error.endswith("30 problems (csv); nothing was imported:")
    listed = [line.strip() for line in listed]
    assert len(listed) == 11 and listed[-1] == "… and 20 more"
    assert "line 2:" in listed[0] and "line 11:" in listed[9]


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (b'[{"uid": "x", "start": ', "column 24: Expecting value (is the file truncated?)"),
        (b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00garbage", "binary data"),
        (HEADER.encode() + b"\xff\xfe,,alice\n", "not UTF-8 text (bad bytes on line 2)"),
        (b"when,what\n1,2\n", "line 1: unknown column 'when', 'what'"),
        (b"uid,person,category,start\n", "missing column end"),
        (b'{"a": 1}', "expected a JSON array"),
        (b'uid,person,category,start,end\n,a,sales,"2026-11-20T09:00:00Z,x\n', "line 2: broken"),
    ],
)
def test_malformed_files_give_one_clear_error(
    sqlite_cli, tmp_path: Path, content: bytes, where: str
) -> None:  # type: ignore[no-untyped-def]
    sqlite_cli.people("alice")
    sqlite_cli("log", "sales", "1h", "--who", "alice")
    before = sqlite_cli("export").stdout
    path = tmp_path / ("in.json" if content[:1] in (b"[", b"{") else "in.csv")
    path.write_bytes(content)
    result = sqlite_cli("import", str(path))
    assert result.exit_code == 1
    assert where in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert sqlite_cli("export").stdout == before


def test_ndjson_errors_name_lines_and_json_errors_name_indices(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = {
        "person": "alice",
        "category": "sales",
        "start": "2026-11-20T09:00:00Z",
        "end": "2026-11-20T10:00:00Z",
    }
    ndjson = json.dumps(good) + "\n\n" + '{"person": "alice", "cat\n' + json.dumps([1]) + "\n"
    result = cli("import", _csv(tmp_path, ndjson, "x.ndjson"))
    assert "line 3: not valid JSON" in result.stderr
    assert "line 4: expected an object" in result.stderr
    array = json.dumps([good, {**good, "start": 5}, {**good, "colour": "red"}])
    result = cli("import", _csv(tmp_path, array, "x.json"))
    assert "entry 2 (index 1): start" in result.stderr  # entries counted from 1
    assert "entry 3 (index 2): unknown field 'colour'" in result.stderr
    assert result.exit_code == 1


def test_overlaps_within_the_file_and_with_stored_entries(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.people("al")
    cli("log", "sales", "--start", "2026-11-20T09:00Z", "--end", "2026-11-20T10:00Z", "--who", "al")
    body = (
        HEADER
        + ",,al,marketing,2026-11-20T09:30:00Z,2026-11-20T09:45:00Z,,,\n"
        + ",,al,sales,2026-11-21T09:00:00Z,2026-11-21T10:00:00Z,,,\n"
        + ",,al,sales,2026-11-21T09:59:00Z,2026-11-21T11:00:00Z,,,\n"
        + ",,bo,sales,2026-11-21T09:30:00Z,2026-11-21T11:00:00Z,,,\n"
    )
    path = _csv(tmp_path, body)
    result = cli("import", path)
    assert result.exit_code == 1
    assert "2 entries overlap" in result.stderr
    assert (
        "al: line 2 (2026-11-20T09:30:00Z – 2026-11-20T09:45:00Z) overlaps entry 1" in result.stderr
    )
    assert (
        "al: line 4 (2026-11-21T09:59:00Z – 2026-11-21T11:00:00Z) overlaps line 3" in result.stderr
    )
    assert "bo" not in result.stderr.split("Error:")[1]
    allowed = cli("import", path, "--allow-overlap")
    assert allowed.stdout == (
        "Imported 4 entries (0 skipped as already present); created person bo (role both)\n"
    )


def test_the_running_timer_counts_as_an_entry(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.people("al")
    cli("start", "sales", "--at", "2026-11-27T13:00Z", "--who", "al")
    body = HEADER + ",,al,marketing,2026-11-27T13:30:00Z,2026-11-27T13:40:00Z,,,\n"
    result = cli("import", _csv(tmp_path, body))
    assert result.exit_code == 1 and "overlaps the running timer" in result.stderr


def test_dry_run_writes_nothing_and_undo_reverts_a_whole_import(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = HEADER + "".join(
        f",,newbie,sales,2026-11-{day:02d}T09:00:00Z,2026-11-{day:02d}T10:00:00Z,,,\n"
        for day in range(1, 11)
    )
    path = _csv(tmp_path, body)
    dry = cli("import", path, "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.startswith("Would import 10 entries (0 skipped as already present)")
    assert "would create person newbie (role both)" in dry.stdout
    assert cli("people", "ls", "--format", "json").stdout.count("newbie") == 0
    assert len(_rows(cli)) == 1
    assert cli("import", path).stdout.startswith("Imported 10 entries (0 skipped")
    undone = cli("undo")
    assert undone.exit_code == 0
    assert undone.stdout.startswith("Removed 10 entries added by the import: ")
    assert "Removed newbie (added by the import)" in undone.stdout
    assert len(_rows(cli)) == 1
    assert "newbie" not in cli("people", "ls", "--format", "json").stdout


def test_an_import_that_adds_nothing_leaves_nothing_to_undo(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.people("al")
    cli("log", "sales", "--start", "2026-11-20T09:00Z", "--end", "2026-11-20T10:00Z", "--who", "al")
    path = _csv(tmp_path, cli("export").stdout)
    assert cli("import", path).stdout.startswith("Imported 0 entries (1 skipped")
    assert "log" in cli("undo").stdout.lower()


def test_stdin_and_content_sniffing(cli) -> None:  # type: ignore[no-untyped-def]
    line = {
        "person": "al",
        "category": "m",
        "start": "2026-11-20T09:00:00Z",
        "end": "2026-11-20T10:00:00Z",
        "tags": ["x"],
        "note": None,
    }
    result = cli("import", "-", input=json.dumps(line) + "\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Imported 1 entry (0 skipped as already present); created person al (role both)\n"
    )
    result = cli("import", "-", "--format", "json", input=json.dumps([line]))
    assert "1 skipped" in result.stdout


def test_store_import_plans_in_bulk(db_url: str) -> None:
    """Thousands of rows: one transaction, skipped in bulk on the second run."""
    from smbalance.exchange.readers import read
    from smbalance.store import open_store

    start = 1_700_000_000
    body = HEADER + "".join(
        f",,p{i % 7},sales,{_iso(start + i * 3600)},{_iso(start + i * 3600 + 1800)},,,\n"
        for i in range(3000)
    )
    with open_store(db_url, clock=fixed_clock) as store:
        first = store.import_entries(read(body.encode(), "csv").rows)
        second = store.import_entries(read(body.encode(), "csv").rows)
        assert (first.added, first.skipped, len(first.new_people)) == (3000, 0, 7)
        assert (second.added, second.skipped) == (0, 3000)
        assert sum(len(b) for b in store.export_batches()) == 3000


def _iso(epoch: int) -> str:
    from smbalance.exchange.shape import iso_z

    return iso_z(epoch)


def test_utf8_split_across_read_chunks_is_fine_and_bad_bytes_are_located(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from smbalance.exchange import readers

    monkeypatch.setattr(readers, "CHUNK", 3)  # every multi-byte character straddles a read
    note = NOTE.replace('"', "")
    body = HEADER + f',,al,sales,2026-11-20T09:00:00Z,2026-11-20T10:00:00Z,,"{note}",\n'
    result = readers.read(body.encode(), None, "x.csv")
    assert not result.problems and result.rows[0].note == note
    with pytest.raises(readers.ReadError, match="bad bytes on line 6"):
        readers.read(body.encode() + b"\n\xe2\x82", None, "x.csv")


NOTES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@settings(max_examples=150, deadline=None)
@given(note=NOTES, fmt=st.sampled_from(["csv", "json", "ndjson"]))
@example(note="\r", fmt="csv")  # Python 3.11's csv leaves a lone CR unquoted
@example(note="a\r\nb\rc", fmt="csv")
def test_any_note_survives_the_writers_and_readers(note: str, fmt: str) -> None:
    """Commas, quotes, line ends of every kind and any Unicode: written, then read back."""
    import io

    from smbalance.exchange.readers import read
    from smbalance.exchange.writers import write_entries

    uid = "6f1c2b9e-0000-4000-8000-000000000001"
    row = (uid, 1, "al", "sales", "2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", 3600, note, "a b")
    out = io.StringIO(newline="")
    write_entries([[row]], fmt, out)
    result = read(out.getvalue().encode("utf-8"), None, f"x.{fmt}")
    assert not result.problems, result.problems.kept
    [back] = result.rows
    assert (back.uid, back.note, back.tags, back.end - back.start) == (uid, note, "a b", 3600)
