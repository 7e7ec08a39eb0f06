"""`smbalance.cli.main` builds only the Click command that the arguments invoke."""

from __future__ import annotations

import pytest

from smbalance.cli.app import app, app_for


def names(typer_app) -> set[str]:  # type: ignore[no-untyped-def]
    commands = {info.name or info.callback.__name__ for info in typer_app.registered_commands}
    return commands | {info.name for info in typer_app.registered_groups}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["log", "sales", "1h"], {"log"}),
        (["--db", "x.db", "log", "sales"], {"log"}),
        (["--db=x.db", "--tz", "Europe/London", "report", "--week"], {"report"}),
        (["--config", "c.toml", "people", "add", "al"], {"people"}),
        (["import", "week.csv"], {"import"}),
    ],
)
def test_a_named_command_gets_an_app_of_just_that_command(
    args: list[str], expected: set[str]
) -> None:
    assert names(app_for(args)) == expected
    assert len(names(app)) > 10  # the shared app is untouched


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--version"],
        ["lg", "sales"],
        ["--db", "x.db"],
        ["-h"],
        ["--unknown", "log"],
    ],
)
def test_anything_else_gets_the_full_app(args: list[str]) -> None:
    assert app_for(args) is app


def test_completion_gets_the_full_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_SMBALANCE_COMPLETE", "complete_bash")
    assert app_for(["log"]) is app


def test_each_command_is_registered_by_the_module_the_lean_path_imports() -> None:
    """`app_for` imports only COMMAND_MODULES[name]: the map must match the full app."""
    from smbalance.cli import COMMAND_MODULES

    registered = {
        info.name or info.callback.__name__: info.callback.__module__
        for info in app.registered_commands
    }
    registered |= {
        info.name: info.typer_instance.registered_commands[0].callback.__module__
        for info in app.registered_groups
    }
    assert {name: module.rsplit(".", 1)[1] for name, module in registered.items()} == (
        COMMAND_MODULES
    )
