"""A shared PostgreSQL store with several login roles: who may write what.

Each test gets its own database and its own login roles (roles are cluster-wide, and
other test runs share the server, so every name carries a random suffix); all of them
are dropped afterwards.  The server trusts 127.0.0.1, so a role connects without its
password: the tests can act as each member, through the CLI and with raw SQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from conftest import PG_URL, Cli, _pg_admin, fixed_clock


@dataclass
class Server:
    """One test's database on the shared server, and the roles it made."""

    admin_url: str
    database: str
    suffix: str
    roles: list[str] = field(default_factory=list)

    def url(self, role: str) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.admin_url).set(
            drivername="postgresql+psycopg", username=role, password=None, database=self.database
        )
        return url.render_as_string(hide_password=False)

    def admin(self, database: str | None = None):  # type: ignore[no-untyped-def]
        from sqlalchemy.engine import make_url

        url = make_url(self.admin_url).set(database=database or self.database)
        return _pg_admin(url.render_as_string(hide_password=False))

    def create_role(self, name: str, options: str = "LOGIN") -> str:
        role = f"{name}_{self.suffix}"
        self.roles.append(role)
        with self.admin() as conn:
            conn.execute(f'CREATE ROLE "{role}" {options}')
        return role

    def sql(self, role: str, statement: str, params: tuple = ()):  # type: ignore[no-untyped-def]
        """Run one statement as `role` (a raw psycopg connection, like psql)."""
        import psycopg

        with psycopg.connect(self.url(role).replace("+psycopg", ""), autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else cursor.rowcount


@pytest.fixture
def server(pg_database: str) -> Iterator[Server]:
    """A database of this test's own (pg_database only makes the run count as PostgreSQL)."""
    assert PG_URL
    suffix = uuid.uuid4().hex[:8]
    found = Server(admin_url=PG_URL, database=f"smbalance_team_{suffix}", suffix=suffix)
    with found.admin("postgres") as conn:
        conn.execute(f'CREATE DATABASE "{found.database}"')
    try:
        yield found
    finally:
        with found.admin("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{found.database}" WITH (FORCE)')
            for role in reversed(found.roles):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def as_role(server: Server, role: str) -> Cli:
    from typer.testing import CliRunner

    return Cli(db=server.url(role), runner=CliRunner())


# ---- a store without `team init`: trusted roles, undo per role ---------------------------


@pytest.mark.pg
def test_undo_reverts_only_the_callers_own_change(server: Server) -> None:
    alice = server.create_role("alice")
    bob = server.create_role("bob")
    with server.admin() as conn:
        conn.execute(f'GRANT CREATE ON SCHEMA public TO "{alice}", "{bob}"')
    as_alice, as_bob = as_role(server, alice), as_role(server, bob)
    assert as_alice("db", "migrate").exit_code == 0
    server.sql(alice, f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{bob}"')
    server.sql(alice, f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{bob}"')

    assert as_alice("log", "sales", "1h", "--who", "alice").exit_code == 0
    assert as_bob("log", "marketing", "30m", "--who", "bob").exit_code == 0
    undone = as_alice("undo")

    assert undone.exit_code == 0, undone.stderr
    assert "for alice" in undone.stdout and "bob" not in undone.stdout
    left = server.sql(alice, "SELECT p.name FROM entry JOIN person p ON p.id = person_id")
    assert left == [("bob",)]
    actors = server.sql(alice, "SELECT command, actor, undone FROM change ORDER BY id")
    assert actors == [("log", alice, True), ("log", bob, False)]
    again = as_alice("undo")
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: nothing to undo") and again.stderr.count("\n") == 1


def test_sqlite_journal_credits_the_files_one_user(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from smbalance.store import open_store

    with open_store(tmp_path / "one.db", clock=fixed_clock) as store:
        store.log_duration("alice", "sales", 3600)
        with store.read() as conn:
            from sqlalchemy import text

            assert conn.execute(text("SELECT actor FROM change")).scalars().all() == ["tester"]
