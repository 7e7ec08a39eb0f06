"""The one exception family the core raises.

The CLI turns every `SmbalanceError` into a single ``Error: …`` line on stderr and the
exit code the spec assigns, in exactly one place (`smbalance.cli.outcome`).  What can be
judged from the command line alone (exit 2) is refused by the CLI's parameter parsers
before the core is called, so every error here is exit 1.  Nothing in the
core prints, exits or knows about Typer.
"""

from __future__ import annotations


class SmbalanceError(Exception):
    """A well-formed request that cannot be done (spec exit code 1)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StoreError(SmbalanceError):
    """The store cannot be opened, migrated or written."""


class NoStore(StoreError):
    """A command that only reads found no SQLite file: it never creates one."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"no store at {path} — record something first (smbalance log …), "
            "or check --db / SMBALANCE_DB"
        )


class NotFound(SmbalanceError):
    """An unknown id, person or timer."""


class Conflict(SmbalanceError):
    """The request collides with what is stored (overlap, existing name, …)."""


class Refused(SmbalanceError):
    """The store's rules say this role may not do that (a team store's member writing
    someone else's time, changing people, rewriting the journal)."""


class OverlapError(Conflict):
    """An entry would overlap another entry (or the running timer) of the same person."""


class ImportFailed(SmbalanceError):
    """An import file has bad rows; nothing was written.

    The message is the one `Error:` line (what failed and that nothing was imported);
    the problems, each with its line, entry or Timewarrior `@id`, follow it on lines of
    their own (`details`), so a long list reads as a list:
    ``Error: a.csv has 2 problems (csv); nothing was imported:`` then ``  line 3: …``.
    """

    def __init__(
        self, summary: str, problems: list[str] | None = None, *, then: str = "nothing was imported"
    ) -> None:
        self.problems = problems or []
        self.details = self.problems
        super().__init__(f"{summary}; {then}{':' if self.problems else ''}")


class ConfigError(SmbalanceError):
    """The config file cannot be read or a setting is invalid."""
