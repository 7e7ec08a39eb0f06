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

from sqlalchemy import delete, select, update

from smbalance.errors import NotFound
from smbalance.models import change_row_t, change_t, entry_t
from smbalance.store.base import StoreBase


@dataclass(frozen=True)
class Reverted:
    command: str
    summary: str
    at_utc: int


class UndoMixin(StoreBase):
    def undo(self) -> Reverted:
        with self.write() as conn:
            query = select(change_t).where(change_t.c.undone.is_(False))
            if self.dialect == "postgresql":
                query = query.where(change_t.c.actor == self.actor)
            change = conn.execute(
                query.order_by(change_t.c.id.desc())
                .limit(1)
                # Two people undoing at once on a shared PostgreSQL store must not both
                # revert the same change (SQLite already holds its write lock here).
                .with_for_update()
            ).first()
            if change is None:
                raise NotFound(
                    "nothing to undo: none of your changes is left to revert "
                    "(others' changes are theirs to undo)"
                    if self.dialect == "postgresql"
                    else "nothing to undo"
                )
            conn.execute(delete(entry_t).where(entry_t.c.change_id == change.id))
            rows = conn.execute(
                select(change_row_t)
                .where(change_row_t.c.change_id == change.id)
                .order_by(change_row_t.c.id.desc())
            ).all()
            for row in rows:
                self.restore_row(conn, row.table_name, row.row_key, row.before)
            conn.execute(update(change_t).where(change_t.c.id == change.id).values(undone=True))
        return Reverted(change.command, change.summary, change.at_utc)
