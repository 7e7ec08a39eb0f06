"""`smbalance config …`: read and write the config file."""

from __future__ import annotations

from typing import Annotated

import typer

from smbalance.cli.context import state
from smbalance.cli.params import shown_as

config_app = typer.Typer(help="Read and write the config file (TOML).", no_args_is_help=True)


def _complete_key(incomplete: str) -> list[str]:
    from smbalance.config import KNOWN_KEYS

    return [k for k in KNOWN_KEYS if k.startswith(incomplete)]


def _check_key(key: str) -> str:
    """An unknown key is a usage error (exit 2): it is plain from the command line."""
    from smbalance.config import KNOWN_KEYS

    if key not in KNOWN_KEYS:
        raise typer.BadParameter(f"unknown setting {key!r}; known: {', '.join(KNOWN_KEYS)}")
    return key


Key = Annotated[
    shown_as("key"),
    typer.Argument(
        metavar="KEY",
        parser=_check_key,
        autocompletion=_complete_key,
        help="timezone, week_start, default_person, db, policy.floor …",
    ),
]


def _masked(value: object) -> str:
    """A setting as shown: a password inside a database URL becomes ***.

    Output lands in terminals, logs and bug reports; the file itself keeps the password.
    """
    import re

    return re.sub(r"(://[^/@:\s]*:)[^/@\s]+@", r"\1***@", str(value))


@config_app.command("show")
def show() -> None:
    """Show every setting in force and where it comes from.

    \b
    Example:
      smbalance config show
    """
    from dataclasses import asdict

    settings = state().settings
    print(f"# config file: {settings.config_path}")
    print(f"timezone = {settings.timezone}")
    from smbalance.config import WEEKDAYS

    print(f"week_start = {WEEKDAYS[settings.week_start]}")
    print(f"default_person = {settings.default_person or ''}")
    print(f"db = {_masked(settings.db or '')}")
    print(f"max_entry_hours = {settings.max_entry_hours:g}")
    for key, value in asdict(settings.policy).items():
        print(f"policy.{key} = {value:g}")


@config_app.command("get")
def get(key: Key) -> None:
    """Print one setting as written in the config file (empty if unset).

    \b
    Example:
      smbalance config get policy.floor
    """
    from smbalance.config import get_value, read_config

    value = get_value(read_config(state().config_path), key)
    print("" if value is None else _masked(value))


@config_app.command("set")
def set_(
    key: Key, value: Annotated[shown_as("value"), typer.Argument(metavar="VALUE", parser=str)]
) -> None:
    """Write one setting to the config file.

    \b
    Examples:
      smbalance config set timezone Europe/London
      smbalance config set default_person alice
      smbalance config set policy.floor 30
    """
    from smbalance.config import set_value, validate_value

    try:
        validate_value(key, value)
    except ValueError as exc:  # a bad value is plain from the command line: exit 2
        raise typer.BadParameter(str(exc), param_hint="'VALUE'") from None
    path = state().config_path  # not the validated settings: this may be the repair
    stored = set_value(path, key, value)
    print(f"{key} = {_masked(stored)} (in {path})")


@config_app.command("path")
def path() -> None:
    """Print where the config file is.

    \b
    Example:
      smbalance config path
    """
    print(state().config_path)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
