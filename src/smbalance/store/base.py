"""The store's foundation: the engine, the clock, transactions and the change journal.

Every write happens inside `Store.change(...)`: one transaction that holds the write
lock (SQLite ``BEGIN IMMEDIATE``) or the affected people's row locks (PostgreSQL
``SELECT … FOR UPDATE``), records what it touched for `undo`, and either commits all
of it or none.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from smbalance.errors import SmbalanceError
from smbalance.models import change_row_t, change_t, entry_t, person_t, timer_t
from smbalance.store.opening import describe, translate

Clock = Callable[[], int]

TABLES = {"person": person_t, "entry": entry_t, "timer": timer_t}
KEYS = {"person": "id", "entry": "id", "timer": "person_id"}


def system_clock() -> int:
    return int(time.time())


def local_user() -> str:
    """The login name of whoever runs smbalance: a SQLite store's one user."""
    import getpass

    try:
        return getpass.getuser()[:63]
    except (OSError, KeyError):  # no USER/LOGNAME and no passwd entry
        return ""


@dataclass
class ChangeContext:
    """The open transaction of one mutating command."""

    conn: Connection
    change_id: int
    now: int
    summary: list[str] = field(default_factory=list)

    def before(self, table: str, row: dict[str, Any] | None, key: Any) -> None:
        """Record a row's state before this change touches it (None: it is new)."""
        self.conn.execute(
            insert(change_row_t).values(
                change_id=self.change_id,
                table_name=table,
                row_key=str(key),
                before=None if row is None else json.dumps(row),
            )
        )


class StoreBase:
    """Owns the engine; the query mixins build on it."""

    def __init__(self, engine: Engine, url: URL, *, clock: Clock = system_clock) -> None:
        self.engine = engine
        self.url = url
        self.clock = clock
        self.where = describe(url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction."""
        try:
            with self.engine.connect() as conn:
                yield conn
                conn.rollback()
        except SmbalanceError:
            raise
        except SQLAlchemyError as exc:
            raise self.translate(exc) from None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement."""
        try:
            with self.engine.connect().execution_options(smb_write=True) as conn, conn.begin():
                yield conn
        except SmbalanceError:
            raise
        except SQLAlchemyError as exc:  # constraint violations included
            raise self.translate(exc) from None

    def translate(self, exc: SQLAlchemyError) -> SmbalanceError:
        """A database failure as one clear sentence; a refusal says who may do it."""
        if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":
            from smbalance.store.team import owner_group_of, refusal

            detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            try:
                with self.engine.connect() as conn:
                    owner_group = owner_group_of(conn)
            except SQLAlchemyError:
                owner_group = None
            return refusal(detail, owner_group)
        return translate(exc, self.where)

    @staticmethod
    def refused(conn: Connection, table: str, person: str) -> SmbalanceError:
        """A write row-level security filtered out (it changed no row): on a team store
        only `person` themselves or an owner may make it."""
        from smbalance.store.team import owner_group_of, refusal

        return refusal(f'policy for table "{table}"', owner_group_of(conn), person)

    @property
    def actor(self) -> ColumnElement[str] | str:
        """Who the journal credits with a change, as SQL: the database role on PostgreSQL
        (CURRENT_USER, which row-level security checks too), the file's one user on SQLite.
        """
        if self.dialect == "postgresql":
            return func.current_user()
        return local_user()

    @contextmanager
    def change(self, command: str, summary: str = "") -> Iterator[ChangeContext]:
        """A journaled write: everything done inside can be reverted by `undo`."""
        with self.write() as conn:
            now = self.clock()
            change_id = conn.execute(
                insert(change_t)
                .values(
                    at_utc=now, command=command, summary=summary, undone=False, actor=self.actor
                )
                .returning(change_t.c.id)
            ).scalar_one()
            ctx = ChangeContext(conn=conn, change_id=change_id, now=now)
            yield ctx
            if ctx.summary:
                conn.execute(
                    update(change_t)
                    .where(change_t.c.id == change_id)
                    .values(summary="; ".join(ctx.summary))
                )

    def lock_person(self, conn: Connection, person_id: int) -> None:
        """Serialize writers per person on PostgreSQL (SQLite already holds the write lock)."""
        if self.dialect == "postgresql":
            locked = conn.execute(
                select(person_t.c.id).where(person_t.c.id == person_id).with_for_update()
            ).first()
            if locked is None:  # on a team store, row-level security: not this role's person
                name = conn.execute(
                    select(person_t.c.name).where(person_t.c.id == person_id)
                ).scalar_one()
                raise self.refused(conn, "entry", name)

    @staticmethod
    def row_dict(
        conn: Connection, table: str, key: Any, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        """One row as a dict; `for_update` row-locks it on PostgreSQL (SQLite ignores it)."""
        t = TABLES[table]
        query = select(t).where(t.c[KEYS[table]] == key)
        if for_update:
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    @staticmethod
    def restore_row(conn: Connection, table: str, key: str, before: str | None) -> None:
        """Put one row back as it was recorded: delete it if it was new, else rewrite it.

        An existing row is updated in place (not deleted and re-inserted), so rows that
        refer to it, such as a person's entries, never dangle.
        """
        t = TABLES[table]
        where = t.c[KEYS[table]] == int(key)
        if before is None:
            conn.execute(delete(t).where(where))
            return
        values = json.loads(before)
        if conn.execute(update(t).where(where).values(**values)).rowcount == 0:
            conn.execute(insert(t).values(**values))
