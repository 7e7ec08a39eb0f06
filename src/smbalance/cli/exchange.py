"""Data exchange commands: `export` (streamed CSV/JSON/NDJSON) and `import`."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from smbalance.cli.params import FromOpt, ToOpt, WhoMany, format_option

EXPORT_FORMATS = ("csv", "json", "ndjson")
IMPORT_FORMATS = ("csv", "json", "ndjson", "watson", "timewarrior")
WRITE_BUFFER = 1 << 16


def export(
    who: WhoMany = None,
    from_: FromOpt = None,
    to: ToOpt = None,
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
) -> None:
    """Write entries for spreadsheets and scripts, oldest first.

    Without --from/--to, everything. With them, every entry that overlaps the period,
    whole (not clipped). Streams: memory stays flat however many entries there are.

    \b
    Examples:
      smbalance export > all.csv
      smbalance export --from mon --format ndjson | jq .seconds
      smbalance export --who alice --from 2026-11-01 --to 2026-11-30 -o nov.csv
    """
    from smbalance.cli.context import notice, state

    if from_ is not None and to is not None and to <= from_:
        raise typer.BadParameter("--to must be after --from", param_hint="'--to'")
    store = state().store()
    for name in who or []:
        store.require_person(name)
    batches = store.export_batches(people=who or (), start_utc=from_, end_utc=to)
    if output is None:
        _export_to_stdout(batches, fmt)
        return
    count = _export_to_file(batches, fmt, output)
    notice(f"Exported {count} entries to {output}")


def _export_to_stdout(batches, fmt: str) -> None:  # type: ignore[no-untyped-def]
    from smbalance.exchange.writers import write_entries

    out = _utf8_text(sys.stdout)
    try:
        write_entries(batches, fmt, out)
        out.flush()
    except BrokenPipeError:
        # `smbalance export | head`: the reader has gone, which is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    finally:
        if out is not sys.stdout:
            out.detach()  # type: ignore[attr-defined]


def _utf8_text(stream: TextIO) -> TextIO:
    """`stream` as UTF-8 without newline translation, whatever the locale says."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return stream
    stream.flush()
    return io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=False)


def _export_to_file(batches, fmt: str, output: Path) -> int:  # type: ignore[no-untyped-def]
    from smbalance.errors import SmbalanceError
    from smbalance.exchange.writers import write_entries

    partial = output.with_name(f".{output.name}.partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER) as out:
            count = write_entries(batches, fmt, out)
        os.replace(partial, output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise SmbalanceError(f"cannot write {output}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def register(app: typer.Typer) -> None:
    app.command("export")(export)
