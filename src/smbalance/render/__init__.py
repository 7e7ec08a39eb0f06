"""Human output.  The only package that imports Rich, and only when something is shown.

Rich follows the terminal by itself: no colour when piped or under ``NO_COLOR``, and the
width of the terminal (or ``COLUMNS``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def console(*, stderr: bool = False, record: bool = False) -> Console:
    return _console_class()(stderr=stderr, record=record, highlight=False, soft_wrap=False)


@cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class QuietOnBrokenPipe(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1 here; a reader that goes away is handled once, for every
            # command and format, by SmbalanceGroup.invoke (a quiet exit 0).
            self.quiet = True
            raise BrokenPipeError

    return QuietOnBrokenPipe


def shown(value: str, style: str = "", *, newlines: bool = False) -> Text:
    """Stored text (a note, tag, name, role) as Rich will show it: never read as markup
    (`Text`, not a str), with control characters made visible (`visible`; `newlines`
    keeps line breaks, for a cell that may grow)."""
    from rich.text import Text

    from smbalance.visible import visible

    return Text(visible(value, newlines=newlines), style=style)


MARKDOWN_SPECIAL = "\\`*_[]<>|#"


def md_text(value: str) -> str:
    """Stored text as literal Markdown (a table cell, a list item): controls visible, and
    a backslash before anything that could end a cell, open a link, emphasise or start
    raw HTML (CommonMark's backslash escapes)."""
    from smbalance.visible import visible

    return "".join(f"\\{c}" if c in MARKDOWN_SPECIAL else c for c in visible(value))


def md_row(cells: list[str]) -> str:
    """A Markdown table row of cells already written as Markdown (see `md_text`)."""
    return "| " + " | ".join(cells) + " |"
