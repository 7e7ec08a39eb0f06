"""Report queries: time per person and category, clipped to periods, summed in SQL.

Clipping is `LEAST(end, period_end) - GREATEST(start, period_start)`, written as CASE
expressions so SQLite and PostgreSQL evaluate the same SQL.  An entry overlapping a
period must start after `period_start - MAX(seconds)`, and `MAX(seconds)` is one index
probe, so a week's report reads an index range, not ten years of history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, null, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from smbalance.domain import SalesMarketingSeconds
from smbalance.models import entry_t, person_t
from smbalance.store.base import StoreBase

UNION_LIMIT = 400  # periods per statement; SQLite's compound SELECT limit is 500


@dataclass(frozen=True)
class Split(SalesMarketingSeconds):
    """Seconds of sales and marketing for one person in one period."""

    person: str
    sales_seconds: int = 0
    marketing_seconds: int = 0


def clipped_seconds(start: int | None, end: int | None) -> ColumnElement[int]:
    """Seconds of an entry inside [start, end) (None: unbounded), as portable SQL."""
    s, e = entry_t.c.start_utc, entry_t.c.end_utc
    if start is None and end is None:
        return entry_t.c.seconds
    clipped_end = e if end is None else case((e < end, e), else_=literal(end))
    clipped_start = s if start is None else case((s > start, s), else_=literal(start))
    return clipped_end - clipped_start


class AggregateMixin(StoreBase):
    def longest_entry(self, conn: Connection) -> int:
        return conn.execute(select(func.max(entry_t.c.seconds))).scalar() or 0

    def overlapping(self, start: int | None, end: int | None, longest: int) -> ColumnElement[bool]:
        """Entries that overlap [start, end), with a lower bound the start index can use."""
        conditions = []
        if end is not None:
            conditions.append(entry_t.c.start_utc < end)
        if start is not None:
            conditions += [entry_t.c.end_utc > start, entry_t.c.start_utc > start - longest - 1]
        return and_(True, *conditions)

    def splits(self, start: int | None, end: int | None, people: Sequence[str] = ()) -> list[Split]:
        """Per person with time in [start, end): clipped sales and marketing seconds."""
        with self.read() as conn:
            longest = self.longest_entry(conn)
            start, end = self._unclipped_if_all(conn, start, end)
            seconds = clipped_seconds(start, end)
            query = (
                select(person_t.c.name, entry_t.c.category, func.sum(seconds))
                .join(person_t, person_t.c.id == entry_t.c.person_id)
                .where(self.overlapping(start, end, longest))
                .group_by(person_t.c.name, entry_t.c.category)
            )
            if people:
                query = query.where(person_t.c.name.in_(list(people)))
            rows = conn.execute(query).all()
        totals: dict[str, dict[str, int]] = {}
        for name, category, total in rows:
            totals.setdefault(name, {})[category] = int(total)
        return [
            Split(name, by.get("sales", 0), by.get("marketing", 0))
            for name, by in sorted(totals.items())
        ]

    def period_totals(
        self, bounds: Sequence[tuple[int, int]], people: Sequence[str] = ()
    ) -> list[tuple[int, int]]:
        """(sales, marketing) clipped seconds for each [start, end) in `bounds`, in order.

        ONE query: a UNION ALL of per-period clipped sums, each bounded by the same index
        range as `splits`, so eight weeks of trend cost eight short index scans.
        """
        totals = [[0, 0] for _ in bounds]
        for slot, _name, category, seconds in self._sliced(bounds, people, by_person=False):
            totals[slot][0 if category == "sales" else 1] = seconds
        return [(sales, marketing) for sales, marketing in totals]

    def period_splits(
        self,
        bounds: Sequence[tuple[int, int]],
        people: Sequence[str] = (),
        category: str | None = None,
    ) -> list[list[Split]]:
        """For each [start, end) in `bounds`, in order: per person with time in it,
        clipped sales and marketing seconds (report --by day, entries --by-day)."""
        totals: list[dict[str, list[int]]] = [{} for _ in bounds]
        for slot, name, kind, seconds in self._sliced(bounds, people, category=category):
            totals[slot].setdefault(name, [0, 0])[0 if kind == "sales" else 1] = seconds
        return [
            [Split(name, sales, marketing) for name, (sales, marketing) in sorted(slot.items())]
            for slot in totals
        ]

    def _sliced(
        self,
        bounds: Sequence[tuple[int, int]],
        people: Sequence[str],
        *,
        by_person: bool = True,
        category: str | None = None,
    ) -> list[tuple[int, str | None, str, int]]:
        """(slot, person or None, category, clipped seconds) for each period of `bounds`."""
        if not bounds:
            return []
        with self.read() as conn:
            longest = self.longest_entry(conn)
            parts = []
            for index, (start, end) in enumerate(bounds):
                who = person_t.c.name if by_person else null().label("name")
                part = (
                    select(
                        literal(index).label("slot"),
                        who,
                        entry_t.c.category,
                        func.sum(clipped_seconds(start, end)).label("seconds"),
                    )
                    .where(self.overlapping(start, end, longest))
                    .group_by(*([person_t.c.name] if by_person else []), entry_t.c.category)
                )
                if by_person or people:
                    part = part.join(person_t, person_t.c.id == entry_t.c.person_id)
                if people:
                    part = part.where(person_t.c.name.in_(list(people)))
                if category is not None:
                    part = part.where(entry_t.c.category == category)
                parts.append(part)
            # SQLite refuses a compound SELECT of more than 500 terms, and ten years of
            # weekly trend is 520: long series go in a few statements, one snapshot.
            rows = [
                row
                for first in range(0, len(parts), UNION_LIMIT)
                for row in conn.execute(union_all(*parts[first : first + UNION_LIMIT]))
            ]
        return [(int(slot), name, kind, int(seconds)) for slot, name, kind, seconds in rows]

    def tag_splits(
        self, start: int | None, end: int | None, people: Sequence[str] = ()
    ) -> dict[str | None, list[Split]]:
        """Per tag (None: untagged), per person: clipped seconds in [start, end).

        An entry with several tags counts in full under each.  Tags share one
        space-joined column, so SQL sums per distinct tag *combination* (few: people
        reuse a handful of tag sets) with the same clipping and index range as `splits`,
        and each combination's sums are then added to each of its tags, exactly.
        """
        with self.read() as conn:
            longest = self.longest_entry(conn)
            start, end = self._unclipped_if_all(conn, start, end)
            query = (
                select(
                    person_t.c.name,
                    entry_t.c.tags,
                    entry_t.c.category,
                    func.sum(clipped_seconds(start, end)),
                )
                .join(person_t, person_t.c.id == entry_t.c.person_id)
                .where(self.overlapping(start, end, longest))
                .group_by(person_t.c.name, entry_t.c.tags, entry_t.c.category)
            )
            if people:
                query = query.where(person_t.c.name.in_(list(people)))
            rows = conn.execute(query).all()
        totals: dict[str | None, dict[str, list[int]]] = {}
        for name, tags, category, seconds in rows:
            # dict.fromkeys: a tag written twice in one (imported) entry still counts once.
            for tag in dict.fromkeys((tags or "").split()) or (None,):
                by_person = totals.setdefault(tag, {}).setdefault(name, [0, 0])
                by_person[0 if category == "sales" else 1] += int(seconds)
        return {
            tag: [Split(name, sales, marketing) for name, (sales, marketing) in sorted(by.items())]
            for tag, by in totals.items()
        }

    def _unclipped_if_all(
        self, conn: Connection, start: int | None, end: int | None
    ) -> tuple[int | None, int | None]:
        """Drop the bounds that hold all of history (report --all): summing the stored
        seconds is much cheaper than two CASEs per row."""
        span = self._time_span(conn)
        if span is not None and start is not None and start <= span[0]:
            start = None
        if span is not None and end is not None and end >= span[1]:
            end = None
        return start, end

    def time_span(self, people: Sequence[str] = ()) -> tuple[int, int] | None:
        """The first start and the last end of all entries (of `people`), or None."""
        with self.read() as conn:
            return self._time_span(conn, people)

    @staticmethod
    def _time_span(conn: Connection, people: Sequence[str] = ()) -> tuple[int, int] | None:
        query = select(func.min(entry_t.c.start_utc), func.max(entry_t.c.end_utc))
        if people:
            query = query.join(person_t, person_t.c.id == entry_t.c.person_id).where(
                person_t.c.name.in_(list(people))
            )
        else:
            # MIN and MAX together in one SELECT make SQLite scan the table (0.13 s at
            # 1M entries); apart, MIN(start) is one index probe and the last end is
            # among the entries starting after MAX(start) - MAX(seconds): an index range.
            latest = select(func.max(entry_t.c.start_utc)).scalar_subquery()
            longest = select(func.max(entry_t.c.seconds)).scalar_subquery()
            query = select(
                select(func.min(entry_t.c.start_utc)).scalar_subquery(),
                select(func.max(entry_t.c.end_utc))
                .where(entry_t.c.start_utc >= latest - longest)
                .scalar_subquery(),
            )
        first, last = conn.execute(query).one()
        return None if first is None else (int(first), int(last))
