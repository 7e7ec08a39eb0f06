"""Differential: the sqlite3 path and the SQLAlchemy path run the same store identically.

Every SQLite store's queries go through the standard library's `sqlite3` (the lean path
the commands typed all day take); PostgreSQL's go through SQLAlchemy.  Both run the
same SQL text, so here the same random sequence of commands is applied to two copies of
one SQLite store, one through each adapter, and the stores must end up identical: every
row of every table, the ids, the undo journal with its before-images, what each command
returned or refused, and what the read queries answer.  Only entry uids, random by
design, are left out of the comparison.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW_EPOCH
from smbalance.errors import SmbalanceError
from smbalance.store import open_store

PEOPLE = st.sampled_from(["alice", "bob", "carol"])
CATEGORY = st.sampled_from(["sales", "marketing"])
MINUTES = st.integers(min_value=1, max_value=300)
OFFSET = st.integers(min_value=-900, max_value=30)  # minutes relative to now
IDS = st.integers(1, 10)

command = st.one_of(
    st.tuples(st.just("log"), PEOPLE, CATEGORY, OFFSET, MINUTES),
    st.tuples(st.just("log_duration"), PEOPLE, CATEGORY, MINUTES),
    st.tuples(st.just("edit"), IDS, OFFSET, MINUTES, st.sampled_from([None, "bob", "dan"])),
    st.tuples(st.just("rm"), st.lists(IDS, min_size=1, max_size=3)),
    st.tuples(st.just("start"), PEOPLE, CATEGORY, st.sampled_from([None, -60, -5, 0])),
    st.tuples(st.just("stop"), PEOPLE, st.sampled_from([None, "done"])),
    st.tuples(st.just("cancel"), PEOPLE),
    st.tuples(st.just("people add"), st.sampled_from(["dan", "erin"]), st.integers(0, 100)),
    st.tuples(st.just("people set"), PEOPLE, st.integers(0, 100)),
    st.tuples(st.just("people rename"), PEOPLE, st.sampled_from(["zoe", "bob"])),
    st.tuples(st.just("people rm"), PEOPLE, st.booleans()),
    st.tuples(st.just("tick"), MINUTES),
    st.tuples(st.just("undo")),
)

_TEMPLATE: list[Path] = []


class Clock:
    def __init__(self) -> None:
        self.now = NOW_EPOCH

    def __call__(self) -> int:
        return self.now


def copies(directory: Path) -> tuple[Path, Path]:
    """Two copies of one freshly migrated store (migrating for each example is slow)."""
    if not _TEMPLATE:
        template = Path(tempfile.mkdtemp()) / "template.db"
        open_store(template).close()
        _TEMPLATE.append(template)
    lean, full = directory / "lean.db", directory / "full.db"
    shutil.copy(_TEMPLATE[0], lean)
    shutil.copy(_TEMPLATE[0], full)
    return lean, full


def apply(store, clock: Clock, op: tuple) -> Any:  # type: ignore[no-untyped-def]
    kind, *args = op
    now = clock.now
    if kind == "log":
        person, category, offset, minutes = args
        start = now + offset * 60
        return store.log(person, category, start, start + minutes * 60, note="n", tags=["t"])
    if kind == "log_duration":
        person, category, minutes = args
        return store.log_duration(person, category, minutes * 60, tags=["a", "b"])
    if kind == "edit":
        entry_id, offset, minutes, person = args
        return store.edit(entry_id, start=now + offset * 60, seconds=minutes * 60, person=person)
    if kind == "rm":
        return store.remove(args[0])
    if kind == "start":
        person, category, offset = args
        return store.start_timer(
            person, category, at=None if offset is None else now + offset * 60, note="x"
        )
    if kind == "stop":
        return store.stop_timer(args[0], note=args[1])
    if kind == "cancel":
        return store.cancel_timer(args[0])
    if kind == "people add":
        return store.add_person(args[0], "sales", args[1])
    if kind == "people set":
        return store.set_person(args[0], commission=args[1], target=args[1] // 2)
    if kind == "people rename":
        return store.rename_person(args[0], args[1])
    if kind == "people rm":
        return store.remove_person(args[0], force=args[1])
    if kind == "tick":
        clock.now += args[0] * 60
        return None
    return store.undo()


def outcome(store, clock: Clock, op: tuple) -> Any:  # type: ignore[no-untyped-def]
    """What the command returned (without uids), or the error it refused with."""
    try:
        return _without_uids(apply(store, clock, op))
    except SmbalanceError as exc:
        return (type(exc).__name__, exc.message, exc.exit_code)


def _without_uids(value: Any) -> Any:
    if hasattr(value, "_fields"):  # a record (NamedTuple): before the tuples
        fields = value._asdict()
        fields.pop("uid", None)
        return (type(value).__name__, {k: _without_uids(v) for k, v in fields.items()})
    if isinstance(value, tuple | list):
        return type(value)(_without_uids(item) for item in value)
    return value


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in key order; entry uids (random) dropped, also from
    the journal's before-images."""
    tables: dict[str, list[tuple]] = {}
    with closing(sqlite3.connect(path)) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for name in sorted(names):
            cursor = db.execute(f'SELECT * FROM "{name}" ORDER BY 1')
            columns = [c[0] for c in cursor.description]
            rows = []
            for row in cursor:
                record = dict(zip(columns, row, strict=True))
                if name == "entry":
                    record.pop("uid")
                if name == "change_row" and record["before"]:
                    before = json.loads(record["before"])
                    before.pop("uid", None)
                    record["before"] = before
                rows.append(tuple(sorted(record.items(), key=lambda item: item[0])))
            tables[name] = rows
    return tables


def reads(store, clock: Clock) -> Any:  # type: ignore[no-untyped-def]
    day = (clock.now - 86_400, clock.now + 3_600)
    return (
        _without_uids(store.entries()),
        _without_uids(store.entries(start_utc=day[0], end_utc=day[1], people=["alice"])),
        store.timers(),
        store.people(),
        store.splits(*day),
        store.splits(None, None),
        store.period_totals([day, (day[0] - 86_400, day[0])]),
        store.period_splits([day], category="sales"),
        store.tag_splits(*day),
        store.time_span(),
        store.listing_totals(start_utc=day[0], end_utc=day[1]),
        [row[1:] for batch in store.export_batches(start_utc=day[0]) for row in batch],
        store.check(),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(command, min_size=1, max_size=30))
def test_sqlite3_and_sqlalchemy_paths_leave_identical_stores(ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lean_path, full_path = copies(Path(tmp))
        lean_clock, full_clock = Clock(), Clock()
        lean = open_store(lean_path, clock=lean_clock)
        full = open_store(full_path, clock=full_clock, through_sqlalchemy=True)
        try:
            assert type(lean._db).__name__ == "SqliteDatabase"
            assert type(full._db).__name__ == "EngineDatabase"
            for op in ops:
                assert outcome(lean, lean_clock, op) == outcome(full, full_clock, op), op
            assert reads(lean, lean_clock) == reads(full, full_clock)
        finally:
            lean.close()
            full.close()
        assert dump(lean_path) == dump(full_path)
