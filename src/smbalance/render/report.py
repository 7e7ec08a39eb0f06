"""The report for people: a Rich table with bars, the trend, a warnings panel; and
Markdown for a weekly email.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from smbalance.policy import PersonSplit
from smbalance.render.breakdown import breakdown_markdown, breakdown_table
from smbalance.report import Report
from smbalance.timeparse import format_duration

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

Fmt = Callable[[int], str]

BAR_WIDTH = 10
TREND_WIDTH = 30
# Different characters as well as colours, so the bars read without colour too.
SALES_CHAR, MARKETING_CHAR = "█", "▒"
CAPTION = (
    f"split: {SALES_CHAR} sales, {MARKETING_CHAR} marketing; ! a warning below; "
    "comm = commission; team target = the policy floor"
)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _target(value: float) -> str:
    return f"{value:g}%"


def period_text(report: Report) -> str:
    """`2026-11-23 – 2026-11-29 (Europe/London)`: the local days the period covers."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(report.period.tz)
    first = report.period.start.astimezone(zone)
    last = (report.period.end - timedelta(seconds=1)).astimezone(zone)
    days = (
        f"{first:%Y-%m-%d}"
        if first.date() == last.date()
        else f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    )
    return f"{days} ({report.period.tz})"


def split_bar(split: PersonSplit, width: int = BAR_WIDTH) -> str:
    """A stacked bar: sales then marketing, `width` cells for the person's total."""
    if split.total_seconds == 0:
        return ""
    marketing = round(width * split.marketing_seconds / split.total_seconds)
    return f"[yellow]{SALES_CHAR * (width - marketing)}[/][cyan]{MARKETING_CHAR * marketing}[/]"


def trend_bar(value: float | None, floor: float, width: int = TREND_WIDTH) -> str:
    """The week's marketing share on a 0–100% scale with the floor marked by │."""
    cells = [" "] * width
    filled = 0 if value is None else round(width * value / 100)
    for i in range(filled):
        cells[i] = MARKETING_CHAR
    mark = min(width - 1, round(width * floor / 100))
    cells[mark] = "│"
    bar = "".join(cells)
    colour = "red" if value is not None and value < floor else "cyan"
    return f"[{colour}]{bar[:mark]}[/][bold]│[/][{colour}]{bar[mark + 1 :]}[/]"


