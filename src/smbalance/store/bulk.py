"""Bulk reads and writes for export and import: streamed out, batched in.

Export formats the instants in SQL (both databases have a C-speed formatter), so rows
leave the database ready to write and Python does no per-row work for CSV.  Import is
one journaled transaction of batched inserts (see `smbalance.exchange.importer` for the
planning that precedes it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement

from smbalance.models import entry_t, person_t
from smbalance.store.people import PeopleMixin

EXPORT_BATCH = 5000


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
        start_utc: int | None = None,
        end_utc: int | None = None,
        batch_size: int = EXPORT_BATCH,
    ) -> Iterator[list[Sequence[Any]]]:
        """Entries overlapping [start_utc, end_utc), oldest first, in lists of tuples.

        Each tuple is in `ENTRY_FIELDS` order (start and end as ISO text, tags as the
        stored space-joined string).  Entries are not clipped to the period.  The query
        runs on a streaming cursor, so only one batch is in memory at a time.
        """
        query = select(
            entry_t.c.uid,
            entry_t.c.id,
            person_t.c.name,
            entry_t.c.category,
            _iso_z_sql(self.dialect, entry_t.c.start_utc),
            _iso_z_sql(self.dialect, entry_t.c.end_utc),
            entry_t.c.seconds,
            entry_t.c.note,
            entry_t.c.tags,
        ).join(person_t, person_t.c.id == entry_t.c.person_id)
        if people:
            query = query.where(person_t.c.name.in_(list(people)))
        if end_utc is not None:
            query = query.where(entry_t.c.start_utc < end_utc)
        query = query.order_by(entry_t.c.start_utc, entry_t.c.id)
        with self.read() as conn:
            if start_utc is not None:
                # No entry is longer than MAX(seconds): that bounds the index range.
                longest = conn.execute(select(func.max(entry_t.c.seconds))).scalar() or 0
                query = query.where(
                    entry_t.c.end_utc > start_utc, entry_t.c.start_utc > start_utc - longest - 1
                )
            streaming = conn.execution_options(stream_results=True, yield_per=batch_size)
            yield from streaming.execute(query).partitions()
