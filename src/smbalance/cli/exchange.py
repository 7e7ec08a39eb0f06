"""Data exchange commands: `export` (streamed CSV/JSON/NDJSON) and `import`."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, BinaryIO, TextIO

import typer

from smbalance.cli.parameters import shown_as
from smbalance.cli.params import (
    PeriodChoice,
    WhoMany,
    format_option,
    parse_category,
    period_options,
    who_option,
)
from smbalance.domain import plural

EXPORT_FORMATS = ("csv", "json", "ndjson")
IMPORT_FORMATS = ("csv", "json", "ndjson", "watson", "timewarrior")
WRITE_BUFFER = 1 << 16
SPOOL_IN_MEMORY = 8 << 20  # stdin beyond this goes to a temporary file
PROGRESS_FROM = 20_000  # entries; smaller imports finish before a bar is worth drawing


def _mapping(value: str) -> str:
    """`--map NAME=CATEGORY`, checked while parsing (a bad one is a usage error)."""
    from smbalance.domain import parse_category

    if value is None or not isinstance(value, str):
        return value
    name, sep, category = value.rpartition("=")
    if not sep or not name.strip() or not category.strip():
        raise typer.BadParameter(
            f"{value!r} is not NAME=CATEGORY; use e.g. --map acme=sales or --map blog=marketing"
        )
    try:
        return f"{name.strip()}={parse_category(category)}"
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _import_format(value: str) -> str:
    if value is None or not isinstance(value, str):
        return value
    if value.lower() not in IMPORT_FORMATS:
        raise typer.BadParameter(
            f"{value!r} is not a format; use one of: {', '.join(IMPORT_FORMATS)}"
        )
    return value.lower()


ImportFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        parser=_import_format,
        metavar="|".join(IMPORT_FORMATS),
        autocompletion=lambda incomplete: [f for f in IMPORT_FORMATS if f.startswith(incomplete)],
        help="Input format (default: from the file name, else the content).",
        show_default=False,
    ),
]
ImportWho = Annotated[
    str | None,
    who_option(
        "The person for entries that name none (default: config default_person, "
        "else your login name)."
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        "-m",
        metavar="NAME=CATEGORY",
        parser=_mapping,
        help="Count a project or tag NAME as sales or marketing (repeatable).",
        show_default=False,
    ),
]


@period_options("all")
def export(
    period: PeriodChoice,
    who: WhoMany = None,
    fmt: Annotated[str, format_option(EXPORT_FORMATS)] = "csv",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            dir_okay=False,
            help="Write to FILE instead of stdout (replaced only when the export completes).",
            show_default=False,
        ),
    ] = None,
    spreadsheet: Annotated[
        bool,
        typer.Option(
            "--spreadsheet",
            help="CSV for Excel/LibreOffice: a BOM, CRLF, and no cell that runs as a formula.",
        ),
    ] = False,
) -> None:
    """Write entries for spreadsheets and scripts, oldest first.

    Without a PERIOD option, everything. With one, every entry that overlaps the
    period, whole (not clipped). Streams: memory stays flat however many entries there
    are.

    \b
    Examples:
      smbalance export > all.csv
      smbalance export --from mon --format ndjson | jq .seconds
      smbalance export --who alice --from 2026-11-01 --to 2026-11-30 -o nov.csv
      smbalance export --period 2026-Q4 --format json
      smbalance export --spreadsheet -o for-excel.csv

    Plain CSV is exact data for scripts and `import`. --spreadsheet is for opening in
    a spreadsheet: a note such as =HYPERLINK(…) is written as text ('=HYPERLINK(…)),
    never as a formula.
    """
    from smbalance.cli.context import notice, state

    if spreadsheet and fmt != "csv":
        raise typer.BadParameter(
            f"--spreadsheet writes CSV; drop --format {fmt} or --spreadsheet",
            param_hint="'--spreadsheet'",
        )
    store = state().store()
    for name in who or []:
        store.require_person(name)
    if period.choice == "all":  # everything, however far it reaches
        start, end = None, None
    else:
        span, _ = period.resolve(who or ())
        start, end = span.start_utc, span.end_utc
    store.require_sound(start, end)  # a hand-damaged store: one clean error, not garbage
    batches = store.export_batches(people=who or (), start_utc=start, end_utc=end)
    if output is None:
        stream_to_stdout(batches, fmt, spreadsheet=spreadsheet)
        return
    count = _export_to_file(batches, fmt, output, spreadsheet=spreadsheet)
    notice(f"Exported {plural(count, 'entry')} to {output}")


def stream_to_stdout(batches, fmt: str, *, spreadsheet: bool = False) -> int:  # type: ignore[no-untyped-def]
    """Write batches of entry rows to stdout in `fmt` (`export`, `entries`), as UTF-8
    (`spreadsheet`: the CSV for Excel and LibreOffice).

    A reader that goes away (`| head`) raises BrokenPipeError, which `SmbalanceGroup`
    turns into a quiet exit 0, the same for every command.
    """
    from smbalance.exchange.writers import write_entries

    out = _utf8_text(sys.stdout)
    try:
        count = write_entries(batches, fmt, out, spreadsheet=spreadsheet)
        out.flush()
    finally:
        if out is not sys.stdout:
            out.detach()  # type: ignore[attr-defined]
    return count


def _utf8_text(stream: TextIO) -> TextIO:
    """`stream` as UTF-8 without newline translation, whatever the locale says."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return stream
    stream.flush()
    return io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=False)


