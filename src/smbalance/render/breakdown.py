"""The report's breakdown (`report --by day|tag`) for people: a table and Markdown.

Separate functions, so a report layout places them where it sees fit; each returns
nothing to show when the report has no breakdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smbalance.render import md_row, md_text, shown
from smbalance.render.text import pct
from smbalance.timeparse import format_duration

if TYPE_CHECKING:
    from rich.console import RenderableType

    from smbalance.report import BreakdownRow, Report

TITLES = {"day": "By day", "tag": "By tag"}
CAPTIONS = {"tag": "an entry with several tags counts in full under each"}
HEADS = ("sales", "mktg", "total", "mktg%")
# Narrower layouts leave out the columns the others imply: the total, then the share.
LAYOUTS = (HEADS, ("sales", "mktg", "mktg%"), ("sales", "mktg"))


def _numbers(row: BreakdownRow) -> dict[str, str]:
    return {
        "sales": format_duration(row.sales_seconds),
        "mktg": format_duration(row.marketing_seconds),
        "total": format_duration(row.total_seconds),
        "mktg%": pct(row.marketing_share),
    }


def breakdown_title(report: Report) -> str:
    return TITLES.get(report.by or "", "")


def breakdown_table(report: Report, width: int | None = None) -> RenderableType | None:
    """Key, person and their split, the key written once per group; None without time.
    With `width`, the widest layout whose numbers fit it whole."""
    if report.by is None or not report.breakdown:
        return None
    if width is not None:
        from smbalance.render import console
        from smbalance.render.report import natural_width

        measure = console()
        for heads in LAYOUTS:
            table = _table(report, heads)
            if natural_width(measure, table) <= width:
                return table
        return _lines(report)
    return _table(report, HEADS)


def _lines(report: Report) -> RenderableType:
    """The narrowest layout: the key on a line, each person and their numbers below."""
    from rich.text import Text

    out = Text(overflow="fold")
    out.append(f"{breakdown_title(report)}\n", style="italic")
    previous = None
    for row in report.breakdown:
        if row.key != previous:
            out.append_text(shown(row.key, style="bold"))
            out.append("\n")
        numbers = _numbers(row)
        out.append("  ")
        out.append_text(shown(row.person))
        out.append(f"\n    sales {numbers['sales']}  mktg {numbers['mktg']}  {numbers['mktg%']}\n")
        previous = row.key
    if report.by in CAPTIONS:
        out.append(CAPTIONS[report.by])
    out.rstrip()
    return out


def _table(report: Report, heads: tuple[str, ...]) -> RenderableType:
    from rich.table import Table

    table = Table(
        title=breakdown_title(report),
        title_justify="left",
        caption=CAPTIONS.get(report.by or ""),
        caption_justify="left",
        header_style="bold underline",
        box=None,
        padding=(0, 1, 0, 0),
    )
    table.add_column(report.by, no_wrap=True)
    table.add_column("person", no_wrap=True)
    for head in heads:
        table.add_column(head, justify="right", no_wrap=True)
    previous = None
    for row in report.breakdown:
        if previous is not None and row.key != previous:
            table.add_section()
        # Tags and names are stored text: `shown` is never read as markup.
        key = shown(row.key if row.key != previous else "")
        numbers = _numbers(row)
        table.add_row(key, shown(row.person), *(numbers[head] for head in heads))
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
        md_row([report.by, "person", "sales", "marketing", "total", "share"]),
        md_row(["---", "---", "---:", "---:", "---:", "---:"]),
    ]
    lines += [
        md_row([md_text(row.key), md_text(row.person), *_numbers(row).values()])
        for row in report.breakdown
    ]
    return [*lines, ""]
