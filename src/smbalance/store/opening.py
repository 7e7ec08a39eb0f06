"""Finding, creating, connecting to and migrating a store.

Kept apart from the queries: this is the part that meets the file system, the network
and Alembic.  An up-to-date store is recognised with one plain query of
``alembic_version``, so the common path never imports Alembic.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from smbalance.errors import NoStore, StoreError
from smbalance.store.sql import (
    BUSY_TIMEOUT_MS,
    KNOWN_REVISIONS,
    SCHEMA_HEAD,
    copy_sqlite,
    set_pragmas,
    translate,
)
from smbalance.store.sql import enable_wal as enable_sqlite_wal

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

__all__ = ["KNOWN_REVISIONS", "SCHEMA_HEAD", "copy_sqlite", "translate"]


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
        if url.get_backend_name() == "sqlite":
            url = _sqlite_uri(url)
        return url
    path = Path(raw).expanduser()
    # The directory resolved, the name itself not: a symlink there is refused on opening.
    return make_url(f"sqlite:///{path.absolute().parent.resolve() / path.name}")


def describe(url: URL | str) -> str:
    """How to name a store in messages: never with its password."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except ArgumentError:
            return "the given database URL"
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        return str(path) if path else ":memory:"
    host = url.host or "localhost"
    if ":" in host:  # an IPv6 address: bracket it so the port stays readable
        host = f"[{host}]"
    port = f":{url.port}" if url.port else ""
    return f"PostgreSQL database {url.database!r} on {host}{port}"


# SQLite URI parameters (https://sqlite.org/uri.html) that pysqlite passes on only in
# URI mode; without it, it ignores them with a warning, and `?mode=ro` would still write.
_SQLITE_URI_PARAMS = {"mode", "cache", "immutable", "nolock", "vfs", "psow"}


def _sqlite_uri(url: URL) -> URL:
    """`sqlite:///x.db?mode=ro` → URI mode, so SQLite really opens the file read-only."""
    if not _SQLITE_URI_PARAMS & set(url.query) or "uri" in url.query or not url.database:
        return url
    database = url.database
    if not database.startswith("file:"):
        database = f"file:{database}"
    return url.set(database=database).update_query_dict({"uri": "true"})


def read_only(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.query.get("mode") == "ro"


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):  # a URI filename: the path is what follows
        return Path(url.database.removeprefix("file:"))
    return Path(url.database)


def sqlite_database(url: URL) -> tuple[str, bool]:
    """What `sqlite3.connect` needs for a SQLite URL: (database, uri mode)."""
    database = url.database or ""
    if url.query.get("uri") != "true":
        return database, False
    params = "&".join(
        f"{key}={value}" for key, value in url.query.items() if key in _SQLITE_URI_PARAMS
    )
    return (f"{database}?{params}" if params else database), True


def prepare_sqlite_file(path: Path, *, create: bool = True) -> bool:
    """Check the path is a store we may open, and create it if missing; True if created.

    Refused: a symbolic link (dangling or not: followed, it would put the store, or
    read one, somewhere no one chose), a directory, and an empty existing file (any
    other file that is not an SQLite database SQLite itself refuses).  A new store
    appears whole: it is made under a random name beside `path`, 0600 whatever the
    umask, given its SQLite header, then linked into place (never over a file someone
    made meanwhile); every directory made for it is 0700.
    """
    if path.is_symlink():
        raise StoreError(
            f"{path} is a symbolic link; smbalance does not follow links to a store. "
            f"Point --db at the file itself ({os.path.realpath(path)})"
        )
    if path.is_dir():
        raise StoreError(
            f"{path} is a directory; give --db a file path such as {path / 'smbalance.db'}"
        )
    if path.exists():
        require_sqlite_file(path)
        return False
    if not create:
        raise NoStore(path)
    from smbalance.files import private_dirs

    try:
        private_dirs(path.parent)
    except OSError as exc:
        raise StoreError(f"cannot create directory {path.parent}: {exc.strerror}") from None
    try:
        created = _create_sqlite_file(path)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot create store {path}: {getattr(exc, 'strerror', exc)}") from None
    if not created:  # someone else created it a moment ago: fine, if it is a database
        prepare_sqlite_file(path, create=False)
    return created


