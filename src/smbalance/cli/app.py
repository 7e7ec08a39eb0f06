"""The Typer application: global options, command groups, and the one place where the
core's errors become ``Error: …`` on stderr and an exit code.
"""

from __future__ import annotations

import copy
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer._click.exceptions import NoSuchOption
from typer.core import TyperGroup

from smbalance import __version__
from smbalance.cli import COMMAND_MODULES
from smbalance.cli.context import AppState, notice, set_state, state
from smbalance.cli.lean import command_name
from smbalance.cli.outcome import error_line, exit_code
from smbalance.cli.parameters import ROOT
from smbalance.cli.params import typer_param
from smbalance.errors import SmbalanceError

# Sections of `smbalance --help`, in order; a command not listed goes under "Other".
SECTIONS = {
    "Tracking": ("log", "start", "stop", "status", "cancel", "entries", "edit", "rm", "undo"),
    "People": ("people", "team"),
    "Reporting": ("report", "demo"),
    "Data": ("export", "import", "config", "db"),
}
# One-line summaries for that list where a command's first sentence is too long to fit
# (Click would cut it off with "..."); tests/test_docs.py fails on a cut-off summary.
SUMMARIES = {
    "start": "Start a timer; a running one is stopped and saved.",
    "undo": "Revert your last change, and say what it was.",
    "people": "Manage people: role, commission and marketing target.",
    "report": "Each person's split, the team's trend, and the warnings.",
    "demo": "A demo team in its own store, and its report.",
    "import": "Load entries: CSV, JSON, NDJSON, Watson or Timewarrior.",
}


# Options people reach for from other tools, and what this CLI calls them. Click would
# suggest the nearest spelling (`--person` → `--end`); these say what is meant instead.
OPTION_WORDS = {
    "--person": "--who NAME",
    "--user": "--who NAME",
    "--name": "--who NAME",
    "--for": "--who NAME",
    "--cat": "--category CATEGORY",
    "--message": "--note TEXT",
    "--comment": "--note TEXT",
    "--description": "--note TEXT",
    "--duration": "a DURATION argument (e.g. `log sales 1h30m`) or --start/--end",
}


def _suggest_our_word(exc: Any) -> None:
    """An unknown option that is another tool's word for ours: name ours."""
    ours = OPTION_WORDS.get(exc.option_name)
    if ours is None or (ours.startswith("a DURATION") and exc.ctx is not None
                        and exc.ctx.command.name != "log"):  # fmt: skip
        return
    exc.message = f"No such option: {exc.option_name}; use {ours}"
    exc.possibilities = None


def fail(message: str, code: int = 1, details: Sequence[str] = ()) -> typer.Exit:
    """Print the one-line error (`outcome.error_line`) and return the Exit to raise."""
    error_line(message, details)
    return typer.Exit(code)


class SmbalanceGroup(TyperGroup):
    """Translates core errors in one place, and groups commands in `--help`."""

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a reader gone early is a BrokenPipeError here, not at exit
        except typer.Exit as exc:
            if exc.exit_code == 0:
                state().succeeded()
            raise
        except (typer.Abort, KeyboardInterrupt):
            raise
        except NoSuchOption as exc:
            _suggest_our_word(exc)
            raise
        except Exception as exc:
            if type(exc).__module__.startswith("typer."):  # Click's own: usage errors
                raise
            code = exit_code(exc)
            if code is None:
                raise
            raise typer.Exit(code) from None
        else:
            state().succeeded()
            return result
        finally:
            state().close()

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        if ctx.parent is not None:  # sub-groups (people, config, db): plain list
            super().format_commands(ctx, formatter)
            return
        listed = {name for names in SECTIONS.values() for name in names}
        sections = dict(SECTIONS)
        others = tuple(n for n in self.list_commands(ctx) if n not in listed)
        if others:
            sections["Other"] = others
        for title, names in sections.items():
            rows = []
            for name in names:
                cmd = self.get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    summary = SUMMARIES.get(name) or cmd.get_short_help_str(formatter.width - 20)
                    rows.append((name, summary))
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


