"""The team store: on PostgreSQL, each member writes only their own time.

`team_init` makes the database itself enforce who may write what, so it holds even
for someone who connects with psql:

- two group roles, PREFIX_owner and PREFIX_member (default `smbalance_owner` and
  `smbalance_member`); the one who runs it joins the owner group;
- every table belongs to the owner group, so whichever owner migrates next, and every
  member, finds one store (not tables that belong to whoever created them);
- members get SELECT on everything and only the writes they need (column-level for
  `person` and `change`), and row-level security, forced even on the owner group,
  limits those writes to rows of their own: their person's entries and timer
  (`person.login = CURRENT_USER`) and their own journal rows (`change.actor =
  CURRENT_USER`).  Owners may do everything; only they delete from the journal.

`team_add` links a person to a login role (created when missing, with a password
hashed client-side, so no plaintext reaches the server's logs or its activity view)
and grants it the member group.  A store without a `team` row behaves as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from smbalance.errors import Conflict, NotFound, Refused, StoreError
from smbalance.store.base import StoreBase
from smbalance.store.sql import Conn, in_list

DEFAULT_PREFIX = "smbalance"
# The tables row-level security guards, and every table the store has.
GUARDED = ("person", "entry", "timer", "change", "change_row")
TABLES = (*GUARDED, "team", "alembic_version")
# Columns whose id comes from a sequence a member's writes draw on.
MEMBER_SEQUENCES = (("entry", "id"), ("change", "id"), ("change_row", "id"))


class TeamGroups(NamedTuple):
    owner: str
    member: str

    @classmethod
    def named(cls, prefix: str) -> TeamGroups:
        return cls(f"{prefix}_owner", f"{prefix}_member")


class TeamInitDone(NamedTuple):
    groups: TeamGroups
    created_roles: tuple[str, ...]
    first_time: bool


class TeamAdded(NamedTuple):
    person: str
    login: str
    created_role: bool
    created_person: bool
    owner: bool


class TeamMember(NamedTuple):
    """One row of `team ls`: a person and their login, or an owner with no person."""

    person: str | None
    login: str | None
    standing: str  # owner, member, no role (the login role is gone), not linked, outside


class JournalEntry(NamedTuple):
    id: int
    at_utc: int
    actor: str
    command: str
    summary: str
    undone: bool


def quote_ident(name: str) -> str:
    """An identifier for SQL text: always double-quoted (names are validated too)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _policies(groups: TeamGroups) -> dict[str, list[tuple[str, str, str | None, str | None]]]:
    """(name, command, USING, WITH CHECK) of every policy, by table."""
    owner = f"pg_has_role(current_user, {quote_literal(groups.owner)}, 'MEMBER')"
    own_person = "EXISTS (SELECT 1 FROM person p WHERE p.id = person_id AND p.login = current_user)"
    own_change = "EXISTS (SELECT 1 FROM change c WHERE c.id = change_id AND c.actor = current_user)"
    mine = f"({owner} OR {own_person})"

    def rows_of_their_own(mine: str) -> list[tuple[str, str, str | None, str | None]]:
        return [
            ("smb_read", "SELECT", "true", None),
            ("smb_insert", "INSERT", None, mine),
            ("smb_update", "UPDATE", mine, mine),
            ("smb_delete", "DELETE", mine, None),
        ]

    journal = f"({owner} OR actor = current_user)"
    journal_rows = f"({owner} OR {own_change})"
    return {
        "person": [
            ("smb_read", "SELECT", "true", None),
            ("smb_owner", "ALL", owner, owner),
            # A member's write locks their own person row (SELECT … FOR UPDATE needs an
            # UPDATE policy); the column grant lets them change nothing but updated_utc.
            ("smb_lock", "UPDATE", "login = current_user", "login = current_user"),
        ],
        "entry": rows_of_their_own(mine),
        "timer": rows_of_their_own(mine),
        "change": [
            ("smb_read", "SELECT", journal, None),
            ("smb_insert", "INSERT", None, journal),
            ("smb_update", "UPDATE", journal, journal),
            ("smb_delete", "DELETE", owner, None),
        ],
        "change_row": [
            ("smb_read", "SELECT", journal_rows, None),
            ("smb_insert", "INSERT", None, journal_rows),
            ("smb_update", "UPDATE", owner, owner),
            ("smb_delete", "DELETE", owner, None),
        ],
    }


