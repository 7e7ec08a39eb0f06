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
