"""The command-line interface (Typer).  `main` is the console script."""

from __future__ import annotations


def main() -> None:
    import sys

    from smbalance.cli.app import app_for

    app_for(sys.argv[1:])(prog_name="smbalance")
