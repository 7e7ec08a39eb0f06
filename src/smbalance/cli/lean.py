"""The commands typed all day, run without Typer or Click.

`log`, `start`, `stop`, `status`, `cancel` and `undo` are run many times a day, and
importing Typer (with the Click it carries) costs more than everything they do on a
current SQLite store.  Their parameters are `cli/parameters.py` declarations in their
signatures, the same objects Typer is given (`params.typer_command`), so this module
reads a command line with them directly.

It accepts only plain command lines: the global options `--db`/`--config`/`--tz`
(``--db X`` or ``--db=X``, or their environment variables), then the command, its
arguments, and its options as ``--name VALUE``, ``--name=VALUE``, ``-n VALUE``,
``-nVALUE`` or a lone flag, in any order.  Anything else — help, completion, an unknown
or misplaced option, ``--``, clustered short flags, a missing or bad value, a
`UsageError` from the command — is declined, and the Typer app runs the command line
from the start, so every usage error still comes from Click with its usage line.
`tests/test_lean_path.py` runs random command lines both ways and compares.
"""

from __future__ import annotations

import os
import sys
import typing
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from smbalance.cli.parameters import ROOT, Param, UsageError

# Root options by their name on the command line: {"--db": "db", …}.
_ROOT_DECLS = {decl: name for name, param in ROOT.items() for decl in param.decls}


class _Decline(Exception):
    """The command line is not one this module runs: the Typer app takes it."""


_REQUIRED = object()  # the default of a parameter that has none


def run(args: list[str]) -> int | None:
    """Run `args` and return the exit code, or None when the Typer app must run them."""
    from smbalance.cli import COMMAND_MODULES

    split = split_root(args)
    if split is None or os.environ.get("_SMBALANCE_COMPLETE"):
        return None
    given, name, rest = split
    if COMMAND_MODULES.get(name) != "tracking":
        return None
    from smbalance.cli import tracking
    from smbalance.cli.context import AppState, set_state

    command = next(c for c in tracking.COMMANDS if c.__name__ == name)
    try:
        set_state(AppState(**_root_values(given)))
        kwargs = parse(command, rest)
    except Exception:  # whatever it is, the Typer app says it properly
        return None
    return _call(command, kwargs)


def command_name(args: list[str]) -> str | None:
    """The command `args` name after any global options, if that is plain to see."""
    split = split_root(args)
    return split[1] if split else None


def split_root(args: list[str]) -> tuple[dict[str, str], str, list[str]] | None:
    """(the global options given, by name; the command; its arguments), or None."""
    given: dict[str, str] = {}
    position = 0
    while position < len(args):
        arg = args[position]
        decl, eq, value = arg.partition("=")
        if decl in _ROOT_DECLS:
            if not eq:
                if position + 1 == len(args):
                    return None
                position += 1
                value = args[position]
            given[_ROOT_DECLS[decl]] = value
            position += 1
        elif arg.startswith("-"):
            return None  # --help, --version, or something the Typer app should judge
        else:
            return given, arg, args[position + 1 :]
    return None


def _root_values(given: dict[str, str]) -> dict[str, Any]:
    """The global options as the root callback gets them: a flag, else its variable."""
    values: dict[str, Any] = {}
    from_env = set()
    for name, param in ROOT.items():
        value = given.get(name)
        if value is None:
            value = os.environ.get(param.extra["envvar"]) or None  # Click ignores ""
            if value is not None:
                from_env.add(name)
        values[name] = _convert(param, value)
    return {**values, "from_env": frozenset(from_env)}


class _Slot(NamedTuple):
    """A parameter of a command, as the command line fills it."""

    name: str
    param: Param
    flag: bool  # a bool option: present or not
    many: bool  # a list: the option repeats
    default: Any


def _slots(command: Callable[..., Any]) -> list[_Slot]:
    hints = typing.get_type_hints(command, include_extras=True)
    code = command.__code__
    names = code.co_varnames[: code.co_argcount]
    defaults = command.__defaults__ or ()
    first_default = len(names) - len(defaults)
    slots = []
    for index, name in enumerate(names):
        base, param = typing.get_args(hints[name])[:2]
        kinds = [t for t in typing.get_args(base) if t is not type(None)] or [base]
        slots.append(
            _Slot(
                name,
                param,
                flag=base is bool,
                many=typing.get_origin(kinds[0]) is list,
                default=defaults[index - first_default] if index >= first_default else _REQUIRED,
            )
        )
    return slots


def parse(command: Callable[..., Any], tokens: list[str]) -> dict[str, Any]:
    """The keyword arguments `command` gets for `tokens`, as Click and Typer would pass
    them; `_Decline` (or the parser's error) for anything this module does not run."""
    slots = _slots(command)
    by_decl = {decl: slot for slot in slots for decl in slot.param.decls}
    arguments = [slot for slot in slots if not slot.param.decls]
    raw: dict[str, Any] = {}
    positional = []
    stream = iter(tokens)
    for token in stream:
        if token.startswith("-") and token != "-":
            slot, value = _option(token, by_decl, stream)
            if slot.many:
                raw.setdefault(slot.name, []).append(value)
            else:
                raw[slot.name] = value  # given twice: the last one counts, as in Click
        else:
            positional.append(token)
    if len(positional) > len(arguments):
        raise _Decline  # Click: "Got unexpected extra argument"
    raw.update((slot.name, value) for slot, value in zip(arguments, positional, strict=False))
    kwargs = {}
    for slot in slots:
        if slot.name in raw:
            value = raw[slot.name]
            if slot.flag:
                kwargs[slot.name] = value
            elif slot.many:
                kwargs[slot.name] = [_convert(slot.param, v) for v in value]
            else:
                kwargs[slot.name] = _convert(slot.param, value)
        elif slot.default is _REQUIRED:
            raise _Decline  # a required argument is missing
        else:  # Click runs a text default through the parser too
            kwargs[slot.name] = _convert(slot.param, slot.default)
    return kwargs


def _option(token: str, by_decl: dict[str, _Slot], stream: Iterator[str]) -> tuple[_Slot, Any]:
    """The option `token` names and its value (True for a flag), reading the next token
    when the value is not in this one."""
    if token.startswith("--"):
        decl, eq, value = token.partition("=")
        slot = by_decl.get(decl)
        if slot is None or (slot.flag and eq):
            raise _Decline
        inline = value if eq else None
    else:  # -n VALUE or -nVALUE; a cluster of flags (-qx) is left to Click
        slot = by_decl.get(token[:2])
        if slot is None or (slot.flag and len(token) > 2):
            raise _Decline
        inline = token[2:] or None
    if slot.flag:
        return slot, True
    if inline is None:
        inline = next(stream, None)
        if inline is None:
            raise _Decline  # Click: "Option '--at' requires an argument"
    return slot, inline


def _convert(param: Param, value: Any) -> Any:
    if isinstance(value, str) and param.parse is not None:
        return param.parse(value)
    return value


def _call(command: Callable[..., Any], kwargs: dict[str, Any]) -> int | None:
    """Run the command; its exit code, with failures said as the Typer app says them."""
    from smbalance.cli.context import state
    from smbalance.cli.outcome import exit_code

    try:
        command(**kwargs)
        sys.stdout.flush()  # a reader gone early is a BrokenPipeError here, not at exit
    except UsageError:
        return None  # raised before anything was read or changed: Typer reports it
    except KeyboardInterrupt:
        print("\nAborted!", file=sys.stderr)  # as Click says it
        return 1
    except Exception as exc:
        code = exit_code(exc)
        if code is None:
            raise
        return code
    else:
        state().succeeded()
        return 0
    finally:
        state().close()
