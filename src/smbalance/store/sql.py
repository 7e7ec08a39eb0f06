"""The tiny connection interface every store query goes through (stdlib only).

Queries are SQL text with named parameters (``WHERE id = :id``), written once and
run by both databases.  A `Database` hands out transactions; each transaction is a
`Conn` with a handful of methods (`rows`, `first`, `scalar`, `run`, …).  Two
adapters implement it: `SqliteDatabase` on the standard library's `sqlite3` (every
SQLite store, so the commands typed all day never import SQLAlchemy), and
`store.engine.EngineDatabase` on an SQLAlchemy connection (PostgreSQL; migrations).

Writers take the lock up front: SQLite ``BEGIN IMMEDIATE``; PostgreSQL locks rows
with `for_update` (see `StoreBase._lock_person`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Protocol

from smbalance.errors import StoreError

Params = Mapping[str, Any]
BUSY_TIMEOUT_MS = 30_000

# The newest schema revision this version of smbalance writes, and every revision it
# knows.  A store at an unknown revision was written by a newer smbalance: refuse it.
SCHEMA_HEAD = "0004"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")

# The columns of the tables the journal records, in the models' order
# (tests/test_store.py checks them against `smbalance.models`).
COLUMNS = {
    "person": (
        "id",
        "name",
        "role",
        "commission",
        "target",
        "created_utc",
        "updated_utc",
        "login",
    ),
    "entry": (
        "id",
        "uid",
        "person_id",
        "category",
        "start_utc",
        "end_utc",
        "seconds",
        "note",
        "tags",
        "created_utc",
        "updated_utc",
        "change_id",
    ),
    "timer": ("person_id", "category", "start_utc", "note", "tags", "created_utc"),
}
KEYS = {"person": "id", "entry": "id", "timer": "person_id"}


class IntegrityError(Exception):
    """A constraint refused a statement run inside `Conn.savepoint()`."""


class Conn(Protocol):
    """One open transaction."""

    dialect: str  # "sqlite" or "postgresql"

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]: ...
    def first(self, sql: str, params: Params | None = None) -> tuple[Any, ...] | None: ...
    def scalar(self, sql: str, params: Params | None = None) -> Any: ...
    def mapping(self, sql: str, params: Params | None = None) -> dict[str, Any] | None: ...
    def run(self, sql: str, params: Params | None = None) -> int: ...
    def run_many(self, sql: str, params: Sequence[Params]) -> None: ...
    def stream(self, sql: str, params: Params, size: int) -> Iterator[list[tuple[Any, ...]]]: ...
    def insert_tuples(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None: ...
    def savepoint(self) -> Any: ...


class Database(Protocol):
    """Where transactions come from."""

    dialect: str
    errors: tuple[type[BaseException], ...]  # the driver's failures, for `translate`

    def transaction(self, *, write: bool) -> Any: ...  # a context manager of Conn
    def close(self) -> None: ...


# ---- helpers for writing queries -------------------------------------------------------


def in_list(name: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """``(:name_0, :name_1, …)`` for ``x IN …``, adding the values to `params`."""
    marks = []
    for index, value in enumerate(values):
        params[f"{name}_{index}"] = value
        marks.append(f":{name}_{index}")
    return f"({', '.join(marks)})"


def for_update(conn: Conn) -> str:
    """`` FOR UPDATE`` on PostgreSQL (SQLite's writer already holds the database lock)."""
    return " FOR UPDATE" if conn.dialect == "postgresql" else ""


# ---- the sqlite3 adapter ---------------------------------------------------------------


class SqliteConn:
    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._savepoints = 0

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql, params or {}).fetchall()

    def first(self, sql: str, params: Params | None = None) -> tuple[Any, ...] | None:
        return self.connection.execute(sql, params or {}).fetchone()

    def scalar(self, sql: str, params: Params | None = None) -> Any:
        row = self.connection.execute(sql, params or {}).fetchone()
        return None if row is None else row[0]

    def mapping(self, sql: str, params: Params | None = None) -> dict[str, Any] | None:
        cursor = self.connection.execute(sql, params or {})
        row = cursor.fetchone()
        if row is None:
            return None
        return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}

    def run(self, sql: str, params: Params | None = None) -> int:
        return self.connection.execute(sql, params or {}).rowcount

    def run_many(self, sql: str, params: Sequence[Params]) -> None:
        self.connection.executemany(sql, params)

    def stream(self, sql: str, params: Params, size: int) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self.connection.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch

    def insert_tuples(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        """One executemany of plain tuples: SQLite's C loop, no per-row dicts."""
        marks = ", ".join("?" * len(columns))
        self.connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        self.connection.execute(f"SAVEPOINT {name}")
        try:
            yield
        except sqlite3.IntegrityError as exc:
            self.connection.execute(f"ROLLBACK TO {name}")
            self.connection.execute(f"RELEASE {name}")
            raise IntegrityError(str(exc)) from None
        except BaseException:
            self.connection.execute(f"ROLLBACK TO {name}")
            self.connection.execute(f"RELEASE {name}")
            raise
        self.connection.execute(f"RELEASE {name}")


class SqliteDatabase:
    """A SQLite file through `sqlite3`; idle connections are kept for the next transaction."""

    dialect = "sqlite"
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    # Called with each new sqlite3 connection (tests watch the statements with it).
    on_connect: ClassVar[list[Any]] = []

    def __init__(self, database: str, *, uri: bool = False) -> None:
        self.database = database
        self.uri = uri
        self._idle: list[sqlite3.Connection] = []

    def connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves, so writers take the lock up front.
        connection = sqlite3.connect(
            self.database,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            uri=self.uri,
            check_same_thread=False,
        )
        set_pragmas(connection)
        for hook in self.on_connect:
            hook(connection)
        return connection

    def adopt(self, connection: sqlite3.Connection) -> None:
        """Keep an open connection (the one that read the revision) for the next use."""
        self._idle.append(connection)

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[SqliteConn]:
        connection = self._idle.pop() if self._idle else self.connect()
        try:
            # A writer takes the write lock at BEGIN, so its overlap check and its insert
            # see the same data: no check-then-insert race between processes.
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield SqliteConn(connection)
            connection.execute("COMMIT" if write else "ROLLBACK")
        except BaseException:
            try:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
            except sqlite3.Error:
                connection.close()
                raise
            self._idle.append(connection)
            raise
        self._idle.append(connection)

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


def current_sqlite(path: str) -> SqliteDatabase | None:
    """The store at `path` if it is a SQLite store at SCHEMA_HEAD, else None.

    One query (``alembic_version``) on an existing file: anything else (a missing file,
    an old or newer store, not a store at all) is for the full path in `opening` to
    create, migrate or refuse, exactly as before.
    """
    database = SqliteDatabase(path)
    try:
        connection = database.connect()
    except sqlite3.Error:
        return None
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None or row[0] != SCHEMA_HEAD:
            connection.close()
            return None
        enable_wal(connection)
    except sqlite3.Error:
        connection.close()
        return None
    database.adopt(connection)
    return database


def set_pragmas(connection: sqlite3.Connection) -> None:
    """What every connection to a store runs first, through sqlite3 or SQLAlchemy alike."""
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")


def enable_wal(connection: sqlite3.Connection) -> None:
    """WAL lets readers and one writer work at once; set once, it persists in the file."""
    if str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        connection.execute("PRAGMA journal_mode = WAL")


def copy_sqlite(source: Path, destination: Path) -> None:
    """A consistent copy of a live SQLite file, written as a new 0600 file that replaces
    `destination` only when complete (`files.replacing`: a symlink there is replaced,
    never followed).

    SQLite's online backup API, not a file copy: in WAL mode committed pages may still
    sit in the ``-wal`` file, which a copy of the main file alone would miss, and other
    processes may write while it runs.
    """
    from smbalance.files import PRIVATE, replacing

    with replacing(destination, PRIVATE) as (_fd, temporary):
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst = sqlite3.connect(temporary)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()


# ---- failures as one sentence ----------------------------------------------------------


def translate(exc: BaseException, where: str) -> StoreError:
    """A database failure as one clear sentence, naming the store but never a password.

    psycopg reports connection failures without an SQLSTATE, so they are told apart by
    the server's (English) wording; anything unrecognised keeps its first line, scrubbed.
    """
    original = getattr(exc, "orig", None)
    text_ = str(original or exc).strip()
    detail = _scrub(text_.splitlines()[0] if text_ else "")
    lowered = detail.lower()
    for patterns, message in _MESSAGES:
        match = next((m for p in patterns if (m := re.search(p, lowered))), None)
        if match:
            return StoreError(message.format(where=where, detail=detail, **match.groupdict()))
    return StoreError(f"{where}: {detail or type(exc).__name__}")


_CHECK_SERVER = "check that the server runs and the host and port in the URL are right"
_CHECK_LOGIN = "check the user and password in the URL (config `db`, SMBALANCE_DB) or ~/.pgpass"

# (regular expressions on the lower-cased first line, message) — first match wins.
_MESSAGES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("file is not a database", "not a database"),
        "{where} is not an SQLite database; point --db at a smbalance store",
    ),
    (
        ("readonly", "read-only"),
        "{where} is read-only; check its permissions (smbalance needs to write)",
    ),
    (("unable to open",), "cannot open {where}; check that the directory exists and is writable"),
    (("database is locked",), "{where} stayed locked by another process for 30 s; try again"),
    (
        (r'role "(?P<user>[^"]+)" does not exist',),
        "cannot log in to {where}: there is no role {user!r}; ask the database owner to "
        "create it (see docs/team.md) or fix the user in the URL",
    ),
    (
        (r'password authentication failed for user "(?P<user>[^"]+)"',),
        "cannot log in to {where} as {user!r}: wrong password; " + _CHECK_LOGIN,
    ),
    (
        ("no password supplied", "password authentication", "authentication failed"),
        "cannot log in to {where}: authentication failed; " + _CHECK_LOGIN,
    ),
    (
        (r'database "[^"]+" does not exist',),
        "{where} does not exist; create it first (createdb) or fix the database in the URL",
    ),
    (
        (
            r"failed to resolve host '(?P<host>[^']+)'",
            r'could not translate host name "(?P<host>[^"]+)"',
        ),
        "cannot connect to {where}: the host name {host!r} is unknown; check the host in the URL",
    ),
    (("connection refused",), "cannot connect to {where}: connection refused; " + _CHECK_SERVER),
    (
        ("timeout expired", "timed out"),
        "cannot connect to {where}: no answer within 10 s; " + _CHECK_SERVER,
    ),
    (
        ("must be owner of",),
        "{where}: only the store's owner may change its tables ({detail}); ask an owner "
        "to run `smbalance db migrate` (see docs/team.md)",
    ),
    (
        ("permission denied for",),
        "{where}: permission denied ({detail}); ask the database owner for the grants in "
        "docs/team.md",
    ),
    (
        (
            "server closed the connection",
            "terminating connection",
            "connection failed",
            "could not connect",
            "consuming input failed",
        ),
        "cannot connect to {where}: {detail}; " + _CHECK_SERVER,
    ),
)


def _scrub(detail: str) -> str:
    """Drop anything that looks like a connection string (it may carry a password)."""
    return re.sub(r"\S+://\S+", "<url>", re.sub(r"password=\S+", "password=***", detail))
