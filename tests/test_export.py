"""`smbalance export`: the spec's CSV/JSON/NDJSON shapes, filters, order and streaming."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import fixed_clock
from exchange_seed import seed_entries

NOTE = 'call "ACME", then\nfollow up — café ☕ 日本'


def _seed(cli) -> None:  # type: ignore[no-untyped-def]
    seed_entries(cli, NOTE)


def test_csv_has_the_spec_header_order_quoting_and_utc(cli) -> None:  # type: ignore[no-untyped-def]
    _seed(cli)
    result = cli("export")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0] == "uid,id,person,category,start,end,seconds,note,tags"
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [r[2:7] for r in rows[1:]] == [
        ["alice", "marketing", "2026-11-01T08:00:00Z", "2026-11-01T08:45:00Z", "2700"],
        ["bob", "marketing", "2026-11-22T23:00:00Z", "2026-11-23T01:00:00Z", "7200"],
        ["alice", "sales", "2026-11-23T09:00:00Z", "2026-11-23T10:30:00Z", "5400"],
    ]
    assert rows[3][7] == NOTE and rows[3][8] == "q4 lead"
    assert '"call ""ACME"", then\nfollow up' in result.stdout  # RFC 4180 quoting
    assert "\r" not in result.stdout


def test_json_is_one_array_and_ndjson_one_object_per_line(cli) -> None:  # type: ignore[no-untyped-def]
    _seed(cli)
    array = json.loads(cli("export", "--format", "json").stdout)
    lines = cli("export", "-f", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == array
    last = array[-1]
    assert list(last) == [
        "uid",
        "id",
        "person",
        "category",
        "start",
        "end",
        "seconds",
        "note",
        "tags",
    ]
    assert last["tags"] == ["q4", "lead"] and last["note"] == NOTE and last["seconds"] == 5400
    assert array[0]["tags"] == []


def test_empty_store_exports_header_or_empty_array(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("export").stdout == "uid,id,person,category,start,end,seconds,note,tags\n"
    assert json.loads(cli("export", "-f", "json").stdout) == []
    assert cli("export", "-f", "ndjson").stdout == ""


def test_period_keeps_whole_overlapping_entries_and_who_filters(cli) -> None:  # type: ignore[no-untyped-def]
    _seed(cli)
    # Monday 2026-11-23 in London: bob's entry from Sunday 23:00 overlaps; it is not clipped.
    out = cli("export", "--from", "2026-11-23", "--to", "2026-11-23", "-f", "json").stdout
    spans = [(e["person"], e["start"], e["seconds"]) for e in json.loads(out)]
    assert spans == [("bob", "2026-11-22T23:00:00Z", 7200), ("alice", "2026-11-23T09:00:00Z", 5400)]
    out = cli("export", "--who", "bob", "-f", "json").stdout
    assert [e["person"] for e in json.loads(out)] == ["bob"]


def test_unknown_person_and_backwards_period_fail_cleanly(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", "--who", "zed")
    assert result.exit_code == 1 and "Error: no person named 'zed'" in result.stderr
    result = cli("export", "--from", "2026-11-20", "--to", "2026-11-10")
    assert result.exit_code == 2 and "--to must be after --from" in result.stderr


def test_output_file_is_written_whole_and_reported_on_stderr(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _seed(cli)
    target = tmp_path / "out.csv"
    result = cli("export", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert "Exported 3 entries" in result.stderr
    assert target.read_text(encoding="utf-8") == cli("export").stdout
    assert not list(tmp_path.glob(".out.csv.partial"))


def test_unwritable_output_is_one_error(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = sqlite_cli("export", "-o", str(tmp_path / "missing-dir" / "x.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("Error: cannot write")
    assert "Traceback" not in result.stderr


def test_export_streams_in_batches(db_url: str) -> None:
    """Rows come out a batch at a time from a streaming cursor, oldest first."""
    from smbalance.store import open_store

    with open_store(db_url, clock=fixed_clock) as store:
        for hour in range(7):
            store.log(
                "alice", "sales", 1_700_000_000 + hour * 3600, 1_700_000_000 + hour * 3600 + 60
            )
        batches = list(store.export_batches(batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    starts = [row[4] for batch in batches for row in batch]
    assert starts == sorted(starts)
