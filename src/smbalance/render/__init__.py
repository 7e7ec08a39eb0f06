"""Human output.  The only package that imports Rich, and only when something is shown.

Rich already follows the terminal (no colour when piped) and ``NO_COLOR``; we add
``SMBALANCE_WIDTH``-free behaviour: the width comes from the terminal or ``COLUMNS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def console(*, stderr: bool = False, record: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, record=record, highlight=False, soft_wrap=False)
