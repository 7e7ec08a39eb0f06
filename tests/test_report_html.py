"""The report as an HTML page and an SVG picture: self-contained, escaped, and drawn the
same by librsvg as by a browser; `--save` repeated writes every file and says where.

A real `rsvg-convert` draws the SVG: in CI (CI=true) it must be installed (.ci/run does
it); elsewhere the test is skipped only when the tool is absent.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smbalance.domain import PolicyConfig
from smbalance.periods import Period
from smbalance.policy import BalanceWarning, PersonSplit
from smbalance.render.html import report_html
from smbalance.report import Report, TrendWeek

H = 3600
HOSTILE = '[link="><svg/onload=title=7>]b'


def a_report(name: str = "alice", message: str = "alice is fine") -> Report:
    start = datetime(2026, 11, 23, tzinfo=UTC)
    period = Period(start, datetime(2026, 11, 30, tzinfo=UTC), "Europe/London")
    people = [PersonSplit(name, "both", 70, 25, 10 * H, H)]
    team = PersonSplit("team", "both", 0, 25, 10 * H, H)
    trend = [
        TrendWeek("2026-W47", int(start.timestamp()) - 7 * 24 * H, 7 * H, 3 * H),
        TrendWeek("2026-W48", int(start.timestamp()), 10 * H, H),
    ]
    warnings = [BalanceWarning("commission-crowding", name, message)]
    return Report(period, "this week", people, team, trend, warnings, PolicyConfig())


def test_the_page_is_complete_and_self_contained() -> None:
    page = report_html(a_report())
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Sales / marketing balance this week: 2026-11-23 – 2026-11-29" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media print" in page
    # the people table, the trend chart with its floor line, the warnings list
    assert '<td class="person">alice</td>' in page and "9.1%!" in page
    assert page.count("<svg") == 3  # alice's split, the team's split, the trend
    assert 'stroke-dasharray="5 4"' in page and "25% floor" in page
    assert "<li><code>commission-crowding</code>alice is fine</li>" in page
    # nothing from the network, nothing that runs
    assert not re.search(r"<script|<link|@import|url\(|https?://", page, re.IGNORECASE)


def test_every_value_is_text_not_markup() -> None:
    page = report_html(a_report(HOSTILE, f"<b>{HOSTILE}</b> & more"))
    assert HOSTILE not in page and "<svg/onload" not in page and "<b>" not in page
    assert "[link=&quot;&gt;&lt;svg/onload=title=7&gt;]b" in page
    assert "&lt;b&gt;" in page and "&amp; more" in page


def test_an_empty_period_says_so() -> None:
    report = a_report()
    empty = Report(
        report.period, "this week", [], PersonSplit("team", "both", 0, 25), [], [], report.policy
    )
    page = report_html(empty)
    assert "No entries in this period." in page
    assert "in balance" not in page


# ---- through the CLI ------------------------------------------------------------------


def week_of_work(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("people add alice --role both --commission 70").exit_code == 0
    for category, start, end in (("sales", "09:00", "17:00"), ("marketing", "17:00", "18:00")):
        args = ("log", category, "--who", "alice", "--start", f"2026-11-24T{start}")
        assert cli(*args, "--end", f"2026-11-24T{end}").exit_code == 0


def test_format_html_goes_to_stdout(sqlite_cli) -> None:  # type: ignore[no-untyped-def]
    week_of_work(sqlite_cli)
    result = sqlite_cli("report", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.endswith("</html>\n")
    assert "commission-crowding" in result.stdout
    by_day = sqlite_cli("report", "--format", "html", "--by", "day").stdout
    assert '<h2 id="breakdown">By day</h2>' in by_day and "2026-11-24" in by_day


def test_save_may_be_repeated_and_says_where(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    week_of_work(sqlite_cli)
    page, picture, text = tmp_path / "a.html", tmp_path / "b.svg", tmp_path / "c.md"
    result = sqlite_cli(
        "report", "--format", "json", "--save", str(page), "--save", str(picture),
        "--save", str(text),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("{")  # stdout stays the format asked for
    assert result.stderr.splitlines() == [
        f"Saved the report to {page}",
        f"Saved the report to {picture}",
        f"Saved the report to {text}",
    ]
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert text.read_text(encoding="utf-8").startswith("# Sales / marketing balance")
    svg = picture.read_text(encoding="utf-8")
    assert "alice" in svg and "@font-face" not in svg and "https://" not in svg
    assert 'xml:space="preserve"' in svg
    runs = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert runs and all(run == run.strip(" ") and "&#160;" not in run for run in runs)


def test_save_refuses_an_unknown_suffix_before_anything(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    week_of_work(sqlite_cli)
    good = tmp_path / "a.html"
    result = sqlite_cli("report", "--save", str(good), "--save", str(tmp_path / "b.png"))
    assert result.exit_code == 2
    assert ".svg, .html or .md" in result.stderr
    assert not good.exists() and result.stdout == ""


# ---- the SVG in a real renderer --------------------------------------------------------


def tool(*names: str, package: str) -> str:
    """The renderer's path; in CI (CI=true) a missing one fails, elsewhere it skips."""
    for name in names:
        found = shutil.which(name)
        if found is not None:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{names[0]} is missing in CI: .ci/run installs {package}")
    pytest.skip(f"{names[0]} is not installed (apt-get install {package})")


