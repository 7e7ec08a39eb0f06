"""`status` in the core: today's split counts running timers up to now (both backends)."""

from __future__ import annotations

from conftest import NOW_EPOCH, TZ
from smbalance.status import DaySplit, build_status, status_dict

H = 3600
MIDNIGHT = NOW_EPOCH - (14 * H + 5 * 60)  # 2026-11-27 00:00 in London (UTC in winter)


def test_today_counts_entries_clipped_to_the_day_and_timers_up_to_now(store) -> None:
    store.log("alice", "sales", MIDNIGHT - H, MIDNIGHT + 2 * H)  # 2h of it today
    store.log("bob", "marketing", MIDNIGHT - 3 * H, MIDNIGHT - 2 * H)  # yesterday only
    store.start_timer("alice", "marketing", at=NOW_EPOCH - H)
    store.start_timer("bob", "sales", at=MIDNIGHT - H)  # counted from midnight
    status = build_status(store, [], NOW_EPOCH, TZ)
    assert (status.day_start, status.day_end) == (MIDNIGHT, MIDNIGHT + 24 * H)
    assert status.people == [
        DaySplit("alice", 2 * H, H),
        DaySplit("bob", 14 * H + 5 * 60, 0),
    ]
    assert [t.person for t in status.timers] == ["alice", "bob"]
    only_bob = build_status(store, ["bob"], NOW_EPOCH, TZ)
    assert [s.person for s in only_bob.people] == ["bob"]


def test_status_json_shape(store) -> None:
    store.start_timer("alice", "marketing", at=NOW_EPOCH - H, note="blog", tags=["q4"])
    shape = status_dict(build_status(store, [], NOW_EPOCH, TZ))
    assert shape == {
        "now": "2026-11-27T14:05:00Z",
        "timers": [
            {
                "person": "alice",
                "category": "marketing",
                "start": "2026-11-27T13:05:00Z",
                "seconds": H,
                "note": "blog",
                "tags": ["q4"],
                "forgotten": False,
            }
        ],
        "today": {
            "start": "2026-11-27T00:00:00Z",
            "end": "2026-11-28T00:00:00Z",
            "timezone": TZ,
            "people": [
                {
                    "person": "alice",
                    "sales_seconds": 0,
                    "marketing_seconds": H,
                    "total_seconds": H,
                    "marketing_share": 100.0,
                }
            ],
        },
    }
