"""The report's breakdown (`report --by day|tag`) for people: a table and Markdown.

Separate functions, so a report layout places them where it sees fit; each returns
nothing to show when the report has no breakdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smbalance.render import md_text, shown
from smbalance.timeparse import format_duration

if TYPE_CHECKING:
    from rich.console import RenderableType

    from smbalance.report import BreakdownRow, Report

TITLES = {"day": "By day", "tag": "By tag"}
CAPTIONS = {"tag": "an entry with several tags counts in full under each"}
HEADS = ("sales", "mktg", "total", "mktg%")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _numbers(row: BreakdownRow) -> list[str]:
    return [
        format_duration(row.sales_seconds),
        format_duration(row.marketing_seconds),
        format_duration(row.total_seconds),
        _pct(row.marketing_share),
    ]


def breakdown_title(report: Report) -> str:
    return TITLES.get(report.by or "", "")


def breakdown_table(report: Report) -> RenderableType | None:
    """Key, person and their split, the key written once per group; None without time."""
    if report.by is None or not report.breakdown:
        return None
    from rich.table import Table

    table = Table(
        title=breakdown_title(report),
        title_justify="left",
        caption=CAPTIONS.get(report.by),
        caption_justify="left",
        header_style="bold underline",
        box=None,
        padding=(0, 1, 0, 0),
    )
    table.add_column(report.by, no_wrap=True)
    table.add_column("person", no_wrap=True)
    for head in HEADS:
        table.add_column(head, justify="right", no_wrap=True)
    previous = None
    for row in report.breakdown:
        if previous is not None and row.key != previous:
            table.add_section()
        # Tags and names are stored text: `shown` is never read as markup.
        key = shown(row.key if row.key != previous else "")
        table.add_row(key, shown(row.person), *_numbers(row))
        previous = row.key
    return table


def breakdown_markdown(report: Report) -> list[str]:
    """A `## By day` / `## By tag` section (lines, ending with a blank one); [] without time."""
    if report.by is None or not report.breakdown:
        return []
    lines = [f"## {breakdown_title(report)}", ""]
    if report.by in CAPTIONS:
        lines += [f"{CAPTIONS[report.by].capitalize()}.", ""]
    lines += [
        _row([report.by, "person", "sales", "marketing", "total", "share"]),
        _row(["---", "---", "---:", "---:", "---:", "---:"]),
    ]
    lines += [
        _row([md_text(row.key), md_text(row.person), *_numbers(row)]) for row in report.breakdown
    ]
    return [*lines, ""]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
