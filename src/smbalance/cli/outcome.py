"""How a command that fails ends: one ``Error: …`` line on stderr and the spec's exit
code, the same whether Typer ran it (`cli/app.py`) or the lean path (`cli/lean.py`).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence

from smbalance.errors import SmbalanceError
from smbalance.visible import visible  # loaded up front: errors must print when memory is short

OUT_OF_MEMORY = (
    "out of memory (the machine, or `ulimit -v`, allows too little for this "
    "command); nothing was changed. For a large import, split the file"
)


def error_line(message: str, details: Sequence[str] = ()) -> None:
    """Print the one-line error.  Whatever the message quotes (a path, a name, a note)
    cannot break the line or send control sequences.  `details` (an import's problems)
    follow it, indented, one a line."""
    print(f"Error: {visible(message)}", file=sys.stderr)
    for detail in details:
        print(f"  {visible(detail)}", file=sys.stderr)


def exit_code(exc: Exception) -> int | None:
    """The exit code for what a command raised, its error already said; None when the
    exception should propagate (SMBALANCE_DEBUG=1: show the traceback)."""
    if isinstance(exc, SmbalanceError):
        error_line(exc.message, getattr(exc, "details", ()))
        return exc.exit_code
    if isinstance(exc, BrokenPipeError):
        # The reader went away (`smbalance entries | head`, `export | head`): it took
        # what it wanted, so this is success, quietly, for every command (exit 0, as
        # `seq 1000000 | head` does); stdout goes to /dev/null so the exit flush is quiet.
        _silence_stdout()
        return 0
    if isinstance(exc, MemoryError) or _short_of_memory(exc):
        # The store is unchanged (the transaction, if any, rolled back); say so plainly.
        error_line(OUT_OF_MEMORY)
        return 1
    if isinstance(exc, UnicodeEncodeError):
        error_line(
            f"the output's encoding ({exc.encoding}) cannot write "
            f"U+{ord(exc.object[exc.start]):04X}; set PYTHONIOENCODING=utf-8 "
            "(or use a UTF-8 locale) and run the command again"
        )
        return 1
    if os.environ.get("SMBALANCE_DEBUG"):
        return None
    error_line(
        f"unexpected {type(exc).__name__}: {exc}. This is a bug; please report it "
        "(set SMBALANCE_DEBUG=1 to see the traceback)"
    )
    return 1


def _short_of_memory(exc: Exception) -> bool:
    """Short of memory, a lazily imported C extension fails to load ("failed to map
    segment from shared object"), or the import system cannot even list a package's
    directory (ENOMEM): that is running out of memory, not a bug."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
        return True
    text = str(exc).lower()
    return isinstance(exc, ImportError) and (
        "failed to map segment" in text or "cannot allocate memory" in text
    )


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (e.g. captured in tests)
        pass
