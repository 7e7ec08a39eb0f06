"""Tracking commands: log, start, stop, status, cancel, entries, edit, rm, undo.

Each command parses, calls the store, prints, exits.  Results go to stdout; notices
(a person created, where an entry was placed) go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated

import typer

from smbalance.cli.context import notice, state
from smbalance.cli.params import (
    Category,
    CategoryOpt,
    CategoryText,
    IdText,
    Note,
    PeriodChoice,
    Tags,
    Who,
    WhoMany,
    checked,
    complete_category,
    format_option,
    parse_count,
    parse_duration,
    parse_entry_id,
    parse_note,
    parse_when,
    period_options,
    shown_as,
    tag_option,
)
from smbalance.domain import plural
from smbalance.timeparse import SpanError, check_length, check_not_future, check_span
from smbalance.visible import visible


def _log_category(text: str) -> str:
    """A category; a DURATION in its place (`log 1h sales`) is told to swap them."""
    from smbalance.domain import parse_category
    from smbalance.timeparse import parse_duration as duration

    try:
        return parse_category(text)
    except ValueError as exc:
        try:
            duration(text)
        except ValueError:
            raise exc from None
        raise ValueError(
            f"{text!r} is a duration, not a category; the category comes first: "
            f"`smbalance log sales {text}` (or marketing)"
        ) from None


LogCategory = Annotated[
    CategoryText,
    typer.Argument(
        metavar="CATEGORY",
        parser=checked(_log_category),
        autocompletion=complete_category,
        help="sales or marketing (any case, a prefix: s, m, or mktg).",
        show_default=False,
    ),
]
Duration = Annotated[
    shown_as("90m|1h30m|1:30") | None,
    typer.Argument(
        metavar="DURATION",
        parser=parse_duration,
        show_default=False,
        help="How long: 90m, 1h30m, 1.5h, 1:30, 45s.",
    ),
]
StartOpt = Annotated[
    int | None,
    typer.Option(
        "--start",
        "-s",
        parser=parse_when,
        metavar="WHEN",
        show_default=False,
        help="When it started: 14:00, yesterday 09:30, mon 09:00, 2026-11-27 14:00, -2h.",
    ),
]
EndOpt = Annotated[
    int | None,
    typer.Option(
        "--end",
        "-e",
        parser=parse_when,
        metavar="WHEN",
        show_default=False,
        help="When it ended (same forms as --start).",
    ),
]
START_HINT = "a timer starts now or earlier; leave out --at to start it now"
STOP_HINT = "leave out --at to stop the timer now"
LongOpt = Annotated[
    bool,
    typer.Option(
        "--long",
        help="Accept an entry longer than max_entry_hours (config, default 12).",
    ),
]
AtOpt = Annotated[
    int | None,
    typer.Option(
        "--at",
        parser=parse_when,
        metavar="WHEN",
        show_default=False,
        help="Use this time instead of now.",
    ),
]


def _span(fmt_start: str, fmt_end: str) -> str:
    """`2026-11-27 09:00 – 10:30`, dropping the repeated date."""
    if fmt_start[:10] == fmt_end[:10] and len(fmt_end) > 11:
        return f"{fmt_start} – {fmt_end[11:]}"
    return f"{fmt_start} – {fmt_end}"


def _created(person: str, created: bool) -> None:
    if created:
        notice(
            f"Created person {person} (role both, commission 0%); "
            f"change with `smbalance people set {person} --role … --commission …`"
        )


def log(
    category: LogCategory,
    duration: Duration = None,
    start: StartOpt = None,
    end: EndOpt = None,
    who: Who = None,
    note: Note = None,
    tag: Tags = None,
    long: LongOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the new entry's id.")
    ] = False,
) -> None:
    """Record time already spent.

    Any two of DURATION, --start and --end fix the entry; DURATION alone ends it now
    (or, if that would overlap, just before your latest entries); --start alone ends
    it now. Times in the future are refused (for time you are spending now, use
    `smbalance start`), and so are entries longer than max_entry_hours unless --long.

    \b
    Examples:
      smbalance log sales 1h30m
      smbalance log marketing 45m --note "newsletter draft" --tag q4
      smbalance log m --start 09:00 --end 10:30
      smbalance log sales 2h --start "yesterday 14:00" --who bob
    """
    from smbalance.timeparse import format_duration

    app = state()
    person = app.who(who)
    limit = None if long else app.settings.max_entry_seconds
    begin, finish = _fix_times(duration, start, end, app.now)
    if begin is None:
        assert duration is not None
        _usage(lambda: check_length(duration, limit), "'DURATION'")
    else:
        assert finish is not None
        given = "'--end'" if end is not None else "'--start'"
        _usage(
            lambda: check_span(
                begin, finish, now=app.now, max_seconds=limit, fmt=app.format_instant
            ),
            given,
            long_hint="'DURATION'" if duration is not None else given,
        )
    store = app.store(create=True)
    if begin is None:
        assert duration is not None
        placement, created = store.log_duration(
            person,
            category,
            duration,
            note=note or "",
            tags=tag or (),
            create_person=app.may_create(person),
            max_back=max(app.settings.max_entry_seconds, duration),
        )
        entry = placement.entry
        if placement.moved:
            notice(f"Placed before {person}'s later entries, to avoid an overlap.")
    else:
        assert finish is not None
        entry, created = store.log(
            person,
            category,
            begin,
            finish,
            note=note or "",
            tags=tag or (),
            create_person=app.may_create(person),
            max_seconds=limit,
        )
    _created(person, created)
    if quiet:
        print(entry.id)
        return
    span = _span(app.format_instant(entry.start_utc), app.format_instant(entry.end_utc))
    print(
        f"Logged {format_duration(entry.seconds)} of {entry.category} for {entry.person}: "
        f"{span} (entry {entry.id})"
    )


def _fix_times(
    duration: int | None, start: int | None, end: int | None, now: int
) -> tuple[int | None, int | None]:
    """Start and end from any two of duration/start/end; (None, None) = place by duration."""
    given = sum(x is not None for x in (duration, start, end))
    if given == 3 and end - start != duration:  # type: ignore[operator]
        raise typer.BadParameter(
            "DURATION, --start and --end disagree; give any two of them", param_hint="'DURATION'"
        )
    if start is not None and end is not None:
        begin, finish = start, end
    elif start is not None and duration is not None:
        begin, finish = start, start + duration
    elif end is not None and duration is not None:
        begin, finish = end - duration, end
    elif duration is not None:
        return None, None
    elif start is not None:
        begin, finish = start, now
    else:
        raise typer.BadParameter(
            "give a DURATION (e.g. 1h30m), or --start and --end (e.g. --start 09:00 --end 10:30)"
            if end is None
            else "--end needs a DURATION or --start too",
            param_hint="'DURATION'",
        )
    return begin, finish


def _usage(check: Callable[[], None], hint: str, long_hint: str | None = None) -> None:
    """Run a `timeparse` span check on values from the command line alone: a broken
    rule is a usage error (exit 2), named after the option that gave the value
    (``long_hint`` for a too-long entry)."""
    try:
        check()
    except SpanError as exc:
        named = long_hint if exc.kind == "long" and long_hint else hint
        raise typer.BadParameter(str(exc), param_hint=named) from None


def start(
    category: Category,
    who: Who = None,
    at: AtOpt = None,
    note: Note = None,
    tag: Tags = None,
) -> None:
    """Start a timer (a running one is stopped and saved first: a switch).

    \b
    Examples:
      smbalance start sales
      smbalance start marketing --note "webinar prep"
      smbalance start s --at 09:15
    """
    app = state()
    person = app.who(who)
    if at is not None:
        _usage(
            lambda: check_not_future(at, app.now, "--at", fmt=app.format_instant, hint=START_HINT),
            "'--at'",
        )
    timer, saved, created = app.store(create=True).start_timer(
        person,
        category,
        at=at,
        note=note or "",
        tags=tag or (),
        create_person=app.may_create(person),
    )
    _created(person, created)
    if saved is not None:
        from smbalance.timeparse import format_duration

        notice(
            f"Stopped {person}'s {saved.category} timer and saved "
            f"{format_duration(saved.seconds)} (entry {saved.id})."
        )
    print(f"Started {timer.category} for {person} at {app.format_instant(timer.start_utc)}.")


def stop(
    who: Who = None,
    at: AtOpt = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note", "-n", parser=parse_note, metavar="TEXT", help="Replace the timer's note."
        ),
    ] = None,
    long: LongOpt = False,
) -> None:
    """Stop the running timer and save it as an entry.

    \b
    Examples:
      smbalance stop
      smbalance stop --at 17:30 --note "calls done"
    """
    from smbalance.timeparse import format_duration

    app = state()
    person = app.who(who)
    if at is not None:
        _usage(
            lambda: check_not_future(at, app.now, "--at", fmt=app.format_instant, hint=STOP_HINT),
            "'--at'",
        )
    limit = None if long else app.settings.max_entry_seconds
    entry = app.store(create=True).stop_timer(person, at=at, note=note, max_seconds=limit)
    span = _span(app.format_instant(entry.start_utc), app.format_instant(entry.end_utc))
    print(
        f"Saved {format_duration(entry.seconds)} of {entry.category} for {person}: "
        f"{span} (entry {entry.id})"
    )


def cancel(who: Who = None) -> None:
    """Discard the running timer without saving it.

    \b
    Example:
      smbalance cancel
    """
    app = state()
    person = app.who(who)
    timer = app.store(create=True).cancel_timer(person)
    print(
        f"Cancelled {person}'s {timer.category} timer "
        f"(started {app.format_instant(timer.start_utc)})."
    )


def status(
    who: WhoMany = None,
    fmt: Annotated[str, format_option(("table", "json"))] = "table",
) -> None:
    """Running timers with elapsed time, and today's split.

    \b
    Examples:
      smbalance status
      smbalance status --who alice --format json
    """
    import json

    from smbalance.status import build_status, status_dict

    app = state()
    store = app.store()
    people = who or []
    for name in people:
        store.require_person(name)
    result = build_status(store, people, app.now, app.timezone, app.settings.max_entry_seconds)
    if fmt == "json":
        print(json.dumps(status_dict(result), indent=2))
        return
    from smbalance.render.tables import split_table, timers_table

    timers_table(result.timers, app.now, app.format_instant)
    for message in result.forgotten():
        print(f"! {visible(message)}")
    split_table(result.people, "Today (running timers included)")


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
            _usage(
                lambda v=value, w=what: check_not_future(v, app.now, w, fmt=app.format_instant),
                hint,
            )
    if start is not None and end is not None:
        _usage(lambda: check_span(start, end, max_seconds=limit), "'--end'")
    if duration is not None:
        _usage(lambda: check_length(duration, limit), "'--duration'")
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
    _created(entry.person, created)
    from smbalance.timeparse import format_duration

    span = _span(app.format_instant(entry.start_utc), app.format_instant(entry.end_utc))
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


def undo() -> None:
    """Revert the last change you made (log, start, stop, cancel, edit, rm, import, people …).

    Run it again to go further back.  On PostgreSQL "you" is your database role: one
    person's undo never touches another's change (see `smbalance db log`).

    \b
    Example:
      smbalance undo
    """
    app = state()
    reverted = app.store(create=True).undo()
    print(visible(undo_message(reverted, app.format_instant)))


# How undo names the entries a change had added: "Removed entry 12 (logged 1h of …)".
ADDED_BY = {"log": "logged ", "stop": "saved ", "start": "saved ", "import": "imported "}


def undo_message(reverted, fmt) -> str:  # type: ignore[no-untyped-def]
    """What undoing a change did, in words that describe the result: "Restored entries
    13, 14", "alice's sales timer is running again", "Removed entry 12 (logged 1h of
    sales for bob)"."""
    from smbalance.timeparse import format_duration

    def entry_words(e) -> str:  # type: ignore[no-untyped-def]
        return f"{format_duration(e.seconds)} of {e.category} for {e.person}"

    def ids(entries, count: int) -> str:  # type: ignore[no-untyped-def]
        shown = ", ".join(str(e.id) for e in sorted(entries, key=lambda e: e.id))
        more = count - len(entries)
        return f"{shown} and {plural(more, 'more', 'more')}" if more > 0 else shown

    said = []
    for timer in reverted.timers_back:
        said.append(
            f"{timer.person}'s {timer.category} timer is running again "
            f"(since {fmt(timer.start_utc)})"
        )
    for timer in reverted.timers_gone:
        said.append(
            f"{timer.person}'s {timer.category} timer (started {fmt(timer.start_utc)}) is gone"
        )
    for name in reverted.people_back:
        said.append(f"Restored {name}")
    removed, count = reverted.removed, reverted.removed_count
    if count == 1 and removed:
        verb = ADDED_BY.get(reverted.command, "")
        said.append(f"Removed entry {removed[0].id} ({verb}{entry_words(removed[0])})")
    elif count:
        said.append(
            f"Removed {plural(count, 'entry')} added by the {reverted.command}: "
            f"{ids(removed, count)}"
        )
    if reverted.restored_count:
        word = plural(reverted.restored_count, "entry", count=False)
        said.append(f"Restored {word} {ids(reverted.restored, reverted.restored_count)}")
    for entry in reverted.reverted:
        span = _span(fmt(entry.start_utc), fmt(entry.end_utc))
        note = f" ({entry.note})" if entry.note else ""
        said.append(f"Entry {entry.id} is back to {entry_words(entry)}, {span}{note}")
    for name in reverted.people_gone:
        said.append(f"Removed {name} (added by the {reverted.command})")
    for now, was in reverted.people_reverted:
        if now != was.name:
            said.append(f"Renamed {now} back to {was.name}")
        else:
            target = f"{was.target}%" if was.target is not None else "the policy floor"
            said.append(
                f"{was.name} is back to role {was.role}, commission {was.commission}%, "
                f"target {target}"
            )
    if not said:
        return f"Undid {reverted.command}: {reverted.summary}."
    return ". ".join(said) + "."


def register(app: typer.Typer) -> None:
    app.command()(log)
    app.command()(start)
    app.command()(stop)
    app.command()(status)
    app.command()(cancel)
    app.command()(entries)
    app.command()(edit)
    app.command()(rm)
    app.command()(undo)
