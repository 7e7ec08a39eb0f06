"""Tables of entries, timers and people."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from smbalance.domain import EntryRecord, PersonRecord, TimerRecord
from smbalance.render import console
from smbalance.timeparse import format_duration

CATEGORY_STYLE = {"sales": "yellow", "marketing": "cyan"}

Fmt = Callable[[int], str]


def entries_table(entries: Sequence[EntryRecord], fmt: Fmt, *, title: str | None = None) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for name, justify in (
        ("id", "right"),
        ("person", "left"),
        ("category", "left"),
        ("start", "left"),
        ("end", "left"),
        ("duration", "right"),
        ("note", "left"),
        ("tags", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    total = 0
    for entry in entries:
        total += entry.seconds
        table.add_row(
            str(entry.id),
            entry.person,
            f"[{CATEGORY_STYLE[entry.category]}]{entry.category}[/]",
            fmt(entry.start_utc),
            fmt(entry.end_utc),
            format_duration(entry.seconds),
            entry.note,
            " ".join(entry.tags),
        )
    out = console()
    if not entries:
        out.print("No entries in this period.")
        return
    out.print(table)
    out.print(f"{len(entries)} entries, {format_duration(total)} in all")


def timers_table(timers: Sequence[TimerRecord], now: int, fmt: Fmt) -> None:
    from rich.table import Table

    out = console()
    if not timers:
        out.print("No timer is running.")
        return
    table = Table(title="Running timers", title_justify="left", header_style="bold")
    for name in ("person", "category", "since", "elapsed", "note"):
        table.add_column(name)
    for timer in timers:
        table.add_row(
            timer.person,
            f"[{CATEGORY_STYLE[timer.category]}]{timer.category}[/]",
            fmt(timer.start_utc),
            format_duration(max(now - timer.start_utc, 0)),
            timer.note,
        )
    out.print(table)


def split_table(rows: Sequence[dict], title: str) -> None:
    """Per-person sales/marketing seconds and share (status's "today")."""
    from rich.table import Table

    out = console()
    if not rows:
        out.print(f"{title}: nothing logged yet.")
        return
    table = Table(title=title, title_justify="left", header_style="bold")
    for name, justify in (
        ("person", "left"),
        ("sales", "right"),
        ("marketing", "right"),
        ("total", "right"),
        ("marketing share", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        share = row["marketing_share"]
        table.add_row(
            row["person"],
            format_duration(row["sales_seconds"]),
            format_duration(row["marketing_seconds"]),
            format_duration(row["total_seconds"]),
            "–" if share is None else f"{share:.1f}%",
        )
    out.print(table)


def people_table(people: Sequence[PersonRecord], floor: float) -> None:
    from rich.table import Table

    out = console()
    if not people:
        out.print("No people yet. Add one with `smbalance people add NAME --role both`.")
        return
    table = Table(header_style="bold")
    for name, justify in (
        ("name", "left"),
        ("role", "left"),
        ("commission", "right"),
        ("target", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for person in people:
        target = f"{person.target}%" if person.target is not None else f"{floor:g}% (floor)"
        table.add_row(person.name, person.role, f"{person.commission}%", target)
    out.print(table)
