"""Report queries: time per person and category, clipped to periods, summed in SQL.

Clipping is `LEAST(end, period_end) - GREATEST(start, period_start)`, written as CASE
expressions so SQLite and PostgreSQL evaluate the same SQL.  An entry overlapping a
period must start after `period_start - MAX(seconds)` (`base.overlapping`), and
`MAX(seconds)` is one index probe, so a week's report reads an index range, not ten
years of history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from smbalance.domain import SalesMarketingSeconds
from smbalance.store.base import StoreBase, longest_entry, overlapping
from smbalance.store.sql import Conn, in_list

BY_PERSON = "JOIN person ON person.id = entry.person_id"


class _SplitFields(NamedTuple):
    person: str
    sales_seconds: int = 0
    marketing_seconds: int = 0


class Split(_SplitFields, SalesMarketingSeconds):
    """Seconds of sales and marketing for one person in one period.

    A NamedTuple (`domain` says why not a dataclass); a NamedTuple cannot have another
    base, so the fields are a base of their own."""

    __slots__ = ()


def clipped_seconds(
    start: int | None, end: int | None, params: dict[str, Any], tag: str = ""
) -> str:
    """Seconds of an entry inside [start, end) (None: unbounded), as portable SQL."""
    if start is None and end is None:
        return "entry.seconds"
    clipped_end = "entry.end_utc"
    if end is not None:
        params[f"clip_end{tag}"] = end
        clipped_end = (
            f"CASE WHEN entry.end_utc < :clip_end{tag} THEN entry.end_utc ELSE :clip_end{tag} END"
        )
    clipped_start = "entry.start_utc"
    if start is not None:
        params[f"clip_start{tag}"] = start
        clipped_start = (
            f"CASE WHEN entry.start_utc > :clip_start{tag} THEN entry.start_utc"
            f" ELSE :clip_start{tag} END"
        )
    return f"{clipped_end} - {clipped_start}"


class AggregateMixin(StoreBase):
    def splits(self, start: int | None, end: int | None, people: Sequence[str] = ()) -> list[Split]:
        """Per person with time in [start, end): clipped sales and marketing seconds."""
        with self._read() as conn:
            rows = _clipped_sums(conn, start, end, people, group="")
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

        ONE query (see `_sliced`), each period bounded by the same index range as
        `splits`, so eight weeks of trend cost eight short index scans.
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
        """(slot, person or None, category, clipped seconds) for each period of `bounds`.

        ONE statement however many periods: the bounds are a VALUES table joined to the
        entries that overlap each period, with `base.overlapping`'s lower bound on the
        start (`low - MAX(seconds)`), so each period reads a range of the start index.
        Ten years of days (3,650 periods) is one short statement, not 3,650 SELECTs:
        `report --all --by day` over 26 years of 200k entries: 3.4 s of CPU as UNION
        ALLs, 1.7 s so.
        """
        if not bounds:
            return []
        # Inline: integers we computed (int() makes sure), and a bound parameter each
        # would pass SQLite's limit on parameters for long series.
        slices = ", ".join(
            f"({index}, {int(low)}, {int(high)})" for index, (low, high) in enumerate(bounds)
        )
        who = "person.name" if by_person else "NULL"
        group = (
            "slices.slot, person.name, entry.category"
            if by_person
            else "slices.slot, entry.category"
        )
        join = f" {BY_PERSON}" if by_person or people else ""
        clipped = (
            "CASE WHEN entry.end_utc < slices.high THEN entry.end_utc ELSE slices.high END"
            " - CASE WHEN entry.start_utc > slices.low THEN entry.start_utc ELSE slices.low END"
        )
        with self._read() as conn:
            params: dict[str, Any] = {"reach": longest_entry(conn) + 1}
            where = "1 = 1"
            if people:
                where += f" AND person.name IN {in_list('person', people, params)}"
            if category is not None:
                where += " AND entry.category = :category"
                params["category"] = category
            rows = conn.rows(
                f"WITH slices (slot, low, high) AS (VALUES {slices})"
                f" SELECT slices.slot, {who}, entry.category, SUM({clipped}) FROM slices"
                " JOIN entry ON entry.start_utc < slices.high AND entry.end_utc > slices.low"
                f" AND entry.start_utc > slices.low - :reach{join}"
                f" WHERE {where} GROUP BY {group}",
                params,
            )
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
        with self._read() as conn:
            rows = _clipped_sums(conn, start, end, people, group="entry.tags, ")
        totals: dict[str | None, dict[str, list[int]]] = {}
        for name, tags, category, total in rows:
            # dict.fromkeys: a tag written twice in one (imported) entry still counts once.
            for tag in dict.fromkeys((tags or "").split()) or (None,):
                by_person = totals.setdefault(tag, {}).setdefault(name, [0, 0])
                by_person[0 if category == "sales" else 1] += int(total)
        return {
            tag: [Split(name, sales, marketing) for name, (sales, marketing) in sorted(by.items())]
            for tag, by in totals.items()
        }

    def time_span(self, people: Sequence[str] = ()) -> tuple[int, int] | None:
        """The first start and the last end of all entries (of `people`), or None."""
        with self._read() as conn:
            return _time_span(conn, people)


def _clipped_sums(
    conn: Conn, start: int | None, end: int | None, people: Sequence[str], *, group: str
) -> list[tuple]:
    """(name, *group columns, category, seconds) rows: time in [start, end) clipped to it,
    summed per person, `group` (SQL columns, each followed by ", ") and category."""
    start, end = _unclipped_if_all(conn, start, end)
    params: dict[str, Any] = {}
    seconds = clipped_seconds(start, end, params)
    where = overlapping(start, end, longest_entry(conn), params)
    if people:
        where += f" AND person.name IN {in_list('person', people, params)}"
    return conn.rows(
        f"SELECT person.name, {group}entry.category, SUM({seconds}) FROM entry {BY_PERSON}"
        f" WHERE {where} GROUP BY person.name, {group}entry.category",
        params,
    )


def _unclipped_if_all(
    conn: Conn, start: int | None, end: int | None
) -> tuple[int | None, int | None]:
    """Drop the bounds that hold all of history (report --all): summing the stored
    seconds is much cheaper than two CASEs per row."""
    span = _time_span(conn)
    if span is not None and start is not None and start <= span[0]:
        start = None
    if span is not None and end is not None and end >= span[1]:
        end = None
    return start, end


def _time_span(conn: Conn, people: Sequence[str] = ()) -> tuple[int, int] | None:
    if people:
        params: dict[str, Any] = {}
        row = conn.first(
            f"SELECT MIN(entry.start_utc), MAX(entry.end_utc) FROM entry {BY_PERSON}"
            f" WHERE person.name IN {in_list('person', people, params)}",
            params,
        )
    else:
        # MIN and MAX together in one SELECT make SQLite scan the table (0.13 s at
        # 1M entries); apart, MIN(start) is one index probe and the last end is
        # among the entries starting after MAX(start) - MAX(seconds): an index range.
        row = conn.first(
            "SELECT (SELECT MIN(start_utc) FROM entry), (SELECT MAX(end_utc) FROM entry"
            " WHERE start_utc >= (SELECT MAX(start_utc) FROM entry)"
            " - (SELECT MAX(seconds) FROM entry))"
        )
    assert row is not None
    first, last = row
    return None if first is None else (int(first), int(last))
