"""The store's foundation: transactions, the change journal, and the overlap predicate.

Every write happens inside `StoreBase._change(...)`: one transaction that holds the
write lock (SQLite ``BEGIN IMMEDIATE``) or the affected people's row locks (PostgreSQL
``SELECT … FOR UPDATE``), records what it touched for `undo`, and either commits all
of it or none.  Queries are SQL text run through `store.sql`'s connection interface.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from smbalance.domain import EntryRecord, PersonRecord, split_tags
from smbalance.errors import NotFound, SmbalanceError
from smbalance.store.sql import COLUMNS, KEYS, Conn, Database, IntegrityError, for_update, translate

Clock = Callable[[], int]
Formatter = Callable[[int], str]


def system_clock() -> int:
    return int(time.time())


def local_user() -> str:
    """The login name of whoever runs smbalance: a SQLite store's one user."""
    import getpass

    try:
        return getpass.getuser()[:63]
    except (OSError, KeyError):  # no USER/LOGNAME and no passwd entry
        return ""


def actor_sql(conn: Conn, params: dict[str, Any]) -> str:
    """Who the journal credits with a change, as SQL: the database role on PostgreSQL
    (CURRENT_USER, which row-level security checks too), the file's one user on SQLite."""
    if conn.dialect == "postgresql":
        return "CURRENT_USER"
    params["actor"] = local_user()
    return ":actor"


def new_uid() -> str:
    """A new entry's uid: a random (version 4) UUID in its usual text form, what
    `str(uuid.uuid4())` gives.  Made from `os.urandom` here because importing `uuid`
    loads `platform` on Linux (~5 ms), a tenth of a `log`."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # the RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def utc_instant(epoch: int) -> str:
    """How messages show an instant unless `open_store` is given a local formatter."""
    from smbalance.timeparse import format_instant

    return format_instant(epoch, "UTC") + " UTC"


PERSON = "SELECT id, name, role, commission, target FROM person"


def person_record(row: tuple) -> PersonRecord:
    return PersonRecord(*row)


# An entry as `entry_record` reads it.
ENTRY_SELECT = (
    "SELECT entry.id, entry.uid, person.name, entry.category, entry.start_utc,"
    " entry.end_utc, entry.note, entry.tags FROM entry JOIN person ON person.id = entry.person_id"
)


def entry_record(row: tuple) -> EntryRecord:
    entry_id, uid, name, category, start, end, note, tags = row
    return EntryRecord(
        id=entry_id,
        uid=uid,
        person=name,
        category=category,
        start_utc=start,
        end_utc=end,
        note=note,
        tags=split_tags(tags),
    )


class ChangeContext:
    """The open transaction of one mutating command."""

    __slots__ = ("change_id", "conn", "now", "summary")

    def __init__(self, conn: Conn, change_id: int, now: int) -> None:
        self.conn = conn
        self.change_id = change_id
        self.now = now
        self.summary: list[str] = []

    def before(self, table: str, row: dict[str, Any] | None, key: Any) -> None:
        """Record a row's state before this change touches it (None: it is new)."""
        import json  # here: `status`, and a `log` that only adds, never need it

        self.conn.run(
            "INSERT INTO change_row (change_id, table_name, row_key, before)"
            " VALUES (:change_id, :table_name, :row_key, :before)",
            {
                "change_id": self.change_id,
                "table_name": table,
                "row_key": str(key),
                "before": None if row is None else json.dumps(row),
            },
        )


