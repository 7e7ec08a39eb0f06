"""The spec's entry shape, shared by `entries --format`, `export` and `import`; and the
shape of `people ls --format json|csv`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from smbalance.domain import EntryRecord, PersonRecord
from smbalance.timeparse import iso_z

ENTRY_FIELDS = ("uid", "id", "person", "category", "start", "end", "seconds", "note", "tags")


def entry_dict(entry: EntryRecord) -> dict[str, Any]:
    """The JSON object of one entry (tags as a list)."""
    return {
        "uid": entry.uid,
        "id": entry.id,
        "person": entry.person,
        "category": entry.category,
        "start": iso_z(entry.start_utc),
        "end": iso_z(entry.end_utc),
        "seconds": entry.seconds,
        "note": entry.note,
        "tags": list(entry.tags),
    }


def entry_csv_row(entry: EntryRecord) -> list[Any]:
    """The CSV row of one entry, in `ENTRY_FIELDS` order (tags joined by spaces)."""
    return [
        entry.uid,
        entry.id,
        entry.person,
        entry.category,
        iso_z(entry.start_utc),
        iso_z(entry.end_utc),
        entry.seconds,
        entry.note,
        " ".join(entry.tags),
    ]


NOTE_COLUMN = ENTRY_FIELDS.index("note")


class CsvWriter:
    """RFC 4180 CSV with ``\n`` line ends, as the spec asks.

    Python 3.11's csv module quotes a field holding the line terminator but not a lone
    ``\r``, which a reader then takes for a line break.  A row with a ``\r`` in a text
    field is therefore written fully quoted.  In batches only the note column is checked:
    it is the only free text an entry has, and checking it alone keeps export fast.
    """

    def __init__(
        self, stream: io.TextIOBase | Any, *, text_column: int | None = NOTE_COLUMN
    ) -> None:
        self._text_column = text_column
        self._plain = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self._quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Sequence[Any]) -> None:
        has_cr = any(isinstance(field, str) and "\r" in field for field in row)
        (self._quoted if has_cr else self._plain).writerow(row)

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        batch = rows if isinstance(rows, list) else list(rows)
        column = self._text_column
        if column is None or any("\r" in (row[column] or "") for row in batch):
            for row in batch:
                self.writerow(row)
        else:
            self._plain.writerows(batch)


def csv_writer(stream: io.TextIOBase | Any, *, text_column: int | None = NOTE_COLUMN) -> CsvWriter:
    """A writer of the spec's CSV; `text_column` is the one free-text column of the rows
    (None: check every field of every row)."""
    return CsvWriter(stream, text_column=text_column)


# ---- people ---------------------------------------------------------------------------

PERSON_FIELDS = ("name", "role", "commission", "target")


def person_dict(person: PersonRecord) -> dict[str, Any]:
    """`people ls --format json`: one object a person (target null: the policy's floor)."""
    return {
        "name": person.name,
        "role": person.role,
        "commission": person.commission,
        "target": person.target,
    }


def write_people_csv(people: Iterable[PersonRecord], stream: io.TextIOBase | Any) -> None:
    """`people ls --format csv`: a header, then a row a person (an empty target: the floor)."""
    writer = csv_writer(stream, text_column=None)
    writer.writerow(PERSON_FIELDS)
    writer.writerows(
        [p.name, p.role, p.commission, "" if p.target is None else p.target] for p in people
    )
