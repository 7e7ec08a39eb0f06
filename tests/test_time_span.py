"""`Store.time_span` (what `report --all` spans) finds the last end by index, not by scan.

The last end need not belong to the latest start: a long entry that began earlier can
outlast a short one that began later.  Both backends (the `store` fixture).
"""

from __future__ import annotations

from conftest import NOW_EPOCH

H = 3600
T0 = NOW_EPOCH - 30 * 24 * H


def test_empty_store_has_no_span(store) -> None:  # type: ignore[no-untyped-def]
    assert store.time_span() is None


def test_the_last_end_can_belong_to_an_earlier_start(store) -> None:  # type: ignore[no-untyped-def]
    store.log("alice", "sales", T0, T0 + H)
    store.log("bob", "marketing", T0 + 2 * H, T0 + 12 * H)  # long: ends last
    store.log("carol", "sales", T0 + 3 * H, T0 + 4 * H)  # starts last
    assert store.time_span() == (T0, T0 + 12 * H)
    assert store.time_span(["alice", "carol"]) == (T0, T0 + 4 * H)


def test_the_latest_start_can_also_end_last(store) -> None:  # type: ignore[no-untyped-def]
    store.log("alice", "sales", T0, T0 + 5 * H)
    store.log("bob", "marketing", T0 + 4 * H, T0 + 6 * H)
    assert store.time_span() == (T0, T0 + 6 * H)
