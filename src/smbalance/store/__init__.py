"""The store: every query smbalance makes goes through `Store`.

`open_store` finds the database (a SQLite file or a PostgreSQL URL), creates it on first
use, migrates it when it is older than this version, and returns a `Store`.  Nothing in
here knows about the CLI.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from smbalance.errors import SmbalanceError, StoreError
from smbalance.store import opening
from smbalance.store.aggregate import AggregateMixin
from smbalance.store.base import Clock, system_clock
from smbalance.store.bulk import BulkMixin
from smbalance.store.demo import DemoMixin
from smbalance.store.entries import EntriesMixin
from smbalance.store.maintenance import MaintenanceMixin
from smbalance.store.team import TeamMixin
from smbalance.store.undo import Reverted, UndoMixin

__all__ = ["Reverted", "Store", "StoreError", "open_store"]


class Store(
    EntriesMixin, UndoMixin, AggregateMixin, BulkMixin, MaintenanceMixin, DemoMixin, TeamMixin
):
    """One smbalance database. Use `open_store` to get one."""

    created: bool = False  # True when this open created the SQLite file
    migration: opening.Migration | None = None  # what this open migrated, if anything


def open_store(
    target: str | os.PathLike[str] | None,
    *,
    default_path: Path | None = None,
    clock: Clock = system_clock,
    migrate: bool = True,
) -> Store:
    """Open (creating and migrating as needed) the store `target` names.

    `target` is a file path or an SQLAlchemy URL; None means `default_path`, whose
    directory is created private (0700).
    """
    if target is None and default_path is None:
        # Only now: finding the default needs platformdirs, which `--db` runs never do.
        from smbalance.config import default_db_path

        default_path = default_db_path()
    url = opening.resolve_url(target, default_path or Path())
    where = opening.describe(url)
    path = opening.sqlite_path(url)
    created = False
    if path is not None:
        created = opening.prepare_sqlite_file(
            path, private_dir=target is None, create=not opening.read_only(url)
        )
    engine = opening.make_engine(url)
    store = Store(engine, url, clock=clock)
    store.created = created
    try:
        _migrate(store, path, migrate=migrate)
    except SmbalanceError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise opening.translate(exc, where) from None
    return store


def _migrate(store: Store, path: Path | None, *, migrate: bool) -> None:
    engine = store.engine
    with engine.connect() as conn:
        revision = opening.current_revision(conn)
    opening.check_revision(revision, store.where)
    if path is not None:
        opening.enable_wal(engine)
    if revision == opening.SCHEMA_HEAD:
        return
    if not migrate:
        raise StoreError(f"{store.where} needs migrating; run `smbalance db migrate`")
    store.migration = opening.upgrade(engine, path)
