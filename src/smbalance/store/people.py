"""People: who logs time, in which seat, on how much commission."""

from __future__ import annotations

from smbalance.domain import PersonRecord, plural
from smbalance.errors import Conflict, NotFound
from smbalance.store.base import ChangeContext, StoreBase
from smbalance.store.sql import COLUMNS, Conn, IntegrityError

PERSON = "SELECT id, name, role, commission, target FROM person"


def _record(row: tuple) -> PersonRecord:
    return PersonRecord(*row)


class PeopleMixin(StoreBase):
    def people(self) -> list[PersonRecord]:
        with self._read() as conn:
            rows = conn.rows(f"{PERSON} ORDER BY name")
        return [_record(row) for row in rows]

    def person(self, name: str) -> PersonRecord | None:
        with self._read() as conn:
            return self._person(conn, name)

    def require_person(self, name: str) -> PersonRecord:
        found = self.person(name)
        if found is None:
            raise NotFound(self._unknown_person_message(name))
        return found

    def nearest_name(self, name: str) -> str | None:
        """The known name closest to a mistyped one, if any is close."""
        import difflib

        close = difflib.get_close_matches(name, [p.name for p in self.people()], n=1)
        return close[0] if close else None

    def _unknown_person_message(self, name: str) -> str:
        nearest = self.nearest_name(name)
        hint = f"did you mean {nearest}?" if nearest else "see `smbalance people ls`"
        return f"no person named {name!r}; {hint}"

    @staticmethod
    def _person(conn: Conn, name: str) -> PersonRecord | None:
        row = conn.first(f"{PERSON} WHERE name = :name", {"name": name})
        return _record(row) if row else None

    @staticmethod
    def _insert_person(
        ctx: ChangeContext,
        name: str,
        role: str,
        commission: int,
        target: int | None,
        *,
        journal: bool = True,
    ) -> int:
        """Insert a person and (unless the caller does it) journal them for `undo`."""
        new_id: int = ctx.conn.scalar(
            "INSERT INTO person (name, role, commission, target, created_utc, updated_utc)"
            " VALUES (:name, :role, :commission, :target, :now, :now) RETURNING id",
            {
                "name": name,
                "role": role,
                "commission": commission,
                "target": target,
                "now": ctx.now,
            },
        )
        if journal:
            ctx.before("person", None, new_id)
        return new_id

    def _ensure_person(self, ctx: ChangeContext, name: str) -> tuple[PersonRecord, bool]:
        """The person, created with role `both` if unknown; True when created now."""
        found = self._person(ctx.conn, name)
        if found:
            return found, False
        try:
            with ctx.conn.savepoint():
                new_id = self._insert_person(ctx, name, "both", 0, None, journal=False)
        except IntegrityError:
            # Another process created the same person a moment ago: use theirs.
            found = self._person(ctx.conn, name)
            assert found is not None
            return found, False
        ctx.before("person", None, new_id)
        return PersonRecord(id=new_id, name=name, role="both", commission=0, target=None), True

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
