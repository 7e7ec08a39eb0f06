"""People: who logs time, in which seat, on how much commission."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from smbalance.domain import PersonRecord, plural
from smbalance.errors import Conflict, NotFound
from smbalance.models import entry_t, person_t, timer_t
from smbalance.store.base import ChangeContext, StoreBase


def _record(row) -> PersonRecord:  # type: ignore[no-untyped-def]
    return PersonRecord(
        id=row.id, name=row.name, role=row.role, commission=row.commission, target=row.target
    )


class PeopleMixin(StoreBase):
    def people(self) -> list[PersonRecord]:
        with self.read() as conn:
            rows = conn.execute(select(person_t).order_by(person_t.c.name)).all()
        return [_record(row) for row in rows]

    def person(self, name: str) -> PersonRecord | None:
        with self.read() as conn:
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
    def _person(conn: Connection, name: str) -> PersonRecord | None:
        row = conn.execute(select(person_t).where(person_t.c.name == name)).first()
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
        new_id = ctx.conn.execute(
            insert(person_t)
            .values(
                name=name,
                role=role,
                commission=commission,
                target=target,
                created_utc=ctx.now,
                updated_utc=ctx.now,
            )
            .returning(person_t.c.id)
        ).scalar_one()
        if journal:
            ctx.before("person", None, new_id)
        return new_id

    def _ensure_person(self, ctx: ChangeContext, name: str) -> tuple[PersonRecord, bool]:
        """The person, created with role `both` if unknown; True when created now."""
        found = self._person(ctx.conn, name)
        if found:
            return found, False
        try:
            with ctx.conn.begin_nested():
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
        with self.change("people add", f"added {name}") as ctx:
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
        values: dict[str, object] = {}
        if role is not None:
            values["role"] = role
        if commission is not None:
            values["commission"] = commission
        if target is not None:
            values["target"] = target
        if clear_target:
            values["target"] = None
        with self.change("people set", f"changed {name}") as ctx:
            person = self._person(ctx.conn, name)
            if person is None:
                raise NotFound(self._unknown_person_message(name))
            ctx.before("person", self.row_dict(ctx.conn, "person", person.id), person.id)
            if values:
                ctx.conn.execute(
                    update(person_t)
                    .where(person_t.c.id == person.id)
                    .values(**values, updated_utc=ctx.now)
                )
            updated = self._person(ctx.conn, name)
        assert updated is not None
        return updated

    def rename_person(self, old: str, new: str) -> PersonRecord:
        with self.change("people rename", f"renamed {old} to {new}") as ctx:
            person = self._person(ctx.conn, old)
            if person is None:
                raise NotFound(self._unknown_person_message(old))
            if old != new and self._person(ctx.conn, new):
                raise Conflict(f"{new} already exists; choose another name or remove {new} first")
            ctx.before("person", self.row_dict(ctx.conn, "person", person.id), person.id)
            ctx.conn.execute(
                update(person_t)
                .where(person_t.c.id == person.id)
                .values(name=new, updated_utc=ctx.now)
            )
        return PersonRecord(person.id, new, person.role, person.commission, person.target)

    def remove_person(self, name: str, *, force: bool = False) -> int:
        """Remove a person; with `force`, their entries and timer too. Returns entries removed."""
        with self.change("people rm", f"removed {name}") as ctx:
            person = self._person(ctx.conn, name)
            if person is None:
                raise NotFound(self._unknown_person_message(name))
            count = ctx.conn.execute(
                select(func.count()).select_from(entry_t).where(entry_t.c.person_id == person.id)
            ).scalar_one()
            if count and not force:
                raise Conflict(
                    f"{name} has {plural(count, 'entry')}; remove them first or use --force "
                    "to remove the person and their entries"
                )
            for row in ctx.conn.execute(
                select(entry_t).where(entry_t.c.person_id == person.id)
            ).mappings():
                ctx.before("entry", dict(row), row["id"])
            ctx.conn.execute(delete(entry_t).where(entry_t.c.person_id == person.id))
            timer = self.row_dict(ctx.conn, "timer", person.id)
            if timer:
                ctx.before("timer", timer, person.id)
                ctx.conn.execute(delete(timer_t).where(timer_t.c.person_id == person.id))
            ctx.before("person", self.row_dict(ctx.conn, "person", person.id), person.id)
            ctx.conn.execute(delete(person_t).where(person_t.c.id == person.id))
        return count
