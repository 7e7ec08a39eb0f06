"""The report for people: a Rich table with bars, the trend, a warnings panel; and
Markdown for a weekly email.
"""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING

from smbalance.policy import PersonSplit
from smbalance.render import md_row, md_text, shown
from smbalance.render.breakdown import breakdown_markdown, breakdown_table
from smbalance.render.text import pct as _pct
from smbalance.render.text import period_text, target_cell
from smbalance.render.text import target_text as _target
from smbalance.report import Report
from smbalance.timeparse import format_duration
from smbalance.visible import visible

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

BAR_WIDTH = 10
TREND_WIDTH = 30
# Different characters as well as colours, so the bars read without colour too.
SALES_CHAR, MARKETING_CHAR = "█", "▒"


def split_bar(split: PersonSplit, width: int = BAR_WIDTH) -> str:
    """A stacked bar: sales then marketing, `width` cells for the person's total."""
    if split.total_seconds == 0:
        return ""
    marketing = round(width * split.marketing_seconds / split.total_seconds)
    return f"[yellow]{SALES_CHAR * (width - marketing)}[/][cyan]{MARKETING_CHAR * marketing}[/]"


def trend_bar(value: float | None, floor: float, width: int = TREND_WIDTH) -> str:
    """The week's marketing share on a 0–100% scale, with the floor marked by a │ set
    between two cells (it hides none).  A share above the floor always reaches past the
    mark and one below it always stops short, so 30.7% never seems to end on a 25% floor.
    """
    mark = min(width - 1, max(1, round(width * floor / 100)))
    filled = 0 if value is None else round(width * value / 100)
    if value is not None and value > floor:
        filled = max(filled, mark + 1)
    elif value is not None and value < floor:
        filled = min(filled, mark - 1)
    cells = MARKETING_CHAR * filled + " " * (width - filled)
    colour = "red" if value is not None and value < floor else "cyan"
    return f"[{colour}]{cells[:mark]}[/][bold]│[/][{colour}]{cells[mark:]}[/]"


def packed(items: list[Text], width: int, *, indent: str = "", sep: str = "  ") -> Text:
    """`items` on as few lines as `width` allows, never breaking inside an item: a legend
    wraps between "comm = commission" and the next entry, never after "comm =".  An item
    wider than the line gets a line of its own (and only then folds)."""
    from rich.text import Text

    out = Text(no_wrap=False, overflow="fold")
    line = 0
    for item in items:
        if line and line + len(sep) + item.cell_len > width:
            out.append("\n")
            line = 0
        if line:
            out.append(sep)
            line += len(sep)
        elif indent:
            out.append(indent)
            line += len(indent)
        out.append_text(item)
        line += item.cell_len
    return out


def _legend(report: Report, *, bar: bool, abbreviated: bool) -> list[Text]:
    from rich.text import Text

    items = []
    if bar:
        items.append(Text(f"split: {SALES_CHAR} sales, {MARKETING_CHAR} marketing"))
    items += [Text("! a warning below"), Text("comm = commission")]
    if abbreviated:
        items.append(Text(", ".join(f"{short} = {role}" for role, short in ROLE_SHORT.items())))
    items.append(Text(f"team target = the {_target(report.policy.floor)} floor"))
    for item in items:
        item.stylize("dim italic")
    return items


# Roles in a narrow table: short, and still words.
ROLE_SHORT = {"sales": "sal", "marketing": "mkt", "both": "both"}


def _people_rows(report: Report, *, abbreviated: bool) -> list[list[Text]]:
    """The people table's cells, as text (stored names are data, never markup)."""
    from rich.text import Text

    def cell(text: str, flagged: bool) -> Text:
        return Text(f"{text}!", style="bold red") if flagged else Text(f"{text} ")

    rows = []
    for split in report.people:
        flag = report.flag(split)
        name = shown(split.person)
        if flag == "person":
            name.append("!", style="bold red")
        rows.append(
            [
                name,
                shown(ROLE_SHORT.get(split.role, split.role) if abbreviated else split.role),
                Text(f"{split.commission}%"),
                cell(format_duration(split.sales_seconds), flag == "sales"),
                Text(format_duration(split.marketing_seconds)),
                Text(format_duration(split.total_seconds)),
                cell(_pct(split.marketing_share), flag == "mktg%"),
                Text(target_cell(split)),
            ]
        )
    return rows