def _export_to_file(batches, fmt: str, output: Path, *, spreadsheet: bool) -> int:  # type: ignore[no-untyped-def]
    from smbalance.errors import SmbalanceError
    from smbalance.exchange.writers import write_entries
    from smbalance.files import SHARED, write_atomically

    try:
        # A random name beside `output`, renamed over it only once complete.
        with write_atomically(output, mode=SHARED, buffering=WRITE_BUFFER) as out:
            count = write_entries(batches, fmt, out, spreadsheet=spreadsheet)
    except OSError as exc:
        raise SmbalanceError(f"cannot write {output}: {exc.strerror or exc}") from None
    return count


def import_(
    file: Annotated[
        shown_as("path"),
        typer.Argument(
            metavar="FILE|-",
            parser=str,
            help="The file to import; - reads stdin.",
            show_default=False,
        ),
    ],
    fmt: ImportFormatOpt = None,
    who: ImportWho = None,
    mapping: MapOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and say what would change.")
    ] = False,
    allow_overlap: Annotated[
        bool, typer.Option("--allow-overlap", help="Accept entries that overlap others.")
    ] = False,
    map_untagged: Annotated[
        str | None,
        typer.Option(
            "--map-untagged",
            metavar="CATEGORY",
            parser=parse_category,
            help="Count Watson/Timewarrior time with no project or tag as this category.",
            show_default=False,
        ),
    ] = None,
    allow_long: Annotated[
        bool,
        typer.Option(
            "--allow-long", help="Accept entries longer than max_entry_hours (config, default 12)."
        ),
    ] = False,
) -> None:
    """Load entries from our CSV/JSON/NDJSON, Watson or Timewarrior. All or nothing.

    The format comes from --format, else the file name (.csv, .json, .ndjson, .jsonl,
    frames), else the content. Rows already present (same uid, or same person,
    category, start and end) are skipped, so importing twice adds nothing. `undo`
    reverts a whole import.

    \b
    Examples:
      smbalance import week.csv
      smbalance import ~/.config/watson/frames --who alice --map acme=sales
      timew export | smbalance import - --format timewarrior --map blog=marketing
      smbalance import frames --who alice --map-untagged sales --dry-run
    """
    with _cyclic_gc_paused():
        _import(
            file,
            fmt,
            who,
            mapping or [],
            map_untagged,
            allow_long=allow_long,
            dry_run=dry_run,
            allow_overlap=allow_overlap,
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Reading a million rows makes a million small objects and no reference cycles;
    the cyclic collector would traverse the growing heap again and again for nothing
    (more than half of a 1M-row read: 7.9 s with it, 3.4 s without)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(
    file: str,
    fmt: str | None,
    who: str | None,
    mapping: list[str],
    untagged: str | None,
    *,
    allow_long: bool,
    **options: bool,
) -> None:
    from smbalance.cli.context import notice, state
    from smbalance.errors import ImportFailed
    from smbalance.exchange.readers import (
        UNTAGGED,
        ReadError,
        cite,
        read_stream,
        refuse_long,
        resolve,
    )

    source = "stdin" if file == "-" else file
    with _open_input(file) as stream:
        try:
            result = read_stream(
                stream, fmt, None if file == "-" else file, zone=state().timezone, now=state().now
            )
        except ReadError as exc:
            raise ImportFailed(f"{source}: {exc}") from None
    app = state()
    if not allow_long:
        refuse_long(result, app.settings.max_entry_seconds)
    store = app.store(create=True)
    resolve(
        result,
        known_people={person.name for person in store.people()},
        mapping={
            **{name: category for name, _, category in (m.rpartition("=") for m in mapping)},
            **({UNTAGGED: untagged} if untagged else {}),
        },
        who=who or _default_who(),
    )
    if result.problems:
        count = result.problems.count
        raise ImportFailed(
            f"{source} has {plural(count, 'problem')} ({result.fmt})",
            result.problems.listing(),
        )
    _write(store, result, source, **options)
    for pos in result.running:  # said after success: a failure's stderr is its Error
        notice(f"Skipped the running interval {cite(result.unit, pos)} (no end yet)")


def _write(store, result, source: str, *, dry_run: bool, allow_overlap: bool) -> None:  # type: ignore[no-untyped-def]
    from smbalance.render.progress import progress_bar

    large = len(result.rows) >= PROGRESS_FROM and sys.stderr.isatty() and not dry_run
    with progress_bar(len(result.rows), "Importing", enabled=large) as advance:
        plan = store.import_entries(
            result.rows,
            unit=result.unit,
            source=source,
            allow_overlap=allow_overlap,
            dry_run=dry_run,
            progress=advance,
        )
    skipped = f"{plan.skipped} skipped as already present"
    people = _new_people(plan.new_people, dry_run=dry_run)
    if dry_run:
        print(f"Would import {plural(plan.added, 'entry')} ({skipped}){people} (--dry-run):")
        _list_rows(plan.fresh, result.unit)
    else:
        print(f"Imported {plural(plan.added, 'entry')} ({skipped}){people}")


def _new_people(names: list[str], *, dry_run: bool) -> str:
    """The people an import creates, for its summary: its rows name them, so unlike a
    --who on the command line they are created (role both, commission 0)."""
    if not names:
        return ""
    verb = "would create" if dry_run else "created"
    who = plural(len(names), "person", "people", count=False)
    return f"; {verb} {who} {', '.join(names)} (role both)"


DRY_RUN_SHOWN = 20  # rows `import --dry-run` lists


def _list_rows(rows, unit: str) -> None:  # type: ignore[no-untyped-def]
    """The first rows an import would add, one a line, as `entries` would say them."""
    from smbalance.cli.context import state
    from smbalance.exchange.readers import cite
    from smbalance.timeparse import format_duration
    from smbalance.visible import visible

    fmt = state().format_instant
    for row in rows[:DRY_RUN_SHOWN]:
        note = f"  {row.note}" if row.note else ""
        print(
            f"  {cite(unit, row.pos)}: {format_duration(row.end - row.start)} of {row.category} "
            f"for {visible(row.person or '')}, {fmt(row.start)}{visible(note)}"
        )
    if len(rows) > DRY_RUN_SHOWN:
        print(f"  … and {plural(len(rows) - DRY_RUN_SHOWN, 'more entry', 'more entries')}")


def _default_who() -> str | None:
    """The default person for rows that name none; None if there is none to be had."""
    from smbalance.cli.context import state
    from smbalance.errors import ConfigError

    try:
        return state().who(None)
    except ConfigError:
        return None


def _open_input(file: str) -> BinaryIO:
    """The input as a seekable binary stream (the reader makes two passes over it)."""
    import shutil
    import tempfile

    from smbalance.errors import SmbalanceError

    if file == "-":
        source = getattr(sys.stdin, "buffer", None)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        if source is not None:
            shutil.copyfileobj(source, spool)
        else:
            spool.write(sys.stdin.read().encode("utf-8"))
        spool.seek(0)
        return spool  # type: ignore[return-value]
    try:
        return open(Path(file).expanduser(), "rb")
    except IsADirectoryError:
        raise SmbalanceError(f"{file} is a directory; give the file to import") from None
    except OSError as exc:
        raise SmbalanceError(f"cannot read {file}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_)
