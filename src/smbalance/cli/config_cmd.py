"""`smbalance config …`: read and write the config file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from smbalance.cli.context import notice, state
from smbalance.cli.parameters import shown_as
from smbalance.errors import ConfigError
from smbalance.visible import visible

if TYPE_CHECKING:
    from pathlib import Path

    from smbalance.config import InForce

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


def _in_force() -> tuple[Path, list[InForce]]:
    from smbalance.config import settings_in_force

    return settings_in_force(**state().flags())


def _origin(setting: InForce) -> str:
    from smbalance.config import DEFAULT

    if setting.origin != DEFAULT:
        return f"from {setting.origin}"
    if setting.key == "default_person":
        return "default: your login name"
    if setting.key == "timezone":
        return "default: the system's zone"
    return "default"


def _problem(setting: InForce, path: Path, more: str = "") -> ConfigError:
    """The error for a value that cannot be used, with how to repair the file."""
    from smbalance.config import FROM_FILE, KNOWN_KEYS, origin_label

    fix = ""
    if setting.origin == FROM_FILE:
        fix = (
            f"; fix it with `smbalance config set {setting.key} VALUE`"
            if setting.key in KNOWN_KEYS
            else f"; remove it from {path}"
        )
    return ConfigError(f"{origin_label(setting, path)}: {setting.problem}{more}{fix}")


@config_app.command("show")
def show() -> None:
    """Show every setting in force and where it comes from.

    Each line is `key = value  (origin)`: a flag (--tz, --db), an environment
    variable (SMBALANCE_TZ, SMBALANCE_DB), the config file, or the default.  A
    password in a database URL is shown as ***.

    \b
    Example:
      smbalance config show
    """
    from smbalance.config import shown_value

    path, found = _in_force()
    print(f"# config file: {path}" + ("" if path.exists() else " (not created yet)"))
    for setting in found:  # one line each: a newline in a value is shown as \n
        print(f"{setting.key} = {visible(shown_value(setting))}  ({_origin(setting)})")
    problems = [s for s in found if s.problem]
    if problems:
        more = f" (and {len(problems) - 1} more above)" if len(problems) > 1 else ""
        raise _problem(problems[0], path, more)


@config_app.command("get")
def get(key: Key) -> None:
    """Print the value in force of one setting (where it comes from: on stderr).

    The value alone is on stdout, so scripts can use `$(smbalance config get KEY)`;
    the origin (a flag, an environment variable, the config file or the default) is a
    notice on stderr.  A password in a database URL is shown as ***.

    \b
    Examples:
      smbalance config get policy.floor
      smbalance config get timezone 2>/dev/null
    """
    from smbalance.config import shown_value

    path, found = _in_force()
    setting = next(s for s in found if s.key == key)
    if setting.problem:
        raise _problem(setting, path)
    print(shown_value(setting))
    notice(f"({_origin(setting)})")


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
    from smbalance.config import FROM_FILE, InForce, set_value, shown_value, validate_value

    try:
        validate_value(key, value)
    except ValueError as exc:  # a bad value is plain from the command line: exit 2
        raise typer.BadParameter(str(exc), param_hint="'VALUE'") from None
    path = state().config_path  # not the validated settings: this may be the repair
    stored = set_value(path, key, value)
    setting = InForce(key, validate_value(key, stored), FROM_FILE)
    print(f"{key} = {visible(shown_value(setting))} (in {path})")
    try:
        in_force = next(s for s in _in_force()[1] if s.key == key)
    except ConfigError:
        return
    if in_force.origin != FROM_FILE:  # SMBALANCE_TZ or a flag still wins
        notice(f"{in_force.origin} overrides it: {key} is {shown_value(in_force)} for now")


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