def rsvg_png(svg: Path, png: Path, size: tuple[int, int]) -> None:
    subprocess.run(
        [tool("rsvg-convert", package="librsvg2-bin"), str(svg), "-o", str(png)],
        check=True,
        timeout=60,
    )


def chromium_png(svg: Path, png: Path, size: tuple[int, int]) -> None:
    """Headless Chromium, its window exactly the picture's size (so one unit = one pixel)."""
    subprocess.run(
        [
            tool("chromium", "chromium-browser", package="chromium"),
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--hide-scrollbars", f"--user-data-dir={png.parent / 'chromium-profile'}",
            f"--window-size={size[0]},{size[1]}", f"--screenshot={png}", svg.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip


def read_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered RGBA rows of an 8-bit RGB(A) PNG, 4 bytes a pixel."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, width = 8, b"", 0
    height = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), "expected 8-bit RGB or RGBA"
        elif kind == b"IDAT":
            chunks += body
        pos += 12 + length
    channels = 4 if colour == 6 else 3
    raw, stride, rows = zlib.decompress(chunks), width * channels, []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (
                    line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)
                ) & 255
        previous = line
        if channels == 3:  # as RGBA, so callers index 4 bytes a pixel
            line = bytearray(
                b"".join(bytes(line[i : i + 3]) + b"\xff" for i in range(0, stride, 3))
            )
        rows.append(bytes(line))
    return width, height, rows


@pytest.mark.parametrize("draw", [rsvg_png, chromium_png], ids=["librsvg", "chromium"])
def test_renderers_keep_the_columns(draw, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Blocks after leading spaces, and after a styled word with trailing spaces, must be
    drawn in their own column: librsvg dropped the spaces ("role-overloadmaya") and
    Chromium collapsed them, stretching "role     " over its width."""
    from rich.console import Console

    from smbalance.render.report import recorded_svg

    out = Console(file=io.StringIO(), record=True, width=40, force_terminal=True,
                  color_system="truecolor", no_color=False)  # fmt: skip
    columns = [0, 4, 9, 15]
    for column in columns:
        out.print(" " * column + "██", highlight=False)
        out.print()
    out.print("[bold]ab[/bold]" + " " * 7 + "██", highlight=False)
    columns.append(9)
    svg_file = tmp_path / "columns.svg"
    svg = recorded_svg(out, "")
    svg_file.write_text(svg, encoding="utf-8")
    png = tmp_path / "columns.png"
    width, height = (
        round(float(v)) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups()
    )  # type: ignore[union-attr]
    draw(svg_file, png, (width, height))
    _, _, rows = read_png(png.read_bytes())

    tx, ty = (float(v) for v in re.search(r"translate\(([\d.]+), ([\d.]+)\)", svg).groups())  # type: ignore[union-attr]
    lines = [20 + 24.4 * 2 * number for number in range(len(columns))]  # Rich's baselines
    cell = 20 * 0.61  # Rich's cell: font size times its aspect ratio
    for column, y in zip(columns, lines, strict=True):
        row = rows[round(ty + y - 8)]
        bright = [x for x in range(int(tx), len(row) // 4 - 4) if min(row[4 * x : 4 * x + 3]) > 150]
        assert bright, f"nothing drawn on the line of column {column}"
        # the last line's "ab" is drawn too: look at the block, right of column 8
        first = min(x for x in bright if x > tx + (8 if column == 9 else -1) * cell)
        assert abs(first - (tx + column * cell)) <= 3, (column, first, tx + column * cell)
