"""The SQLAlchemy adapter of `store.sql`'s connection interface (PostgreSQL, migrations).

The same SQL text as the `sqlite3` adapter runs here through ``text()``, which binds
the ``:name`` parameters in the driver's own style.  Only PostgreSQL stores (and the
differential test, on SQLite) use it; it is imported only then.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError as SAIntegrityError
from sqlalchemy.exc import SQLAlchemyError

from smbalance.store.sql import IntegrityError, Params


class EngineConn:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.conn.execute(text(sql), dict(params or {}))]

    def first(self, sql: str, params: Params | None = None) -> tuple[Any, ...] | None:
        row = self.conn.execute(text(sql), dict(params or {})).first()
        return None if row is None else tuple(row)

    def scalar(self, sql: str, params: Params | None = None) -> Any:
        return self.conn.execute(text(sql), dict(params or {})).scalar()

    def mapping(self, sql: str, params: Params | None = None) -> dict[str, Any] | None:
        row = self.conn.execute(text(sql), dict(params or {})).mappings().first()
        return None if row is None else dict(row)

    def run(self, sql: str, params: Params | None = None) -> int:
        return self.conn.execute(text(sql), dict(params or {})).rowcount

    def run_many(self, sql: str, params: Sequence[Params]) -> None:
        if params:
            self.conn.execute(text(sql), [dict(p) for p in params])

    def stream(self, sql: str, params: Params, size: int) -> Iterator[list[tuple[Any, ...]]]:
        streaming = self.conn.execution_options(stream_results=True, yield_per=size)
        for batch in streaming.execute(text(sql), dict(params)).partitions(size):
            yield [tuple(row) for row in batch]

    def insert_tuples(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if self.dialect != "postgresql":
            marks = ", ".join("?" * len(columns))
            self.conn.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )
            return
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        if self.scalar(
            "SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(:t)", {"t": table}
        ):
            # A team store: COPY FROM cannot run under row-level security, so INSERT,
            # whose every row the policies check (psycopg pipelines executemany).
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            return
        # PostgreSQL's COPY, in the same transaction: several times executemany's speed.
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        try:
            with self.conn.begin_nested():
                yield
        except SAIntegrityError as exc:
            raise IntegrityError(str(exc.orig)) from None


class EngineDatabase:
    errors: tuple[type[BaseException], ...] = (SQLAlchemyError,)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[EngineConn]:
        if write:
            # smb_write: SQLite's engine then begins with BEGIN IMMEDIATE (opening.py).
            with self.engine.connect().execution_options(smb_write=True) as conn, conn.begin():
                yield EngineConn(conn)
        else:
            with self.engine.connect() as conn:
                yield EngineConn(conn)
                conn.rollback()

    def close(self) -> None:
        self.engine.dispose()
