"""A progress bar on stderr for long imports; nothing at all when it is not wanted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from smbalance.render import console


@contextmanager
def progress_bar(total: int, label: str, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yield `advance(n)`; draws a transient bar on stderr only when `enabled`."""
    if not enabled:
        yield lambda _n: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
