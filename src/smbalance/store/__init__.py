"""The store: every query smbalance makes goes through `Store`.

`open_store` finds the database (a SQLite file or a PostgreSQL URL), creates it on first
use, migrates it when it is older than this version, and returns a `Store`.  Nothing in
here knows about the CLI.

The common case, an existing SQLite file at the current schema, is recognised with one
query through the standard library's `sqlite3` and never imports SQLAlchemy; anything
else (a new file, an old or newer store, PostgreSQL) takes the full path in `opening`.
Either way the queries are the same SQL text (see `store.sql`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from smbalance.errors import NoStore, SmbalanceError, StoreError
from smbalance.store.aggregate import AggregateMixin
from smbalance.store.base import Clock, Formatter, system_clock, utc_instant
from smbalance.store.bulk import BulkMixin
from smbalance.store.demo import DemoMixin
from smbalance.store.entries import EntriesMixin
from smbalance.store.maintenance import MaintenanceMixin
from smbalance.store.people import PeopleMixin
from smbalance.store.sql import SqliteDatabase, current_sqlite
from smbalance.store.team import TeamMixin
from smbalance.store.undo import Reverted, UndoMixin

__all__ = ["Reverted", "Store", "StoreError", "open_store"]

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from smbalance.store.opening import Migration


class Store(
    PeopleMixin,
    EntriesMixin,
    UndoMixin,
    AggregateMixin,
    BulkMixin,
    MaintenanceMixin,
    DemoMixin,
    TeamMixin,
):
    """One smbalance database. Use `open_store` to get one."""

    created: bool = False  # True when this open created the SQLite file
    migration: Migration | None = None  # what this open migrated, if anything
    # The SQLAlchemy URL when the store was opened by the full path (always for
    # PostgreSQL); None when an up-to-date SQLite file was opened with sqlite3 alone.
    url: URL | None = None


def open_store(
    target: str | os.PathLike[str] | None,
    *,
    default_path: Path | None = None,
    clock: Clock = system_clock,
    format_instant: Formatter = utc_instant,
    migrate: bool = True,
    through_sqlalchemy: bool = False,
    create: bool = True,
) -> Store:
    """Open (creating and migrating as needed) the store `target` names.

    `target` is a file path or an SQLAlchemy URL; None means `default_path`.  A new
    SQLite file is 0600 and every directory made for it 0700; a symlink at the path is
    refused.  `format_instant` shows instants in messages.  `through_sqlalchemy` runs a
    SQLite store's queries through SQLAlchemy instead of `sqlite3` (the differential
    test compares the two).  With `create=False` (commands that only read) a missing
    SQLite file is `NoStore` and nothing is created.
    """
    if target is None and default_path is None:
        # Only now: finding the default needs platformdirs, which `--db` runs never do.
        from smbalance.config import default_db_path

        default_path = default_db_path()
    path = _plain_path(target, default_path)
    if path is not None and not create and not path.exists() and not path.is_symlink():
        raise NoStore(path)
    if path is not None and not through_sqlalchemy and path.is_file() and not path.is_symlink():
        db = current_sqlite(str(path))
        if db is not None:
            return Store(db, where=str(path), path=path, clock=clock, format_instant=format_instant)
    return _open_full(
        target, default_path, clock, format_instant, migrate, through_sqlalchemy, create
    )


def _plain_path(target: str | os.PathLike[str] | None, default_path: Path | None) -> Path | None:
    """The SQLite file a plain path names (as `opening.resolve_url` reads it); None for URLs."""
    if target is None:
        return default_path
    raw = os.fspath(target)
    if "://" in raw:
        return None
    path = Path(raw).expanduser()
    return path.absolute().parent.resolve() / path.name


def _open_full(
    target: str | os.PathLike[str] | None,
    default_path: Path | None,
    clock: Clock,
    format_instant: Formatter,
    migrate: bool,
    through_sqlalchemy: bool,
    create: bool = True,
) -> Store:
    """Create, migrate or refuse, through SQLAlchemy (and Alembic when migrating)."""
    from sqlalchemy.exc import SQLAlchemyError

    from smbalance.store import opening
    from smbalance.store.engine import EngineDatabase

    url = opening.resolve_url(target, default_path or Path())
    where = opening.describe(url)
    path = opening.sqlite_path(url)
    created = False
    if path is not None:
        created = opening.prepare_sqlite_file(path, create=create and not opening.read_only(url))
    engine = opening.make_engine(url)
    try:
        migration = _migrate(engine, where, path, migrate=migrate)
    except SmbalanceError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise opening.translate(exc, where) from None
    if path is not None and not through_sqlalchemy:
        engine.dispose()
        database, uri = opening.sqlite_database(url)
        db: object = SqliteDatabase(database, uri=uri)
    else:
        db = EngineDatabase(engine)
    store = Store(db, where=where, path=path, clock=clock, format_instant=format_instant)  # type: ignore[arg-type]
    store.created = created
    store.migration = migration
    store.url = url
    return store


def _migrate(engine, where: str, path: Path | None, *, migrate: bool) -> Migration | None:  # type: ignore[no-untyped-def]
    from smbalance.store import opening

    with engine.connect() as conn:
        revision = opening.current_revision(conn)
    opening.check_revision(revision, where)
    if path is not None:
        opening.enable_wal(engine)
    if revision == opening.SCHEMA_HEAD:
        return None
    if not migrate:
        raise StoreError(f"{where} needs migrating; run `smbalance db migrate`")
    return opening.upgrade(engine, path)
