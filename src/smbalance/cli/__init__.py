"""The command-line interface (Typer).  `main` is the console script."""

from __future__ import annotations


def main() -> None:
    from smbalance.cli.app import app

    app(prog_name="smbalance")
