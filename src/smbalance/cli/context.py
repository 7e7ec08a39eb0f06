"""What every command shares: settings, the clock, the store, and notices on stderr.

One `AppState` is made from the global options (by the root callback, or by the lean
path).  Everything in it
is computed on first use, so `--help` and argument errors never read the config file
or import a database library.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from smbalance.errors import ConfigError
from smbalance.visible import visible

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from smbalance.config import Settings
    from smbalance.store import Store

NOW_ENV = "SMBALANCE_NOW"  # a fixed "now" (ISO instant) for tests and reproducible scripts


class AppState:
    def __init__(
        self,
        db: str | None = None,
        config: str | None = None,
        tz: str | None = None,
        from_env: frozenset[str] = frozenset(),
    ) -> None:
        self.db = db
        self.config = config
        self.tz = tz
        # The global options whose value came from their environment variable, not a
        # flag (`config show` says which); the values above hold either.
        self.from_env = from_env
        self._settings: Settings | None = None
        self._store: Store | None = None
        self._now: int | None = None
        # Said only once the command has succeeded: a failure's stderr is its one Error line.
        self._on_success: list[str] = []
        self._succeeded = False

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from smbalance.config import load_settings

            self._settings = load_settings(**self.flags())
        return self._settings

    def flags(self) -> dict[str, str | None]:
        """The global options given as flags (load_settings reads their variables)."""
        given = {"config_path": self.config, "db": self.db, "tz": self.tz}
        return {
            k: None if k.removesuffix("_path") in self.from_env else v for k, v in given.items()
        }

    @property
    def config_path(self) -> Path:
        """The config file in force, known without reading (or validating) it."""
        from smbalance.config import config_file

        return config_file(self.config)

    @property
    def timezone(self) -> str:
        return self.settings.timezone

    @property
    def now(self) -> int:
        """One "now" (epoch seconds) for the whole command."""
        if self._now is None:
            fixed = os.environ.get(NOW_ENV)
            if fixed:
                from smbalance.timeparse import ParseError, parse_iso_utc, to_epoch

                try:
                    self._now = to_epoch(parse_iso_utc(fixed))
                except ParseError as exc:
                    raise ConfigError(f"{NOW_ENV}: {exc}") from None
            else:
                self._now = int(time.time())
        return self._now

    @property
    def now_dt(self) -> datetime:
        from smbalance.timeparse import from_epoch

        return from_epoch(self.now)

    def clock(self) -> int:
        return self.now

    def who(self, name: str | None) -> str:
        """The person a command acts for: --who, else default_person, else the login name."""
        if name:
            return name
        from smbalance.domain import parse_name

        candidate = self.settings.who
        try:
            return parse_name(candidate)
        except ValueError:
            raise ConfigError(
                f"cannot tell who you are (login name {candidate!r} is not a valid name); "
                "use --who NAME or `smbalance config set default_person NAME`"
            ) from None

    def may_create(self, name: str) -> bool:
        """Whether a write may create `name` on first use: only the default person
        (default_person, else the login name).  Anyone else is added with `people add`,
        so a typo in --who never becomes a phantom colleague."""
        try:
            return name == self.who(None)
        except ConfigError:
            return False

    def store(self, *, create: bool = False, target: str | None = None) -> Store:
        """The store, opened (and migrated, with a notice) on first use.

        Only a command that writes passes `create=True`: then a missing SQLite file is
        created (and the CLI says where).  Without it a missing file is exit 1 and
        nothing is created, so `report --check` on a mistyped path fails loudly.
        """
        if self._store is None:
            from smbalance.store import open_store

            store = open_store(
                target if target is not None else self.settings.db,
                clock=self.clock,
                format_instant=self.format_instant,
                create=create,
            )
            if store.created:
                self._on_success.append(f"Created a new store at {store.where}")
            migration = store.migration
            if migration is not None and migration.from_revision is not None:
                copy = (
                    f"; a copy of the old file is at {migration.backup}" if migration.backup else ""
                )
                notice(
                    f"Migrated {store.where} from schema {migration.from_revision} to "
                    f"{migration.to_revision}{copy}"
                )
            self._store = store
        return self._store

    def succeeded(self) -> None:
        """Say what was kept back until the command had worked."""
        self._succeeded = True
        waiting, self._on_success = self._on_success, []
        for message in waiting:
            print(visible(message), file=sys.stderr)

    def close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            if self._succeeded:
                store.close()
            else:  # a failed first write leaves no empty store behind (SPEC)
                store.close_discarding_if_new()

    def format_instant(self, epoch: int) -> str:
        from smbalance.timeparse import format_instant

        return format_instant(epoch, self.timezone)


def notice(message: str) -> None:
    """A message for the person, not for scripts: stderr.

    Commands give notices once their change is made, so what was kept back for success
    (where a new store is) comes first, in the order things happened."""
    if _state is not None:
        _state.succeeded()
    print(visible(message), file=sys.stderr)


_state: AppState | None = None


def set_state(state: AppState) -> None:
    global _state
    _state = state


def state() -> AppState:
    """The current command's state (set by the root callback)."""
    global _state
    if _state is None:
        _state = AppState()
    return _state
