"""`smbalance report`: each person's split, the team's trend, and the balance warnings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from smbalance.cli.context import notice, state
from smbalance.cli.params import (
    PeriodChoice,
    WhoMany,
    format_option,
    parse_count,
    period_options,
)
from smbalance.errors import SmbalanceError

if TYPE_CHECKING:
    from smbalance.report import Report

FORMATS = ("table", "json", "csv", "markdown", "html")
BREAKDOWNS = ("day", "tag")  # smbalance.report.BREAKDOWNS, without importing the report
# What `--save FILE` writes, by the file's suffix.
SAVE_FORMATS = {".svg": "svg", ".html": "html", ".md": "markdown"}
CHECK_FAILED = 3  # spec: `--check` exits 3 when any warning fires


def _breakdown(value: str) -> str:
    if value is None or not isinstance(value, str):
        return value
    if value.lower() not in BREAKDOWNS:
        raise typer.BadParameter(f"{value!r} is not a breakdown; use day or tag (e.g. --by tag)")
    return value.lower()


@period_options("week")
def report(
    period: PeriodChoice,
    who: WhoMany = None,
    fmt: Annotated[str, format_option(FORMATS)] = "table",
    trend_weeks: Annotated[
        int,
        typer.Option(
            "--trend-weeks",
            parser=parse_count(0, 520),
            metavar="N",
            help="Weeks in the trend series (0 to 520).",
        ),
    ] = 8,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            parser=_breakdown,
            metavar="day|tag",
            autocompletion=lambda incomplete: [b for b in BREAKDOWNS if b.startswith(incomplete)],
            help="Add a breakdown per person by local day, or by tag (an entry with several "
            "tags counts under each).",
            show_default=False,
        ),
    ] = None,
    current: Annotated[
        bool,
        typer.Option("--current", help="Also count running timers, up to now."),
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit with status 3 when any warning fires."),
    ] = False,
    save: Annotated[
        list[Path] | None,
        typer.Option(
            "--save",
            metavar="FILE.svg|.html|.md",
            help="Also write the report to FILE: an SVG picture, an HTML page or Markdown "
            "(repeatable).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The sales/marketing split per person and for the team, the weekly trend, and
    the balance warnings.

    \b
    Examples:
      smbalance report                       # this week
      smbalance report --last-week --format markdown | mail -s "Balance" team@example.com
      smbalance report --last-week --save week.html --save week.svg
      smbalance report --month --who alice --who bob
      smbalance report --period 2026-Q4       # a quarter (or 2026-W47, 2026-11, 2026)
      smbalance report --from 2026-11-01 --to 2026-11-30 --format json
      smbalance report --month --by tag      # where the time went, tag by tag
      smbalance report --by day --current    # day by day, running timers included
      smbalance report --last-week --check || echo "marketing needs attention"
    """
    saves = list(dict.fromkeys(save or []))
    for path in saves:
        if path.suffix.lower() not in SAVE_FORMATS:
            raise typer.BadParameter(
                f"{path} must end in .svg, .html or .md (e.g. report.html)",
                param_hint="'--save'",
            )
    for path in saves:
        _check_writable(path)
    app = state()
    store = app.store()
    people = sorted(set(who or []))
    for name in people:
        store.require_person(name)
    span, label = period.resolve(people)
    from smbalance.report import build_report

    result = build_report(
        store,
        span,
        policy=app.settings.policy,
        people=people,
        trend_weeks=trend_weeks,
        week_start=app.settings.week_start,
        label=label,
        by=by,
        running_until=app.now if current else None,
        now=app.now,
        max_entry_seconds=app.settings.max_entry_seconds,
    )
    show_report(result, fmt, saves)
    if check and result.warnings:
        raise typer.Exit(CHECK_FAILED)


def show_report(result: Report, fmt: str, saves: Sequence[Path] = ()) -> None:
    """Print `result` in `fmt` on stdout, then write it to each of `saves` (by suffix)
    and say where on stderr."""
    if fmt == "table":
        from smbalance.render.report import print_report

        print_report(result)
    else:
        print(rendered(result, fmt), end="")
    from smbalance.files import SHARED, write_atomically

    for path in saves:
        text = rendered(result, SAVE_FORMATS[path.suffix.lower()])
        try:
            # Through a new file and a rename: a symlink planted at `path` is replaced,
            # never written through, and a reader never sees half a report.
            with write_atomically(path, mode=SHARED) as out:
                out.write(text)
        except OSError as exc:
            raise SmbalanceError(f"cannot write {path}: {exc.strerror or exc}") from None
        notice(f"Saved the report to {path}")


def rendered(result: Report, fmt: str) -> str:
    """The report as text in `fmt` (every format but the terminal table)."""
    if fmt == "json":
        import json

        from smbalance.report import report_dict

        return json.dumps(report_dict(result), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        from smbalance.report import breakdown_csv, report_csv

        return report_csv(result) if result.by is None else breakdown_csv(result)
    if fmt == "markdown":
        from smbalance.render.report import report_markdown

        return report_markdown(result)
    if fmt == "html":
        from smbalance.render.html import report_html

        return report_html(result)
    if fmt == "svg":
        from smbalance.render.report import report_svg

        return report_svg(result)
    raise ValueError(f"no such report format: {fmt}")


def _check_writable(save: Path) -> None:
    """Refuse a --save that cannot be written before anything is printed."""
    if save.is_dir():
        raise SmbalanceError(f"cannot write {save}: it is a directory; give a file name")
    if not save.parent.is_dir():
        raise SmbalanceError(
            f"cannot write {save}: directory {save.parent} does not exist; create it first"
        )


def register(app: typer.Typer) -> None:
    app.command()(report)