# What a member may do beyond SELECT; row-level security narrows it to their own rows.
_MEMBER_WRITES = (
    "GRANT INSERT, UPDATE, DELETE ON entry, timer TO {member}",
    "GRANT UPDATE (updated_utc) ON person TO {member}",
    "GRANT INSERT ON change, change_row TO {member}",
    "GRANT UPDATE (summary, undone) ON change TO {member}",
)


# Column grants let a member set `summary` (at the end of their command) and `undone`
# (their undo) on their own changes; this keeps that from rewriting history: a summary
# only in the transaction that made the change, and an undone change stays undone.
_JOURNAL_GUARD = """
CREATE OR REPLACE FUNCTION smb_journal_guard() RETURNS trigger LANGUAGE plpgsql AS $guard$
BEGIN
    IF pg_has_role(current_user, {owner}, 'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF OLD.undone AND NOT NEW.undone THEN
        RAISE EXCEPTION 'permission denied for table change: an undone change stays undone'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.summary IS DISTINCT FROM OLD.summary AND NOT EXISTS (
        SELECT 1 FROM change WHERE id = OLD.id AND xmin = pg_current_xact_id()::xid
    ) THEN
        RAISE EXCEPTION 'permission denied for table change: a change is not reworded later'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$guard$
"""


class TeamMixin(StoreBase):
    # ---- reading -------------------------------------------------------------------

    def team_groups(self) -> TeamGroups | None:
        """The group roles of a team store; None when `team init` never ran."""
        if self.dialect != "postgresql":
            return None
        with self._read() as conn:
            return self._team_groups(conn)

    @staticmethod
    def _team_groups(conn: Conn) -> TeamGroups | None:
        row = conn.first("SELECT owner_group, member_group FROM team")
        return TeamGroups(*row) if row else None

    def team(self) -> list[TeamMember]:
        """Everyone with a login or in the owner group, and every person, by name."""
        groups = self._require_team()
        with self._read() as conn:
            linked = conn.rows(
                (
                    "SELECT p.name, p.login,"
                    " CASE WHEN p.login IS NULL THEN 'not linked'"
                    "  WHEN r.oid IS NULL THEN 'no role'"
                    "  WHEN pg_has_role(r.oid, :owner, 'MEMBER') THEN 'owner'"
                    "  WHEN pg_has_role(r.oid, :member, 'MEMBER') THEN 'member'"
                    "  ELSE 'outside' END AS standing"
                    " FROM person p LEFT JOIN pg_roles r ON r.rolname = p.login"
                ),
                {"owner": groups.owner, "member": groups.member},
            )
            # Owners who log in but are nobody in the reports (the boss who set it up).
            owners = conn.rows(
                (
                    "SELECT r.rolname FROM pg_roles r"
                    " WHERE r.rolcanlogin AND pg_has_role(r.oid, :owner, 'MEMBER')"
                    " AND NOT r.rolsuper"
                    " AND r.rolname NOT IN (SELECT login FROM person WHERE login IS NOT NULL)"
                ),
                {"owner": groups.owner},
            )
            rows = [TeamMember(name, login, standing) for name, login, standing in linked]
            rows += [TeamMember(None, login, "owner") for (login,) in owners]
        return sorted(rows, key=lambda m: (m.person is None, m.person or "", m.login or ""))

    def journal(self, limit: int | None = None) -> list[JournalEntry]:
        """The journal, newest first (on a team store a member sees only their own)."""
        query = "SELECT id, at_utc, actor, command, summary, undone FROM change ORDER BY id DESC"
        with self._read() as conn:
            rows = conn.rows(
                query + (" LIMIT :limit" if limit is not None else ""),
                {} if limit is None else {"limit": limit},
            )
        return [
            JournalEntry(change_id, at_utc, actor, command, summary, bool(undone))
            for change_id, at_utc, actor, command, summary, undone in rows
        ]

    def is_owner(self) -> bool:
        """True when the connected role may do everything (or this is no team store)."""
        groups = self.team_groups()
        if groups is None:
            return True
        with self._read() as conn:
            return bool(
                conn.scalar(
                    "SELECT pg_has_role(current_user, :owner, 'MEMBER')", {"owner": groups.owner}
                )
            )

    def team_needs_password(self, login: str) -> bool:
        """True when `team_add` would create the login role (and so needs a password)."""
        self._require_owner()
        with self._read() as conn:
            return not _role_exists(conn, login)

    # ---- team init -------------------------------------------------------------------

    def team_init(self, prefix: str = DEFAULT_PREFIX) -> TeamInitDone:
        """Set up (or set up again: it is idempotent) roles, ownership, grants and RLS."""
        self._require_postgresql()
        groups = TeamGroups.named(prefix)
        with self._write() as conn:
            roles = (groups.owner, groups.member)
            _check_may_init(conn, [role for role in roles if not _role_exists(conn, role)])
            conn.run("LOCK TABLE team IN EXCLUSIVE MODE")
            existing = self._team_groups(conn)
            if existing is not None and existing != groups:
                raise Conflict(
                    f"this store's team uses the group roles {existing.owner} and "
                    f"{existing.member}; run `smbalance team init` with the same prefix "
                    f"(--prefix {existing.owner.removesuffix('_owner')})"
                )
            created = tuple(role for role in roles if not _role_exists(conn, role))
            for role in created:
                conn.run(f"CREATE ROLE {quote_ident(role)} NOLOGIN")
            owner, member = quote_ident(groups.owner), quote_ident(groups.member)
            if not conn.scalar(
                "SELECT pg_has_role(current_user, :owner, 'MEMBER')", {"owner": groups.owner}
            ):
                conn.run(f"GRANT {owner} TO CURRENT_USER")
            schema = conn.scalar("SELECT current_schema()")
            database = conn.scalar("SELECT current_database()")
            conn.run(f"GRANT CONNECT ON DATABASE {quote_ident(database)} TO {owner}, {member}")
            conn.run(f"GRANT USAGE, CREATE ON SCHEMA {quote_ident(schema)} TO {owner}")
            conn.run(f"GRANT USAGE ON SCHEMA {quote_ident(schema)} TO {member}")
            # The owner group owns every table (and with them their sequences), so the
            # next migration, whichever owner runs it, changes one store.
            for table in TABLES:
                conn.run(f"ALTER TABLE {quote_ident(table)} OWNER TO {owner}")
            tables = ", ".join(quote_ident(t) for t in TABLES)
            conn.run(f"REVOKE ALL ON {tables} FROM {member}")
            conn.run(f"GRANT SELECT ON {tables} TO {member}")
            for grant in _MEMBER_WRITES:
                conn.run(grant.format(member=member))
            for table, column in MEMBER_SEQUENCES:
                sequence = conn.scalar(
                    "SELECT pg_get_serial_sequence(:table, :column)",
                    {"table": table, "column": column},
                )
                conn.run(f"GRANT USAGE ON SEQUENCE {sequence} TO {member}")
            for table, policies in _policies(groups).items():
                name = quote_ident(table)
                conn.run(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
                conn.run(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
                for (old,) in conn.rows(
                    "SELECT policyname FROM pg_policies WHERE tablename = :t"
                    " AND schemaname = current_schema()",
                    {"t": table},
                ):
                    conn.run(f"DROP POLICY {quote_ident(old)} ON {name}")
                for policy, command, using, check in policies:
                    sql = f"CREATE POLICY {policy} ON {name} FOR {command}"
                    if using is not None:
                        sql += f" USING ({using})"
                    if check is not None:
                        sql += f" WITH CHECK ({check})"
                    conn.run(sql)
            conn.run(_JOURNAL_GUARD.format(owner=quote_literal(groups.owner)))
            conn.run(f"ALTER FUNCTION smb_journal_guard() OWNER TO {owner}")
            conn.run("DROP TRIGGER IF EXISTS smb_journal_guard ON change")
            conn.run(
                "CREATE TRIGGER smb_journal_guard BEFORE UPDATE ON change"
                " FOR EACH ROW EXECUTE FUNCTION smb_journal_guard()"
            )
            if existing is None:
                conn.run(
                    "INSERT INTO team (id, owner_group, member_group) VALUES (1, :o, :m)",
                    {"o": groups.owner, "m": groups.member},
                )
        return TeamInitDone(groups, created, existing is None)

    # ---- members ---------------------------------------------------------------------

    def team_add(
        self, name: str, login: str, *, password: str | None = None, owner: bool = False
    ) -> TeamAdded:
        """Link person `name` to `login` (created with `password` when missing) and make
        it a member (and, with `owner`, an owner too)."""
        groups = self._require_owner()
        with self._change("team add", f"linked {name} to login {login}") as ctx:
            conn = ctx.conn
            taken = conn.scalar(
                "SELECT name FROM person WHERE login = :login AND name <> :name",
                {"login": login, "name": name},
            )
            if taken is not None:
                raise Conflict(
                    f"login {login!r} is already linked to {taken}; "
                    f"`smbalance team remove {taken}` first, or choose another --login"
                )
            created_role = not _role_exists(conn, login)
            if created_role:
                if not password:
                    raise StoreError(f"role {login!r} does not exist; give it a password")
                verifier = _password_verifier(conn, login, password)
                # PostgreSQL runs through SQLAlchemy's text(), where ":" starts a parameter.
                conn.run(
                    f"CREATE ROLE {quote_ident(login)} LOGIN PASSWORD "
                    + quote_literal(verifier).replace(":", r"\:")
                )
            conn.run(f"GRANT {quote_ident(groups.member)} TO {quote_ident(login)}")
            if owner:
                conn.run(f"GRANT {quote_ident(groups.owner)} TO {quote_ident(login)}")
            person, created_person = self._ensure_person(ctx, name)
            before = self._row_dict(conn, "person", person.id)
            assert before is not None
            old_login = before.get("login")
            if old_login and old_login != login and _role_exists(conn, old_login):
                # Relinked: the old login is nobody's now, so it leaves the team.
                conn.run(f"REVOKE {quote_ident(groups.member)} FROM {quote_ident(old_login)}")
            ctx.before("person", before, person.id)
            conn.run(
                "UPDATE person SET login = :login, updated_utc = :now WHERE id = :id",
                {"login": login, "now": ctx.now, "id": person.id},
            )
            is_owner = conn.scalar(
                "SELECT pg_has_role(:login, :owner, 'MEMBER')",
                {"login": login, "owner": groups.owner},
            )
        return TeamAdded(name, login, created_role, created_person, bool(is_owner))

    def team_remove(self, name: str) -> str:
        """Unlink a person from their login and take it out of the member group.

        The login role itself stays (it may be used elsewhere); their entries stay.
        Returns the login that was unlinked."""
        groups = self._require_owner()
        with self._change("team remove", f"unlinked {name}") as ctx:
            person = self._person(ctx.conn, name)
            if person is None:
                raise NotFound(self._unknown_person_message(name))
            before = self._row_dict(ctx.conn, "person", person.id)
            assert before is not None
            login = before.get("login")
            if not login:
                raise NotFound(f"{name} is not linked to a login; see `smbalance team ls`")
            ctx.before("person", before, person.id)
            ctx.conn.run(
                "UPDATE person SET login = NULL, updated_utc = :now WHERE id = :id",
                {"now": ctx.now, "id": person.id},
            )
            if _role_exists(ctx.conn, login):
                ctx.conn.run(f"REVOKE {quote_ident(groups.member)} FROM {quote_ident(login)}")
        return login

    # ---- helpers ---------------------------------------------------------------------

    def _require_postgresql(self) -> None:
        if self.dialect != "postgresql":
            raise StoreError(
                f"{self.where} is a SQLite file, which has one user; a team store needs "
                "PostgreSQL (see docs/team.md)"
            )

    def _require_owner(self) -> TeamGroups:
        groups = self._require_team()
        if not self.is_owner():
            raise refusal("manage the team", groups.owner)
        return groups

    def _require_team(self) -> TeamGroups:
        self._require_postgresql()
        groups = self.team_groups()
        if groups is None:
            raise StoreError(
                f"{self.where} has no team yet; its owner sets one up with `smbalance team init`"
            )
        return groups


def _check_may_init(conn: Conn, missing_roles: Sequence[str]) -> None:
    """Say up front, in words, why `team init` cannot run as this role."""
    me, may = conn.first(
        "SELECT current_user, rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"
    ) or ("?", False)
    params: dict[str, object] = {}
    foreign = [
        owner
        for (owner,) in conn.rows(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = current_schema()"
            f" AND tablename IN {in_list('table', TABLES, params)}"
            " AND NOT pg_has_role(tableowner, 'MEMBER') ORDER BY tableowner",
            params,
        )
    ]
    if foreign:
        raise Refused(
            f"the store's tables belong to {', '.join(foreign)}, not to {me}; run "
            "`smbalance team init` as their owner (or a superuser)"
        )
    if missing_roles and not may:
        raise Refused(
            f"team init creates the roles {' and '.join(missing_roles)}, and {me} may not "
            f"create roles; run it as a role with CREATEROLE (a superuser can `ALTER ROLE "
            f"{quote_ident(me)} CREATEROLE`)"
        )


def _role_exists(conn: Conn, role: str) -> bool:
    return bool(
        conn.scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :role)", {"role": role})
    )


def _password_verifier(conn: Conn, login: str, password: str) -> str:
    """The password hashed by libpq (SCRAM-SHA-256, as `\\password` in psql does), so
    the plaintext never travels to the server, its logs or pg_stat_activity."""
    # PostgreSQL only, so `conn` is store.engine's EngineConn: its psycopg connection.
    raw = conn.conn.connection.dbapi_connection  # type: ignore[attr-defined]
    pgconn = raw.pgconn  # type: ignore[union-attr]
    return pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()


# ---- refusals: the database said no; say who may ---------------------------------------

_TABLE_RE = re.compile(r'(?:for table|policy for table) "?(?P<table>[a-z_]+)"?')


def refusal(detail: str, owner_group: str | None, person: str | None = None) -> Refused:
    """The one-line error for a write the database refused (SQLSTATE 42501)."""
    owners = f"an owner (a member of {owner_group or 'smbalance_owner'})"
    lowered = detail.lower()
    match = _TABLE_RE.search(lowered)
    table = match.group("table") if match else ""
    if "create role" in lowered or ("grant" in lowered and "role" in lowered):
        return Refused(
            f"only {owners} whose role may create roles (CREATEROLE) may manage the team "
            "and its login roles"
        )
    if "must be owner" in lowered or table in ("team", "alembic_version") or "team" in lowered:
        return Refused(
            f"only {owners} may do that (migrate the store or manage the team); ask one to run it"
        )
    if table in ("entry", "timer"):
        whose = f"{person}'s" if person else "other people's"
        return Refused(
            f"on this team store you may write only your own entries and timer, not {whose}; "
            f"{owners} may write anyone's"
        )
    if table == "person":
        return Refused(
            f"only {owners} may add or change people (role, commission, target); "
            "ask one to run this command"
        )
    if table in ("change", "change_row"):
        return Refused(
            f"only {owners} may delete or rewrite the journal; `undo` reverts your own changes"
        )
    return Refused(f"the store refused: {detail}; ask {owners}")


def owner_group_of(conn: Conn) -> str | None:
    try:
        row = conn.first("SELECT owner_group FROM team")
    except Exception:
        return None
    return row[0] if row else None


__all__ = (
    "JournalEntry",
    "TeamAdded",
    "TeamGroups",
    "TeamInitDone",
    "TeamMember",
    "TeamMixin",
    "refusal",
)
