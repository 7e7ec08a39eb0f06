"""The CSV fast path (export-shaped files) reads every row exactly as the general path.

`readers._csv_fast_path` does `_entry`'s checks inline for speed; any row it does not
vouch for goes through `_entry`.  These rows are the ones where a shortcut could differ.
"""

from __future__ import annotations

import csv
import io

import pytest

from smbalance.exchange import readers

HEADER = "uid,id,person,category,start,end,seconds,note,tags"
UID = "d84a7c54-99e0-4c26-8551-b9a19f2428a0"
ROWS = [
    f"{UID},1,alice,sales,2026-11-27T09:00:00Z,2026-11-27T10:00:00Z,3600,,",
    f"{UID.upper()},2,alice,sales,2026-11-27T10:00:00Z,2026-11-27T11:00:00Z,3600,,",
    f"{{{UID}}},3,alice,sales,2026-11-27T11:00:00Z,2026-11-27T12:00:00Z,,,",
    ",4, Alice ,Sales,2026-11-27T12:00:00Z,2026-11-27T13:00:00Z,,,a b a",
    ",5,bob,mark, 2026-11-27T13:00:00Z ,2026-11-27T14:00:00+01:00,,note,",
    ",6,bob,marketing,2026-11-27T14:00:00,2026-11-27T15:00:00Z,,,",
    ",7,bob,marketing,2026-11-27T15:00:00Z,2026-11-27T15:00:00Z,,,",
    ",8,bob,marketing,2026-11-27T15:00:00Z,2026-11-27T16:00:00Z,12,,",
    ",x,bob,marketing,2026-11-27T16:00:00Z,2026-11-27T17:00:00Z,,,",
    ",10,bob!,marketing,2026-11-27T16:00:00Z,2026-11-27T17:00:00Z,,,",
    ",11,bob,marketing,2026-11-27T16:00:00Z,2026-11-27T17:00:00Z,,,bad/tag",
    ",12,bob,marketing,2026-11-27T16:00:00Z,2026-11-27T17:00:00Z,, x ,",
    ",13,bob,purchasing,2026-11-27T16:00:00Z,2026-11-27T17:00:00Z,,,",
    ",14,,sales,2026-11-27T17:00:00Z,2026-11-27T18:00:00Z, 3600 ,,",
    "not-a-uid,15,bob,sales,2026-11-27T18:00:00Z,2026-11-27T19:00:00Z,,,",
    ",16,bob,sales,2026-02-30T18:00:00Z,2026-11-27T19:00:00Z,,,",
]


def general(header: str, line: str, pos: int) -> readers.ImportRow | str:
    fields = next(csv.reader([line]))
    try:
        return readers._entry(pos, dict(zip(header.split(","), fields, strict=True)).get)
    except ValueError as exc:
        return f"line {pos}: {exc}"


@pytest.mark.parametrize("header", [HEADER, "start,end,category,person,uid,id,seconds,tags,note"])
def test_every_row_reads_as_the_general_path_reads_it(header: str) -> None:
    order = header.split(",")
    body = header + "\n" + "\n".join(_requote(line, order) for line in ROWS) + "\n"
    result = readers.read(body.encode(), "csv")
    expected = [general(header, _requote(line, order), pos) for pos, line in enumerate(ROWS, 2)]
    assert result.rows == [row for row in expected if not isinstance(row, str)]
    assert result.problems.kept == [row for row in expected if isinstance(row, str)]
    assert len(result.rows) == 8 and result.problems.count == 8  # a garbled id is ignored


def _requote(line: str, order: list[str]) -> str:
    """`line` (in HEADER order) with its fields in `order`."""
    values = dict(zip(HEADER.split(","), next(csv.reader([line])), strict=True))
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([values[name] for name in order])
    return out.getvalue()


def test_fast_path_shares_one_string_per_person_and_tag_set() -> None:
    body = (
        HEADER
        + "\n"
        + "\n".join(
            f",,alice,sales,2026-11-2{day}T09:00:00Z,2026-11-2{day}T10:00:00Z,,,x y"
            for day in range(1, 4)
        )
    )
    rows = readers.read(body.encode(), "csv").rows
    assert len({id(row.person) for row in rows}) == 1
    assert len({id(row.tags) for row in rows}) == 1


def test_repeated_uids_are_named_in_file_order() -> None:
    body = (
        HEADER
        + "\n"
        + "\n".join(
            f"{uid},,alice,sales,2026-11-2{n}T09:00:00Z,2026-11-2{n}T10:00:00Z,,,"
            for n, uid in enumerate([UID, UID.replace("d8", "e8"), UID, UID.replace("d8", "e8")], 1)
        )
    )
    result = readers.read(body.encode(), "csv")
    readers.resolve(result, known_people=set(), mapping={}, who=None)
    assert result.problems.kept == [
        f"line 4: uid {UID} repeats line 2",
        f"line 5: uid {UID.replace('d8', 'e8')} repeats line 3",
    ]
