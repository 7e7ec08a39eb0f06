"""`smbalance db …`: where the store is, check it, back it up, migrate it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from smbalance.cli.context import notice, state
from smbalance.cli.params import format_option, parse_count
from smbalance.visible import visible

db_app = typer.Typer(
    help="Look after the store: path, check, backup, migrate, log.", no_args_is_help=True
)


@db_app.command(
    "path", short_help="Print where the store is (a path, or the URL without password)."
)
def path() -> None:
    """Print where the store is (a file path, or the database URL without password).

    \b
    Example:
      smbalance db path
    """
    from smbalance.config import default_db_path
    from smbalance.store.opening import describe, resolve_url

    print(describe(resolve_url(state().settings.db, default_db_path())))


@db_app.command(
    "check", short_help="Check integrity and smbalance's rules (no overlaps, end > start)."
)
def check() -> None:
    """Check integrity, foreign keys, and smbalance's own rules (no overlaps, end > start).

    Exits 1 and lists every problem if any is found.

    \b
    Example:
      smbalance db check
    """
    store = state().store()
    problems = store.check()
    if problems:
        for problem in problems:
            print(visible(problem))
        from smbalance.domain import plural
        from smbalance.errors import StoreError

        raise StoreError(f"{plural(len(problems), 'problem')} found in {store.where}")
    print(f"{visible(store.where)}: OK")


@db_app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the copy.")],
) -> None:
    """Write a consistent copy of the store (safe while others write).

    \b
    Example:
      smbalance db backup ~/smbalance-$(date +%F).db
    """
    written = state().store().backup(file)
    print(f"Backed up to {written}")


@db_app.command("migrate", short_help="Bring the store's schema up to date (also done on open).")
def migrate() -> None:
    """Bring the store's schema up to date (also done automatically on open).

    \b
    Example:
      smbalance db migrate
    """
    from smbalance.store.opening import SCHEMA_HEAD

    store = state().store()
    done = store.migration
    if done is None:
        print(f"{store.where}: schema {SCHEMA_HEAD} is up to date; nothing to do")
    elif done.from_revision is None:
        print(f"{store.where}: created schema {done.to_revision}")
    else:
        print(f"{store.where}: migrated schema {done.from_revision} to {done.to_revision}")


@db_app.command("log", short_help="The journal: when, who and what changed, newest first.")
def log(
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", parser=parse_count(1), metavar="N", help="Show at most N changes."
        ),
    ] = 20,
    fmt: Annotated[str, format_option(("table", "json"))] = "table",
) -> None:
    """The journal: when, who (the database role) and what changed, newest first.

    On a team store an owner sees everyone's changes, a member only their own (what
    `smbalance undo` would revert).

    \b
    Examples:
      smbalance db log
      smbalance db log --limit 100 --format json
    """
    app = state()
    store = app.store()
    changes = store.journal(limit)
    if fmt == "json":
        from smbalance.timeparse import iso_z

        rows = [
            {
                "id": c.id,
                "at": iso_z(c.at_utc),
                "actor": c.actor,
                "command": c.command,
                "summary": c.summary,
                "undone": c.undone,
            }
            for c in changes
        ]
        print(json.dumps(rows, indent=2))
    else:
        from smbalance.render.tables import journal_table

        journal_table(changes, app.format_instant)
    if store.team_groups() is not None and not store.is_owner():
        notice("Only your own changes are listed; an owner sees everyone's.")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
