"""The spec's entry shape, shared by `entries --format`, `export` and `import`."""

from __future__ import annotations

import csv
import io
from typing import Any

from smbalance.domain import EntryRecord, utc

ENTRY_FIELDS = ("uid", "id", "person", "category", "start", "end", "seconds", "note", "tags")


def iso_z(epoch: int) -> str:
    """An instant as the spec writes it: ISO 8601 in UTC with ``Z``."""
    return utc(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def csv_writer(stream: io.TextIOBase | Any) -> Any:
    """RFC 4180 CSV with ``\\n`` line ends, as the spec asks."""
    return csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
