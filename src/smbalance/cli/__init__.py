"""The command-line interface.  `main` is the console script.

A plain command line for one of the commands typed all day runs on the lean path
(`cli/lean.py`), without importing Typer; everything else, and anything the lean path
is not sure of, runs through the Typer app (`cli/app.py`).
"""

from __future__ import annotations

# The module that registers each command (or group), so a run of one command imports
# only its module: `log` need not import export, import, report, team … (tests/
# test_lean_app.py checks this against the full app).  The `tracking` ones are the
# commands the lean path runs.
COMMAND_MODULES = {
    **dict.fromkeys(("log", "start", "stop", "status", "cancel", "undo"), "tracking"),
    **dict.fromkeys(("entries", "edit", "rm"), "history"),
    "people": "people",
    "team": "team",
    "report": "report",
    "demo": "demo",
    "export": "exchange",
    "import": "exchange",
    "config": "config_cmd",
    "db": "db",
}


def main(argv: list[str] | None = None) -> None:
    import sys

    from smbalance.cli.lean import run

    args = sys.argv[1:] if argv is None else argv
    code = run(args)
    if code is not None:
        sys.exit(code)
    from smbalance.cli.app import app_for

    app_for(args)(args, prog_name="smbalance")