def _team_row(report: Report) -> list[Text]:
    from rich.text import Text

    team = report.team
    return [
        Text(report.scope, style="bold"),
        Text(""),
        Text(""),
        Text(format_duration(team.sales_seconds) + " "),
        Text(format_duration(team.marketing_seconds)),
        Text(format_duration(team.total_seconds)),
        Text(f"{_pct(team.marketing_share)} "),
        Text(_target(report.policy.floor)),
    ]


HEADS = ("person", "role", "comm", "sales", "mktg", "total", "mktg%", "target")


def _people_table(report: Report, *, bar: bool, abbreviated: bool) -> Table:
    from rich.markup import render
    from rich.table import Table

    table = Table(header_style="bold underline", box=None, padding=(0, 1, 0, 0))
    for i, name in enumerate(HEADS):
        table.add_column(name, justify="left" if i < 2 else "right", no_wrap=True)
    if bar:
        table.add_column("split", no_wrap=True)
    bars = [split_bar(split) for split in report.people]
    for cells, drawn in zip(_people_rows(report, abbreviated=abbreviated), bars, strict=True):
        table.add_row(*cells, *([render(drawn)] if bar else []))
    table.add_section()
    team = _team_row(report)
    table.add_row(*team, *([render(split_bar(report.team))] if bar else []))
    return table


def _people_cards(report: Report, width: int) -> Text:
    """The narrowest layout: a few lines per person, every value whole and labelled."""
    from rich.text import Text

    out = Text()
    rows = [*_people_rows(report, abbreviated=False), _team_row(report)]
    for index, (name, role, comm, sales, mktg, total, share, target) in enumerate(rows):
        is_team = index == len(rows) - 1
        head = [name.copy()]
        if not is_team:
            head.append(Text.assemble(role, ", ", comm, " commission"))
        share = share.copy()
        share.rstrip()
        items = [
            Text.assemble("sales ", sales),
            Text.assemble("mktg ", mktg),
            Text.assemble("total ", total),
            Text.assemble("mktg% ", share),
            Text.assemble("floor " if is_team else "target ", target),
        ]
        if index:
            out.append("\n")
        out.append_text(packed(head, width, sep=" · "))
        out.append("\n")
        out.append_text(packed(items, width, indent="  "))
    return out


def _people_section(out: Console, report: Report) -> list[RenderableType]:
    """The widest people layout that fits `out` whole: with the split bar; without it;
    with short roles; else a few lines per person."""
    width = out.width
    for bar, abbreviated in ((True, False), (False, False), (False, True)):
        table = _people_table(report, bar=bar, abbreviated=abbreviated)
        if natural_width(out, table) <= width:
            return [table, packed(_legend(report, bar=bar, abbreviated=abbreviated), width)]
    from rich.text import Text

    legend = [
        Text("! a warning below", style="dim italic"),
        Text(f"team floor = {_target(report.policy.floor)}", style="dim italic"),
    ]
    return [_people_cards(report, width), Text(""), packed(legend, width)]


def natural_width(out: Console, renderable: RenderableType) -> int:
    """How wide `renderable` is when nothing squeezes it."""
    return out.measure(renderable, options=out.options.update_width(10_000)).maximum


def _trend_title(report: Report, width: int) -> Text:
    """The title, broken (if at all) between its two phrases, never inside one."""
    from rich.text import Text

    items = [
        Text("Team marketing share by week", style="italic"),
        Text(f"(│ marks the {_target(report.policy.floor)} floor)", style="italic"),
    ]
    return packed(items, width, sep=" ")


