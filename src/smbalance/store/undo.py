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

import json
from dataclasses import dataclass, field

from smbalance.domain import EntryRecord, PersonRecord, TimerRecord
from smbalance.errors import NotFound
from smbalance.store.base import ENTRY_SELECT, StoreBase, entry_record
from smbalance.store.sql import for_update

NAMED = 5  # rows named in undo's message; a big import or `people rm` is counted instead


@dataclass
class Reverted:
    """The change undone, and what undoing it did, for undo's message."""

    command: str
    summary: str
    at_utc: int
    removed: list[EntryRecord] = field(default_factory=list)  # entries it had added
    removed_count: int = 0
    restored: list[EntryRecord] = field(default_factory=list)  # entries it had deleted
    restored_count: int = 0
    reverted: list[EntryRecord] = field(default_factory=list)  # entries it had edited
    timers_back: list[TimerRecord] = field(default_factory=list)  # it stopped or cancelled
    timers_gone: list[TimerRecord] = field(default_factory=list)  # it started
    people_back: list[str] = field(default_factory=list)  # it removed
    people_gone: list[str] = field(default_factory=list)  # it added
    people_reverted: list[tuple[str, PersonRecord]] = field(default_factory=list)  # now, was


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
            removed = [
                entry_record(row)
                for row in conn.rows(
                    f"{ENTRY_SELECT} WHERE entry.change_id = :change_id"
                    f" ORDER BY entry.id LIMIT {NAMED}",
                    key,
                )
            ]
            removed_count = conn.scalar(
                "SELECT COUNT(*) FROM entry WHERE change_id = :change_id", key
            )
            conn.run("DELETE FROM entry WHERE change_id = :change_id", key)
            rows = conn.rows(
                "SELECT table_name, row_key, before FROM change_row"
                " WHERE change_id = :change_id ORDER BY id DESC",
                key,
            )
            names = dict(conn.rows("SELECT id, name FROM person"))
            touched = []
            for table, row_key, before in rows:
                now = self._row_dict(conn, table, int(row_key))
                touched.append((table, int(row_key), before, now))
                self._restore_row(conn, table, row_key, before)
            conn.run(
                "UPDATE change SET undone = :undone WHERE id = :change_id", {**key, "undone": True}
            )
            reverted = Reverted(command, summary, at_utc, removed, removed_count)
            names.update(conn.rows("SELECT id, name FROM person"))
            self._describe(conn, reverted, touched, names)
        return reverted

    def _describe(self, conn, reverted: Reverted, touched, names: dict[int, str]) -> None:  # type: ignore[no-untyped-def]
        """Fill `reverted` with what the restored rows now say (capped at `NAMED`)."""
        for table, key, before, now in touched:
            if table == "entry" and before is not None:
                listed = reverted.reverted if now is not None else reverted.restored
                if now is None:
                    reverted.restored_count += 1
                if len(listed) < NAMED:
                    listed.append(self._entry_in(conn, key))  # type: ignore[attr-defined]
            elif table == "timer":
                row = json.loads(before) if before is not None else now
                if row is None:
                    continue
                timer = TimerRecord(
                    names.get(row["person_id"], "?"), row["category"], row["start_utc"]
                )
                (reverted.timers_back if before is not None else reverted.timers_gone).append(timer)
            elif table == "person":
                if before is None:
                    if now is not None:
                        reverted.people_gone.append(now["name"])
                    continue
                was = json.loads(before)
                if now is None:
                    reverted.people_back.append(was["name"])
                else:
                    reverted.people_reverted.append(
                        (
                            now["name"],
                            PersonRecord(
                                id=was["id"], name=was["name"], role=was["role"],
                                commission=was["commission"], target=was["target"],
                            ),
                        )
                    )  # fmt: skip
