"""Nothing appears by accident: a command that only reads never creates a store (nor its
directory), and a write creates only the default person, never a phantom colleague from
a typo in --who."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

READ_ONLY = (
    ("status",),
    ("entries",),
    ("report",),
    ("report", "--check"),
    ("report", "--format", "json"),
    ("export",),
    ("people", "ls"),
    ("db", "check"),
    ("db", "backup", "copy.db"),
    ("db", "migrate"),
)


def run(*args: str):  # type: ignore[no-untyped-def]
    from smbalance.cli.app import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("argv", READ_ONLY, ids=" ".join)
def test_a_read_only_command_never_creates_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)  # `db backup copy.db` would write here
    typo = tmp_path / "typo" / "team.db"
    data_home = Path(os.environ["XDG_DATA_HOME"])
    before = listing(tmp_path)
    for db in (["--db", str(typo)], []):  # a mistyped --db, and the default store
        result = run(*db, *argv)
        assert result.exit_code == 1, result.stdout
        missing = typo if db else data_home / "smbalance" / "smbalance.db"
        assert result.stderr == (
            f"Error: no store at {missing} — record something first (smbalance log …), "
            "or check --db / SMBALANCE_DB\n"
        )
        assert result.stdout == ""
    assert listing(tmp_path) == before


def test_a_write_creates_the_store_and_says_where(tmp_path: Path) -> None:
    typo = tmp_path / "new" / "team.db"
    result = run("--db", str(typo), "log", "sales", "1h")
    assert result.exit_code == 0, result.stderr
    assert f"Created a new store at {typo}" in result.stderr
    assert run("--db", str(typo), "report", "--format", "json").exit_code == 0


def test_only_the_default_person_is_created_on_first_use(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("log", "sales", "1h")  # the login name (tester in the tests)
    assert first.exit_code == 0, first.stderr
    assert "Created person tester (role both, commission 0%)" in first.stderr
    named = cli("log", "marketing", "30m", "--who", "tester")  # naming it is the same
    assert named.exit_code == 0 and "Created person" not in named.stderr
    before = cli("export", "--format", "json").stdout
    for argv in (
        ("log", "sales", "1h", "--who", "testr"),
        ("log", "sales", "--start", "09:00", "--end", "10:00", "--who", "testr"),
        ("start", "sales", "--who", "testr"),
        ("edit", "1", "--who", "testr"),
    ):
        refused = cli(*argv)
        assert refused.exit_code == 1, argv
        assert refused.stderr == (
            "Error: no person 'testr' — did you mean 'tester'? Add them with: "
            "smbalance people add testr --role both\n"
        ), argv
    assert cli("export", "--format", "json").stdout == before
    assert [p["name"] for p in _people(cli)] == ["tester"]
    alone = cli("start", "sales", "--who", "zed")
    assert alone.stderr == (
        "Error: no person 'zed'. Add them with: smbalance people add zed --role both\n"
    )
    assert cli("people", "add", "zed", "--role", "sales").exit_code == 0
    assert cli("start", "sales", "--who", "zed").exit_code == 0


def test_default_person_from_config_is_created(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("config", "set", "default_person", "dana").exit_code == 0
    made = cli("start", "marketing", "--at", "13:00")
    assert made.exit_code == 0, made.stderr
    assert "Created person dana" in made.stderr
    # The login name is not the default person once default_person names someone else.
    assert cli("log", "sales", "1h", "--who", "tester").exit_code == 1


def test_import_creates_the_people_its_rows_name_and_lists_them(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "person,category,start,end\n"
        "ana,sales,2026-11-23T09:00:00Z,2026-11-23T10:00:00Z\n"
        "ben,marketing,2026-11-23T09:00:00Z,2026-11-23T10:00:00Z\n"
    )
    dry = cli("import", str(rows), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "; would create people ana, ben (role both) (--dry-run):" in dry.stdout
    done = cli("import", str(rows))
    assert done.exit_code == 0, done.stderr
    assert done.stdout.endswith("; created people ana, ben (role both)\n")
    assert [p["name"] for p in _people(cli)] == ["ana", "ben"]


def _people(cli) -> list[dict]:  # type: ignore[no-untyped-def]
    import json

    return json.loads(cli("people", "ls", "--format", "json").stdout)
