"""Plain-text tables for the commands typed all day (`status`), without Rich.

Importing Rich costs more than everything else `status` does on a small store, so its
two tables are laid out here with the standard library, in the look of our Rich tables
(a rule under the header, no borders, two spaces between columns).  Colour follows the
terminal the way Rich does: only on a terminal, never under ``NO_COLOR`` or
``TERM=dumb``.  Stored text goes through `visible`, as everywhere else.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Sequence

from smbalance.visible import visible

BOLD, RESET = "\x1b[1m", "\x1b[0m"
COLOURS = {"yellow": "\x1b[33m", "cyan": "\x1b[36m"}


def colour_wanted(stream=sys.stdout) -> bool:  # type: ignore[no-untyped-def]
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def width(text: str) -> int:
    """Terminal cells: wide (CJK, emoji) characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    cells = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        cells += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return cells


class Cell:
    """A value with an optional colour (a name in `COLOURS`)."""

    __slots__ = ("colour", "text")

    def __init__(self, text: str, colour: str = "") -> None:
        self.text, self.colour = text, colour


def stored(text: str) -> Cell:
    """Stored text (a name, a note): control characters made visible, on one line."""
    return Cell(visible(text))


def table(
    title: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Cell | str]]
) -> str:
    """`columns` are (header, "left" or "right"); the last column is never padded."""
    colour = colour_wanted()
    cells = [[cell if isinstance(cell, Cell) else Cell(cell) for cell in row] for row in rows]
    widths = [
        max([width(header)] + [width(row[index].text) for row in cells])
        for index, (header, _) in enumerate(columns)
    ]
    last = len(columns) - 1

    def line(row: Sequence[Cell], bold: bool = False) -> str:
        parts = []
        for index, cell in enumerate(row):
            gap = " " * (widths[index] - width(cell.text))
            text = cell.text
            if colour and (bold or cell.colour):
                text = f"{BOLD if bold else COLOURS.get(cell.colour, '')}{text}{RESET}"
            if columns[index][1] == "right":
                parts.append(gap + text)
            else:
                parts.append(text if index == last else text + gap)
        return "  ".join(parts).rstrip()

    total = sum(widths) + 2 * last
    lines = [title, line([Cell(header) for header, _ in columns], bold=True), "─" * total]
    lines += [line(row) for row in cells]
    return "\n".join(lines)
