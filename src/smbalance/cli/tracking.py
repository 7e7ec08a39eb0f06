"""The commands typed all day: log, start, stop, status, cancel, undo.

Each command parses, calls the store, prints, exits.  Results go to stdout; notices
(a person created, where an entry was placed) go to stderr.

This module does not import Typer: its parameters are `cli/parameters.py` declarations,
which `register` gives Typer (help, completion, usage errors) and `cli/lean.py` parses
directly, so a plain `smbalance log sales 30m` never loads the CLI framework.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from smbalance.cli.context import notice, state
from smbalance.cli.parameters import (
    AT,
    CATEGORY,
    DURATION,
    END,
    LONG,
    NOTE,
    START,
    TAGS,
    WHO,
    WHO_MANY,
    CategoryText,
    DurationText,
    UsageError,
    format_option,
    note_option,
    option,
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


LOG_CATEGORY = CATEGORY._replace(parse=_log_category)
QUIET = option("--quiet", "-q", help="Print only the new entry's id.")
START_HINT = "a timer starts now or earlier; leave out --at to start it now"
STOP_HINT = "leave out --at to stop the timer now"
STATUS_FORMAT = format_option(("table", "json"))


def span_text(fmt_start: str, fmt_end: str) -> str:
    """`2026-11-27 09:00 – 10:30`, dropping the repeated date."""
    if fmt_start[:10] == fmt_end[:10] and len(fmt_end) > 11:
        return f"{fmt_start} – {fmt_end[11:]}"
    return f"{fmt_start} – {fmt_end}"


def notice_created(person: str, created: bool) -> None:
    if created:
        notice(
            f"Created person {person} (role both, commission 0%); "
            f"change with `smbalance people set {person} --role … --commission …`"
        )


def log(
    category: Annotated[CategoryText, LOG_CATEGORY],
    duration: Annotated[DurationText | None, DURATION] = None,
    start: Annotated[int | None, START] = None,
    end: Annotated[int | None, END] = None,
    who: Annotated[str | None, WHO] = None,
    note: Annotated[str | None, NOTE] = None,
    tag: Annotated[list[str] | None, TAGS] = None,
    long: Annotated[bool, LONG] = False,
    quiet: Annotated[bool, QUIET] = False,
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
        check_usage(lambda: check_length(duration, limit), "'DURATION'")
    else:
        assert finish is not None
        given = "'--end'" if end is not None else "'--start'"
        check_usage(
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
    notice_created(person, created)
    if quiet:
        print(entry.id)
        return
    span = span_text(app.format_instant(entry.start_utc), app.format_instant(entry.end_utc))
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
        raise UsageError("DURATION, --start and --end disagree; give any two of them", "'DURATION'")
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
        raise UsageError(
            "give a DURATION (e.g. 1h30m), or --start and --end (e.g. --start 09:00 --end 10:30)"
            if end is None
            else "--end needs a DURATION or --start too",
            "'DURATION'",
        )
    return begin, finish


def check_usage(check: Callable[[], None], hint: str, long_hint: str | None = None) -> None:
    """Run a `timeparse` span check on values from the command line alone: a broken
    rule is a usage error (exit 2), named after the option that gave the value
    (``long_hint`` for a too-long entry)."""
    try:
        check()
    except SpanError as exc:
        named = long_hint if exc.kind == "long" and long_hint else hint
        raise UsageError(str(exc), named) from None


def start(
    category: Annotated[CategoryText, CATEGORY],
    who: Annotated[str | None, WHO] = None,
    at: Annotated[int | None, AT] = None,
    note: Annotated[str | None, NOTE] = None,
    tag: Annotated[list[str] | None, TAGS] = None,
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
        check_usage(
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
    notice_created(person, created)
    if saved is not None:
        from smbalance.timeparse import format_duration

        notice(
            f"Stopped {person}'s {saved.category} timer and saved "
            f"{format_duration(saved.seconds)} (entry {saved.id})."
        )
    print(f"Started {timer.category} for {person} at {app.format_instant(timer.start_utc)}.")


def stop(
    who: Annotated[str | None, WHO] = None,
    at: Annotated[int | None, AT] = None,
    note: Annotated[str | None, note_option("Replace the timer's note.")] = None,
    long: Annotated[bool, LONG] = False,
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
        check_usage(
            lambda: check_not_future(at, app.now, "--at", fmt=app.format_instant, hint=STOP_HINT),
            "'--at'",
        )
    limit = None if long else app.settings.max_entry_seconds
    entry = app.store(create=True).stop_timer(person, at=at, note=note, max_seconds=limit)
    span = span_text(app.format_instant(entry.start_utc), app.format_instant(entry.end_utc))
    print(
        f"Saved {format_duration(entry.seconds)} of {entry.category} for {person}: "
        f"{span} (entry {entry.id})"
    )


def cancel(who: Annotated[str | None, WHO] = None) -> None:
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
    who: Annotated[list[str] | None, WHO_MANY] = None,
    fmt: Annotated[str, STATUS_FORMAT] = "table",
) -> None:
    """Running timers with elapsed time, and today's split.

    \b
    Examples:
      smbalance status
      smbalance status --who alice --format json
    """
    from smbalance.status import build_status, status_dict

    app = state()
    store = app.store()
    people = who or []
    for name in people:
        store.require_person(name)
    result = build_status(store, people, app.now, app.timezone, app.settings.max_entry_seconds)
    if fmt == "json":
        import json

        print(json.dumps(status_dict(result), indent=2))
        return
    from smbalance.render.tables import split_table, timers_table

    timers_table(result.timers, app.now, app.format_instant)
    for message in result.forgotten():
        print(f"! {visible(message)}")
    split_table(result.people, "Today (running timers included)")


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
        span = span_text(fmt(entry.start_utc), fmt(entry.end_utc))
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


COMMANDS = (log, start, stop, status, cancel, undo)


def register(app: Any) -> None:
    """Add the commands to the Typer `app`."""
    from smbalance.cli.params import typer_command

    for command in COMMANDS:
        app.command()(typer_command(command))