def require_sqlite_file(path: Path) -> None:
    """Refuse an empty existing file: SQLite would silently adopt it as a new database.

    (A file with other content is refused by SQLite itself on the first query: "not an
    SQLite database".)  Only `stat`, never an open and close of the file: closing any
    descriptor of a file drops every POSIX lock this process holds on it, including
    SQLite's, which can cost another process its WAL.
    """
    if path.stat().st_size == 0:
        raise StoreError(
            f"{path} is an empty file, not a smbalance store; remove it or point --db "
            "at another file"
        )


def _create_sqlite_file(path: Path) -> bool:
    """A new, valid, empty SQLite file at `path` (0600); False if `path` appeared first."""
    import tempfile

    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)
    temporary = Path(name)
    try:
        conn = sqlite3.connect(temporary)
        try:
            # Writes the header (page 1) now; WAL is the mode the store runs in anyway.
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
        finally:
            conn.close()
        try:
            os.link(temporary, path)  # fails if anything, a symlink included, is there
        except FileExistsError:
            return False
        return True
    finally:
        temporary.unlink(missing_ok=True)


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
        set_pragmas(dbapi_connection)

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
        enable_sqlite_wal(raw.driver_connection)  # type: ignore[arg-type]
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
    except DBAPIError as exc:
        conn.rollback()
        if getattr(exc.orig, "sqlstate", None) == "42501":  # a team store, not open to us
            raise StoreError(
                "this smbalance store is not open to your role (permission denied); ask one "
                "of its owners to run `smbalance team add NAME --login ROLE` for you"
            ) from None
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
    """Copy a SQLite store aside before migrating it, so no migration can lose data.

    An older copy of the same revision is replaced (see `copy_sqlite`).
    """
    backup = path.with_name(f"{path.name}.bak-{revision}")
    try:
        copy_sqlite(path, backup)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot copy {path} aside before migrating it: {exc}") from None
    return backup


class Migration(NamedTuple):
    """What `upgrade` did: from which revision (None: a blank store), and the copy."""

    from_revision: str | None
    to_revision: str
    backup: Path | None


# Any constant key: only smbalance's migrations take this advisory lock.
_MIGRATION_LOCK_KEY = 0x5B_BA_1A_CE


def upgrade(engine: Engine, path: Path | None = None) -> Migration | None:
    """Bring the store to SCHEMA_HEAD with Alembic (the only place Alembic is imported).

    Several people may open an old store with a new smbalance at the same moment, so the
    revision is read again under a lock (SQLite: the write lock; PostgreSQL: an advisory
    transaction lock, since there may be no row yet to lock) and only the first one
    migrates.  Everything runs in one transaction: a failed migration changes nothing.
    Returns None when there was nothing left to do.
    """
    with engine.connect().execution_options(smb_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        revision = _revision_in_transaction(conn)
        check_revision(revision, describe(engine.url))
        if revision == SCHEMA_HEAD:
            return None
        if conn.dialect.name == "postgresql":
            _act_as_store_owner(conn, describe(engine.url), revision)
        backup = None
        if revision is not None and path is not None:
            backup = backup_before_migration(path, revision)
        _run_alembic(conn)
    return Migration(revision, SCHEMA_HEAD, backup)


def _act_as_store_owner(conn: Connection, where: str, revision: str | None) -> None:
    """Migrate as the role that owns the store's tables.

    On a team store they belong to a group role: an owner (a member of it) migrates as
    that role, so tables a migration creates belong to the group too, not to whoever
    happened to run it; a role outside it gets one clear sentence, not a half-done
    migration's "must be owner of table"."""
    row = conn.execute(
        text(
            "SELECT tableowner, tableowner = current_user AS mine,"
            " pg_has_role(tableowner, 'MEMBER') AS member FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = 'alembic_version'"
        )
    ).first()
    if row is None or row.mine:
        return
    if not row.member:
        raise StoreError(
            f"{where} needs migrating from schema {revision} to {SCHEMA_HEAD}, which only "
            f"its owner ({row.tableowner}) may do; ask an owner to run `smbalance db "
            "migrate` with this version of smbalance"
        )
    conn.execute(text('SET LOCAL ROLE "' + row.tableowner.replace('"', '""') + '"'))


def _revision_in_transaction(conn: Connection) -> str | None:
    """The revision, read inside the caller's transaction (no rollback of it)."""
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def _run_alembic(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    config.attributes["connection"] = conn
    command.upgrade(config, SCHEMA_HEAD)
