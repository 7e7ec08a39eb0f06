"""A shared PostgreSQL store with several login roles: who may write what.

Each test gets its own database and its own login roles (roles are cluster-wide, and
other test runs share the server, so every name carries a random suffix); all of them
are dropped afterwards.  The server trusts 127.0.0.1, so a role connects without its
password: the tests can act as each member, through the CLI and with raw SQL.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import PG_URL, Cli, _pg_admin, assert_error, fixed_clock


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


def ok(result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def one_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert_error(result, 1, *fragments)


@dataclass
class Team:
    """A team store: `boss` ran `team init`; alice and bob are members."""

    server: Server
    boss: str
    alice: str
    bob: str
    owner_group: str
    passwords: dict[str, str]

    def cli(self, role: str) -> Cli:
        return as_role(self.server, role)

    def sql(self, role: str, statement: str, params: tuple = ()):  # type: ignore[no-untyped-def]
        return self.server.sql(role, statement, params)


@pytest.fixture
def team(server: Server) -> Team:
    boss = server.create_role("boss", "LOGIN CREATEROLE")
    with server.admin() as conn:  # the database's owner, as docs/team.md sets it up
        conn.execute(f'ALTER DATABASE "{server.database}" OWNER TO "{boss}"')
    prefix = f"smbt_{server.suffix}"
    server.roles += [f"alice_{server.suffix}", f"bob_{server.suffix}"]
    server.roles += [f"{prefix}_member", f"{prefix}_owner"]  # dropped first (reversed)
    as_boss = as_role(server, boss)
    done = as_boss("team", "init", "--prefix", prefix)
    assert done.exit_code == 0, done.stderr
    passwords = {}
    for name in ("alice", "bob"):
        passwords[name] = f"pw-{name}-{uuid.uuid4().hex}"
        added = as_boss(
            "team", "add", name, "--login", f"{name}_{server.suffix}", "--password-stdin",
            input=passwords[name] + "\n",
        )  # fmt: skip
        assert added.exit_code == 0, added.stderr
    return Team(
        server, boss, f"alice_{server.suffix}", f"bob_{server.suffix}", f"{prefix}_owner", passwords
    )


# ---- a team store: the database says who may write what ---------------------------------


@pytest.mark.pg
def test_a_member_writes_only_their_own_time_through_the_cli(team: Team) -> None:
    alice, bob, boss = team.cli(team.alice), team.cli(team.bob), team.cli(team.boss)
    assert alice("log", "marketing", "1h", "--who", "alice").exit_code == 0
    ok(bob("log", "sales", "--start", "10:00", "--end", "12:00", "--who", "bob"))  # entry 2
    ok(bob("start", "sales", "--who", "bob", "--at", "13:00"))
    before = bob("entries", "--who", "bob", "--format", "json").stdout

    owners = f"an owner (a member of {team.owner_group})"
    one_error(alice("log", "sales", "1h", "--who", "bob"), "only your own", owners)
    one_error(alice("edit", "2", "--note", "mine now"), "not bob's", owners)
    one_error(alice("rm", "2", "--yes"), "not bob's")
    one_error(alice("stop", "--who", "bob"), "not bob's")
    one_error(alice("cancel", "--who", "bob"), "not bob's")
    one_error(alice("start", "marketing", "--who", "bob"), "only your own")
    one_error(alice("edit", "1", "--who", "bob"), "only your own")  # moving hers to him
    # A commission-driven seller cannot lower their own target, nor touch anyone else.
    one_error(alice("people", "set", "alice", "--target", "5"), "people", owners)
    one_error(alice("people", "add", "carol", "--role", "both"), "people")
    one_error(alice("people", "rm", "bob", "--force"), "people")
    rows = "person,category,start,end\n{},sales,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z\n"
    one_error(alice("import", "-", "--format", "csv", input=rows.format("bob")), "only your own")
    ok(alice("import", "-", "--format", "csv", input=rows.format("alice")))  # her own: fine
    assert "imported 1h of sales for alice" in ok(alice("undo")).stdout
    # alice's undo reverts her own log, never bob's newer changes.
    undone = alice("undo")
    assert undone.exit_code == 0 and "for alice" in undone.stdout, undone.stderr
    one_error(alice("undo"), "nothing to undo")
    assert bob("entries", "--who", "bob", "--format", "json").stdout == before
    assert bob("status").stdout.count("bob") >= 1
    # What a member cannot do to the team.
    one_error(alice("team", "add", "mallory", "--password-stdin", input="x\n"), owners)
    one_error(alice("team", "remove", "bob"), owners)
    prefix = team.owner_group.removesuffix("_owner")
    one_error(alice("team", "init", "--prefix", prefix), "tables belong to", "their owner")

    # bob's report still shows alice (everyone reads everything); log a fresh one.
    assert alice("log", "marketing", "45m", "--who", "alice").exit_code == 0
    report = bob("report", "--format", "json")
    assert {p["person"] for p in json.loads(report.stdout)["people"]} >= {
        "alice",
        "bob",
    }

    # The owner may do all of it.
    ok(boss("import", "-", "--format", "csv", input=rows.format("bob")))
    assert boss("log", "sales", "30m", "--who", "bob").exit_code == 0
    assert boss("edit", "2", "--note", "checked by boss").exit_code == 0
    assert boss("stop", "--who", "bob").exit_code == 0
    assert boss("people", "set", "alice", "--target", "40").exit_code == 0
    assert boss("undo").exit_code == 0  # boss's own newest: the people set
    journal = boss("db", "log", "--format", "json")
    actors = {row["actor"] for row in json.loads(journal.stdout)}
    assert actors == {team.boss, team.alice, team.bob}
    mine = alice("db", "log", "--format", "json")
    assert {row["actor"] for row in json.loads(mine.stdout)} == {team.alice}
    assert "Only your own changes" in mine.stderr


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

    # Each logs as their login name: the default person, created by their own change.
    assert as_alice("log", "sales", "1h", env={"USER": "alice", "LOGNAME": "alice"}).exit_code == 0
    assert as_bob("log", "marketing", "30m", env={"USER": "bob", "LOGNAME": "bob"}).exit_code == 0
    undone = as_alice("undo")

    assert undone.exit_code == 0, undone.stderr
    assert "for alice" in undone.stdout and "bob" not in undone.stdout
    left = server.sql(alice, "SELECT p.name FROM entry JOIN person p ON p.id = person_id")
    assert left == [("bob",)]
    actors = server.sql(alice, "SELECT command, actor, undone FROM change ORDER BY id")
    assert actors == [("log", alice, True), ("log", bob, False)]
    # Without a team, everyone reads the whole journal.
    journal = json.loads(ok(as_bob("db", "log", "--format", "json")).stdout)
    assert [(c["actor"], c["undone"]) for c in journal] == [(bob, False), (alice, True)]
    again = as_alice("undo")
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: nothing to undo") and again.stderr.count("\n") == 1


def test_sqlite_journal_credits_the_files_one_user(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from smbalance.store import open_store

    with open_store(tmp_path / "one.db", clock=fixed_clock) as store:
        store.log_duration("alice", "sales", 3600)
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(tmp_path / "one.db")) as db:
        assert [actor for (actor,) in db.execute("SELECT actor FROM change")] == ["tester"]


@pytest.mark.pg
def test_plain_sql_as_a_member_is_held_to_the_same_rules(team: Team) -> None:
    import psycopg
    from psycopg.errors import InsufficientPrivilege

    ok(team.cli(team.alice)("log", "marketing", "2h", "--who", "alice"))
    ok(team.cli(team.alice)("undo"))
    ok(team.cli(team.alice)("log", "marketing", "1h", "--who", "alice"))
    ok(team.cli(team.bob)("log", "sales", "--start", "09:00", "--end", "10:00", "--who", "bob"))
    ok(team.cli(team.bob)("start", "sales", "--who", "bob", "--at", "13:00"))
    ids = dict(team.sql(team.boss, "SELECT name, id FROM person"))
    alice_id, bob_id = ids["alice"], ids["bob"]
    insert = (
        "INSERT INTO entry (uid, person_id, category, start_utc, end_utc, seconds, note, tags,"
        " created_utc, updated_utc) VALUES (%s, %s, 'sales', 100, 200, 100, '', '', 1, 1)"
    )

    refused = [
        (insert, (str(uuid.uuid4()), bob_id)),
        ("INSERT INTO timer VALUES (%s, 'sales', 100, '', '', 1)", (alice_id,)),  # hers: fine
        ("UPDATE person SET target = 5 WHERE id = %s", (alice_id,)),  # her own target
        ("UPDATE person SET login = %s WHERE id = %s", (team.alice, bob_id)),
        ("INSERT INTO person (name, role, commission, created_utc, updated_utc)"
         " VALUES ('mallory', 'both', 0, 1, 1)", ()),
        ("DELETE FROM person WHERE id = %s", (bob_id,)),
        ("DELETE FROM change_row", ()),
        ("DELETE FROM change", ()),
        ("TRUNCATE change, change_row", ()),
        ("UPDATE change SET actor = %s", (team.bob,)),
        ("UPDATE change SET undone = false", ()),  # her undone log stays undone
        ("UPDATE change SET summary = 'nothing happened'", ()),
        ("INSERT INTO change (at_utc, command, summary, undone, actor)"
         " VALUES (1, 'log', 'forged', false, %s)", (team.bob,)),
        ("ALTER TABLE entry DISABLE ROW LEVEL SECURITY", ()),
        ("DELETE FROM alembic_version", ()),
    ]  # fmt: skip
    for statement, params in refused:
        if statement.startswith("INSERT INTO timer"):
            assert team.sql(team.alice, statement, params) == 1
            continue
        with pytest.raises(InsufficientPrivilege):
            team.sql(team.alice, statement, params)
    # What row-level security hides from her writes, she cannot change: 0 rows.
    for hidden in (
        "UPDATE entry SET note = 'x' WHERE person_id = %s",
        "UPDATE timer SET start_utc = 1 WHERE person_id = %s",
        "DELETE FROM timer WHERE person_id = %s",
        "DELETE FROM entry WHERE person_id = %s",
    ):
        assert team.sql(team.alice, hidden, (bob_id,)) == 0
    assert team.sql(team.alice, "DELETE FROM entry") == 1  # her own entry only
    assert team.sql(team.alice, insert, (str(uuid.uuid4()), alice_id)) == 1
    # She reads everything, but only her own journal rows.
    assert team.sql(team.alice, "SELECT person_id FROM entry") == [(bob_id,), (alice_id,)]
    assert {a for (a,) in team.sql(team.alice, "SELECT DISTINCT actor FROM change")} == {team.alice}

    # A forged before-image cannot make her undo rewrite bob's entry.
    bobs = team.sql(team.boss, "SELECT id, note FROM entry WHERE person_id = %s", (bob_id,))
    with psycopg.connect(team.server.url(team.alice).replace("+psycopg", "")) as conn:
        change = conn.execute(
            "INSERT INTO change (at_utc, command, summary, undone) VALUES (1, 'edit', 'x', false)"
            " RETURNING id"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO change_row (change_id, table_name, row_key, before)"
            " VALUES (%s, 'entry', %s, %s)",
            (change, str(bobs[0][0]), json.dumps({"id": bobs[0][0], "note": "hacked"})),
        )
    one_error(team.cli(team.alice)("undo"), "only your own")
    assert team.sql(team.boss, "SELECT id, note FROM entry WHERE person_id = %s", (bob_id,)) == bobs
    assert team.sql(team.bob, "SELECT count(*) FROM timer WHERE person_id = %s", (bob_id,)) == [
        (1,)
    ]

    # The owner may do all of it, journal included.
    assert team.sql(team.boss, "UPDATE person SET target = 5 WHERE id = %s", (alice_id,)) == 1
    assert team.sql(team.boss, "DELETE FROM timer WHERE person_id = %s", (bob_id,)) == 1
    team.sql(team.boss, "DELETE FROM change_row")
    assert team.sql(team.boss, "DELETE FROM change") > 0


@pytest.mark.pg
def test_two_members_logging_at_once_keep_every_entry(team: Team) -> None:
    import threading

    from smbalance.store import open_store

    errors: list[BaseException] = []
    go = threading.Barrier(2)

    def member(role: str, name: str) -> None:
        try:
            with open_store(team.server.url(role), clock=fixed_clock) as store:
                go.wait()
                for _ in range(15):
                    store.log_duration(name, "sales", 600)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=member, args=(team.alice, "alice")),
        threading.Thread(target=member, args=(team.bob, "bob")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    counts = team.sql(team.boss, "SELECT p.name, count(*) FROM entry JOIN person p"
                      " ON p.id = person_id GROUP BY p.name ORDER BY 1")  # fmt: skip
    assert counts == [("alice", 15), ("bob", 15)]


def scram_matches(verifier: str, password: str) -> bool:
    """Does a PostgreSQL SCRAM-SHA-256 verifier belong to `password`? (RFC 5802)"""
    import base64
    import hashlib
    import hmac

    _, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


@pytest.mark.pg
def test_passwords_are_set_hashed_and_never_shown(team: Team, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    verifiers = dict(
        team.sql("postgres", "SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN (%s, %s)",
                 (team.alice, team.bob))
    )  # fmt: skip
    assert scram_matches(verifiers[team.alice], team.passwords["alice"])
    assert scram_matches(verifiers[team.bob], team.passwords["bob"])

    # A hidden prompt, asked twice; the password is in no output.
    carol = team.server.create_role("carol", "NOLOGIN")
    team.sql("postgres", f'DROP ROLE "{carol}"')
    secret = f"s3cret-{uuid.uuid4().hex}"
    asked = team.cli(team.boss)(
        "team", "add", "carol", "--login", carol, "--owner", input=f"{secret}\n{secret}\n"
    )
    assert f"{carol} is an owner" in ok(asked).stdout
    assert secret not in asked.stdout + asked.stderr

    # The real program: the password travels on stdin only, never in argv (ps), output
    # or an error; the server gets a SCRAM verifier, not the plaintext.
    dave = f"dave_{team.server.suffix}"
    team.server.roles.insert(0, dave)
    secret = f"s3cret-{uuid.uuid4().hex}"
    argv = [str(Path(sys.executable).parent / "smbalance"), "--db", team.server.url(team.boss),
            "team", "add", "dave", "--login", dave, "--password-stdin"]  # fmt: skip
    process = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ),
    )  # fmt: skip
    listed = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    out, err = process.communicate(secret + "\n", timeout=60)
    assert process.returncode == 0, err
    assert secret not in listed + out + err
    assert Path(f"/proc/{os.getpid()}/cmdline").exists()  # ps above saw real processes
    (verifier,) = team.sql(
        "postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (dave,)
    )[0]
    assert verifier.startswith("SCRAM-SHA-256$") and scram_matches(verifier, secret)

    # A connection error never shows the password of the URL.
    url = team.server.url(team.alice).replace("@", ":hunter2-secret@").replace(":5432", ":1")
    failed = as_role(team.server, team.alice)
    failed.db = url
    result = failed("log", "sales", "1h")
    one_error(result, "cannot connect")
    assert "hunter2" not in result.stdout + result.stderr


@pytest.mark.pg
def test_team_ls_and_remove(team: Team) -> None:
    boss, bob = team.cli(team.boss), team.cli(team.bob)
    listed = json.loads(ok(boss("team", "ls", "--format", "json")).stdout)
    assert listed == [
        {"person": "alice", "login": team.alice, "standing": "member"},
        {"person": "bob", "login": team.bob, "standing": "member"},
        {"person": None, "login": team.boss, "standing": "owner"},
    ]
    table = ok(bob("team", "ls")).stdout
    assert "alice" in table and team.boss in table and "owner" in table

    removed = ok(boss("team", "remove", "bob"))
    assert team.bob in removed.stdout
    one_error(bob("log", "sales", "1h", "--who", "bob"), "not open to your role", "team add")
    assert json.loads(ok(boss("team", "ls", "--format", "json")).stdout)[1]["standing"] == (
        "not linked"
    )
    ok(boss("team", "add", "bob", "--login", team.bob))  # the role exists: no password asked
    ok(bob("log", "sales", "1h", "--who", "bob"))
    # Linking alice to another login takes her old one out of the team.
    ok(boss("team", "add", "alice", "--login", team.boss))
    one_error(team.cli(team.alice)("status"), "not open to your role")
    one_error(boss("team", "remove", "nobody"), "no person")


def test_team_needs_postgresql(sqlite_cli) -> None:  # type: ignore[no-untyped-def]
    ok(sqlite_cli("log", "sales", "1h"))
    for argv in (("team", "init"), ("team", "ls"), ("team", "add", "alice")):
        one_error(sqlite_cli(*argv), "SQLite", "PostgreSQL")
    journal = json.loads(ok(sqlite_cli("db", "log", "--format", "json")).stdout)
    assert [(c["actor"], c["command"]) for c in journal] == [("tester", "log")]


@pytest.mark.pg
def test_a_member_cannot_migrate_and_is_told_who_can(team: Team) -> None:
    team.sql("postgres", "UPDATE alembic_version SET version_num = '0003'")
    refused = team.cli(team.alice)("report")
    one_error(refused, "needs migrating from schema 0003", "only its owner", "db migrate")
    assert team.sql("postgres", "SELECT version_num FROM alembic_version") == [("0003",)]
    team.sql("postgres", "UPDATE alembic_version SET version_num = '0004'")


# ---- docs/team.md, followed step by step --------------------------------------------------

DOCS = Path(__file__).parent.parent / "docs" / "team.md"

# (who runs it, the line exactly as docs/team.md prints it); the test runs each line
# with this run's role and database names, a private config per person, and passwords.
SETUP = [
    ("postgres", "CREATE ROLE boss LOGIN CREATEROLE PASSWORD 'choose-a-long-one';"),
    ("postgres", "CREATE DATABASE smbalance OWNER boss;"),
    ("boss", "smbalance config set db 'postgresql+psycopg://boss@db.example.com/smbalance'"),
    ("boss", "smbalance team init"),
    ("boss", "smbalance team add boss"),
    ("boss", "smbalance team add alice"),
    ("boss", "printf '%s\\n' \"$BOBS_PASSWORD\" | smbalance team add bob --password-stdin"),
    ("boss", "smbalance people set alice --commission 70 --target 30"),
    ("boss", "smbalance people set bob --role sales"),
    ("boss", "smbalance team ls"),
    ("alice", "smbalance config set db 'postgresql+psycopg://alice@db.example.com/smbalance'"),
    ("alice", "smbalance config set default_person alice"),
    ("alice", "smbalance log marketing 1h"),
    ("alice", "smbalance report"),
]


@pytest.mark.pg
def test_docs_team_setup_works_as_written(server: Server, tmp_path: Path) -> None:
    import shlex

    from sqlalchemy.engine import make_url
    from typer.testing import CliRunner

    from smbalance.cli.app import app_for

    text = DOCS.read_text()
    for _, line in SETUP:
        assert line in text, f"docs/team.md no longer says: {line}"
    sfx = server.suffix
    names = {name: f"{name}_{sfx}" for name in ("boss", "alice", "bob")}
    server.roles += [names["alice"], names["bob"], f"smbd_{sfx}_member", f"smbd_{sfx}_owner"]
    server.roles.append(names["boss"])
    database = f"smbalance_docs_{sfx}"
    admin = make_url(server.admin_url)
    host = f"{admin.host or '127.0.0.1'}:{admin.port or 5432}"
    passwords = {"alice": f"a-{uuid.uuid4().hex}", "bob": f"b-{uuid.uuid4().hex}"}
    runner = CliRunner()
    outputs = []
    try:
        for who, line in SETUP:
            if who == "postgres":
                statement = line.replace("boss", names["boss"]).replace(
                    "DATABASE smbalance", f'DATABASE "{database}"'
                )
                with server.admin("postgres") as conn:
                    conn.execute(statement.rstrip(";"))
                continue
            stdin = None
            if "| smbalance" in line:  # printf '%s\n' "$BOBS_PASSWORD" | smbalance …
                stdin = passwords["bob"] + "\n"
                line = line.split("| ", 1)[1]
            argv = shlex.split(line)[1:]
            argv = [
                arg.replace(f"{name}@db.example.com/smbalance", f"{names[name]}@{host}/{database}")
                for arg in argv
                for name in [next((n for n in names if f"{n}@" in arg), "boss")]
            ]
            if argv[:2] == ["team", "add"]:
                argv += ["--login", names[argv[2]]]
                if stdin is None and argv[2] in passwords:  # the hidden prompt, twice
                    stdin = f"{passwords[argv[2]]}\n{passwords[argv[2]]}\n"
            if argv[:2] == ["team", "init"]:
                argv += ["--prefix", f"smbd_{sfx}"]
            env = {"SMBALANCE_CONFIG": str(tmp_path / f"{who}.toml")}
            result = runner.invoke(app_for(argv), argv, input=stdin, env=env)
            assert result.exit_code == 0, (line, result.stdout, result.stderr)
            outputs.append(result.stdout + result.stderr)
        listed = outputs[SETUP.index(("boss", "smbalance team ls")) - 2]
        assert "alice" in listed and "member" in listed and "owner" in listed
        assert "alice" in outputs[-1]  # alice's report
        assert not any(p in out for out in outputs for p in passwords.values())
        # Three people, and the members are held to their own time.
        bob = Cli(db=server.url(names["bob"]).replace(server.database, database), runner=runner)
        one_error(bob("log", "sales", "1h", "--who", "alice"), "only your own")
        ok(bob("log", "sales", "1h", "--who", "bob"))
    finally:
        with server.admin("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.mark.pg
def test_team_init_says_who_may_run_it_and_can_run_again(server: Server) -> None:
    solo = server.create_role("solo", "LOGIN")  # owns the database, may not create roles
    with server.admin() as conn:
        conn.execute(f'ALTER DATABASE "{server.database}" OWNER TO "{solo}"')
    prefix = f"smbs_{server.suffix}"
    server.roles += [f"{prefix}_member", f"{prefix}_owner"]
    as_solo = as_role(server, solo)
    one_error(as_solo("team", "init", "--prefix", prefix), "may not create roles", "CREATEROLE")
    assert server.sql("postgres", "SELECT count(*) FROM team") == [(0,)]  # nothing changed

    from sqlalchemy.engine import make_url

    as_admin = as_role(server, make_url(server.admin_url).username or "postgres")
    first = ok(as_admin("team", "init", "--prefix", prefix))
    again = ok(as_admin("team", "init", "--prefix", prefix))
    assert "is now a team store" in first.stdout and "already a team store" in again.stdout
    # The tables are the owner group's now; solo is in neither group.
    one_error(as_solo("team", "init", "--prefix", prefix), "not open to your role")
