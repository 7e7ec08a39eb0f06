"""The report as a self-contained HTML page: for `report --format html` (cron mails it)
and `report --save x.html`.

Built with `html.escape` from the typed `Report`, never from a terminal dump: every value
(names, roles, messages, labels) is escaped, the trend is an inline SVG chart, the CSS is
inline, and nothing is loaded from the network (no fonts, no scripts).  Stdlib only.
"""

from __future__ import annotations

from html import escape

from smbalance import __version__
from smbalance.policy import PersonSplit
from smbalance.render.text import pct, period_text, target_cell, target_text
from smbalance.report import Report
from smbalance.timeparse import format_duration
from smbalance.visible import visible

# Sales and marketing colours: the terminal's yellow and cyan, dark enough to print.
SALES_COLOUR, MARKETING_COLOUR, WARN_COLOUR = "#b8860b", "#1f7a99", "#b42318"

CSS = f"""
:root {{ color-scheme: light; --sales: {SALES_COLOUR}; --marketing: {MARKETING_COLOUR};
  --warn: {WARN_COLOUR}; --muted: #5f6b7a; --rule: #d6dbe1; }}
* {{ box-sizing: border-box; }}
body {{ font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, sans-serif; color: #1d2430; background: #fff; margin: 0 auto; padding: 1.5rem 1rem;
  max-width: 62rem; }}
h1 {{ font-size: 1.6rem; margin: 0 0 .2rem; }}
h2 {{ font-size: 1.15rem; margin: 2rem 0 .6rem; }}
.period {{ color: var(--muted); margin: 0 0 1.4rem; }}
.table-wrap {{ overflow-x: auto; }}
table {{ border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }}
th, td {{ padding: .35rem .6rem; text-align: right; white-space: nowrap; }}
th {{ font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  border-bottom: 2px solid var(--rule); }}
td {{ border-bottom: 1px solid var(--rule); }}
th:first-child, td:first-child, .role {{ text-align: left; }}
td.person {{ font-weight: 600; }}
tfoot td {{ font-weight: 700; border-top: 2px solid var(--rule); border-bottom: 0; }}
td.split {{ width: 7rem; }}
td.split svg {{ display: inline-block; vertical-align: middle; }}
.flag {{ color: var(--warn); font-weight: 700; }}
.legend {{ color: var(--muted); font-size: .85rem; margin: .5rem 0 0; }}
.swatch {{ display: inline-block; width: .8em; height: .8em; vertical-align: -.05em;
  margin-right: .25em; }}
svg {{ display: block; }}
svg.trend {{ width: 100%; height: auto; max-width: 52rem; }}
svg text {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }}
.warnings {{ padding-left: 0; list-style: none; }}
.warnings li {{ border-left: 4px solid var(--warn); background: #fdf3f2; margin: 0 0 .6rem;
  padding: .5rem .8rem; }}
.warnings code {{ color: var(--warn); font-weight: 700; margin-right: .4rem; }}
.ok {{ border-left: 4px solid #1a7f37; background: #eef8f0; padding: .5rem .8rem; }}
.empty {{ border-left: 4px solid var(--muted); background: #f3f5f7; padding: .5rem .8rem; }}
footer {{ color: var(--muted); font-size: .8rem; margin-top: 2.5rem; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 11pt; }}
  .table-wrap {{ overflow: visible; }}
  h2 {{ break-after: avoid; }}
  tr, li, svg {{ break-inside: avoid; }}
  .warnings li, .ok, .empty {{ background: none; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""


def _e(value: object) -> str:
    """Every value that reaches the page: as text, never markup, and control characters
    shown as escapes (`visible`), as in the terminal."""
    return escape(visible(str(value)), quote=True)


def report_html(report: Report) -> str:
    """The whole page."""
    title = f"Sales / marketing balance {report.label}"
    period = period_text(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="smbalance">',
        f"<title>{_e(title)}: {_e(period)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="period">{_e(period)}</p>',
        "</header>",
        "<main>",
    ]
    if report.current:
        parts.append('<p class="legend">Running timers are counted up to now (--current).</p>')
    if report.empty:
        parts.append('<p class="empty">No entries in this period.</p>')
    if report.people:
        parts += _people_section(report)
    if report.by is not None and report.breakdown:
        parts += _breakdown_section(report)
    if report.trend:
        parts += _trend_section(report)
    parts += _warnings_section(report)
    parts += [
        "</main>",
        f"<footer>Made by smbalance {_e(__version__)}.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# ---- people ------------------------------------------------------------------------------


def _people_section(report: Report) -> list[str]:
    head = "".join(
        f'<th scope="col"{_th_class(name)}>{_e(name)}</th>'
        for name in (
            "person",
            "role",
            "commission",
            "sales",
            "marketing",
            "total",
            "share",
            "target",
            "split",
        )
    )
    rows = [_person_row(split, report.flag(split)) for split in report.people]
    team = report.team
    foot = (
        "<tr>"
        f'<td class="person">{_e(report.scope)}</td><td class="role"></td><td></td>'
        f"<td>{_e(format_duration(team.sales_seconds))}</td>"
        f"<td>{_e(format_duration(team.marketing_seconds))}</td>"
        f"<td>{_e(format_duration(team.total_seconds))}</td>"
        f"{_share_cell(team.marketing_share, bool(report.warnings_for(None)))}"
        f"<td>{_e(target_text(report.policy.floor))} floor</td>"
        f'<td class="split">{split_svg(team)}</td>'
        "</tr>"
    )
    return [
        '<section aria-labelledby="people">',
        '<h2 id="people">People</h2>',
        '<div class="table-wrap"><table>',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        f"<tfoot>{foot}</tfoot>",
        "</table></div>",
        '<p class="legend">'
        f'<span class="swatch" style="background:{SALES_COLOUR}"></span>sales '
        f'<span class="swatch" style="background:{MARKETING_COLOUR}"></span>marketing · '
        '<span class="flag">!</span> a warning below · the team\'s target is the policy '
        "floor</p>",
        "</section>",
    ]


def _th_class(name: str) -> str:
    return ' class="role"' if name in ("role", "split") else ""


def _share_cell(value: float | None, flagged: bool) -> str:
    if flagged:
        return f'<td class="flag" title="a warning below">{_e(pct(value))}!</td>'
    return f"<td>{_e(pct(value))}</td>"


def _person_row(split: PersonSplit, flag: str | None) -> str:
    mark = '<span class="flag" title="a warning below">!</span>'
    sales = _e(format_duration(split.sales_seconds))
    return (
        "<tr>"
        f'<td class="person">{_e(split.person)}{mark if flag == "person" else ""}</td>'
        f'<td class="role">{_e(split.role)}</td>'
        f"<td>{_e(split.commission)}%</td>"
        + (f'<td class="flag">{sales}!</td>' if flag == "sales" else f"<td>{sales}</td>")
        + f"<td>{_e(format_duration(split.marketing_seconds))}</td>"
        f"<td>{_e(format_duration(split.total_seconds))}</td>"
        f"{_share_cell(split.marketing_share, flag == 'mktg%')}"
        f"<td>{_e(target_cell(split))}</td>"
        f'<td class="split">{split_svg(split)}</td>'
        "</tr>"
    )


def split_svg(split: PersonSplit, width: int = 96, height: int = 14) -> str:
    """A stacked bar, sales then marketing, as inline SVG (prints, unlike CSS backgrounds)."""
    if split.total_seconds == 0:
        return ""
    marketing = round(width * split.marketing_seconds / split.total_seconds, 1)
    sales = round(width - marketing, 1)
    label = f"{pct(split.sales_share)} sales, {pct(split.marketing_share)} marketing"
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(label)}"><title>{_e(label)}</title>'
        f'<rect width="{sales}" height="{height}" fill="{SALES_COLOUR}"/>'
        f'<rect x="{sales}" width="{marketing}" height="{height}" fill="{MARKETING_COLOUR}"/>'
        "</svg>"
    )


# ---- breakdown (report --by day|tag) ----------------------------------------------------


def _breakdown_section(report: Report) -> list[str]:
    from smbalance.render.breakdown import CAPTIONS, breakdown_title

    by = report.by or ""
    head = "".join(
        f'<th scope="col"{_th_class(name)}>{_e(name)}</th>'
        for name in (by, "person", "sales", "marketing", "total", "share")
    )
    rows, previous = [], None
    for row in report.breakdown:
        key = row.key if row.key != previous else ""
        previous = row.key
        rows.append(
            "<tr>"
            f'<td class="role">{_e(key)}</td><td class="role">{_e(row.person)}</td>'
            f"<td>{_e(format_duration(row.sales_seconds))}</td>"
            f"<td>{_e(format_duration(row.marketing_seconds))}</td>"
            f"<td>{_e(format_duration(row.total_seconds))}</td>"
            f"<td>{_e(pct(row.marketing_share))}</td>"
            "</tr>"
        )
    caption = CAPTIONS.get(by)
    return [
        '<section aria-labelledby="breakdown">',
        f'<h2 id="breakdown">{_e(breakdown_title(report))}</h2>',
        '<div class="table-wrap"><table>',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table></div>",
        *([f'<p class="legend">{_e(caption.capitalize())}.</p>'] if caption else []),
        "</section>",
    ]


# ---- trend ------------------------------------------------------------------------------


def _trend_section(report: Report) -> list[str]:
    floor = target_text(report.policy.floor)
    return [
        '<section aria-labelledby="trend">',
        '<h2 id="trend">Team marketing share by week</h2>',
        trend_svg(report),
        f'<p class="legend">The dashed line is the {_e(floor)} floor; '
        "a week under it is drawn in red. The hours under each week are its total.</p>",
        f'<p class="forecast">{_e(report.forecast_text)}</p>',
        "</section>",
    ]


def trend_svg(report: Report) -> str:
    """The weekly marketing share as bars on a 0–100% scale, with the floor as a line."""
    weeks = report.trend
    floor = report.policy.floor
    left, right, top, bottom = 44, 76, 24, 46
    plot_h = 180
    slot = max(28, min(72, 640 // max(len(weeks), 1)))
    width = left + slot * len(weeks) + right
    height = top + plot_h + bottom

    def y(share: float) -> float:
        return round(top + plot_h * (1 - share / 100), 1)

    out = [
        f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Team marketing share by week, with the {_e(target_text(floor))} floor">'
    ]
    for tick in (0, 25, 50, 75, 100):
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick)}" y2="{y(tick)}" '
            'stroke="#e6e9ed" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end" font-size="11" '
            f'fill="#5f6b7a">{tick}%</text>'
        )
    bar_w = round(slot * 0.62, 1)
    for index, week in enumerate(weeks):
        x = left + index * slot + (slot - bar_w) / 2
        centre = round(left + index * slot + slot / 2, 1)
        share = week.marketing_share
        if share is not None:
            colour = WARN_COLOUR if share < floor else MARKETING_COLOUR
            out.append(
                f'<rect x="{round(x, 1)}" y="{y(share)}" width="{bar_w}" '
                f'height="{round(plot_h * share / 100, 1)}" fill="{colour}">'
                f"<title>{_e(week.week)}: {_e(pct(share))}</title></rect>"
                f'<text x="{centre}" y="{y(share) - 5}" text-anchor="middle" font-size="11" '
                f'fill="#1d2430">{_e(pct(share))}</text>'
            )
        else:
            out.append(
                f'<text x="{centre}" y="{y(0) - 5}" text-anchor="middle" font-size="11" '
                'fill="#5f6b7a">–</text>'
            )
        out.append(
            f'<text x="{centre}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" '
            f'fill="#1d2430">{_e(_short_week(week.week))}</text>'
            f'<text x="{centre}" y="{top + plot_h + 31}" text-anchor="middle" font-size="10" '
            f'fill="#5f6b7a">{_e(format_duration(week.total_seconds))}</text>'
        )
    out.append(
        f'<line x1="{left}" x2="{width - right}" y1="{y(floor)}" y2="{y(floor)}" '
        f'stroke="{WARN_COLOUR}" stroke-width="1.5" stroke-dasharray="5 4"/>'
        f'<text x="{width - right + 6}" y="{y(floor) + 4}" font-size="11" '
        f'fill="{WARN_COLOUR}">{_e(target_text(floor))} floor</text>'
    )
    out.append("</svg>")
    return "".join(out)


def _short_week(label: str) -> str:
    """`2026-W48` → `W48` (the year is in the page's period); a date label stays whole."""
    year, sep, week = label.partition("-W")
    return f"W{week}" if sep and year.isdigit() else label


# ---- warnings ------------------------------------------------------------------------------


def _warnings_section(report: Report) -> list[str]:
    parts = ['<section aria-labelledby="warnings">']
    if report.verdict is not None:
        parts += [
            '<h2 id="warnings">Warnings</h2>',
            f'<p class="{"empty" if report.empty else "ok"}">{_e(report.verdict)}</p>',
        ]
    else:
        parts += [
            f'<h2 id="warnings">Warnings ({len(report.warnings)})</h2>',
            '<ul class="warnings">',
            *(f"<li><code>{_e(w.code)}</code>{_e(w.message)}</li>" for w in report.warnings),
            "</ul>",
        ]
    parts.append("</section>")
    return parts
