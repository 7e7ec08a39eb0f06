"""Migrations never lose data: a store made at revision 0001, with rows in every table,
opened by this version is at head with every row and value identical — on both backends.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.engine import Engine, make_url
from typer.testing import CliRunner

from conftest import Cli
from smbalance.errors import StoreError
from smbalance.store import open_store, opening

TABLES = {
    "person": "id",
    "entry": "id",
    "timer": "person_id",
    "change": "id",
    "change_row": "id",
}

ROWS_0001 = [
    "INSERT INTO person VALUES (1, 'alice', 'both', 70, 30, 1700000000, 1700000100)",
    "INSERT INTO person VALUES (2, 'bob', 'sales', 0, NULL, 1700000000, 1700000000)",
    "INSERT INTO change VALUES (1, 1700000000, 'log', 'logged 1h of sales for alice', false)",
    "INSERT INTO change VALUES (2, 1700000500, 'edit', 'edited entry 2', true)",
    "INSERT INTO entry VALUES (1, '6f1c1a56-0000-4000-8000-000000000001', 1, 'sales',"
    " 1699990000, 1699993600, 3600, 'Café — “pitch” ✓', 'q4 client:acme', 1700000000,"
    " 1700000000, 1)",
    "INSERT INTO entry VALUES (2, '6f1c1a56-0000-4000-8000-000000000002', 1, 'marketing',"
    " 1699993600, 1699995400, 1800, '', '', 1700000000, 1700000500, NULL)",
    "INSERT INTO entry VALUES (3, '6f1c1a56-0000-4000-8000-000000000003', 2, 'sales',"
    " 4102444800, 4102531200, 86400, 'line one\nline two', 'x', 1700000000, 1700000000, 1)",
    "INSERT INTO timer VALUES (2, 'marketing', 1700001000, 'newsletter', 'mail', 1700001000)",
    "INSERT INTO change_row VALUES (1, 2, 'entry', '2', '{\"id\": 2, \"note\": \"old\"}')",
    "INSERT INTO change_row VALUES (2, 1, 'entry', '1', NULL)",
]


def alembic_upgrade(engine: Engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(Path(opening.__file__).parent.parent / "migrations")
    )
    with engine.connect().execution_options(smb_write=True) as conn, conn.begin():
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def engine_for(db_url: str) -> Engine:
    url = opening.resolve_url(db_url, Path("unused.db"))
    path = opening.sqlite_path(url)
    if path is not None:
        opening.prepare_sqlite_file(path)
    return opening.make_engine(url)


def make_old_store(db_url: str, rows: list[str] = ROWS_0001) -> None:
    """A store exactly as smbalance 0.1 (revision 0001) left it, with data."""
    engine = engine_for(db_url)
    try:
        alembic_upgrade(engine, "0001")
        with engine.connect().execution_options(smb_write=True) as conn, conn.begin():
            for statement in rows:
                conn.execute(text(statement.replace(":", "\\:")))
    finally:
        engine.dispose()


def snapshot(db_url: str) -> dict[str, list[tuple]]:
    engine = engine_for(db_url)
    try:
        with engine.connect() as conn:
            return {
                table: [
                    tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))
                ]
                for table, key in TABLES.items()
            } | {
                "revision": [tuple(r) for r in conn.execute(text("SELECT * FROM alembic_version"))]
            }
    finally:
        engine.dispose()


def test_old_store_with_data_is_migrated_and_loses_nothing(db_url: str) -> None:
    make_old_store(db_url)
    before = snapshot(db_url)
    assert before["revision"] == [("0001",)] and len(before["entry"]) == 3

    with open_store(db_url) as store:
        assert store.migration.from_revision == "0001"
        assert store.migration is not None and store.migration.to_revision == "0004"
        listed = {e.id: (e.note, e.tags) for e in store.entries()}

    after = snapshot(db_url)
    assert after.pop("revision") == [(opening.SCHEMA_HEAD,)]
    before.pop("revision")
    # 0004 adds person.login (nobody linked yet) and change.actor: on PostgreSQL the role
    # that migrated, on SQLite '' (the file's one user, name unknown for old changes).
    migrator = make_url(db_url).username if "://" in db_url else ""
    before["person"] = [(*row, None) for row in before["person"]]
    before["change"] = [(*row, migrator) for row in before["change"]]
    assert after == before  # every row and value identical
    assert listed[1] == ("Café — “pitch” ✓", ["q4", "client:acme"])


def test_sqlite_store_is_copied_aside_0600_before_migrating(sqlite_path: Path) -> None:
    make_old_store(str(sqlite_path))
    before = snapshot(str(sqlite_path))

    with open_store(sqlite_path) as store:
        backup = store.migration.backup

    assert backup == sqlite_path.with_name("store.db.bak-0001") and backup.exists()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert snapshot(str(backup)) == before  # the copy is the old store, whole


def test_migration_refuses_rows_that_break_the_new_rules_and_changes_nothing(
    db_url: str,
) -> None:
    ends_before_start = (
        "INSERT INTO entry VALUES (4, 'bad-uid', 2, 'sales', 1600000000, 1599990000, -10000,"
        " '', '', 1700000000, 1700000000, NULL)"
    )
    bad = [*ROWS_0001, ends_before_start]
    make_old_store(db_url, bad)
    before = snapshot(db_url)

    with pytest.raises(StoreError, match=r"cannot migrate: entry rows 4 break .*db check"):
        open_store(db_url)

    assert snapshot(db_url) == before  # still 0001, every row in place


def test_store_from_a_newer_smbalance_is_refused_and_untouched(db_url: str) -> None:
    open_store(db_url).close()
    engine = engine_for(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    before = snapshot(db_url)

    with pytest.raises(StoreError, match=r"newer smbalance \(schema 0099\).*upgrade smbalance"):
        open_store(db_url)

    assert snapshot(db_url) == before
    if "://" not in db_url:
        assert not Path(db_url + ".bak-0099").exists()


def test_db_migrate_says_what_it_did(db_url: str) -> None:
    make_old_store(db_url)  # before any CLI run: the `cli` fixture would create a current store
    cli = Cli(db=db_url, runner=CliRunner())

    first = cli("db", "migrate")
    second = cli("db", "migrate")

    assert first.exit_code == 0, first.stderr
    assert "migrated schema 0001 to 0004" in first.stdout
    assert second.exit_code == 0 and "schema 0004 is up to date; nothing to do" in second.stdout
    listed = cli("entries", "--from", "2023-01-01", "--to", "2100-01-02", "--format", "json")
    assert listed.exit_code == 0 and len(__import__("json").loads(listed.stdout)) == 3


def test_blank_database_gets_the_whole_schema(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("db", "migrate")
    assert result.exit_code == 0
    assert "created schema 0004" in result.stdout or "up to date" in result.stdout


@pytest.mark.parametrize("old", [False, True], ids=["up-to-date", "old"])
def test_alembic_is_imported_only_to_migrate(sqlite_path: Path, old: bool) -> None:
    if old:
        make_old_store(str(sqlite_path))
    else:
        open_store(sqlite_path).close()
    code = (
        "import sys; from smbalance.store import open_store; "
        f"open_store({str(sqlite_path)!r}).close(); print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(old)


def test_models_and_migrated_schema_agree(db_url: str) -> None:
    """The models (what the code queries) and the revisions (what stores hold) match."""
    from smbalance.models import metadata

    make_old_store(db_url)
    open_store(db_url).close()  # 0001 -> head, the path real stores take
    engine = engine_for(db_url)
    try:
        with engine.connect() as conn:
            schema = inspect(conn)
            assert set(schema.get_table_names()) == set(metadata.tables) | {"alembic_version"}
            for name, table in metadata.tables.items():
                assert _columns(schema, name) == {
                    c.name: (c.nullable, c.primary_key) for c in table.columns
                }, name
                assert _indexes(schema, name) == {
                    i.name: tuple(c.name for c in i.columns) for i in table.indexes
                }, name
                assert _checks(schema, name) == {
                    c.name for c in table.constraints if isinstance(c, CheckConstraint)
                }, name
                assert _foreign_keys(schema, name) == {
                    (fk.parent.name, fk.column.table.name, fk.column.name)
                    for fk in table.foreign_keys
                }, name
                assert _uniques(schema, name) == {(c.name,) for c in table.columns if c.unique}, (
                    name
                )
    finally:
        engine.dispose()


def _columns(schema, table: str) -> dict[str, tuple[bool, bool]]:  # type: ignore[no-untyped-def]
    primary = set(schema.get_pk_constraint(table)["constrained_columns"])
    return {c["name"]: (c["nullable"], c["name"] in primary) for c in schema.get_columns(table)}


def _indexes(schema, table: str) -> dict[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {
        i["name"]: tuple(i["column_names"])
        for i in schema.get_indexes(table)
        if not i.get("duplicates_constraint")
    }


def _checks(schema, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {c["name"] for c in schema.get_check_constraints(table)}


def _foreign_keys(schema, table: str) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {
        (fk["constrained_columns"][0], fk["referred_table"], fk["referred_columns"][0])
        for fk in schema.get_foreign_keys(table)
    }


def _uniques(schema, table: str) -> set[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {tuple(u["column_names"]) for u in schema.get_unique_constraints(table)}


def test_the_store_queries_know_the_models_columns() -> None:
    """The column lists the SQL text and the undo journal use are the models' own."""
    from smbalance.models import metadata
    from smbalance.store.sql import COLUMNS, KEYS

    for table, columns in COLUMNS.items():
        model = metadata.tables[table]
        assert tuple(column.name for column in model.columns) == columns
        assert [column.name for column in model.primary_key.columns] == [KEYS[table]]
