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

from typing import NamedTuple

from smbalance.domain import EntryRecord, PersonRecord, TimerRecord
from smbalance.errors import NotFound
from smbalance.store.base import ENTRY_SELECT, StoreBase, entry_record
from smbalance.store.sql import for_update

NAMED = 5  # rows named in undo's message; a big import or `people rm` is counted instead


class Reverted(NamedTuple):
    """The change undone, and what undoing it did, for undo's message.

    A NamedTuple, not a dataclass (`domain` says why): `_describe` gathers the lists,
    then builds it once."""

    command: str
    summary: str
    at_utc: int
    removed: list[EntryRecord] = []  # entries it had added  # noqa: RUF012
    removed_count: int = 0
    restored: list[EntryRecord] = []  # entries it had deleted  # noqa: RUF012
    restored_count: int = 0
    reverted: list[EntryRecord] = []  # entries it had edited  # noqa: RUF012
    timers_back: list[TimerRecord] = []  # it stopped or cancelled  # noqa: RUF012
    timers_gone: list[TimerRecord] = []  # it started  # noqa: RUF012
    people_back: list[str] = []  # it removed  # noqa: RUF012
    people_gone: list[str] = []  # it added  # noqa: RUF012
    people_reverted: list[tuple[str, PersonRecord]] = []  # now, was  # noqa: RUF012


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
            names.update(conn.rows("SELECT id, name FROM person"))
            return self._describe(
                conn, Reverted(command, summary, at_utc, removed, removed_count), touched, names
            )

    def _describe(self, conn, change: Reverted, touched, names: dict[int, str]) -> Reverted:  # type: ignore[no-untyped-def]
        """`change` with what the restored rows now say (capped at `NAMED`)."""
        import json  # here: every command imports this module, only `undo` reads the journal

        restored: list[EntryRecord] = []
        reverted: list[EntryRecord] = []
        restored_count = 0
        timers_back: list[TimerRecord] = []
        timers_gone: list[TimerRecord] = []
        people_back: list[str] = []
        people_gone: list[str] = []
        people_reverted: list[tuple[str, PersonRecord]] = []
        for table, key, before, now in touched:
            if table == "entry" and before is not None:
                listed = reverted if now is not None else restored
                if now is None:
                    restored_count += 1
                if len(listed) < NAMED:
                    listed.append(self._entry_in(conn, key))  # type: ignore[attr-defined]
            elif table == "timer":
                row = json.loads(before) if before is not None else now
                if row is None:
                    continue
                timer = TimerRecord(
                    names.get(row["person_id"], "?"), row["category"], row["start_utc"]
                )
                (timers_back if before is not None else timers_gone).append(timer)
            elif table == "person":
                if before is None:
                    if now is not None:
                        people_gone.append(now["name"])
                    continue
                was = json.loads(before)
                if now is None:
                    people_back.append(was["name"])
                else:
                    people_reverted.append(
                        (
                            now["name"],
                            PersonRecord(
                                id=was["id"], name=was["name"], role=was["role"],
                                commission=was["commission"], target=was["target"],
                            ),
                        )
                    )  # fmt: skip
        return change._replace(
            restored=restored,
            restored_count=restored_count,
            reverted=reverted,
            timers_back=timers_back,
            timers_gone=timers_gone,
            people_back=people_back,
            people_gone=people_gone,
            people_reverted=people_reverted,
        )
