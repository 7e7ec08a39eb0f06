#!/usr/bin/env python3
"""Write docs/cli-reference.md from the Typer app's own `--help` texts.

The reference is generated, never edited by hand, so it cannot drift from the CLI:
`tests/test_docs.py` runs this script with `--check`, which exits 1 when the file on
disk differs from what the app would produce now.

    python scripts/gen_cli_reference.py          # rewrite docs/cli-reference.md
    python scripts/gen_cli_reference.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "cli-reference.md"
PROG = "smbalance"
WIDTH = 88  # a fixed width, so the output does not depend on the terminal that runs it

HEADER = f"""\
# CLI reference

Every command's `--help`, as the installed `{PROG}` prints it. This page is generated
by `scripts/gen_cli_reference.py` from the application itself (do not edit it by hand;
run the script after changing a command's help, and `tests/test_docs.py` checks it).

Global options (`--db`, `--config`, `--tz`) go **before** the command:
`{PROG} --db team.db report`.
"""


def root_command() -> Any:
    """The Click command behind the Typer app (imported late: the script's --help is fast)."""
    import typer.main

    from smbalance.cli.app import app

    return typer.main.get_command(app)


def is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def walk(command: Any, ctx: Any) -> Iterator[tuple[Any, Any]]:
    """Yield (command, context) for the command and every visible subcommand, depth first,
    in the order `--help` lists them."""
    yield command, ctx
    if not is_group(command):
        return
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        yield from walk(sub, make_context(sub, name, ctx))


def make_context(command: Any, name: str, parent: Any | None) -> Any:
    # resilient_parsing: build the context without running callbacks or checking args.
    return command.make_context(
        name,
        [],
        parent=parent,
        resilient_parsing=True,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
    )


def section(command: Any, ctx: Any) -> str:
    path = ctx.command_path
    depth = path.count(" ")  # smbalance = 0, smbalance log = 1, smbalance people add = 2
    heading = "###" if depth >= 2 else "##"  # subcommands nest under their group
    title = f"`{path}`" if depth else f"`{PROG}` (global options and command list)"
    help_text = command.get_help(ctx).rstrip()
    return f"{heading} {title}\n\n```text\n{help_text}\n```\n"


def render() -> str:
    root = root_command()
    parts = [HEADER]
    for command, ctx in walk(root, make_context(root, PROG, None)):
        parts.append(section(command, ctx))
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--output", type=Path, default=REFERENCE, help="where to write")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(
                f"{args.output} is out of date; run: python scripts/gen_cli_reference.py",
                file=sys.stderr,
            )
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
