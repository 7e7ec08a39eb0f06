"""Property: whatever sequence of logs, edits, removals and timers people run, no two
entries of one person ever overlap, and every accepted entry is kept exactly."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import NOW_EPOCH
from smbalance.errors import SmbalanceError
from smbalance.store import open_store

PEOPLE = st.sampled_from(["alice", "bob"])
CATEGORY = st.sampled_from(["sales", "marketing"])
MINUTES = st.integers(min_value=1, max_value=240)
OFFSET = st.integers(min_value=-600, max_value=0)  # minutes relative to now

operation = st.one_of(
    st.tuples(st.just("log"), PEOPLE, CATEGORY, OFFSET, MINUTES),
    st.tuples(st.just("log_duration"), PEOPLE, CATEGORY, MINUTES),
    st.tuples(st.just("edit"), st.integers(1, 12), OFFSET, MINUTES),
    st.tuples(st.just("rm"), st.integers(1, 12)),
    st.tuples(st.just("start"), PEOPLE, CATEGORY, st.integers(-120, 0)),
    st.tuples(st.just("stop"), PEOPLE),
    st.tuples(st.just("tick"), MINUTES),
    st.tuples(
        st.just("undo"),
    ),
)


_TEMPLATE: list[Path] = []


def fresh_store(directory: str, clock):  # type: ignore[no-untyped-def]
    """A new store, copied from a migrated template (migrating each time is slow)."""
    if not _TEMPLATE:
        template = Path(tempfile.mkdtemp()) / "template.db"
        open_store(template).close()
        _TEMPLATE.append(template)
    path = Path(directory) / "p.db"
    shutil.copy(_TEMPLATE[0], path)
    return open_store(path, clock=clock)


class Clock:
    def __init__(self) -> None:
        self.now = NOW_EPOCH

    def __call__(self) -> int:
        return self.now


def apply(store, clock: Clock, op: tuple) -> None:  # type: ignore[no-untyped-def]
    kind, *args = op
    if kind == "log":
        person, category, offset, minutes = args
        start = clock.now + offset * 60
        store.log(person, category, start, start + minutes * 60)
    elif kind == "log_duration":
        person, category, minutes = args
        store.log_duration(person, category, minutes * 60)
    elif kind == "edit":
        entry_id, offset, minutes = args
        store.edit(entry_id, start=clock.now + offset * 60, seconds=minutes * 60)
    elif kind == "rm":
        store.remove([args[0]])
    elif kind == "start":
        person, category, offset = args
        store.start_timer(person, category, at=clock.now + offset * 60)
    elif kind == "stop":
        store.stop_timer(args[0])
    elif kind == "tick":
        clock.now += args[0] * 60
    else:
        store.undo()


def intervals(store, clock: Clock) -> dict[str, list[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    """Every person's entries plus their running timer, sorted.

    A running timer counts as an entry from its start to now (SPEC *Overlaps*); entries
    that begin at or after now may sit beside it (`stop` refuses to save over them), so
    they are left out of the comparison with the timer.
    """
    by_person: dict[str, list[tuple[int, int]]] = {}
    for entry in store.entries():
        by_person.setdefault(entry.person, []).append((entry.start_utc, entry.end_utc))
    for timer in store.timers():
        spans = [s for s in by_person.get(timer.person, []) if s[0] < clock.now]
        spans.append((timer.start_utc, max(clock.now, timer.start_utc + 1)))
        by_person[timer.person + " (with timer)"] = spans
    return {person: sorted(spans) for person, spans in by_person.items()}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=25))
@example([("start", "alice", "sales", -1), ("log", "alice", "sales", 0, 1)])
@example([("log", "alice", "sales", 0, 1), ("start", "alice", "sales", -1), ("tick", 1)])
def test_no_overlaps_after_any_sequence(ops):
    """Entries never overlap each other; and right after any command, nothing overlaps a
    running timer's span from its start to now.  Once the clock moves on, a timer may run
    into an entry logged to start later (the spec allows logging it); `stop` then refuses
    to save over it and `db check` points it out, so that is left out after a tick."""
    clock = Clock()
    ticked = False
    with tempfile.TemporaryDirectory() as tmp:
        store = fresh_store(tmp, clock)
        try:
            for op in ops:
                before = store.entries()
                try:
                    apply(store, clock, op)
                except SmbalanceError:
                    # A refused operation changes nothing.
                    assert store.entries() == before
                ticked = ticked or op[0] == "tick"
                for person, spans in intervals(store, clock).items():
                    if ticked and person.endswith("(with timer)"):
                        continue
                    for (_, end), (start, _) in itertools.pairwise(spans):
                        assert end <= start, spans
            problems = store.check()
            if ticked:
                problems = [p for p in problems if "running timer" not in p]
            assert problems == []
        finally:
            store.close()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(CATEGORY, MINUTES), min_size=1, max_size=12))
def test_duration_logs_stack_into_a_contiguous_block_ending_now(logs):
    """Logging durations one after another fills the time before now without gaps."""
    with tempfile.TemporaryDirectory() as tmp:
        store = fresh_store(tmp, lambda: NOW_EPOCH)
        try:
            for category, minutes in logs:
                store.log_duration("alice", category, minutes * 60)
            spans = sorted((e.start_utc, e.end_utc) for e in store.entries())
            assert spans[-1][1] == NOW_EPOCH
            assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
            assert sum(e - s for s, e in spans) == sum(m for _, m in logs) * 60
        finally:
            store.close()
