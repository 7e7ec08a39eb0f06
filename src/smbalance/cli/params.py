"""Shared argument types: every command checks names, categories, times and durations
the same way, while parsing, so a bad value is a usage error (exit 2) before anything
is opened.  Also the shell-completion callbacks.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from smbalance import domain
from smbalance.cli import parameters
from smbalance.cli.context import state
from smbalance.cli.parameters import NameText, Param, UsageError

if TYPE_CHECKING:
    from smbalance.periods import Period


def _list_shown_as_repeats() -> None:
    """Typer shows a repeatable argument's type as ``<list[id]>``; show ``<id>...``,
    what a person types."""
    from typer.core import TyperArgument

    shown = TyperArgument.display_type_rich

    def display(self: TyperArgument, ctx: Any) -> str | None:
        label = shown(self, ctx)
        if label and label.startswith("<list[") and label.endswith("]>"):
            return f"<{label[6:-2]}>..."
        return label

    TyperArgument.display_type_rich = display  # type: ignore[method-assign]


_list_shown_as_repeats()


def _coercion_without_pydantic() -> None:
    """Coerce what our parameters need without Pydantic (its import costs ~0.1 s).

    Typer 0.29 checks each value with a Pydantic TypeAdapter built for its annotation.
    Our values are already checked: a parameter with a `parser` gets what the parser
    returns (our parsers raise Click's usage errors themselves), and a plain `str` is a
    string, and a flag is a bool.  Those cases are handled here, as Typer's adapters would; any
    other annotation (a number with min/max, a path, a choice) still goes to Typer's
    own coercion, unchanged.  (`typer` has an upper bound in pyproject.toml for this.)
    """
    import types
    import typing

    from typer import _coercion, core

    build = core.build_runtime_param

    @dataclass(frozen=True)
    class Plain(_coercion.RuntimeParam):
        parse: Callable[[Any], Any]
        many: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.many:
                items = value if isinstance(value, (list, tuple)) else [value]
                return [self.parse(item) for item in items]
            return self.parse(value)

    @dataclass(frozen=True)
    class Flag(_coercion.RuntimeParam):
        descriptor: Any

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, bool):  # a flag's value: nothing to check
                return value
            return build(self.descriptor)._coerce_value(value, param, ctx)

    def plain(descriptor: Any) -> Any:
        annotation, info = descriptor.annotation, descriptor.parameter_info
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
        many = typing.get_origin(annotation) is list
        if many:
            (annotation,) = typing.get_args(annotation)
        if descriptor.file_annotation is None and info.parser is not None:
            return Plain(info, descriptor.annotation, info.parser, many)
        if annotation is bool and not many:
            return Flag(info, descriptor.annotation, descriptor)
        if descriptor.file_annotation is None and annotation is str and not many:
            return Plain(info, descriptor.annotation, str, many)
        return build(descriptor)

    core.build_runtime_param = plain


_coercion_without_pydantic()


def checked(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """Turn a core parser's ValueError into Click's "Invalid value" usage error."""

    def parser(value: Any) -> Any:
        if value is None or not isinstance(value, str):
            return value
        try:
            return parse(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None

    parser.__name__ = getattr(parse, "__name__", "parser")
    return parser


parse_duration = checked(parameters.duration)
parse_when = checked(parameters.when)
parse_when_end = checked(parameters.when_end)
parse_category = checked(domain.parse_category)
parse_entry_id = checked(domain.parse_entry_id)
parse_role = checked(domain.parse_role)
parse_name = checked(domain.parse_name)
parse_tag = checked(domain.parse_tag)
parse_login = checked(domain.parse_login)
parse_group_prefix = checked(domain.parse_group_prefix)


def parse_count(low: int, high: int | None = None) -> Callable[[str], Any]:
    """A checked whole number from `low` to `high`, for --limit and --trend-weeks."""
    return checked(lambda text: domain.parse_count(text, low, high))


parse_commission = checked(lambda v: domain.parse_percent(v, "commission"))
parse_target = checked(lambda v: domain.parse_percent(v, "target"))


# ---- completion ---------------------------------------------------------------------


def complete_category(incomplete: str) -> list[str]:
    return [c for c in domain.CATEGORIES if c.startswith(incomplete.lower())]


def complete_role(incomplete: str) -> list[str]:
    return [r for r in domain.ROLES if r.startswith(incomplete.lower())]


def complete_person(ctx: typer.Context, incomplete: str) -> list[str]:
    """Names from the store; quiet (no names) if the store cannot be read."""
    try:
        _use_global_options(ctx)
        names = _people_names()
    except Exception:  # completion must never print an error into the shell
        return []
    return [n for n in names if n.startswith(incomplete.lower())]


# A person's handle as a command's NAME argument (`people …`, `team …`).
NameArg = Annotated[
    NameText,
    typer.Argument(
        metavar="NAME",
        parser=parse_name,
        autocompletion=complete_person,
        help="The person's handle, e.g. alice.",
    ),
]


def _use_global_options(ctx: typer.Context) -> None:
    """Completion never runs the root callback, so take `--db`/`--config`/`--tz` (or their
    environment variables) from the parsed command line: `smbalance --db team.db report
    --who <Tab>` completes from team.db."""
    from smbalance.cli.context import AppState, set_state

    given = ctx.find_root().params
    set_state(AppState(db=given.get("db"), config=given.get("config"), tz=given.get("tz")))


def _people_names() -> list[str]:
    """A SQLite store is read with plain sqlite3, read-only: completion runs on every
    <Tab>, so it must not pay for SQLAlchemy, nor create or migrate a store."""
    target = state().settings.db
    if target is None:
        from smbalance.config import default_db_path

        path = default_db_path()
    elif "://" not in target:
        path = Path(target).expanduser()
    elif target.startswith("sqlite:///"):
        path = Path(target.removeprefix("sqlite:///"))
    else:  # PostgreSQL: only the store knows how to connect
        return [p.name for p in state().store().people()]
    if not path.is_file():
        return []
    import sqlite3

    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        return [name for (name,) in db.execute("SELECT name FROM person ORDER BY name")]


# ---- Typer's parameters from the shared declarations (cli/parameters.py) -------------


def _completer(complete: str | tuple[str, ...]) -> Callable[..., list[str]]:
    if isinstance(complete, tuple):
        return lambda incomplete: [c for c in complete if c.startswith(incomplete)]
    return {"person": complete_person, "category": complete_category, "role": complete_role}[
        complete
    ]


def typer_param(param: Param) -> Any:
    """The `typer.Option` (or `typer.Argument`) a `Param` declares."""
    settings = dict(param.extra)
    if param.parse is not None:
        settings["parser"] = checked(param.parse)
    if param.complete is not None:
        settings["autocompletion"] = _completer(param.complete)
    if param.decls:
        return typer.Option(*param.decls, **settings)
    return typer.Argument(**settings)


def typer_command(command: Callable[..., Any]) -> Callable[..., Any]:
    """Typer's view of a command whose signature carries `Param`s (cli/tracking.py):
    each becomes Typer's Option or Argument, and a `UsageError` the command raises
    becomes Click's usage error for the option it names (exit 2, with the usage line)."""
    hints = typing.get_type_hints(command, include_extras=True)
    signature = inspect.signature(command)
    params = [
        p.replace(annotation=_typer_annotation(hints[p.name]))
        for p in signature.parameters.values()
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            raise typer.BadParameter(exc.message, param_hint=exc.hint) from None

    return _with_signature(wrapper, signature.replace(parameters=params))


def _with_signature(wrapper: Callable[..., Any], signature: inspect.Signature) -> Any:
    """`wrapper` (made with functools.wraps) as Typer should read it: with `signature`,
    not the wrapped command's."""
    del wrapper.__wrapped__  # type: ignore[attr-defined]
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return wrapper


def _typer_annotation(hint: Any) -> Any:
    if typing.get_origin(hint) is not Annotated:
        return hint
    base, *metadata = typing.get_args(hint)
    return Annotated[(base, *(typer_param(m) if isinstance(m, Param) else m for m in metadata))]


CategoryOpt = Annotated[str | None, typer_param(parameters.CATEGORY_OPTION)]
StartOpt = Annotated[int | None, typer_param(parameters.START)]
EndOpt = Annotated[int | None, typer_param(parameters.END)]
LongOpt = Annotated[bool, typer_param(parameters.LONG)]


def who_option(help: str) -> Any:
    """`--who NAME`: a checked person name, completed from the store."""
    return typer_param(parameters.who_option(help))


def role_option() -> Any:
    """`--role ROLE`: sales, marketing or both (or a prefix)."""
    return typer.Option(
        "--role",
        "-r",
        metavar="ROLE",
        parser=parse_role,
        autocompletion=complete_role,
        help="sales, marketing or both.",
        show_default=False,
    )


Who = Annotated[str | None, typer_param(parameters.WHO)]
WhoMany = Annotated[list[str] | None, typer_param(parameters.WHO_MANY)]
Note = Annotated[str | None, typer_param(parameters.NOTE)]


def tag_option(help: str) -> Any:
    """`--tag TAG`, repeatable: a checked tag."""
    return typer_param(parameters.tag_option(help))


FromOpt = Annotated[
    int | None,
    typer.Option(
        "--from",
        parser=parse_when,
        metavar="WHEN",
        help="Start of the period (a date means its midnight; alone: to the end of today).",
        show_default=False,
        rich_help_panel="Period",
    ),
]
ToOpt = Annotated[
    int | None,
    typer.Option(
        "--to",
        parser=parse_when_end,
        metavar="WHEN",
        help="End of the period (a date alone means the END of that day; alone: from the "
        "first entry).",
        show_default=False,
        rich_help_panel="Period",
    ),
]


def _period_label(text: str) -> str:
    from smbalance.periods import parse_period_label

    parse_period_label(text, state().timezone)  # checked now: a bad label is exit 2
    return text.strip()


PeriodLabelOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        parser=checked(_period_label),
        metavar="LABEL",
        help="A period by name: 2026-W47 (ISO week), 2026-11, 2026-Q4, 2026, 2026-11-27.",
        show_default=False,
        rich_help_panel="Period",
    ),
]

