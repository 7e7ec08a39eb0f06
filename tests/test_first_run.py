"""The first ten minutes: orientation on a bare `smbalance`, the first write saying where
the store is, hints that name the right person or command, and shell completion of
people and categories driven through the shells' real protocols."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SMBALANCE = str(Path(sys.executable).parent / "smbalance")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed script, as a shell would run it, in the test's isolated environment."""
    return subprocess.run(
        [SMBALANCE, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def default_store() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "smbalance" / "smbalance.db"


def test_bare_command_orients_a_newcomer_without_creating_anything() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Your store: {default_store()} (created on first use)" in out
    for command in ("smbalance log sales", "smbalance start marketing", "smbalance report"):
        assert command in out
    assert "smbalance demo" in out and "--help" in out
    assert not default_store().exists()


def test_first_write_says_where_it_created_the_store() -> None:
    result = run("log", "sales", "1h")
    assert result.returncode == 0, result.stderr
    assert f"Created a new store at {default_store()}" in result.stderr
    assert default_store().is_file()
    again = run("log", "marketing", "30m")
    assert "Created a new store" not in again.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("rm", "7", "--yes"),
        ("edit", "1", "--note", "x"),
        ("undo",),
        ("stop", "--who", "bob"),
        ("people", "set", "nobody", "--role", "sales"),
    ],
)
def test_a_failing_first_command_says_only_its_error(args: tuple[str, ...]) -> None:
    # The store is opened before the command finds the fault, but stderr stays the one
    # line scripts look for; the creation notice is for commands that worked.
    result = run(*args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr


def test_help_lists_commands_grouped_with_one_line_summaries() -> None:
    result = run("--help")
    assert result.returncode == 0
    sections = [line for line in result.stdout.splitlines() if line.endswith(":")]
    assert sections[-4:] == ["Tracking:", "People:", "Reporting:", "Data:"] or sections[-3:] == [
        "Tracking:",
        "People:",
        "Data:",
    ]
    assert "  log      Record time already spent." in result.stdout


def test_unknown_person_suggests_the_nearest_known_name(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("alice")
    assert cli("log", "sales", "1h", "--who", "alice").exit_code == 0
    before = cli("entries", "--format", "csv").stdout
    for command in (
        ("entries", "--who", "alcie"),
        ("report", "--who", "alcie"),
        ("export", "--who", "alcie"),
        ("people", "set", "alcie", "--role", "sales"),
    ):
        result = cli(*command)
        assert result.exit_code == 1, command
        assert result.stderr.strip() == "Error: no person named 'alcie'; did you mean alice?"
    assert cli("entries", "--format", "csv").stdout == before


def test_mistyped_command_suggests_the_right_one() -> None:
    result = run("lgo", "sales", "1h")
    assert result.returncode == 2
    assert "Error: No such command 'lgo'. Did you mean 'log'?" in result.stderr
    assert "Traceback" not in result.stderr


# ---- shell completion, through each shell's protocol ---------------------------------


def complete(shell: str, words: str, env: dict[str, str]) -> list[str]:
    """What `smbalance`'s completion script would hand the shell for this command line."""
    protocol = {"_SMBALANCE_COMPLETE": f"complete_{shell}"}
    if shell == "bash":  # the partial word is the last one; an empty one if `words` ends " "
        protocol |= {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    else:
        protocol |= {"_TYPER_COMPLETE_ARGS": words}
        if shell == "fish":
            protocol["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = run(env={**env, **protocol})
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "completion must not print into the shell"
    if shell == "zsh":  # _arguments '*: :(("alice" "albert"))'
        inner = result.stdout.split("((", 1)[1].rsplit("))", 1)[0]
        return [w.strip('"').split(":", 1)[0] for w in inner.split()]
    return result.stdout.split()


@pytest.fixture
def team_store(cli, db_url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A real store (SQLite or PostgreSQL) with three people, named through SMBALANCE_DB."""
    cli.people("alice", "albert", "bob")
    return {"SMBALANCE_DB": db_url}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_offers_the_people_in_the_store(shell: str, team_store: dict) -> None:
    assert complete(shell, "smbalance report --who al", team_store) == ["albert", "alice"]
    assert complete(shell, "smbalance log sales 1h --who b", team_store) == ["bob"]


def test_completion_reads_the_store_named_by_db_on_the_command_line(tmp_path: Path) -> None:
    store = tmp_path / "team.db"
    assert run("--db", str(store), "people", "add", "carol", "--role", "both").returncode == 0
    assert complete("bash", f"smbalance --db {store} people set ", {}) == ["carol"]


def test_completion_of_categories_and_commands() -> None:
    assert complete("bash", "smbalance log ma", {}) == ["marketing"]
    assert complete("bash", "smbalance lo", {}) == ["log"]
    assert not default_store().exists(), "completion must not create a store"


def test_completion_without_a_store_offers_no_names_and_no_error() -> None:
    assert complete("bash", "smbalance report --who ", {}) == []


def test_the_tutorial_shows_the_orientation_as_it_is() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "tutorial.md").read_text()
    sample = page.split("```console\n$ smbalance\n", 1)[1].split("```", 1)[0]
    actual = run().stdout.splitlines()
    for line in sample.splitlines():
        if line and line != "..." and not line.startswith("Your store:"):
            assert line in actual, f"the tutorial shows {line!r}; smbalance no longer prints it"
