"""Bulk reads and writes for export and import: streamed out, batched in.

Export formats the instants in SQL (both databases have a C-speed formatter), so rows
leave the database ready to write and Python does no per-row work for CSV.  Import is
one journaled transaction of batched inserts, planned here (`_plan_import`: what is
already present, the overlap check) from rows that `smbalance.exchange.readers` has read
and validated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from smbalance.domain import plural
from smbalance.errors import ImportFailed
from smbalance.store.base import ChangeContext, StoreBase, longest_entry, new_uid, overlapping
from smbalance.store.sql import COLUMNS, Conn, in_list
from smbalance.timeparse import iso_z

if TYPE_CHECKING:
    from smbalance.exchange.readers import ImportRow

EXPORT_BATCH = 5000
INSERT_BATCH = 5000
LOOKUP_BATCH = 500  # values per IN (…) probe: well under every driver's parameter limit
IMPORT_CACHE_KIB = 64 << 10  # SQLite page cache while importing (see _write_import)
DEFAULT_CACHE_PAGES = -2000  # SQLite's default, 2,000 KiB, restored afterwards
SHOWN_OVERLAPS = 10
# Every column an imported entry gets: the journal's list of them, less the id the
# database hands out.
IMPORT_COLUMNS = tuple(column for column in COLUMNS["entry"] if column != "id")

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


def _iso_z_sql(dialect: str, column: str) -> str:
    """`column` (epoch seconds) as ``2026-11-27T14:00:00Z``, computed by the database."""
    if dialect == "postgresql":
        return f"to_char(timezone('UTC', to_timestamp({column})), :iso_format)"
    return f"strftime(:iso_format, {column}, 'unixepoch')"


ISO_FORMAT = {"postgresql": 'YYYY-MM-DD"T"HH24:MI:SS"Z"', "sqlite": "%Y-%m-%dT%H:%M:%SZ"}


class BulkMixin(StoreBase):
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
        params: dict[str, Any] = {}
        start, end = "entry.start_utc", "entry.end_utc"
        if iso_instants:
            params["iso_format"] = ISO_FORMAT[self.dialect]
            start, end = _iso_z_sql(self.dialect, start), _iso_z_sql(self.dialect, end)
        order = " DESC" if newest_first else ""
        with self._read() as conn:
            where = _listing(conn, people, category, start_utc, end_utc, params)
            sql = (
                f"SELECT entry.uid, entry.id, person.name, entry.category, {start}, {end},"
                " entry.seconds, entry.note, entry.tags"
                f" FROM entry JOIN person ON person.id = entry.person_id WHERE {where}"
                f" ORDER BY entry.start_utc{order}, entry.id{order}"
            )
            if limit is not None:
                sql += " LIMIT :limit"
                params["limit"] = limit
            yield from conn.stream(sql, params, batch_size)

    def listing_totals(
        self,
        *,
        people: Sequence[str] = (),
        category: str | None = None,
        start_utc: int | None = None,
        end_utc: int | None = None,
    ) -> tuple[int, int]:
        """How many entries `export_batches` would list, and their (unclipped) seconds."""
        params: dict[str, Any] = {}
        with self._read() as conn:
            where = _listing(conn, people, category, start_utc, end_utc, params)
            row = conn.first(
                "SELECT COUNT(*), COALESCE(SUM(entry.seconds), 0)"
                f" FROM entry JOIN person ON person.id = entry.person_id WHERE {where}",
                params,
            )
        assert row is not None
        return int(row[0]), int(row[1])

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
            with self._read() as conn:
                return self._plan_import(conn, rows, unit, allow_overlap, now=self.clock())
        try:
            with self._change("import", f"import from {source}") as ctx:
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
        self, conn: Conn, rows: list[ImportRow], unit: str, allow_overlap: bool, *, now: int
    ) -> ImportPlan:
        names = sorted({row.person for row in rows if row.person})
        people = _people_ids(conn, names)
        for person_id in people.values():
            self._lock_person(conn, person_id)
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
            self._insert_batches(ctx, plan, ids, progress)
            return
        # The uid index takes a million random inserts; with SQLite's default 2 MB page
        # cache each one reads and writes pages back (1M rows: 27 s; with 64 MB: 12 s).
        ctx.conn.run(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            self._insert_batches(ctx, plan, ids, progress)
        finally:
            ctx.conn.run(f"PRAGMA cache_size = {DEFAULT_CACHE_PAGES}")

    @staticmethod
    def _insert_batches(
        ctx: ChangeContext,
        plan: ImportPlan,
        ids: dict[str, int],
        progress: Progress | None,
    ) -> None:
        now, change_id = ctx.now, ctx.change_id
        for begin in range(0, len(plan.fresh), INSERT_BATCH):
            batch = plan.fresh[begin : begin + INSERT_BATCH]
            # SQLite: one executemany of plain tuples; PostgreSQL: COPY.
            ctx.conn.insert_tuples(
                "entry",
                IMPORT_COLUMNS,
                [
                    (
                        row.uid or new_uid(),
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


class _NothingToAdd(Exception):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("nothing to add")
        self.plan = plan


def _listing(
    conn: Conn,
    people: Sequence[str],
    category: str | None,
    start_utc: int | None,
    end_utc: int | None,
    params: dict[str, Any],
) -> str:
    """The conditions of a listing: who, which category, overlapping [start, end)."""
    longest = longest_entry(conn) if start_utc is not None else 0
    where = overlapping(start_utc, end_utc, longest, params)
    if people:
        where += f" AND person.name IN {in_list('person', people, params)}"
    if category is not None:
        where += " AND entry.category = :category"
        params["category"] = category
    return where


def _chunks(values: Sequence[Any], size: int = LOOKUP_BATCH) -> Iterator[Sequence[Any]]:
    for begin in range(0, len(values), size):
        yield values[begin : begin + size]


def _people_ids(conn: Conn, names: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(names):
        params: dict[str, Any] = {}
        sql = f"SELECT name, id FROM person WHERE name IN {in_list('name', chunk, params)}"
        found.update({name: person_id for name, person_id in conn.rows(sql, params)})
    return found


def _has_entries(conn: Conn) -> bool:
    return conn.first("SELECT id FROM entry LIMIT 1") is not None


def _present_uids(conn: Conn, uids: Sequence[str]) -> set[str]:
    present: set[str] = set()
    for chunk in _chunks(uids):
        params: dict[str, Any] = {}
        sql = f"SELECT uid FROM entry WHERE uid IN {in_list('uid', chunk, params)}"
        present.update(uid for (uid,) in conn.rows(sql, params))
    return present


def _present_keys(
    conn: Conn, people: dict[str, int], rows: list[ImportRow]
) -> set[tuple[str, str, int, int]]:
    """(person, category, start, end) of stored entries that rows without a uid match."""
    starts: dict[str, set[int]] = {}
    for row in rows:
        if row.uid is None and row.person in people:
            starts.setdefault(row.person, set()).add(row.start)
    present: set[tuple[str, str, int, int]] = set()
    for name, wanted in starts.items():
        for chunk in _chunks(sorted(wanted)):
            params: dict[str, Any] = {"pid": people[name]}
            sql = (
                "SELECT category, start_utc, end_utc FROM entry WHERE person_id = :pid"
                f" AND start_utc IN {in_list('start', chunk, params)}"
            )
            present.update((name, *found) for found in conn.rows(sql, params))
    return present


def _refuse_overlaps(
    conn: Conn, fresh: list[ImportRow], people: dict[str, int], unit: str, now: int
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
    from smbalance.exchange.readers import cite

    return interval.label if isinstance(interval, Stored) else cite(unit, interval.pos)


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
        f"{name}: {_label(one, unit)} ({iso_z(one.start)} – {iso_z(one.end)}) overlaps "
        f"{_label(other, unit)} ({iso_z(other.start)} – {iso_z(other.end)})"
    )


def _stored_intervals(conn: Conn, person_id: int, rows: list[ImportRow], now: int) -> list[Stored]:
    low = min(row.start for row in rows)
    high = max(row.end for row in rows)
    params: dict[str, Any] = {"pid": person_id}
    where = overlapping(low, high, longest_entry(conn, person_id), params)
    sql = f"SELECT start_utc, end_utc, id FROM entry WHERE person_id = :pid AND {where}"
    stored = [
        Stored(start, end, f"entry {entry_id}") for start, end, entry_id in conn.rows(sql, params)
    ]
    timer = conn.scalar("SELECT start_utc FROM timer WHERE person_id = :pid", params)
    if timer is not None:
        # A running timer counts as an entry from its start to now.
        stored.append(Stored(timer, max(now, timer + 1), "the running timer"))
    return stored