_PERIOD_HELP = {
    "week": "The current week.",
    "last_week": "The whole week before this one.",
    "month": "The current calendar month.",
    "last_month": "The previous calendar month.",
    "quarter": "The current calendar quarter.",
    "last_quarter": "The previous calendar quarter.",
    "year": "The current calendar year.",
    "last_year": "The previous calendar year.",
    "all": "From the first entry to the end of today.",
}


@dataclass(frozen=True)
class PeriodChoice:
    """The PERIOD options as given: one of `periods.PERIOD_CHOICES`, ``period`` (a
    label) or ``range`` (--from/--to, epoch seconds)."""

    choice: str
    label: str | None = None
    start: int | None = None
    end: int | None = None

    def resolve(self, people: Sequence[str] = ()) -> tuple[Period, str]:
        """The period, and how a warning says it; `--all` and a one-sided range ask the
        store for the first and last entry of ``people``."""
        from smbalance.periods import choose_period

        app = state()
        try:
            return choose_period(
                self.choice,
                now=app.now,
                tz=app.timezone,
                week_start=app.settings.week_start,
                label=self.label,
                start=self.start,
                end=self.end,
                time_span=lambda: app.store().time_span(list(people)),
            )
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--from'/'--to'") from None


def period_options(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command the PERIOD options every command shares (spec, *Periods*).

    `--week`, `--last-week`, `--month`, `--last-month`, `--quarter`, `--last-quarter`,
    `--year`, `--last-year`, `--all`, `--from`/`--to` and `--period LABEL` are added to
    the command's parameters; the command receives them as one `PeriodChoice` in its
    ``period`` parameter (``default`` when none is given).  More than one is a usage
    error.  Declared once here, so `report`, `entries` and `export` cannot drift apart.
    """
    from smbalance.periods import PERIOD_CHOICES

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(command, eval_str=True)
        kept = [p for p in signature.parameters.values() if p.name != "period"]
        added: dict[str, Any] = {}
        for name, (flag, _) in PERIOD_CHOICES.items():
            help_text = (
                _PERIOD_HELP[name].replace(".", " (the default).")
                if name == default
                else _PERIOD_HELP[name]
            )
            added[f"period_{name}"] = Annotated[
                bool,
                typer.Option(flag, help=help_text, show_default=False, rich_help_panel="Period"),
            ]
        added["period_label"] = PeriodLabelOpt
        added["period_from"] = FromOpt
        added["period_to"] = ToOpt
        extra = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=False if name.removeprefix("period_") in PERIOD_CHOICES else None,
                annotation=annotation,
            )
            for name, annotation in added.items()
        ]
        params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in kept] + extra

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            given = {name: kwargs.pop(name) for name in added}
            chosen = [flag for name, (flag, _) in PERIOD_CHOICES.items() if given[f"period_{name}"]]
            if given["period_label"] is not None:
                chosen.append("--period")
            if given["period_from"] is not None or given["period_to"] is not None:
                chosen.append("--from/--to")
            if len(chosen) > 1:
                raise typer.BadParameter(
                    f"choose one period, not {' and '.join(chosen)}", param_hint="'PERIOD'"
                )
            if given["period_label"] is not None:
                choice = PeriodChoice("period", label=given["period_label"])
            elif chosen == ["--from/--to"]:
                choice = PeriodChoice("range", start=given["period_from"], end=given["period_to"])
            else:
                flag = chosen[0] if chosen else PERIOD_CHOICES[default][0]
                name = next(n for n, (f, _) in PERIOD_CHOICES.items() if f == flag)
                choice = PeriodChoice(name)
            return command(**kwargs, period=choice)

        return _with_signature(wrapper, signature.replace(parameters=params))

    return decorate


def format_option(choices: tuple[str, ...]) -> Any:
    """`--format`, one of ``choices`` (any case)."""
    return typer_param(parameters.format_option(choices))
