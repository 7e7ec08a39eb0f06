"""Command-line parameters declared once, without Typer.

A `Param` says what `typer.Option` or `typer.Argument` would: the names, the parser,
the help.  The commands typed all day (`cli/tracking.py`) and the global options carry
them in their signatures (``who: Annotated[str | None, WHO] = None``); from the same
objects `cli/params.py` builds Typer's own parameters (for help, completion and every
usage error) and `cli/lean.py` parses a plain command line without importing Typer or
Click at all.  So an option is spelled, checked and explained in one place.

A parser here takes the text as typed and returns the value, or raises `ValueError`
saying what is wrong (Typer's side turns that into Click's "Invalid value" usage error,
exit 2).  A check that needs several values (DURATION and --end disagree) raises
`UsageError` from the command itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from smbalance import domain
from smbalance.cli.context import state


class Param(NamedTuple):
    """One option (``decls``: its names) or argument (no ``decls``) of a command."""

    decls: tuple[str, ...]
    parse: Callable[[str], Any] | None = None
    # Shell completion: "person", "category" or "role" (the completers need Typer's
    # context, so `cli/params.py` holds them), or the choices themselves.
    complete: str | tuple[str, ...] | None = None
    # Everything else typer.Option/typer.Argument takes (help, metavar, envvar, …).
    extra: dict[str, Any] = {}  # noqa: RUF012 (never mutated: a NamedTuple field default)


def option(
    *decls: str,
    parse: Callable[[str], Any] | None = None,
    complete: str | tuple[str, ...] | None = None,
    **extra: Any,
) -> Param:
    return Param(decls, parse, complete, extra)


def argument(
    *, parse: Callable[[str], Any] | None = None, complete: str | None = None, **extra: Any
) -> Param:
    return Param((), parse, complete, extra)


class UsageError(Exception):
    """A command line whose values, taken together, make no sense (exit 2, Click's
    usage error naming ``hint``, e.g. ``'--end'``).

    Raised only before anything is read or changed: `cli/lean.py` then hands the whole
    command line to Typer, which runs the command again and reports it with the usage
    line, as for any other usage error."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def shown_as(label: str) -> type:
    """A marker type whose name Typer prints after an argument in `--help`.

    Typer 0.29 shows an argument's Python type there (``DURATION <int>``), which
    invites `log sales 90`; these make it show what a person types instead
    (``DURATION <90m|1h30m|1:30>``).  The parsers still decide what is accepted, so an
    argument of such a type needs a ``parse`` (``str`` will do).
    """
    return type(label, (str,), {})


CategoryText = shown_as("sales|marketing")
DurationText = shown_as("90m|1h30m|1:30")
NameText = shown_as("name")
IdText = shown_as("id")


# ---- parsers that need the command's clock or zone --------------------------------


def duration(text: str) -> int:
    from smbalance.timeparse import parse_duration

    return parse_duration(text)


def when(text: str, *, end_of_day: bool = False) -> int:
    """An instant (epoch seconds) as typed: 14:00, yesterday 09:30, -2h, in --tz."""
    from smbalance.timeparse import parse_when, to_epoch

    app = state()
    return to_epoch(parse_when(text, tz=app.timezone, now=app.now, end_of_day=end_of_day))


def when_end(text: str) -> int:
    return when(text, end_of_day=True)


def db_url(value: str) -> str:
    """A malformed database URL (a port that is not a number, an unclosed IPv6
    bracket) is a usage error naming the bad part, before any driver is loaded."""
    from smbalance.config import validate_value

    return validate_value("db", value)


def timezone(value: str) -> str:
    """An unknown zone is a usage error, like any bad value on the command line."""
    from smbalance.config import check_timezone

    return check_timezone(value)


def choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        lowered = value.lower()
        if lowered not in choices:
            raise ValueError(f"{value!r} is not a format; use one of: {', '.join(choices)}")
        return lowered

    return check


# ---- the declarations ----------------------------------------------------------------

# The global options, before the command: `smbalance --db team.db log sales 1h`.
ROOT = {
    "db": option(
        "--db",
        envvar="SMBALANCE_DB",
        metavar="PATH|URL",
        parse=db_url,
        show_envvar=True,
        help="The store: a SQLite file or an SQLAlchemy URL (postgresql+psycopg://…).",
    ),
    "config": option(
        "--config",
        envvar="SMBALANCE_CONFIG",
        metavar="PATH",
        show_envvar=True,
        help="The config file (default: your config dir/config.toml).",
    ),
    "tz": option(
        "--tz",
        envvar="SMBALANCE_TZ",
        metavar="ZONE",
        parse=timezone,
        show_envvar=True,
        help="Time zone for reading and showing times, e.g. Europe/London.",
    ),
}

CATEGORY = argument(
    metavar="CATEGORY",
    parse=domain.parse_category,
    complete="category",
    help="sales or marketing (any case, a prefix: s, m, or mktg).",
    show_default=False,
)
CATEGORY_OPTION = option(
    "--category",
    "-c",
    metavar="CATEGORY",
    parse=domain.parse_category,
    complete="category",
    help="sales or marketing.",
    show_default=False,
)
DURATION = argument(
    metavar="DURATION",
    parse=duration,
    show_default=False,
    help="How long: 90m, 1h30m, 1.5h, 1:30, 45s.",
)
START = option(
    "--start",
    "-s",
    parse=when,
    metavar="WHEN",
    show_default=False,
    help="When it started: 14:00, yesterday 09:30, mon 09:00, 2026-11-27 14:00, -2h.",
)
END = option(
    "--end",
    "-e",
    parse=when,
    metavar="WHEN",
    show_default=False,
    help="When it ended (same forms as --start).",
)
AT = option(
    "--at",
    parse=when,
    metavar="WHEN",
    show_default=False,
    help="Use this time instead of now.",
)
LONG = option("--long", help="Accept an entry longer than max_entry_hours (config, default 12).")


def who_option(help: str) -> Param:
    """`--who NAME`: a checked person name, completed from the store."""
    return option(
        "--who",
        "-w",
        metavar="NAME",
        parse=domain.parse_name,
        complete="person",
        help=help,
        show_default=False,
    )


WHO = who_option("The person (default: config default_person, else your login name).")
WHO_MANY = who_option("Only these people (repeatable).")


# A note is a reminder, not a document: a cap keeps a pasted file or a runaway script
# from bloating every listing and export (import files hit the CSV field limit, 128 KiB).
def note_option(help: str = "Free text.") -> Param:
    return option(
        "--note", "-n", parse=domain.check_note, metavar="TEXT", help=help, show_default=False
    )


NOTE = note_option()


def tag_option(help: str) -> Param:
    """`--tag TAG`, repeatable: a checked tag."""
    return option(
        "--tag", "-t", metavar="TAG", parse=domain.parse_tag, help=help, show_default=False
    )


TAGS = tag_option("A tag (repeatable): letters, digits, _.:-")


def format_option(choices: tuple[str, ...]) -> Param:
    """`--format`, one of ``choices`` (any case); the first is the default."""
    return option(
        "--format",
        "-f",
        parse=choice(choices),
        complete=choices,
        metavar="|".join(choices),
        help=f"Output format: {', '.join(choices)}.",
        show_default=True,
    )
