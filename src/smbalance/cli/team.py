"""`smbalance team …`: a PostgreSQL store where each member writes only their own time.

The rules live in the database (row-level security, see `store/team.py`); these
commands set them up and link people to login roles.  A password is read from stdin
(`--password-stdin`) or a hidden prompt, never from the command line, and is never
printed.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from smbalance.cli.context import notice, state
from smbalance.cli.params import (
    NameArg,
    format_option,
    parse_group_prefix,
    parse_login,
)
from smbalance.errors import SmbalanceError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL as URLType

team_app = typer.Typer(
    help="A team store on PostgreSQL: each member writes only their own time.",
    no_args_is_help=True,
)


@team_app.command("init", short_help="Make this PostgreSQL store a team store (once).")
def init(
    prefix: Annotated[
        str,
        typer.Option(
            "--prefix",
            metavar="NAME",
            parser=parse_group_prefix,
            help="Name the group roles NAME_owner and NAME_member (give each smbalance "
            "database on one server its own).",
        ),
    ] = "smbalance",
) -> None:
    """Make this PostgreSQL store a team store (once, as its owner; safe to repeat).

    Creates the group roles smbalance_owner and smbalance_member, makes you an owner,
    gives the tables to the owner group and turns on row-level security: members read
    everything and write only their own entries and timer, even in psql.  Run it as a
    role that may create roles and owns the database (see docs/team.md).

    \b
    Example:
      smbalance team init
    """
    done = state().store().team_init(prefix)
    groups = done.groups
    created = (
        f"created the group roles {' and '.join(done.created_roles)}; "
        if done.created_roles
        else ""
    )
    verb = "is now a team store" if done.first_time else "was already a team store; checked"
    print(
        f"{state().store().where} {verb}: {created}tables owned by {groups.owner}, "
        f"row-level security on. Add people with: smbalance team add NAME"
    )


@team_app.command("add", short_help="Link a person to a login role; make it a member.")
def add(
    name: NameArg,
    login: Annotated[
        str | None,
        typer.Option(
            "--login",
            metavar="ROLE",
            parser=parse_login,
            show_default=False,
            help="The PostgreSQL login role NAME connects as (default: NAME); created "
            "when missing.",
        ),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read a new role's password from the first line of stdin (else you are "
            "asked; never give it on the command line).",
        ),
    ] = False,
    owner: Annotated[
        bool, typer.Option("--owner", help="Make them an owner too (may do everything).")
    ] = False,
) -> None:
    """Link person NAME to a login role and make it a member (owner only).

    Creates the person (role both) and the login role when missing; a new role's
    password comes from --password-stdin or a hidden prompt.

    \b
    Examples:
      smbalance team add alice
      printf '%s\\n' "$PASSWORD" | smbalance team add bob --login bob.smith --password-stdin
    """
    store = state().store()
    login = login or name
    password = None
    if store.team_needs_password(login):
        password = _read_password(login, from_stdin=password_stdin)
    added = store.team_add(name, login, password=password, owner=owner)
    if added.created_person:
        notice(f"Created person {name} (role both); set their seat with `smbalance people set`.")
    if added.created_role:
        notice(f"Created login role {login} with the password given (it is not shown).")
    standing = "an owner" if added.owner else "a member: they write only their own time"
    print(f"Linked {name} to login {login}; {login} is {standing}.")
    assert store.url is not None  # a team store is PostgreSQL, opened through SQLAlchemy
    notice(f"On {name}'s machine: smbalance config set db '{member_url(store.url, login)}'")


def member_url(url: URLType, login: str) -> str:
    """The store's URL for the member `login`: their user name, and no password of the
    owner's, neither in the user info nor in a `password` query parameter."""
    from sqlalchemy.engine import URL

    query = {k: v for k, v in url.query.items() if "password" not in k.lower()}
    # URL.create, not url.set: set(password=None) keeps the password (None means "as is").
    member = URL.create(url.drivername, login, None, url.host, url.port, url.database, query)
    return member.render_as_string(hide_password=False)


def _read_password(login: str, *, from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise SmbalanceError(
                f"role {login!r} does not exist yet and stdin held no password for it; "
                "give one line with the password"
            )
        return password
    import click

    try:
        password = typer.prompt(
            f"Password for the new login role {login}",
            hide_input=True,
            confirmation_prompt=True,
            err=True,
        )
    except click.exceptions.Abort:
        raise SmbalanceError(
            f"role {login!r} does not exist yet and needs a password; run on a terminal "
            "to be asked, or pipe it with --password-stdin"
        ) from None
    if not password:
        raise SmbalanceError(f"role {login!r} needs a password that is not empty")
    return password


@team_app.command("ls", short_help="People, their login roles, owner or member.")
def ls(fmt: Annotated[str, format_option(("table", "json"))] = "table") -> None:
    """List people with their login role, and whether each is an owner or a member.

    \b
    Example:
      smbalance team ls
    """
    members = state().store().team()
    if fmt == "json":
        rows = [{"person": m.person, "login": m.login, "standing": m.standing} for m in members]
        print(json.dumps(rows, indent=2))
        return
    from smbalance.render.tables import team_table

    team_table(members)


@team_app.command("remove", short_help="Unlink a person from their login; out of the team.")
def remove(name: NameArg) -> None:
    """Unlink NAME from their login role and take it out of the team (owner only).

    Their entries stay, and so does the login role (drop it in psql if it is no longer
    needed); they can no longer write.

    \b
    Example:
      smbalance team remove bob
    """
    login = state().store().team_remove(name)
    print(
        f"Unlinked {name} from login {login}, which is no longer a member (the role "
        f"itself stays: DROP ROLE in psql removes it). {name}'s entries stay."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(team_app, name="team")
