"""Tables of entries, timers and people."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from smbalance.domain import EntryRecord, PersonRecord, TimerRecord, plural
from smbalance.render import console, shown
from smbalance.timeparse import format_duration

CATEGORY_STYLE = {"sales": "yellow", "marketing": "cyan"}

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

    from smbalance.listing import Day
    from smbalance.status import DaySplit
    from smbalance.store.team import JournalEntry, TeamMember

Fmt = Callable[[int], str]


def plain_table(title: str | None = None) -> Table:
    """Our table look: a rule under the header and no vertical borders, so the room
    goes to the content and a week of entries fits an 80-column terminal."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        show_edge=False,
    )


def _day_and_times(start: str, end: str) -> tuple[str, str, str]:
    """Split local `YYYY-MM-DD HH:MM` strings into day, start time and end time.

    An end on a later day is marked `+1d` (or `+Nd`) rather than repeating its date, so
    a table of a week's entries fits an 80-column terminal.
    """
    from datetime import date

    day, start_time = start.split(" ", 1)
    end_day, end_time = end.split(" ", 1)
    if end_day != day:
        days = (date.fromisoformat(end_day) - date.fromisoformat(day)).days
        end_time = f"{end_time} +{days}d"
    return day, start_time, end_time


def _note_and_tags(entry: EntryRecord) -> Text:
    """The note, then the tags as dim `#tag`s: one column instead of two.  A note's line
    breaks stay (the cell grows); every other control character is shown escaped."""
    text = shown(entry.note, newlines=True)
    for tag in entry.tags:
        text.append(f"{' ' if len(text) else ''}#", style="dim")
        text.append_text(shown(tag, style="dim"))
    return text


def _category(category: str, *, short: bool = False) -> Text:
    return shown(
        CATEGORY_SHORT.get(category, category) if short else category,
        style=CATEGORY_STYLE.get(category, ""),
    )


# A category in a narrow table: short, and still a word.
CATEGORY_SHORT = {"sales": "sal", "marketing": "mkt"}


