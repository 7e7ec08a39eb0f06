"""Files smbalance writes: whole or not at all, never through a planted symlink, private
whatever the umask; a store path that is a link or not a database is refused (#14.5, 6).

The attacks run in a 0777 directory without the sticky bit, where anyone may create,
rename and delete names: a shared scratch folder, a badly made team share.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from smbalance.files import PRIVATE, SHARED, private_dirs, write_atomically

VICTIM_TEXT = "precious\n"


@pytest.fixture
def open_umask() -> object:
    """umask 0: the modes we check must come from smbalance, not from a kind umask."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """A world-writable directory without the sticky bit."""
    directory = tmp_path / "shared"
    directory.mkdir()
    directory.chmod(0o777)
    return directory


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_text(VICTIM_TEXT)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def hidden(directory: Path) -> list[str]:
    """Temporary files left behind (ours start with a dot)."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def seed(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("alice")
    assert cli("log sales 1h --who alice --note =1+1").exit_code == 0


# ---- the helper ---------------------------------------------------------------------------


def test_write_atomically_replaces_a_symlink_and_leaves_nothing_behind(
    shared: Path, victim: Path
) -> None:
    target = shared / "out.txt"
    target.symlink_to(victim)
    with write_atomically(target, mode=PRIVATE) as out:
        out.write("new\n")
    assert victim.read_text() == VICTIM_TEXT
    assert not target.is_symlink() and target.read_text() == "new\n"
    assert mode(target) == 0o600
    assert hidden(shared) == []


def test_write_atomically_keeps_the_old_file_when_the_writer_fails(shared: Path) -> None:
    target = shared / "out.txt"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), write_atomically(target) as out:
        out.write("half")
        raise RuntimeError("the export broke off")
    assert target.read_text() == "old\n"
    assert hidden(shared) == []


def test_shared_files_follow_the_umask_and_private_ones_do_not(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        with write_atomically(tmp_path / "export.csv", mode=SHARED) as out:
            out.write("x")
        with write_atomically(tmp_path / "backup.db", mode=PRIVATE) as out:
            out.write("x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "export.csv") == 0o640
    assert mode(tmp_path / "backup.db") == 0o600


def test_private_dirs_are_0700_whatever_the_umask(open_umask, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    private_dirs(tmp_path / "a" / "b" / "c")
    for name in ("a", "a/b", "a/b/c"):
        assert mode(tmp_path / name) == 0o700, name


# ---- through the CLI ----------------------------------------------------------------------


def test_export_never_writes_through_a_planted_link(sqlite_cli, shared: Path, victim: Path) -> None:  # type: ignore[no-untyped-def]
    seed(sqlite_cli)
    out = shared / "out.csv"
    # The old fixed temporary name, and the target itself, both point at the victim.
    (shared / ".out.csv.partial").symlink_to(victim)
    out.symlink_to(victim)
    result = sqlite_cli("export", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == VICTIM_TEXT
    assert not out.is_symlink() and out.read_text().startswith("uid,id,person")
    assert hidden(shared) == [".out.csv.partial"]  # the planted link, untouched


def test_report_save_and_backup_never_write_through_a_planted_link(
    sqlite_cli, shared: Path, victim: Path
) -> None:  # type: ignore[no-untyped-def]
    seed(sqlite_cli)
    page = shared / "team.html"
    page.symlink_to(victim)
    assert sqlite_cli("report", "--save", str(page)).exit_code == 0
    assert victim.read_text() == VICTIM_TEXT and not page.is_symlink()
    for link in (shared / "backup.db", shared / "dangling.db"):
        link.symlink_to(victim if link.name == "backup.db" else shared / "nowhere.db")
        result = sqlite_cli("db", "backup", str(link))
        assert result.exit_code == 1 and "exists" in result.stderr, result.stderr
    assert victim.read_text() == VICTIM_TEXT and not (shared / "nowhere.db").exists()
    assert hidden(shared) == []


def test_a_new_store_and_its_directories_are_private_under_umask_0(
    open_umask, sqlite_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from smbalance.cli.app import app

    store = tmp_path / "made" / "for" / "db" / "s.db"
    result = CliRunner().invoke(
        app, ["--db", str(store), "log", "sales", "1h"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    for directory in (store.parent, store.parent.parent, store.parent.parent.parent):
        assert mode(directory) == 0o700, directory
    for file in store.parent.iterdir():  # the store and any -wal / -shm beside it
        assert mode(file) == 0o600, file
    backup = tmp_path / "b.db"
    assert CliRunner().invoke(app, ["--db", str(store), "db", "backup", str(backup)]).exit_code == 0
    assert mode(backup) == 0o600
    # The default store's parents (~/.local/share/smbalance and up) too.
    assert CliRunner().invoke(app, ["log", "sales", "1h"]).exit_code == 0
    data = Path(os.environ["XDG_DATA_HOME"])
    for directory in (data / "smbalance", data, data.parent):
        assert mode(directory) == 0o700, directory


@pytest.mark.parametrize("kind", ["dangling link", "link to a store", "empty file"])
def test_a_store_path_that_is_a_link_or_an_empty_file_is_refused(
    kind: str, shared: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from smbalance.cli.app import app

    path = shared / "s.db"
    elsewhere = tmp_path / "elsewhere.db"
    if kind == "dangling link":
        path.symlink_to(elsewhere)
    elif kind == "link to a store":
        made = CliRunner().invoke(app, ["--db", str(elsewhere), "log", "sales", "1h"])
        assert made.exit_code == 0
        path.symlink_to(elsewhere)
    else:
        path.touch()
    before = elsewhere.read_bytes() if elsewhere.exists() else None
    for argv in (["log", "sales", "1h"], ["report"]):
        result = CliRunner().invoke(app, ["--db", str(path), *argv], catch_exceptions=False)
        assert result.exit_code == 1, (argv, result.stdout)
        (line,) = result.stderr.splitlines()
        expected = "is a symbolic link" if "link" in kind else "is an empty file"
        assert line.startswith("Error: ") and expected in line, line
    assert (elsewhere.read_bytes() if elsewhere.exists() else None) == before
    assert path.is_symlink() or path.stat().st_size == 0
