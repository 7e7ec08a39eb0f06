"""People: who logs time, in which seat, on how much commission."""

from __future__ import annotations

from smbalance.domain import PersonRecord, plural
from smbalance.errors import Conflict, NotFound
from smbalance.store.base import PERSON, StoreBase, person_record
from smbalance.store.sql import COLUMNS


class PeopleMixin(StoreBase):
    def people(self) -> list[PersonRecord]:
        with self._read() as conn:
            rows = conn.rows(f"{PERSON} ORDER BY name")
        return [person_record(row) for row in rows]

    def person(self, name: str) -> PersonRecord | None:
        with self._read() as conn:
            return self._person(conn, name)

    def require_person(self, name: str) -> PersonRecord:
        found = self.person(name)
        if found is None:
            raise NotFound(self._unknown_person_message(name))
        return found

    def add_person(
        self, name: str, role: str, commission: int = 0, target: int | None = None
    ) -> PersonRecord:
        with self._change("people add", f"added {name}") as ctx:
            if self._person(ctx.conn, name):
                raise Conflict(
                    f"{name} already exists; use `smbalance people set {name} …` to change them"
                )
            new_id = self._insert_person(ctx, name, role, commission, target)
        return PersonRecord(id=new_id, name=name, role=role, commission=commission, target=target)

    def set_person(
        self,
        name: str,
        *,
        role: str | None = None,
        commission: int | None = None,
        target: int | None = None,
        clear_target: bool = False,
    ) -> PersonRecord:
        values: dict[str, object] = {}  # column → new value (names from our own code)
        if role is not None:
            values["role"] = role
        if commission is not None:
            values["commission"] = commission
        if target is not None:
            values["target"] = target
        if clear_target:
            values["target"] = None
        with self._change("people set", f"changed {name}") as ctx:
            person = self._person(ctx.conn, name)
            if person is None:
                raise NotFound(self._unknown_person_message(name))
            ctx.before("person", self._row_dict(ctx.conn, "person", person.id), person.id)
            if values:
                assignments = "".join(f"{column} = :{column}, " for column in values)
                ctx.conn.run(
                    f"UPDATE person SET {assignments}updated_utc = :now WHERE id = :id",
                    {**values, "now": ctx.now, "id": person.id},
                )
            updated = self._person(ctx.conn, name)
        assert updated is not None
        return updated

    def rename_person(self, old: str, new: str) -> PersonRecord:
        with self._change("people rename", f"renamed {old} to {new}") as ctx:
            person = self._person(ctx.conn, old)
            if person is None:
                raise NotFound(self._unknown_person_message(old))
            if old != new and self._person(ctx.conn, new):
                raise Conflict(f"{new} already exists; choose another name or remove {new} first")
            ctx.before("person", self._row_dict(ctx.conn, "person", person.id), person.id)
            ctx.conn.run(
                "UPDATE person SET name = :name, updated_utc = :now WHERE id = :id",
                {"name": new, "now": ctx.now, "id": person.id},
            )
        return PersonRecord(person.id, new, person.role, person.commission, person.target)

    def remove_person(self, name: str, *, force: bool = False) -> int:
        """Remove a person; with `force`, their entries and timer too. Returns entries removed."""
        with self._change("people rm", f"removed {name}") as ctx:
            person = self._person(ctx.conn, name)
            if person is None:
                raise NotFound(self._unknown_person_message(name))
            key = {"id": person.id}
            count: int = ctx.conn.scalar("SELECT COUNT(*) FROM entry WHERE person_id = :id", key)
            if count and not force:
                raise Conflict(
                    f"{name} has {plural(count, 'entry')}; remove them first or use --force "
                    "to remove the person and their entries"
                )
            columns = COLUMNS["entry"]
            for row in ctx.conn.rows(
                f"SELECT {', '.join(columns)} FROM entry WHERE person_id = :id", key
            ):
                ctx.before("entry", dict(zip(columns, row, strict=True)), row[0])
            ctx.conn.run("DELETE FROM entry WHERE person_id = :id", key)
            timer = self._row_dict(ctx.conn, "timer", person.id)
            if timer:
                ctx.before("timer", timer, person.id)
                ctx.conn.run("DELETE FROM timer WHERE person_id = :id", key)
            ctx.before("person", self._row_dict(ctx.conn, "person", person.id), person.id)
            ctx.conn.run("DELETE FROM person WHERE id = :id", key)
        return count
