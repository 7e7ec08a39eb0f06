"""Filling a demo store: the team and its entries in one journaled transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from smbalance.errors import Conflict
from smbalance.store.base import StoreBase, new_uid

if TYPE_CHECKING:  # every command imports the store; only `demo` needs the generator
    from smbalance.demo import DemoEntry, DemoPerson


class DemoMixin(StoreBase):
    def fill_demo(self, team: Sequence[DemoPerson], entries: Sequence[DemoEntry]) -> int | None:
        """Add the team (people already present keep their seats) and the entries; None,
        writing nothing, when the store already holds the demo and nothing else.

        Refuses a store that holds other entries; all or nothing; `undo` reverts it.
        """
        with self._read() as conn:
            if conn.first("SELECT id FROM entry LIMIT 1") is not None and (
                conn.first(
                    "SELECT entry.id FROM entry LEFT JOIN change ON change.id = entry.change_id"
                    " WHERE change.command IS NULL OR change.command <> :demo LIMIT 1",
                    {"demo": "demo"},
                )
                is None
            ):
                return None
        with self._change("demo", f"demo team: {len(entries)} entries") as ctx:
            conn = ctx.conn
            if conn.first("SELECT id FROM entry LIMIT 1") is not None:
                raise Conflict(
                    f"{self.where} already holds entries of its own; the demo needs an empty "
                    "store "
                    "(use `smbalance --db demo2.db demo`, or remove the file)"
                )
            ids: dict[str, int] = dict(conn.rows("SELECT name, id FROM person"))
            for person in team:
                if person.name in ids:
                    continue
                ids[person.name] = self._insert_person(
                    ctx, person.name, person.role, person.commission, person.target
                )
            rows = [
                {
                    "uid": new_uid(),
                    "person_id": ids[e.person],
                    "category": e.category,
                    "start_utc": e.start,
                    "end_utc": e.end,
                    "seconds": e.end - e.start,
                    "note": e.note,
                    "tags": "demo",
                    "created_utc": ctx.now,
                    "updated_utc": ctx.now,
                    "change_id": ctx.change_id,
                }
                for e in entries
            ]
            conn.run_many(
                "INSERT INTO entry (uid, person_id, category, start_utc, end_utc, seconds, note,"
                " tags, created_utc, updated_utc, change_id) VALUES (:uid, :person_id,"
                " :category, :start_utc, :end_utc, :seconds, :note, :tags, :created_utc,"
                " :updated_utc, :change_id)",
                rows,
            )
        return len(rows)
