"""SPEC statements checked through the real CLI on both backends, where a black-box
pass of the installed `smbalance` found the product and SPEC apart."""

from __future__ import annotations

import stat
from pathlib import Path

from conftest import Cli, assert_error


def test_db_backup_is_a_store_on_both_backends(cli: Cli, tmp_path: Path) -> None:
    """SPEC: `db backup FILE` = a consistent copy, and every command works the same on
    SQLite and PostgreSQL: the copy is a 0600 SQLite store that `--db FILE` opens, with
    the same entries, people, timer and journal (undo works on it)."""
    cli.people("alice")
    assert cli("log sales 2h --who alice --note x --tag crm").exit_code == 0
    assert cli("start marketing --who alice").exit_code == 0
    backup = tmp_path / "copy.db"
    result = cli("db", "backup", str(backup))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    copy = Cli(db=str(backup), runner=cli.runner)
    for command in ("export --format json", "people ls --format csv", "status --format json"):
        assert copy(command).stdout == cli(command).stdout, command
    assert "alice's marketing timer" in copy("undo").stdout  # the journal came along
    assert_error(cli("db", "backup", str(backup)), 1, "exists")  # never over a file


def test_a_failed_first_write_leaves_no_store_behind(tmp_path: Path) -> None:
    """SPEC: a failed command leaves the store exactly as it was — with no store yet,
    none (so the first write that works still says where it created it)."""
    from typer.testing import CliRunner

    path = tmp_path / "new.db"
    new = Cli(db=str(path), runner=CliRunner())
    assert_error(new("log sales 1h --who rot"), 1, "no person 'rot'")
    assert_error(new("undo"), 1)
    assert not list(tmp_path.glob("new.db*"))
    first = new("log sales 1h -q")
    assert first.exit_code == 0 and first.stdout == "1\n"
    assert f"Created a new store at {path}" in first.stderr
    assert_error(new("log sales 1h --who rot"), 1, "no person")  # the store stays now
    assert path.exists()
