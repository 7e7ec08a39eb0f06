"""Streaming writers for `export`: CSV, a JSON array, and NDJSON.

Rows arrive in batches (lists) of plain tuples in `ENTRY_FIELDS` order, with `start` and
`end` already written as ISO instants (the store formats them in SQL) and `tags` as the
stored space-joined string.  Each writer writes a batch as it comes, so memory stays
flat however many entries there are; the JSON array is opened, filled and closed by hand.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from smbalance.exchange.shape import ENTRY_FIELDS, csv_writer

EXPORT_FORMATS = ("csv", "json", "ndjson")

Row = Sequence[Any]
Batches = Iterable[Sequence[Row]]


def write_csv(batches: Batches, out: TextIO) -> int:
    """The header, then one RFC 4180 row per entry. Returns the number of entries."""
    writer = csv_writer(out)
    writer.writerow(ENTRY_FIELDS)
    count = 0
    for batch in batches:
        # The rows are already in column order with text instants: csv's C writer
        # takes them as they are, with no per-row Python work on our side.
        writer.writerows(batch)
        count += len(batch)
    return count


# A cell a spreadsheet would read as a formula (or, for tab and CR, could turn into one
# when pasted or re-split): OWASP's list, which Excel, LibreOffice and Sheets all honour.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A text cell that starts like a formula, prefixed with `'` so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_spreadsheet_csv(batches: Batches, out: TextIO) -> int:
    """CSV for Excel and LibreOffice rather than for scripts: a UTF-8 byte order mark (so
    Excel reads UTF-8), CRLF line ends, and no cell that could run as a formula (a note
    like ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` comes out as text).  Not for
    `import`: the `'` it adds would become part of the note."""
    out.write("\ufeff")
    # Quotes every field holding \r or \n (both are in the line terminator).
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(ENTRY_FIELDS)
    count = 0
    for batch in batches:
        writer.writerows([[spreadsheet_cell(value) for value in row] for row in batch])
        count += len(batch)
    return count


def _json_object(row: Row) -> str:
    uid, entry_id, person, category, start, end, seconds, note, tags = row
    return json.dumps(
        {
            "uid": uid,
            "id": entry_id,
            "person": person,
            "category": category,
            "start": start,
            "end": end,
            "seconds": seconds,
            "note": note,
            "tags": tags.split() if tags else [],
        },
        ensure_ascii=False,
    )


def write_ndjson(batches: Batches, out: TextIO) -> int:
    """One JSON object per line."""
    count = 0
    for batch in batches:
        out.write("".join([_json_object(row) + "\n" for row in batch]))
        count += len(batch)
    return count


def write_json(batches: Batches, out: TextIO) -> int:
    """A JSON array, written a batch at a time (never held whole in memory)."""
    count = 0
    out.write("[")
    for batch in batches:
        if not batch:
            continue
        out.write(",\n  " if count else "\n  ")
        out.write(",\n  ".join([_json_object(row) for row in batch]))
        count += len(batch)
    out.write("\n]\n" if count else "]\n")
    return count


WRITERS = {"csv": write_csv, "json": write_json, "ndjson": write_ndjson}


def write_entries(batches: Batches, fmt: str, out: TextIO, *, spreadsheet: bool = False) -> int:
    """Write the batches of rows to `out` in `fmt` (`spreadsheet`: the CSV for Excel and
    LibreOffice); returns how many entries were written."""
    if spreadsheet:
        return write_spreadsheet_csv(batches, out)
    return WRITERS[fmt](batches, out)
