"""The entries the export and import tests start from, shared so both test one shape."""

from __future__ import annotations


def seed_entries(cli, note: str, last_end: str = "2026-11-01T08:45Z") -> None:  # type: ignore[no-untyped-def]
    """Three entries: one with `note` and two tags, one across midnight, and one a month
    back (ending at `last_end`) with an explicitly empty note."""
    cli.people("alice", "bob")
    cli("log", "sales", "--start", "2026-11-23T09:00Z", "--end", "2026-11-23T10:30Z",
        "--who", "alice", "--note", note, "--tag", "q4", "--tag", "lead")  # fmt: skip
    cli("log", "marketing", "--start", "2026-11-22T23:00Z", "--end", "2026-11-23T01:00Z",
        "--who", "bob")  # fmt: skip
    cli("log", "m", "--start", "2026-11-01T08:00Z", "--end", last_end,
        "--who", "alice", "--note", "")  # fmt: skip
