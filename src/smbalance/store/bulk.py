"""Bulk reads and writes for export and import: streamed out, batched in.

Export formats the instants in SQL (both databases have a C-speed formatter), so rows
leave the database ready to write and Python does no per-row work for CSV.  Import is
one journaled transaction of batched inserts, planned here (`_plan_import`: what is
already present, the overlap check) from rows that `smbalance.exchange.readers` has read
and validated.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from smbalance.domain import plural
from smbalance.errors import ImportFailed
from smbalance.models import entry_t, person_t, timer_t
from smbalance.store.base import ChangeContext
from smbalance.store.entries import overlapping_from
from smbalance.store.people import PeopleMixin

if TYPE_CHECKING:
    from smbalance.exchange.readers import ImportRow

EXPORT_BATCH = 5000
INSERT_BATCH = 5000
LOOKUP_BATCH = 500  # values per IN (…) probe: well under every driver's parameter limit
IMPORT_CACHE_KIB = 64 << 10  # SQLite page cache while importing (see _write_import)
DEFAULT_CACHE_PAGES = -2000  # SQLite's default, 2,000 KiB, restored afterwards
SHOWN_OVERLAPS = 10
IMPORT_COLUMNS = (
    "uid",
    "person_id",
    "category",
    "start_utc",
    "end_utc",
    "seconds",
    "note",
    "tags",
    "created_utc",
    "updated_utc",
    "change_id",
)

Progress = Callable[[int], None]


class ImportPlan:
    """What an import adds and skips; computed before anything is written.

    A plain class, not a dataclass: every command imports the store, and each
    dataclass costs 0.6-1 ms of start-up to generate its methods.
    """

    __slots__ = ("fresh", "new_people", "skipped")

    def __init__(self) -> None:
        self.fresh: list[ImportRow] = []
        self.skipped = 0
        self.new_people: list[str] = []

    @property
    def added(self) -> int:
        return len(self.fresh)


def _iso_z_sql(dialect: str, column: Any) -> ColumnElement[str]:
    """`column` (epoch seconds) as ``2026-11-27T14:00:00Z``, computed by the database."""
    if dialect == "postgresql":
        instant = func.timezone("UTC", func.to_timestamp(column))
        return func.to_char(instant, literal_column('\'YYYY-MM-DD"T"HH24:MI:SS"Z"\''))
    return func.strftime("%Y-%m-%dT%H:%M:%SZ", column, "unixepoch")


class BulkMixin(PeopleMixin):
    def export_batches(
        self,
        *,
        people: Sequence[str] = (),
        category: str | None = None,
        start_utc: int | None = None,
        end_utc: int | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        iso_instants: bool = True,
        batch_size: int = EXPORT_BATCH,
    ) -> Iterator[list[Sequence[Any]]]:
        """Entries overlapping [start_utc, end_utc), oldest first (or newest), in lists
        of tuples: `export` and `entries` in every format.

        Each tuple is in `ENTRY_FIELDS` order (start and end as ISO text, or as epoch
        seconds without `iso_instants`; tags as the stored space-joined string).
        Entries are not clipped to the period.  The query runs on a streaming cursor,
        so only one batch is in memory at a time.
        """
        instants = (
            (
                _iso_z_sql(self.dialect, entry_t.c.start_utc),
                _iso_z_sql(self.dialect, entry_t.c.end_utc),
            )
            if iso_instants
            else (entry_t.c.start_utc, entry_t.c.end_utc)
        )
        query = select(
            entry_t.c.uid,
            entry_t.c.id,
            person_t.c.name,
            entry_t.c.category,
            *instants,
            entry_t.c.seconds,
            entry_t.c.note,
            entry_t.c.tags,
        ).join(person_t, person_t.c.id == entry_t.c.person_id)
        if newest_first:
            query = query.order_by(entry_t.c.start_utc.desc(), entry_t.c.id.desc())
        else:
            query = query.order_by(entry_t.c.start_utc, entry_t.c.id)
        if limit is not None:
            query = query.limit(limit)
        with self.read() as conn:
            query = query.where(*_listing(conn, people, category, start_utc, end_utc))
            streaming = conn.execution_options(stream_results=True, yield_per=batch_size)
            yield from streaming.execute(query).partitions()

    def listing_totals(
        self,
        *,
        people: Sequence[str] = (),
        category: str | None = None,
        start_utc: int | None = None,
        end_utc: int | None = None,
    ) -> tuple[int, int]:
        """How many entries `export_batches` would list, and their (unclipped) seconds."""
        query = select(func.count(), func.coalesce(func.sum(entry_t.c.seconds), 0)).select_from(
            entry_t.join(person_t, person_t.c.id == entry_t.c.person_id)
        )
        with self.read() as conn:
            query = query.where(*_listing(conn, people, category, start_utc, end_utc))
            count, seconds = conn.execute(query).one()
        return int(count), int(seconds)

    # ---- import --------------------------------------------------------------------------

    def import_entries(
        self,
        rows: list[ImportRow],
        *,
        unit: str = "line",
        source: str = "a file",
        allow_overlap: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportPlan:
        """Add the rows not already present, all in one journaled transaction (or none).

        Rows match stored entries on uid, else on (person, category, start, end).  An
        overlap with a stored entry, the running timer or another row is refused (naming
        them) unless `allow_overlap`.  `dry_run` plans without writing.
        """
        if dry_run:
            with self.read() as conn:
                return self._plan_import(conn, rows, unit, allow_overlap, now=self.clock())
        try:
            with self.change("import", f"import from {source}") as ctx:
                plan = self._plan_import(ctx.conn, rows, unit, allow_overlap, now=ctx.now)
                if not plan.added:
                    # Roll back the empty journal entry: `undo` should not undo nothing.
                    raise _NothingToAdd(plan)
                if progress is not None:
                    progress(plan.skipped)  # so the bar ends full when some rows were present
                self._write_import(ctx, plan, progress)
                ctx.summary.append(
                    f"imported {plural(plan.added, 'entry')} from {source}"
                    + (f" and created {', '.join(plan.new_people)}" if plan.new_people else "")
                )
        except _NothingToAdd as nothing:
            return nothing.plan
        return plan

    def _plan_import(
        self, conn: Connection, rows: list[ImportRow], unit: str, allow_overlap: bool, *, now: int
    ) -> ImportPlan:
        names = sorted({row.person for row in rows if row.person})
        people = _people_ids(conn, names)
        for person_id in people.values():
            self.lock_person(conn, person_id)
        if _has_entries(conn):
            present_uids = _present_uids(conn, [row.uid for row in rows if row.uid])
            present_keys = _present_keys(conn, people, rows)
        else:  # restoring into a new store: nothing can be present, so ask nothing
            present_uids, present_keys = set(), set()
        plan = ImportPlan()
        seen: set[tuple[str | None, str | None, int, int]] = set()
        for row in rows:
            if row.uid is not None:  # uids are unique in a file (the reader checks)
                if row.uid in present_uids:
                    plan.skipped += 1
                    continue
            else:
                key = (row.person, row.category, row.start, row.end)
                if key in present_keys or key in seen:
                    plan.skipped += 1
                    continue
                seen.add(key)
            plan.fresh.append(row)
        plan.new_people = sorted({row.person for row in plan.fresh if row.person} - set(people))
        if not allow_overlap:
            _refuse_overlaps(conn, plan.fresh, people, unit, now)
        return plan

    def _write_import(
        self, ctx: ChangeContext, plan: ImportPlan, progress: Progress | None
    ) -> None:
        ids = _people_ids(ctx.conn, sorted({row.person for row in plan.fresh if row.person}))
        for name in plan.new_people:
            person, _created = self._ensure_person(ctx, name)
            ids[name] = person.id
        if self.dialect == "postgresql":
            self._insert_batches(ctx, plan, ids, self._copy_rows, progress)
            return
        # The uid index takes a million random inserts; with SQLite's default 2 MB page
        # cache each one reads and writes pages back (1M rows: 27 s; with 64 MB: 12 s).
        ctx.conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            self._insert_batches(ctx, plan, ids, self._insert_rows, progress)
        finally:
            ctx.conn.exec_driver_sql(f"PRAGMA cache_size = {DEFAULT_CACHE_PAGES}")

    @staticmethod
    def _insert_batches(
        ctx: ChangeContext,
        plan: ImportPlan,
        ids: dict[str, int],
        insert_batch: Callable[[Connection, list[tuple[Any, ...]]], None],
        progress: Progress | None,
    ) -> None:
        now, change_id = ctx.now, ctx.change_id
        for begin in range(0, len(plan.fresh), INSERT_BATCH):
            batch = plan.fresh[begin : begin + INSERT_BATCH]
            insert_batch(
                ctx.conn,
                [
                    (
                        row.uid or str(uuid.uuid4()),
                        ids[row.person],
                        row.category,
                        row.start,
                        row.end,
                        row.end - row.start,
                        row.note,
                        row.tags,
                        now,
                        now,
                        change_id,
                    )
                    for row in batch
                    if row.person is not None
                ],
            )
            if progress is not None:
                progress(len(batch))

    @staticmethod
    def _insert_rows(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """One executemany of plain tuples: SQLite's C loop, no per-row dicts."""
        marks = ", ".join("?" * len(IMPORT_COLUMNS))
        conn.exec_driver_sql(
            f"INSERT INTO entry ({', '.join(IMPORT_COLUMNS)}) VALUES ({marks})", rows
        )

    @staticmethod
    def _copy_rows(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """PostgreSQL's COPY, in the same transaction: several times executemany's speed."""
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY entry ({', '.join(IMPORT_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


class _NothingToAdd(Exception):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("nothing to add")
        self.plan = plan


def _iso(epoch: int) -> str:
    from smbalance.exchange.shape import iso_z

    return iso_z(epoch)


def _listing(
    conn: Connection,
    people: Sequence[str],
    category: str | None,
    start_utc: int | None,
    end_utc: int | None,
) -> list[ColumnElement[bool]]:
    """The conditions of a listing: who, which category, overlapping [start, end)."""
    conditions: list[ColumnElement[bool]] = []
    if people:
        conditions.append(person_t.c.name.in_(list(people)))
    if category is not None:
        conditions.append(entry_t.c.category == category)
    if end_utc is not None:
        conditions.append(entry_t.c.start_utc < end_utc)
    if start_utc is not None:
        conditions += overlapping_from(conn, start_utc)
    return conditions


def _chunks(values: Sequence[Any], size: int = LOOKUP_BATCH) -> Iterator[Sequence[Any]]:
    for begin in range(0, len(values), size):
        yield values[begin : begin + size]


def _people_ids(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(names):
        query = select(person_t.c.name, person_t.c.id).where(person_t.c.name.in_(list(chunk)))
        found.update({name: person_id for name, person_id in conn.execute(query)})
    return found


def _has_entries(conn: Connection) -> bool:
    return conn.execute(select(entry_t.c.id).limit(1)).first() is not None


def _present_uids(conn: Connection, uids: Sequence[str]) -> set[str]:
    # One statement with an expanding IN: compiled once, not once per chunk.
    query = select(entry_t.c.uid).where(entry_t.c.uid.in_(bindparam("uids", expanding=True)))
    present: set[str] = set()
    for chunk in _chunks(uids):
        present.update(conn.execute(query, {"uids": list(chunk)}).scalars())
    return present


def _present_keys(
    conn: Connection, people: dict[str, int], rows: list[ImportRow]
) -> set[tuple[str, str, int, int]]:
    """(person, category, start, end) of stored entries that rows without a uid match."""
    starts: dict[str, set[int]] = {}
    for row in rows:
        if row.uid is None and row.person in people:
            starts.setdefault(row.person, set()).add(row.start)
    present: set[tuple[str, str, int, int]] = set()
    for name, wanted in starts.items():
        for chunk in _chunks(sorted(wanted)):
            query = select(entry_t.c.category, entry_t.c.start_utc, entry_t.c.end_utc).where(
                entry_t.c.person_id == people[name], entry_t.c.start_utc.in_(list(chunk))
            )
            present.update((name, *found) for found in conn.execute(query))
    return present


def _refuse_overlaps(
    conn: Connection, fresh: list[ImportRow], people: dict[str, int], unit: str, now: int
) -> None:
    """Sweep each person's new rows together with their stored entries and timer.

    The sweep sorts references to the rows themselves (by start, one int each), not a
    tuple per row: at a million rows that is 8 MB of list instead of ~80 MB of tuples
    and label strings.  Labels become text only for the few overlaps shown.
    """
    by_person: dict[str, list[Any]] = {}
    for row in fresh:
        if row.person is not None:
            by_person.setdefault(row.person, []).append(row)
    problems: list[str] = []
    count = 0
    for name, intervals in by_person.items():
        if name in people:
            intervals.extend(_stored_intervals(conn, people[name], intervals, now))
        _sort_as_labelled(intervals, unit)
        reach: Any = None  # the interval reaching furthest so far
        for current in intervals:
            clash = reach is not None and current.start < reach.end
            if clash and (not isinstance(current, Stored) or not isinstance(reach, Stored)):
                count += 1
                if len(problems) < SHOWN_OVERLAPS:
                    problems.append(_overlap_message(name, current, reach, unit))
            if reach is None or current.end > reach.end:
                reach = current
        intervals.clear()  # done with this person: free as we go
    if count:
        more = [f"… and {count - len(problems)} more"] if count > len(problems) else []
        raise ImportFailed(
            f"{plural(count, 'entry overlaps', 'entries overlap')} other time of the same person",
            problems + more,
            then="nothing was imported; fix the rows, or use --allow-overlap",
        )


class Stored:
    """A stored entry or the running timer, in an overlap sweep next to `ImportRow`s."""

    __slots__ = ("end", "label", "start")

    def __init__(self, start: int, end: int, label: str) -> None:
        self.start, self.end, self.label = start, end, label


def _label(interval: Any, unit: str) -> str:
    return interval.label if isinstance(interval, Stored) else f"{unit} {interval.pos}"


def _sort_as_labelled(intervals: list[Any], unit: str) -> None:
    """Order by (start, end, label), as the messages have always been ordered.

    Sorting on start alone needs no tuple or text per row; the rare runs of equal
    starts are then put in (end, label) order, which only needs their few labels.
    """
    intervals.sort(key=attrgetter("start"))
    begin = 0
    for index in range(1, len(intervals) + 1):
        if index == len(intervals) or intervals[index].start != intervals[begin].start:
            if index - begin > 1:
                intervals[begin:index] = sorted(
                    intervals[begin:index], key=lambda item: (item.end, _label(item, unit))
                )
            begin = index


def _overlap_message(name: str, one: Any, other: Any, unit: str) -> str:
    """Name the file's row first: "alice: line 7 (…) overlaps entry 12 (…)"."""
    if isinstance(one, Stored):
        one, other = other, one
    return (
        f"{name}: {_label(one, unit)} ({_iso(one.start)} – {_iso(one.end)}) overlaps "
        f"{_label(other, unit)} ({_iso(other.start)} – {_iso(other.end)})"
    )


def _stored_intervals(
    conn: Connection, person_id: int, rows: list[ImportRow], now: int
) -> list[Stored]:
    low = min(row.start for row in rows)
    high = max(row.end for row in rows)
    longest = (
        conn.execute(
            select(func.max(entry_t.c.seconds)).where(entry_t.c.person_id == person_id)
        ).scalar()
        or 0
    )
    query = select(entry_t.c.start_utc, entry_t.c.end_utc, entry_t.c.id).where(
        entry_t.c.person_id == person_id,
        entry_t.c.start_utc < high,
        entry_t.c.start_utc > low - longest - 1,
        entry_t.c.end_utc > low,
    )
    stored = [
        Stored(start, end, f"entry {entry_id}") for start, end, entry_id in conn.execute(query)
    ]
    timer = conn.execute(
        select(timer_t.c.start_utc).where(timer_t.c.person_id == person_id)
    ).scalar()
    if timer is not None:
        # A running timer counts as an entry from its start to now.
        stored.append(Stored(timer, max(now, timer + 1), "the running timer"))
    return stored
