"""`smbalance people …`: who logs time, in which seat, on how much commission."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from smbalance.cli.context import state
from smbalance.cli.parameters import NameText
from smbalance.cli.params import (
    NameArg,
    complete_person,
    format_option,
    parse_commission,
    parse_name,
    parse_target,
    role_option,
)
from smbalance.domain import plural
from smbalance.visible import visible

people_app = typer.Typer(
    help="Manage people: their role (sales, marketing or both), commission and target.",
    no_args_is_help=True,
)

RoleOpt = Annotated[str | None, role_option()]
CommissionOpt = Annotated[
    int | None,
    typer.Option(
        "--commission",
        parser=parse_commission,
        metavar="PERCENT",
        show_default=False,
        help="Percent of pay that is commission (0-100).",
    ),
]
TargetOpt = Annotated[
    int | None,
    typer.Option(
        "--target",
        parser=parse_target,
        metavar="PERCENT",
        show_default=False,
        help="Personal minimum marketing share (default: the policy floor).",
    ),
]


@people_app.command("add")
def add(
    name: NameArg,
    role: Annotated[str, role_option()],
    commission: CommissionOpt = None,
    target: TargetOpt = None,
) -> None:
    """Add a person.

    \b
    Examples:
      smbalance people add alice --role both --commission 70 --target 30
      smbalance people add bob --role sales
    """
    person = state().store(create=True).add_person(name, role, commission or 0, target)
    print(f"Added {person.name} ({visible(person.role)}, commission {person.commission}%).")


@people_app.command("set")
def set_(
    ctx: typer.Context,
    name: NameArg,
    role: RoleOpt = None,
    commission: CommissionOpt = None,
    target: TargetOpt = None,
    default_target: Annotated[
        bool, typer.Option("--default-target", help="Go back to the policy floor as target.")
    ] = False,
) -> None:
    """Change a person's role, commission or target.

    \b
    Examples:
      smbalance people set alice --commission 50
      smbalance people set bob --role marketing --default-target
    """
    if target is not None and default_target:
        raise typer.BadParameter(
            "give --target or --default-target, not both", param_hint="'--target'"
        )
    if role is None and commission is None and target is None and not default_target:
        ctx.fail(  # Click's usage error: exit 2, with the usage line
            "nothing to change; give --role, --commission, --target or --default-target "
            "(`smbalance people ls` shows everyone's settings)"
        )
    person = (
        state()
        .store(create=True)
        .set_person(
            name, role=role, commission=commission, target=target, clear_target=default_target
        )
    )
    target_text = f"{person.target}%" if person.target is not None else "the policy floor"
    print(
        f"{visible(person.name)}: {visible(person.role)}, commission {person.commission}%, "
        f"target {target_text}."
    )


@people_app.command("ls")
def ls(fmt: Annotated[str, format_option(("table", "json", "csv"))] = "table") -> None:
    """List people.

    \b
    Examples:
      smbalance people ls
      smbalance people ls --format json
    """
    app = state()
    people = app.store().people()
    if fmt == "json":
        from smbalance.exchange.shape import person_dict

        print(json.dumps([person_dict(p) for p in people], indent=2))
    elif fmt == "csv":
        from smbalance.exchange.shape import write_people_csv

        write_people_csv(people, sys.stdout)
    else:
        from smbalance.render.tables import people_table

        people_table(people, app.settings.policy.floor)


@people_app.command("rename")
def rename(
    old: Annotated[
        NameText,
        typer.Argument(metavar="OLD", parser=parse_name, autocompletion=complete_person),
    ],
    new: Annotated[NameText, typer.Argument(metavar="NEW", parser=parse_name)],
) -> None:
    """Rename a person; their entries follow.

    \b
    Example:
      smbalance people rename bob robert
    """
    if old == new:
        raise typer.BadParameter(f"{old} is already called {new}", param_hint="'NEW'")
    state().store(create=True).rename_person(old, new)
    print(f"Renamed {old} to {new}.")


@people_app.command("rm")
def rm(
    name: NameArg,
    force: Annotated[
        bool, typer.Option("--force", help="Also delete their entries and timer.")
    ] = False,
) -> None:
    """Remove a person (refused while they have entries, unless --force).

    \b
    Examples:
      smbalance people rm carol
      smbalance people rm carol --force
    """
    removed = state().store(create=True).remove_person(name, force=force)
    extra = f" and {plural(removed, 'entry')}" if removed else ""
    print(f"Removed {name}{extra} (`smbalance undo` brings them back).")


def register(app: typer.Typer) -> None:
    app.add_typer(people_app, name="people")