_root = typer.Typer(
    name="smbalance",
    cls=SmbalanceGroup,
    rich_markup_mode=None,  # plain Click help and errors: fast, and one-line `Error:`s
    pretty_exceptions_enable=False,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="""Is your small business balancing sales and marketing?

Log time as `sales` or `marketing`, then let `smbalance report` show each person's
split and warn when selling crowds out marketing.

\b
Examples:
  smbalance demo                      # a demo team and its report
  smbalance log sales 1h30m           # 1h30m of sales, ending now
  smbalance start marketing           # start a timer; `smbalance stop` saves it
  smbalance report --last-week        # the split and the warnings
  smbalance export --format csv > week.csv
""",
)


def _version(value: bool) -> None:
    if value:
        print(f"smbalance {__version__}")
        raise typer.Exit()


@_root.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer_param(ROOT["db"])] = None,
    config: Annotated[str | None, typer_param(ROOT["config"])] = None,
    tz: Annotated[str | None, typer_param(ROOT["tz"])] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    # By name: Typer vendors its own Click, so its ParameterSource is not click's.
    from_env = {
        name
        for name in ("db", "config", "tz")
        if getattr(ctx.get_parameter_source(name), "name", None) == "ENVIRONMENT"
    }
    set_state(AppState(db=db, config=config, tz=tz, from_env=frozenset(from_env)))
    if ctx.invoked_subcommand is None:
        _orientation()


def _orientation() -> None:
    """What a newcomer sees on a bare `smbalance`: where data lives and how to start."""
    app_state = state()
    try:
        where = app_state.settings.db
    except SmbalanceError as exc:
        raise fail(exc.message) from None
    if where is None:
        from smbalance.config import default_db_path

        path = default_db_path()
        where = f"{path}" + ("" if path.exists() else " (created on first use)")
    print(
        "smbalance: is your business balancing sales and marketing?\n\n"
        f"Your store: {where}\n\n"
        "Start with:\n"
        "  smbalance log sales 1h30m      # record time you just spent selling\n"
        "  smbalance start marketing      # or run a timer; `smbalance stop` saves it\n"
        "  smbalance report               # this week's split and warnings\n\n"
        "Try `smbalance demo` to see a team's report, or `smbalance --help` for every command."
    )


_MODULE_ORDER = (
    "tracking",
    "history",
    "people",
    "team",
    "report",
    "demo",
    "exchange",
    "config_cmd",
    "db",
)
_registered = False


def _full_app() -> typer.Typer:
    """The app with every command registered (help, completion, suggestions, tests)."""
    global _registered
    if not _registered:
        for name in _MODULE_ORDER:
            importlib.import_module(f"smbalance.cli.{name}").register(_root)
        _registered = True
    return _root


def __getattr__(name: str) -> Any:
    if name == "app":  # `from smbalance.cli.app import app`: the whole app
        return _full_app()
    raise AttributeError(name)


def app_for(args: list[str]) -> typer.Typer:
    """`app` with only the command `args` invoke, when that is plain to see.

    Typer builds the Click command of every registered command on every run, reading
    each one's signature and type hints: ~15 ms of a `log` that should feel instant.
    When `args` name a command (after any root options), the other commands cannot be
    reached, so a copy of `app` holding only that command (or group) is returned.
    Anything else (no command, an unknown name, `--help`, `--version`, completion)
    gets the full `app`, so root help, suggestions and errors are unchanged.
    """
    from typer.main import get_command_name

    name = None if os.environ.get("_SMBALANCE_COMPLETE") else command_name(args)
    if name is None:
        return _full_app()
    if name in COMMAND_MODULES and not _registered:
        app = copy.copy(_root)  # register only the module that holds the command
        app.registered_commands, app.registered_groups = [], []
        importlib.import_module(f"smbalance.cli.{COMMAND_MODULES[name]}").register(app)
    else:
        app = _full_app()
    commands = [
        info
        for info in app.registered_commands
        if (info.name or get_command_name(info.callback.__name__)) == name  # type: ignore[union-attr]
    ]
    groups = [info for info in app.registered_groups if info.name == name]
    if not commands and not groups:
        return _full_app()
    lean = copy.copy(app)
    lean.registered_commands = commands
    lean.registered_groups = groups
    return lean


__all__ = ["app_for", "fail", "notice"]  # and `app`, the whole app (module __getattr__)