class StoreBase:
    """Owns the database; the query mixins build on it and on nothing else."""

    def __init__(
        self,
        db: Database,
        *,
        where: str,
        path: Path | None = None,
        clock: Clock = system_clock,
        format_instant: Formatter = utc_instant,
    ) -> None:
        self._db = db
        self.where = where  # how messages name the store (never with a password)
        self.path = path  # the SQLite file, or None for PostgreSQL
        self.clock = clock
        self.format_instant = format_instant  # messages show instants with this

    @property
    def dialect(self) -> str:
        return self._db.dialect

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Conn]:
        """A read-only transaction."""
        try:
            with self._db.transaction(write=False) as conn:
                yield conn
        except SmbalanceError:
            raise
        except self._db.errors as exc:
            raise self._translate(exc) from None

    @contextmanager
    def _write(self) -> Iterator[Conn]:
        """A write transaction that holds the write lock from its first statement."""
        try:
            with self._db.transaction(write=True) as conn:
                yield conn
        except SmbalanceError:
            raise
        except (*self._db.errors, IntegrityError) as exc:  # constraint violations included
            raise self._translate(exc) from None

    def _translate(self, exc: BaseException) -> SmbalanceError:
        """A database failure as one clear sentence; a refusal says who may do it."""
        if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":
            from smbalance.store.team import owner_group_of, refusal

            detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            try:
                with self._db.transaction(write=False) as conn:
                    owner_group = owner_group_of(conn)
            except self._db.errors:
                owner_group = None
            return refusal(detail, owner_group)
        return translate(exc, self.where)

    @staticmethod
    def _refused(conn: Conn, table: str, person: str) -> SmbalanceError:
        """A write row-level security filtered out (it changed no row): on a team store
        only `person` themselves or an owner may make it."""
        from smbalance.store.team import owner_group_of, refusal

        return refusal(f'policy for table "{table}"', owner_group_of(conn), person)

    @contextmanager
    def _change(self, command: str, summary: str = "") -> Iterator[ChangeContext]:
        """A journaled write: everything done inside can be reverted by `undo`."""
        with self._write() as conn:
            now = self.clock()
            params = {"at_utc": now, "command": command, "summary": summary, "undone": False}
            change_id = conn.scalar(
                "INSERT INTO change (at_utc, command, summary, undone, actor)"
                f" VALUES (:at_utc, :command, :summary, :undone, {actor_sql(conn, params)})"
                " RETURNING id",
                params,
            )
            ctx = ChangeContext(conn, change_id, now)
            yield ctx
            if ctx.summary:
                conn.run(
                    "UPDATE change SET summary = :summary WHERE id = :id",
                    {"summary": "; ".join(ctx.summary), "id": change_id},
                )

    @classmethod
    def _lock_person(cls, conn: Conn, person_id: int) -> None:
        """Serialize writers per person on PostgreSQL (SQLite already holds the write lock)."""
        if conn.dialect == "postgresql":
            key = {"id": person_id}
            if conn.first("SELECT id FROM person WHERE id = :id FOR UPDATE", key) is None:
                # On a team store, row-level security: not this role's person.
                name = conn.scalar("SELECT name FROM person WHERE id = :id", key)
                raise cls._refused(conn, "entry", name)

    @staticmethod
    def _row_dict(conn: Conn, table: str, key: Any, *, lock: bool = False) -> dict[str, Any] | None:
        """One row as a dict; `lock` row-locks it on PostgreSQL (SQLite ignores it)."""
        columns = ", ".join(COLUMNS[table])
        return conn.mapping(
            f"SELECT {columns} FROM {table} WHERE {KEYS[table]} = :key"
            + (for_update(conn) if lock else ""),
            {"key": key},
        )

    @staticmethod
    def _restore_row(conn: Conn, table: str, key: str, before: str | None) -> None:
        """Put one row back as it was recorded: delete it if it was new, else rewrite it.

        An existing row is updated in place (not deleted and re-inserted), so rows that
        refer to it, such as a person's entries, never dangle.
        """
        where = f"{KEYS[table]} = :row_key"
        if before is None:
            conn.run(f"DELETE FROM {table} WHERE {where}", {"row_key": int(key)})
            return
        import json

        values = json.loads(before)
        columns = [column for column in COLUMNS[table] if column in values]
        params = {**{column: values[column] for column in columns}, "row_key": int(key)}
        assignments = ", ".join(f"{column} = :{column}" for column in columns)
        if conn.run(f"UPDATE {table} SET {assignments} WHERE {where}", params) == 0:
            conn.run(
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" VALUES ({', '.join(':' + column for column in columns)})",
                params,
            )

    # ---- people: every mixin finds (or creates) the person it writes for ------------

    def nearest_name(self, name: str) -> str | None:
        """The known name closest to a mistyped one, if any is close."""
        import difflib

        with self._read() as conn:
            names = [known for (known,) in conn.rows("SELECT name FROM person ORDER BY name")]
        close = difflib.get_close_matches(name, names, n=1)
        return close[0] if close else None

    def _unknown_person_message(self, name: str) -> str:
        nearest = self.nearest_name(name)
        hint = f"did you mean {nearest}?" if nearest else "see `smbalance people ls`"
        return f"no person named {name!r}; {hint}"

    @staticmethod
    def _person(conn: Conn, name: str) -> PersonRecord | None:
        row = conn.first(f"{PERSON} WHERE name = :name", {"name": name})
        return person_record(row) if row else None

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

    def no_person_to_write(self, name: str) -> NotFound:
        """An unknown name in a command that writes: never a phantom colleague."""
        nearest = self.nearest_name(name)
        hint = f" — did you mean {nearest!r}?" if nearest else "."
        return NotFound(
            f"no person {name!r}{hint} Add them with: smbalance people add {name} --role both"
        )

    def _ensure_person(
        self, ctx: ChangeContext, name: str, *, create: bool = True
    ) -> tuple[PersonRecord, bool]:
        """The person, created with role `both` if unknown and `create`; True when created now.

        Without `create` an unknown name is NotFound with the nearest known name: only
        the default person is created on first use (the caller knows who that is)."""
        found = self._person(ctx.conn, name)
        if found:
            return found, False
        if not create:
            raise self.no_person_to_write(name)
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


# ---- the overlap predicate: one place for the MAX(seconds) bounded scan ----------------


def longest_entry(conn: Conn, person_id: int | None = None) -> int:
    """MAX(seconds) of all entries (or one person's): one probe of ix_entry_seconds."""
    if person_id is None:
        return conn.scalar("SELECT MAX(seconds) FROM entry") or 0
    return (
        conn.scalar("SELECT MAX(seconds) FROM entry WHERE person_id = :pid", {"pid": person_id})
        or 0
    )


def overlapping(
    start: int | None, end: int | None, longest: int, params: dict[str, Any], tag: str = ""
) -> str:
    """SQL for "entry overlaps [start, end)" (None: unbounded), filling in `params`.

    An entry that ends after `start` began after `start - longest`, where `longest` is
    `longest_entry`: that lower bound lets the start index bound the scan, so a week's
    query reads an index range, never all of history.  `tag` keeps the parameter names
    of several periods in one statement apart.
    """
    conditions = ["1 = 1"]
    if end is not None:
        params[f"ov_end{tag}"] = end
        conditions.append(f"entry.start_utc < :ov_end{tag}")
    if start is not None:
        params[f"ov_start{tag}"] = start
        params[f"ov_low{tag}"] = start - longest - 1
        conditions.append(f"entry.end_utc > :ov_start{tag}")
        conditions.append(f"entry.start_utc > :ov_low{tag}")
    return " AND ".join(conditions)