def _people_table(report: Report) -> RenderableType:
    from rich.table import Table

    table = Table(
        header_style="bold underline",
        caption=CAPTION,
        caption_justify="left",
        box=None,
        padding=(0, 1, 0, 0),
    )
    for name, justify in (
        ("person", "left"),
        ("role", "left"),
        ("comm", "right"),
        ("sales", "right"),
        ("mktg", "right"),
        ("total", "right"),
        ("mktg%", "right"),
        ("target", "right"),
        ("split", "left"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for split in report.people:
        flagged = bool(report.warnings_for(split.person))
        share = _pct(split.marketing_share)
        table.add_row(
            split.person,
            split.role,
            f"{split.commission}%",
            format_duration(split.sales_seconds),
            format_duration(split.marketing_seconds),
            format_duration(split.total_seconds),
            f"[bold red]{share}![/]" if flagged else f"{share} ",
            _target(split.target),
            split_bar(split),
        )
    team = report.team
    table.add_section()
    table.add_row(
        "[bold]team[/]",
        "",
        "",
        format_duration(team.sales_seconds),
        format_duration(team.marketing_seconds),
        format_duration(team.total_seconds),
        f"{_pct(team.marketing_share)} ",
        f"{_target(report.policy.floor)}",
        split_bar(team),
    )
    return table


def _trend_table(report: Report) -> RenderableType:
    from rich.table import Table

    floor = report.policy.floor
    table = Table(
        title=f"Team marketing share by week (│ marks the {_target(floor)} floor)",
        title_justify="left",
        box=None,
        show_header=False,
        padding=(0, 1),
    )
    table.add_column("week")
    table.add_column("share", justify="right")
    table.add_column("bar")
    table.add_column("total", justify="right", style="dim")
    for week in report.trend:
        table.add_row(
            week.week,
            _pct(week.marketing_share),
            trend_bar(week.marketing_share, floor),
            format_duration(week.total_seconds),
        )
    return table


def _warnings_panel(report: Report) -> RenderableType:
    from rich.panel import Panel
    from rich.text import Text

    if not report.warnings:
        return Text("No warnings: selling and marketing are in balance.", style="green")
    body = Text()
    for index, warning in enumerate(report.warnings):
        if index:
            body.append("\n")
        body.append(f"{warning.code}", style="bold red")
        body.append(f"  {warning.message}")
    return Panel(body, title=f"Warnings ({len(report.warnings)})", border_style="red")


def _render(out: Console, report: Report) -> None:
    out.print(f"[bold]Sales / marketing balance[/] {report.label}: {period_text(report)}")
    if report.current:
        out.print("Running timers are counted up to now (--current).")
    out.print()
    if report.empty:
        out.print("No entries in this period.")
    if report.people:
        out.print(_people_table(report))
    breakdown = breakdown_table(report)
    if breakdown is not None:
        out.print()
        out.print(breakdown)
    if report.trend:
        out.print()
        out.print(_trend_table(report))
    out.print()
    out.print(_warnings_panel(report))


def print_report(report: Report, fmt: Fmt, *, show: bool = True, save: Path | None = None) -> None:
    """Print the report on stdout (when `show`), and write it to `save` (.svg or .html)."""
    from rich.console import Console

    from smbalance.render import console

    out = console(record=True) if show else Console(file=io.StringIO(), record=True, width=120)
    _render(out, report)
    if save is None:
        return
    title = f"smbalance report {period_text(report)}"
    if save.suffix.lower() == ".svg":
        out.save_svg(str(save), title=title)
    else:
        out.save_html(str(save))


# ---- Markdown -----------------------------------------------------------------------------


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def report_markdown(report: Report, fmt: Fmt) -> str:
    """The report as Markdown: headings, two tables and a warning list (for email)."""
    lines = [
        f"# Sales / marketing balance {report.label}",
        "",
        f"Period: {period_text(report)}",
        "",
    ]
    if report.current:
        lines += ["Running timers are counted up to now.", ""]
    if report.empty:
        lines += ["No entries in this period.", ""]
    if report.people:
        lines += [
            _md_row(
                ["person", "role", "commission", "sales", "marketing", "total", "share", "target"]
            ),
            _md_row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
        ]
        for split in report.people:
            lines.append(_md_person(split))
        team = report.team
        lines.append(
            _md_row(
                [
                    "**team**",
                    "",
                    "",
                    format_duration(team.sales_seconds),
                    format_duration(team.marketing_seconds),
                    format_duration(team.total_seconds),
                    f"**{_pct(team.marketing_share)}**",
                    f"{_target(report.policy.floor)} floor",
                ]
            )
        )
        lines.append("")
    lines += breakdown_markdown(report)
    if report.trend:
        lines += [
            "## Team marketing share by week",
            "",
            _md_row(["week", "sales", "marketing", "share"]),
            _md_row(["---", "---:", "---:", "---:"]),
        ]
        for week in report.trend:
            lines.append(
                _md_row(
                    [
                        week.week,
                        format_duration(week.sales_seconds),
                        format_duration(week.marketing_seconds),
                        _pct(week.marketing_share),
                    ]
                )
            )
        lines.append("")
    lines += ["## Warnings", ""]
    if report.warnings:
        lines += [f"- **{w.code}**: {w.message}" for w in report.warnings]
    else:
        lines.append("No warnings: selling and marketing are in balance.")
    return "\n".join(lines) + "\n"


def _md_person(split: PersonSplit) -> str:
    return _md_row(
        [
            split.person,
            split.role,
            f"{split.commission}%",
            format_duration(split.sales_seconds),
            format_duration(split.marketing_seconds),
            format_duration(split.total_seconds),
            _pct(split.marketing_share),
            _target(split.target),
        ]
    )
