"""Looking back over entries and fixing them: entries, edit, rm.

Each command parses, calls the store, prints, exits.  Results go to stdout; notices go
to stderr.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from smbalance.cli.context import notice, state
from smbalance.cli.parameters import IdText
from smbalance.cli.params import (
    CategoryOpt,
    EndOpt,
    LongOpt,
    Note,
    PeriodChoice,
    StartOpt,
    Who,
    WhoMany,
    format_option,
    parse_count,
    parse_duration,
    parse_entry_id,
    period_options,
    tag_option,
    typer_command,
)
from smbalance.cli.tracking import check_usage, notice_created, span_text
from smbalance.domain import plural
from smbalance.timeparse import check_length, check_not_future, check_span
from smbalance.visible import visible

ENTRIES_SHOWN = 100  # rows the entries table shows without --limit


@period_options("week")
def entries(
    period: PeriodChoice,
    who: WhoMany = None,
    category: CategoryOpt = None,
    by_day: Annotated[
        bool,
        typer.Option(
            "--by-day",
            help="Group the table under a line per day with the day's sales and marketing.",
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-l",
            parser=parse_count(1),
            metavar="N",
            help=f"At most N entries (the table: {ENTRIES_SHOWN} unless given; JSON and CSV: "
            "all unless given).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str, format_option(("table", "json", "csv"))] = "table",
) -> None:
    """List entries, newest first (default: the current week).

    Every format streams, so memory stays flat however many entries match. The table
    shows the newest --limit entries (default 100) and says how many more there are.

    \b
    Examples:
      smbalance entries
      smbalance entries --by-day --who alice
      smbalance entries --who alice --from 2026-11-01 --to 2026-11-30
      smbalance entries --last-month --format csv
      smbalance entries --category marketing --format csv > marketing.csv
    """
    if by_day and fmt != "table":
        raise typer.BadParameter(
            "--by-day groups the table; for each day's sums as data use "
            f"`smbalance report --by day --format {fmt}`",
            param_hint="'--by-day'",
        )
    app = state()
    store = app.store()
    for name in who or []:
        store.require_person(name)
    span, _ = period.resolve(who or ())
    store.require_sound(span.start_utc, span.end_utc)  # damage: one clean error
    listing = {
        "people": who or (),
        "category": category,
        "start_utc": span.start_utc,
        "end_utc": span.end_utc,
    }
    if fmt != "table":
        from smbalance.cli.exchange import stream_to_stdout

        stream_to_stdout(store.export_batches(newest_first=True, limit=limit, **listing), fmt)
        return
    _entries_table(store, listing, limit or ENTRIES_SHOWN, by_day=by_day)


def _entries_table(store, listing: dict, shown: int, *, by_day: bool) -> None:  # type: ignore[no-untyped-def]
    from smbalance import listing as core
    from smbalance.render.tables import entries_table

    app = state()
    records, count, seconds = core.newest(store, shown, listing)
    days = (
        core.by_day(store, records, app.timezone, listing["people"], listing["category"])
        if by_day
        else None
    )
    entries_table(records, app.format_instant, count=count, seconds=seconds, days=days)


def edit(
    ctx: typer.Context,
    entry_id: Annotated[
        IdText,
        typer.Argument(metavar="ID", parser=parse_entry_id, help="The entry's id (see `entries`)."),
    ],
    category: CategoryOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    duration: Annotated[
        int | None,
        typer.Option(
            "--duration",
            "-d",
            parser=parse_duration,
            metavar="DURATION",
            help="New length; keeps the start and moves the end.",
            show_default=False,
        ),
    ] = None,
    who: Who = None,
    note: Note = None,
    tag: Annotated[list[str] | None, tag_option("Replace the tags (repeatable).")] = None,
    clear_tags: Annotated[bool, typer.Option("--clear-tags", help="Remove all tags.")] = False,
    long: LongOpt = False,
) -> None:
    """Change an entry.

    --start alone keeps the end; --end alone keeps the start; --duration keeps the
    start and moves the end. As with `log`, an end in the future or an entry longer
    than max_entry_hours (unless --long) is refused.

    \b
    Examples:
      smbalance edit 12 --category marketing
      smbalance edit 12 --duration 45m --note "shorter than I thought"
      smbalance edit 12 --start 09:00 --end 10:15
    """
    if duration is not None and end is not None:
        raise typer.BadParameter("give --end or --duration, not both", param_hint="'--duration'")
    changes = (category, start, end, duration, who, note, tag)
    if all(value is None for value in changes) and not clear_tags:
        ctx.fail(  # Click's usage error: exit 2, with the usage line
            "nothing to change; give --category, --start, --end, --duration, --who, --note, "
            "--tag or --clear-tags"
        )
    app = state()
    limit = None if long else app.settings.max_entry_seconds
    for value, hint in ((start, "'--start'"), (end, "'--end'")):
        if value is not None:
            what = hint.strip("'")
            check_usage(
                lambda v=value, w=what: check_not_future(v, app.now, w, fmt=app.format_instant),
                hint,
            )
    if start is not None and end is not None:
        check_usage(lambda: check_span(start, end, max_seconds=limit), "'--end'")
    if duration is not None:
        check_usage(lambda: check_length(duration, limit), "'--duration'")
    tags = tag if tag else ([] if clear_tags else None)
    entry, created = app.store(create=True).edit(
        entry_id,
        category=category,
        start=start,
        end=end,
        seconds=duration,
        person=who,
        note=note,
        tags=tags,
        create_person=who is not None and app.may_create(who),
        max_seconds=limit,
    )
    notice_created(entry.person, created)
    from smbalance.timeparse import format_duration

    span = span_text(app.format_instant(entry.start_utc), app.format_instant(entry.end_utc))
    print(
        f"Entry {entry.id}: {format_duration(entry.seconds)} of {visible(entry.category)} for "
        f"{visible(entry.person)}, {span}"
    )


def rm(
    entry_ids: Annotated[
        list[IdText],
        typer.Argument(metavar="ID", parser=parse_entry_id, help="Entry ids to delete."),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete entries (asks first on a terminal, unless --yes).

    \b
    Examples:
      smbalance rm 12
      smbalance rm 12 13 14 --yes
    """
    app = state()
    store = app.store(create=True)
    targets = [store.entry(i) for i in dict.fromkeys(entry_ids)]  # unknown id: error, nothing done
    if not yes and sys.stdin.isatty():
        from smbalance.timeparse import format_duration

        for e in targets:
            print(
                f"  {e.id}: {format_duration(e.seconds)} of {visible(e.category)} for "
                f"{visible(e.person)}, "
                f"{app.format_instant(e.start_utc)}",
                file=sys.stderr,
            )
        if not typer.confirm(f"Delete {plural(len(targets), 'entry')}?", err=True):
            notice("Nothing deleted.")
            raise typer.Exit(1)
    removed = store.remove([e.id for e in targets])
    print(
        f"Deleted {plural(len(removed), 'entry', count=False)} "
        f"{', '.join(str(e.id) for e in removed)} (`smbalance undo` brings "
        f"{plural(len(removed), 'it', 'them', count=False)} back)."
    )


def register(app: typer.Typer) -> None:
    app.command()(entries)
    app.command()(typer_command(edit))  # edit shares log's checks, which raise UsageError
    app.command()(rm)