def _entries_grid(
    entries: Sequence[EntryRecord], fmt: Fmt, *, title: str | None, short: bool, year: bool
) -> Table:

    table = plain_table(title)
    for name, justify in (
        ("id", "right"),
        ("person", "left"),
        ("cat" if short else "category", "left"),
        ("day", "left"),
        ("start", "left"),
        ("end", "left"),
        ("duration", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    # Times and numbers stay on one line; the note (with the tags) takes the rest.
    table.add_column("note #tags", overflow="fold", ratio=1, min_width=8)
    for entry in entries:
        day, start, end = _day_and_times(fmt(entry.start_utc), fmt(entry.end_utc))
        table.add_row(
            str(entry.id),
            shown(entry.person),
            _category(entry.category, short=short),
            day if year else day[5:],
            start,
            end,
            format_duration(entry.seconds),
            _note_and_tags(entry),
        )
    return table


def _entries_cards(entries: Sequence[EntryRecord], fmt: Fmt, title: str | None) -> RenderableType:
    """The narrowest layout: a few lines an entry, the id first and whole; the note
    (with its tags) indented under the times, wrapping in its own column."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    parts: list[RenderableType] = []
    if title:
        parts.append(Text(title, style="italic"))
    for entry in entries:
        day, start, end = _day_and_times(fmt(entry.start_utc), fmt(entry.end_utc))
        head = Text(f"{entry.id}", style="bold")
        head.append("  ")
        head.append_text(shown(entry.person))
        head.append("  ")
        head.append_text(_category(entry.category))
        head.append(f"  {format_duration(entry.seconds)}")
        parts += [head, Text(f"    {day} {start}–{end}")]
        note = _note_and_tags(entry)
        if len(note):
            note.overflow = "fold"
            parts.append(Padding(note, (0, 0, 0, 4)))
    return Group(*parts)


def entries_layout(
    entries: Sequence[EntryRecord], fmt: Fmt, width: int, *, title: str | None = None
) -> RenderableType:
    """The widest layout whose ids, names, times and durations fit `width` whole (the
    note folds): the full table; short categories; days without the year when all
    are in one year; else two lines an entry."""
    from smbalance.render.report import natural_width

    one_year = len({fmt(e.start_utc)[:4] for e in entries}) <= 1
    measure = console(record=False)
    for short, year in ((False, True), (True, True), (True, not one_year)):
        table = _entries_grid(entries, fmt, title=title, short=short, year=year)
        # the note column folds: only its header and a little room must fit
        bare = _entries_grid(
            [_without_note(e) for e in entries], fmt, title=None, short=short, year=year
        )
        if natural_width(measure, bare) <= width:
            return table
    return _entries_cards(entries, fmt, title)


def _without_note(entry: EntryRecord) -> EntryRecord:
    return entry._replace(note="", tags=[])


def entries_table(
    entries: Sequence[EntryRecord],
    fmt: Fmt,
    *,
    count: int | None = None,
    seconds: int | None = None,
    days: Sequence[Day] | None = None,
) -> None:
    """The entries, and a footer with `count` and `seconds` of all that match (the
    table may show fewer: it says how many more).  With `days`, each day's entries
    under a line with the day's time, sales and marketing."""
    from datetime import date

    count = len(entries) if count is None else count
    seconds = sum(entry.seconds for entry in entries) if seconds is None else seconds
    out = console()
    if not entries:
        out.print("No entries in this period.")
        return
    if days is None:
        out.print(entries_layout(entries, fmt, out.width))
    for index, (day, sales, marketing, listed) in enumerate(days or ()):
        heading = (
            f"{date.fromisoformat(day):%a} {day}  {format_duration(sales + marketing)}: "
            f"sales {format_duration(sales)}, marketing {format_duration(marketing)}"
        )
        if index:
            out.print()
        out.print(entries_layout(listed, fmt, out.width, title=heading))
    summary = f"{plural(count, 'entry')}, {format_duration(seconds)} in all"
    if count > len(entries):
        summary += (
            f"; showing the newest {len(entries)}, {count - len(entries)} more "
            f"(--limit {count} shows them all, --format csv lists them)"
        )
    out.print(summary)


def timers_table(timers: Sequence[TimerRecord], now: int, fmt: Fmt) -> None:
    """`status`'s running timers, in plain text (see `render.plain`: no Rich)."""
    from smbalance.render import plain

    if not timers:
        print("No timer is running.")
        return
    rows = [
        [
            plain.stored(timer.person),
            plain.Cell(timer.category, CATEGORY_STYLE.get(timer.category, "")),
            fmt(timer.start_utc),
            format_duration(max(now - timer.start_utc, 0)),
            plain.stored(timer.note),
        ]
        for timer in timers
    ]
    columns = [(name, "left") for name in ("person", "category", "since", "elapsed", "note")]
    print(plain.table("Running timers", columns, rows))


def split_table(rows: Sequence[DaySplit], title: str) -> None:
    """Per-person sales/marketing seconds and share (status's "today"), in plain text."""
    from smbalance.render import plain
    from smbalance.render.text import pct

    if not rows:
        print(f"{title}: nothing logged yet.")
        return
    columns = [
        ("person", "left"),
        ("sales", "right"),
        ("marketing", "right"),
        ("total", "right"),
        ("marketing share", "right"),
    ]
    cells = [
        [
            plain.stored(row.person),
            format_duration(row.sales_seconds),
            format_duration(row.marketing_seconds),
            format_duration(row.total_seconds),
            pct(row.marketing_share),
        ]
        for row in rows
    ]
    print(plain.table(title, columns, cells))


def people_table(people: Sequence[PersonRecord], floor: float) -> None:
    out = console()
    if not people:
        out.print("No people yet. Add one with `smbalance people add NAME --role both`.")
        return
    table = plain_table()
    for name, justify in (
        ("name", "left"),
        ("role", "left"),
        ("commission", "right"),
        ("target", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for person in people:
        target = f"{person.target}%" if person.target is not None else f"{floor:g}% (floor)"
        table.add_row(shown(person.name), shown(person.role), f"{person.commission}%", target)
    out.print(table)


def team_table(members: Sequence[TeamMember]) -> None:
    out = console()
    if not members:
        out.print("Nobody yet. Link a person to a login with `smbalance team add NAME`.")
        return
    table = plain_table()
    for column in ("person", "login", "standing"):
        table.add_column(column)
    for member in members:
        table.add_row(shown(member.person or "–"), shown(member.login or "–"), member.standing)
    out.print(table)


def journal_table(changes: Sequence[JournalEntry], fmt: Fmt) -> None:
    out = console()
    if not changes:
        out.print("The journal is empty: nothing has been changed yet.")
        return
    table = plain_table()
    for column, justify in (
        ("id", "right"),
        ("when", "left"),
        ("who", "left"),
        ("command", "left"),
        ("what", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for change in changes:
        what = shown(change.summary or "–")
        if change.undone:
            what.append(" (undone)", style="dim")
        table.add_row(
            str(change.id), fmt(change.at_utc), shown(change.actor or "–"), change.command, what
        )
    out.print(table)
