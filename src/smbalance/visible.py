"""Stored text made safe to show on a terminal: control characters become visible escapes.

A note, tag or name is data that someone typed (or wrote into the store by hand).  On a
terminal, an ESC starts a control sequence (``\\x1b]0;…`` sets the window title,
``\\x1b[2J`` clears the screen), ``\\r`` rewrites the line, BEL rings: shown raw, stored
text could forge or hide output.  `visible` shows every such character as an escape
(``\\x1b``, ``\\r``, ``\\u202e``), so what is printed is exactly what is stored, readably.

Escaped: C0 controls and DEL, C1 controls (U+0080-U+009F), and the Unicode controls that
reorder or break text (bidirectional overrides and isolates, line and paragraph
separators).  ``\\n`` and ``\\t`` are kept only where the caller's layout allows them.
Backslashes are not doubled: the escapes are for reading, not for parsing back.

Stdlib only, and cheap: it is used on the lean start-up path (log, start, stop, status)
as well as by every renderer.  JSON output needs none of this (``json.dumps`` escapes
controls itself); Rich output must still get the result as ``rich.text.Text`` (or
escaped), since `visible` does nothing about Rich markup.
"""

from __future__ import annotations

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# Unicode format controls that reorder or break a line on screen ("Trojan Source").
_REORDERING = (0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F))
_ISOLATES = range(0x2066, 0x206A)


def _escape(code: int) -> str:
    char = chr(code)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _table(*, keep: str) -> dict[int, str]:
    codes = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_REORDERING, *_ISOLATES]
    return {code: _escape(code) for code in codes if chr(code) not in keep}


_TABLES = {
    (False, False): _table(keep=""),
    (True, False): _table(keep="\n"),
    (False, True): _table(keep="\t"),
    (True, True): _table(keep="\n\t"),
}


def visible(text: str, *, newlines: bool = False, tabs: bool = False) -> str:
    """`text` with every terminal control character shown as an escape (``\\x1b``).

    `newlines`/`tabs`: keep ``\\n``/``\\t`` as they are (only where the layout around
    the text is made for them).
    """
    if text.isascii() and text.isprintable():  # the usual case: nothing to do
        return text
    return text.translate(_TABLES[newlines, tabs])
