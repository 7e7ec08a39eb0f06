"""The report for people: a Rich table with bars, the trend, a warnings panel; and
Markdown for a weekly email.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from smbalance.policy import PersonSplit
from smbalance.render import md_text, shown
from smbalance.render.breakdown import breakdown_markdown, breakdown_table
from smbalance.render.text import pct as _pct
from smbalance.render.text import period_text
from smbalance.render.text import target_text as _target
from smbalance.report import Report
from smbalance.timeparse import format_duration
from smbalance.visible import visible

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
            shown(split.person),
            shown(split.role),
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
        body.append(visible(warning.code), style="bold red")
        body.append(f"  {visible(warning.message)}")
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


def print_report(report: Report, fmt: Fmt) -> None:
    """Print the report on stdout, laid out for the terminal's width."""
    from smbalance.render import console

    _render(console(), report)


# A saved SVG is a picture of the report at this width, whatever the terminal's.
SVG_WIDTH = 100
# Rich's SVG template without its web fonts (a saved file loads nothing from the network),
# with `xml:space="preserve"` so every renderer keeps the spaces that align the columns
# (librsvg drops leading and trailing `&#160;`s: "role-overloadmaya") and `white-space:
# pre` for browsers (Chromium collapses them and stretches "role     " over its textLength),
# and a font stack
# of monospace fonts that are installed, not fetched.
SVG_FORMAT = """\
<svg class="rich-terminal" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" \
xml:space="preserve">
    <!-- Generated by smbalance with Rich; self-contained: no fonts or scripts are loaded -->
    <style>
    .{unique_id}-matrix {{
        font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
        font-size: {char_height}px;
        line-height: {line_height}px;
        font-variant-east-asian: full-width;
        white-space: pre;
    }}

    .{unique_id}-title {{
        font-size: 18px;
        font-weight: bold;
        font-family: "DejaVu Sans", Arial, Helvetica, sans-serif;
        white-space: pre;
    }}

    {styles}
    </style>

    <defs>
    <clipPath id="{unique_id}-clip-terminal">
      <rect x="0" y="0" width="{terminal_width}" height="{terminal_height}" />
    </clipPath>
    {lines}
    </defs>

    {chrome}
    <g transform="translate({terminal_x}, {terminal_y})" \
clip-path="url(#{unique_id}-clip-terminal)">
    {backgrounds}
    <g class="{unique_id}-matrix">
    {matrix}
    </g>
    </g>
</svg>
"""


TEXT_RUN = re.compile(
    r'<text class="(?P<cls>[^"]*)" x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" '
    r'textLength="(?P<length>[\d.]+)" clip-path="(?P<clip>[^"]*)">(?P<body>[^<]*)</text>'
)
SPACES = re.compile(r"(?: |&#160;)+")


def recorded_svg(out: Console, title: str) -> str:
    """What `out` recorded, as a self-contained SVG that librsvg and browsers draw alike.

    Renderers disagree about spaces in SVG text (librsvg trims Rich's leading `&#160;`s,
    Chromium collapses trailing ones and stretches the rest over `textLength`), so no
    run of text is left to begin or end with spaces: every word gets its own `<text>`
    at the explicit x of its column.
    """
    svg = out.export_svg(title=title, code_format=SVG_FORMAT, unique_id="smbalance")
    # What is left is the title, centred: plain spaces read as well as `&#160;`s there.
    return TEXT_RUN.sub(_words_at_their_columns, svg).replace("&#160;", " ")


def _words_at_their_columns(match: re.Match[str]) -> str:
    body = match["body"]
    cells = len(html.unescape(body))
    if not body.strip():
        return ""
    cell = float(match["length"]) / cells
    x0 = float(match["x"])
    runs = []
    for index, part in enumerate(SPACES.split(body)):
        if part.strip():
            at = len(html.unescape(body[: _offset(body, index)]))
            width = len(html.unescape(part))
            runs.append(
                f'<text class="{match["cls"]}" x="{x0 + at * cell:g}" y="{match["y"]}" '
                f'textLength="{width * cell:g}" clip-path="{match["clip"]}">{part}</text>'
            )
    return "".join(runs)


def _offset(body: str, index: int) -> int:
    """Where the `index`-th space-separated part of `body` starts, in `body`."""
    starts = [0, *(m.end() for m in SPACES.finditer(body))]
    return starts[index]


def report_svg(report: Report, width: int = SVG_WIDTH) -> str:
    """The terminal report as an SVG picture (`report --save x.svg`), in colour."""
    from rich.console import Console

    out = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        highlight=False,
        soft_wrap=False,
        no_color=False,
        force_terminal=True,
        color_system="truecolor",
    )
    _render(out, report)
    return recorded_svg(out, f"smbalance report {period_text(report)}")


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
        lines += [f"- **{md_text(w.code)}**: {md_text(w.message)}" for w in report.warnings]
    else:
        lines.append("No warnings: selling and marketing are in balance.")
    return "\n".join(lines) + "\n"


def _md_person(split: PersonSplit) -> str:
    return _md_row(
        [
            md_text(split.person),
            md_text(split.role),
            f"{split.commission}%",
            format_duration(split.sales_seconds),
            format_duration(split.marketing_seconds),
            format_duration(split.total_seconds),
            _pct(split.marketing_share),
            _target(split.target),
        ]
    )
