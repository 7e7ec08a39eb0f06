"""`undo`: revert the caller's newest change that has not been reverted yet.

A change's inserted entries carry its id (`entry.change_id`); every other row it touched
has a before-image in `change_row`.  Reverting deletes the former and puts the latter
back in reverse order, so a person removed with their entries returns before them.

Undo is per actor: on PostgreSQL it reverts only changes the connected database role
made (`change.actor`), so one member's `undo` never touches another's change; a SQLite
file has one user, whose every change is theirs.  The journal itself is only marked
(`undone`), never deleted from: on a team store members may not delete it, and the
before-images stay for `db log` and for anyone auditing the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from smbalance.errors import NotFound
from smbalance.store.base import StoreBase
from smbalance.store.sql import for_update


@dataclass(frozen=True)
class Reverted:
    command: str
    summary: str
    at_utc: int


class UndoMixin(StoreBase):
    def undo(self) -> Reverted:
        with self._write() as conn:
            team = conn.dialect == "postgresql"
            change = conn.first(
                "SELECT id, command, summary, at_utc FROM change WHERE NOT undone"
                + (" AND actor = CURRENT_USER" if team else "")
                + " ORDER BY id DESC LIMIT 1"
                # Two people undoing at once on a shared PostgreSQL store must not both
                # revert the same change (SQLite already holds its write lock here).
                + for_update(conn)
            )
            if change is None:
                raise NotFound(
                    "nothing to undo: none of your changes is left to revert "
                    "(others' changes are theirs to undo)"
                    if team
                    else "nothing to undo"
                )
            change_id, command, summary, at_utc = change
            key = {"change_id": change_id}
            conn.run("DELETE FROM entry WHERE change_id = :change_id", key)
            rows = conn.rows(
                "SELECT table_name, row_key, before FROM change_row"
                " WHERE change_id = :change_id ORDER BY id DESC",
                key,
            )
            for table, row_key, before in rows:
                self._restore_row(conn, table, row_key, before)
            conn.run(
                "UPDATE change SET undone = :undone WHERE id = :change_id", {**key, "undone": True}
            )
        return Reverted(command, summary, at_utc)
