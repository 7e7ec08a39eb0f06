"""The raw floors: what plain Python + sqlite3 + csv needs for the same work.

Each is run as its own process by `run.py`, so its figure is a whole-process wall time
and peak RSS, directly comparable with the smbalance command it is the floor of.

    python benchmarks/floors.py groupby STORE
    python benchmarks/floors.py csv-export STORE OUT.csv
    python benchmarks/floors.py csv-import IN.csv EMPTY_STORE
"""

from __future__ import annotations

import csv
import sqlite3
import sys
import time
import uuid
from datetime import datetime

GROUP_BY = (
    "SELECT p.name, e.category, SUM(e.seconds) FROM entry e JOIN person p ON p.id = e.person_id"
    " GROUP BY p.name, e.category"
)
# The instants are formatted by SQLite's C strftime: the cheapest plain way to the
# spec's CSV, so the floor is as low as plain sqlite3 + csv can go.
EXPORT = (
    "SELECT e.uid, e.id, p.name, e.category,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.start_utc, 'unixepoch'),"
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.end_utc, 'unixepoch'), e.seconds, e.note, e.tags"
    " FROM entry e JOIN person p ON p.id = e.person_id ORDER BY e.start_utc, e.id"
)
HEADER = ("uid", "id", "person", "category", "start", "end", "seconds", "note", "tags")


def group_by(store: str) -> None:
    db = sqlite3.connect(store)
    for name, category, seconds in db.execute(GROUP_BY):
        print(name, category, seconds)


def csv_export(store: str, out: str) -> None:
    """The spec's CSV shape, streamed from a cursor (constant memory)."""
    db = sqlite3.connect(store)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(db.execute(EXPORT))


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def csv_import(path: str, store: str) -> None:
    """Read the CSV, create people as needed, executemany the entries in one transaction."""
    db = sqlite3.connect(store, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    people = dict(db.execute("SELECT name, id FROM person"))
    now = int(time.time())

    def person_id(name: str) -> int:
        if name not in people:
            cursor = db.execute(
                "INSERT INTO person (name, role, commission, created_utc, updated_utc)"
                " VALUES (?, 'both', 0, ?, ?)",
                (name, now, now),
            )
            people[name] = cursor.lastrowid
        return people[name]

    def rows():  # type: ignore[no-untyped-def]
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            for uid, _id, person, category, start, end, _seconds, note, tags in reader:
                s, e = epoch(start), epoch(end)
                yield (
                    uid or str(uuid.uuid4()), person_id(person), category, s, e, e - s,
                    note, tags, now, now,
                )  # fmt: skip

    db.executemany(
        "INSERT INTO entry (uid, person_id, category, start_utc, end_utc, seconds, note, tags,"
        " created_utc, updated_utc) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows(),
    )
    db.execute("COMMIT")


def main(argv: list[str]) -> int:
    job, *args = argv
    {"groupby": group_by, "csv-export": csv_export, "csv-import": csv_import}[job](*args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
