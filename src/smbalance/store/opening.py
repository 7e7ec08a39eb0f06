"""Finding, creating, connecting to and migrating a store.

Kept apart from the queries: this is the part that meets the file system, the network
and Alembic.  An up-to-date store is recognised with one plain query of
``alembic_version``, so the common path never imports Alembic.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from smbalance.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# The newest schema revision this version of smbalance writes, and every revision it
# knows.  A store at an unknown revision was written by a newer smbalance: refuse it.
SCHEMA_HEAD = "0001"
KNOWN_REVISIONS = ("0001",)
BUSY_TIMEOUT_MS = 30_000


def resolve_url(target: str | os.PathLike[str] | None, default_path: Path) -> URL:
    """A path or SQLAlchemy URL → URL; None → the default SQLite file."""
    if target is None:
        return make_url(f"sqlite:///{default_path}")
    raw = os.fspath(target)
    if "://" in raw:
        try:
            url = make_url(raw)
        except ArgumentError:
            raise StoreError(
                f"{describe(raw)} is not a valid database URL; use a file path, "
                "sqlite:///path or postgresql+psycopg://user@host/db"
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise StoreError(
                f"unsupported database {url.get_backend_name()!r}; use SQLite or "
                "PostgreSQL (postgresql+psycopg://…)"
            )
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url
    return make_url(f"sqlite:///{Path(raw).expanduser().resolve()}")


def describe(url: URL | str) -> str:
    """How to name a store in messages: never with its password."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except ArgumentError:
            return "the given database URL"
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    return f"PostgreSQL database {url.database!r} on {host}{port}"


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def prepare_sqlite_file(path: Path, *, private_dir: bool) -> bool:
    """Check the path is usable and create the file 0600 if missing; True if created."""
    if path.is_dir():
        raise StoreError(
            f"{path} is a directory; give --db a file path such as {path / 'smbalance.db'}"
        )
    if path.exists():
        return False
    parent = path.parent
    if not parent.exists():
        try:
            parent.mkdir(parents=True, mode=0o700 if private_dir else 0o777)
        except OSError as exc:
            raise StoreError(f"cannot create directory {parent}: {exc.strerror}") from None
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        return False  # someone else created it a moment ago: fine
    except OSError as exc:
        raise StoreError(f"cannot create store {path}: {exc.strerror}") from None
    return True


def make_engine(url: URL) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=False, connect_args={"connect_timeout": 10})
    except NoSuchModuleError:
        raise StoreError(f"no driver for {url.drivername}; use postgresql+psycopg://…") from None


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # We issue BEGIN ourselves (below) so that writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # A writer takes the write lock at BEGIN, so its overlap check and its insert
        # see the same data: no check-then-insert race between processes.
        writing = conn.get_execution_options().get("smb_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


def enable_wal(engine: Engine) -> None:
    """WAL lets readers and one writer work at once; set once, it persists in the file."""
    raw = engine.raw_connection()  # outside any transaction, as SQLite requires
    try:
        cursor = raw.cursor()
        if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
    finally:
        raw.close()


def current_revision(conn: Connection) -> str | None:
    """The store's schema revision; None for a blank database.

    Raises StoreError for a database that holds tables but is not a smbalance store.
    """
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        conn.rollback()
        return row[0] if row else None
    except DBAPIError:
        conn.rollback()
    tables = inspect(conn).get_table_names()
    conn.rollback()
    if tables:
        raise StoreError(
            "this database holds tables but is not a smbalance store "
            f"({', '.join(sorted(tables)[:3])}…); point --db at a new file or an empty database"
        )
    return None


def check_revision(revision: str | None, where: str) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreError(
            f"{where} was written by a newer smbalance (schema {revision}); "
            "upgrade smbalance (pip install -U smbalance) to use it"
        )


def backup_before_migration(path: Path, revision: str) -> Path:
    """Copy a SQLite store aside before migrating it, so no migration can lose data."""
    backup = path.with_name(f"{path.name}.bak-{revision}")
    shutil.copy2(path, backup)
    os.chmod(backup, 0o600)
    return backup


def upgrade(engine: Engine) -> None:
    """Run Alembic up to head (the only place Alembic is imported)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def translate(exc: SQLAlchemyError, where: str) -> StoreError:
    """A database failure as one clear sentence, naming the store but never a password."""
    original = getattr(exc, "orig", None)
    detail = str(original or exc).strip().splitlines()[0] if str(original or exc).strip() else ""
    lowered = detail.lower()
    if "file is not a database" in lowered or "not a database" in lowered:
        return StoreError(f"{where} is not an SQLite database; point --db at a smbalance store")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(f"{where} is read-only; check its permissions (smbalance needs to write)")
    if "unable to open" in lowered:
        return StoreError(f"cannot open {where}; check that the directory exists and is writable")
    if "locked" in lowered:
        return StoreError(f"{where} stayed locked by another process for 30 s; try again")
    if "password" in lowered or "authentication" in lowered:
        return StoreError(
            f"cannot log in to {where}: authentication failed; check the user "
            "and password in the URL or ~/.pgpass"
        )
    if "does not exist" in lowered and "database" in lowered:
        return StoreError(f"{where} does not exist; create it first (createdb) or fix the URL")
    if "connection" in lowered or "connect" in lowered or "could not" in lowered:
        return StoreError(
            f"cannot connect to {where}: {_scrub(detail)}; check that the server "
            "runs and the host and port are right"
        )
    return StoreError(f"{where}: {_scrub(detail) or type(exc).__name__}")


def _scrub(detail: str) -> str:
    """Drop anything that looks like a connection string (it may carry a password)."""
    import re

    return re.sub(r"\S+://\S+", "<url>", re.sub(r"password=\S+", "password=***", detail))