def _trend_table(out: Console, report: Report) -> RenderableType:
    """Week, share and total always whole; the bar gets the room that is left (up to
    `TREND_WIDTH` cells), and is left out below 10 cells."""
    for bar_width in range(TREND_WIDTH, 9, -1):
        table = _trend_rows(report, bar_width)
        if natural_width(out, table) <= out.width:
            return table
    return _trend_rows(report, 0)


def _trend_rows(report: Report, bar_width: int) -> Table:
    from rich.table import Table
    from rich.text import Text

    floor = report.policy.floor
    table = Table(box=None, show_header=False, padding=(0, 1))
    table.add_column("week", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    if bar_width:
        table.add_column("bar", no_wrap=True)
    table.add_column("total", justify="right", style="dim", no_wrap=True)
    for week in report.trend:
        bar = [trend_bar(week.marketing_share, floor, bar_width)] if bar_width else []
        table.add_row(
            Text(week.week),
            _pct(week.marketing_share),
            *bar,
            format_duration(week.total_seconds),
        )
    return table


def _warnings_panel(report: Report) -> RenderableType:
    from rich.panel import Panel
    from rich.text import Text

    if report.verdict is not None:
        return Text(report.verdict, style="yellow" if report.empty else "green")
    body = Text()
    for index, warning in enumerate(report.warnings):
        if index:
            body.append("\n")
        body.append(visible(warning.code), style="bold red")
        body.append(f"  {visible(warning.message)}")
    return Panel(body, title=f"Warnings ({len(report.warnings)})", border_style="red")


def _render(out: Console, report: Report) -> None:
    from rich.text import Text

    width = out.width
    title = [Text("Sales / marketing balance", style="bold"), Text(f"{report.label}:")]
    out.print(packed([Text(" ").join(title), Text(period_text(report))], width, sep=" "))
    if report.current:
        out.print("Running timers are counted up to now (--current).")
    out.print()
    if report.empty:
        out.print("No entries in this period.")
    if report.people:
        for part in _people_section(out, report):
            out.print(part)
    breakdown = breakdown_table(report, width)
    if breakdown is not None:
        out.print()
        out.print(breakdown)
    if report.trend:
        out.print()
        out.print(_trend_title(report, width))
        out.print(_trend_table(out, report))
        out.print(Text(report.forecast_text, style="italic"))
    out.print()
    out.print(_warnings_panel(report))


def print_report(report: Report, out: Console | None = None) -> None:
    """Print the report on stdout (or `out`), laid out for the terminal's width."""
    from smbalance.render import console

    _render(out or console(), report)


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


def report_markdown(report: Report) -> str:
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
            md_row(
                ["person", "role", "commission", "sales", "marketing", "total", "share", "target"]
            ),
            md_row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
        ]
        for split in report.people:
            lines.append(_md_person(split, report.flag(split)))
        team = report.team
        lines.append(
            md_row(
                [
                    f"**{report.scope}**",
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
            md_row(["week", "sales", "marketing", "share"]),
            md_row(["---", "---:", "---:", "---:"]),
        ]
        for week in report.trend:
            lines.append(
                md_row(
                    [
                        week.week,
                        format_duration(week.sales_seconds),
                        format_duration(week.marketing_seconds),
                        _pct(week.marketing_share),
                    ]
                )
            )
        lines += ["", report.forecast_text, ""]
    lines += ["## Warnings", ""]
    if report.verdict is None:
        lines += [f"- **{md_text(w.code)}**: {md_text(w.message)}" for w in report.warnings]
    else:
        lines.append(report.verdict)
    return "\n".join(lines) + "\n"


def _md_person(split: PersonSplit, flag: str | None) -> str:
    return md_row(
        [
            md_text(split.person) + (" **!**" if flag == "person" else ""),
            md_text(split.role),
            f"{split.commission}%",
            format_duration(split.sales_seconds) + (" **!**" if flag == "sales" else ""),
            format_duration(split.marketing_seconds),
            format_duration(split.total_seconds),
            _pct(split.marketing_share) + (" **!**" if flag == "mktg%" else ""),
            target_cell(split),
        ]
    )
