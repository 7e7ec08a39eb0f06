"""The report core on both backends: hand-computed sums, clipping, DST weeks and the trend."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import NOW, TZ
from smbalance.domain import PolicyConfig
from smbalance.periods import last_week, week_of
from smbalance.report import build_report, report_csv, report_dict

H = 3600
POLICY = PolicyConfig()


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def log(store, who: str, category: str, start: str, end: str) -> None:  # type: ignore[no-untyped-def]
    store.log(who, category, at(start), at(end))


def test_entry_across_a_week_boundary_counts_in_each_week(store) -> None:  # type: ignore[no-untyped-def]
    # Sunday 22 Nov 23:00 to Monday 23 Nov 01:00 (London = UTC in November).
    log(store, "alice", "sales", "2026-11-22T23:00", "2026-11-23T01:00")
    this = report_dict(build_report(store, week_of(NOW, TZ), policy=POLICY))
    before = report_dict(build_report(store, last_week(NOW, TZ), policy=POLICY))
    assert this["people"][0]["sales_seconds"] == H
    assert before["people"][0]["sales_seconds"] == H
    assert [w["sales_seconds"] for w in this["trend"][-2:]] == [H, H]


def test_dst_week_is_169_hours(store) -> None:  # type: ignore[no-untyped-def]
    # Clocks go back on Sunday 25 Oct 2026, so the week of Mon 19 Oct is 169 h long:
    # 2026-10-18T23:00Z (00:00 BST) to 2026-10-26T00:00Z (00:00 GMT).
    log(store, "alice", "marketing", "2026-10-10T00:00", "2026-11-05T00:00")
    week = week_of(datetime(2026, 10, 21, 12, tzinfo=UTC), TZ)
    result = report_dict(build_report(store, week, policy=POLICY, trend_weeks=2))
    assert result["period"] == {
        "start": "2026-10-18T23:00:00Z",
        "end": "2026-10-26T00:00:00Z",
        "timezone": TZ,
    }
    assert result["team"]["marketing_seconds"] == 169 * H
    assert [(w["week"], w["marketing_seconds"]) for w in result["trend"]] == [
        ("2026-W42", 168 * H),
        ("2026-W43", 169 * H),
    ]


def test_people_fields_and_team_totals(store) -> None:  # type: ignore[no-untyped-def]
    store.add_person("alice", "both", commission=70)
    store.add_person("bob", "sales", commission=20, target=10)
    log(store, "alice", "sales", "2026-11-23T09:00", "2026-11-23T19:00")  # 10h
    log(store, "alice", "marketing", "2026-11-24T09:00", "2026-11-24T10:00")  # 1h
    log(store, "bob", "sales", "2026-11-24T09:00", "2026-11-24T12:00")  # 3h
    result = report_dict(build_report(store, week_of(NOW, TZ), policy=POLICY))
    assert result["people"] == [
        {
            "person": "alice",
            "role": "both",
            "commission": 70,
            "target": 25,
            "sales_seconds": 36000,
            "marketing_seconds": 3600,
            "total_seconds": 39600,
            "marketing_share": 9.1,
        },
        {
            "person": "bob",
            "role": "sales",
            "commission": 20,
            "target": 10,
            "sales_seconds": 3 * H,
            "marketing_seconds": 0,
            "total_seconds": 3 * H,
            "marketing_share": 0.0,
        },
    ]
    assert result["team"] == {
        "sales_seconds": 13 * H,
        "marketing_seconds": H,
        "total_seconds": 14 * H,
        "marketing_share": 7.1,
        "scope": "team",
        "trend_slope": None,
        "weeks_to_floor": None,
    }
    codes = [(w["code"], w["person"]) for w in result["warnings"]]
    assert codes == [("commission-crowding", "alice"), ("team-below-floor", None)]


def test_who_narrows_people_team_and_trend(store) -> None:  # type: ignore[no-untyped-def]
    log(store, "alice", "marketing", "2026-11-23T09:00", "2026-11-23T12:00")
    log(store, "bob", "sales", "2026-11-23T09:00", "2026-11-23T10:00")
    store.add_person("carol", "marketing")
    result = report_dict(
        build_report(store, week_of(NOW, TZ), policy=POLICY, people=["alice", "carol"])
    )
    assert [p["person"] for p in result["people"]] == ["alice", "carol"]
    assert result["people"][1]["total_seconds"] == 0
    assert result["people"][1]["marketing_share"] is None
    assert result["team"]["total_seconds"] == 3 * H
    assert result["trend"][-1]["sales_seconds"] == 0


def test_empty_period_is_zeros_and_nulls(store) -> None:  # type: ignore[no-untyped-def]
    result = report_dict(build_report(store, week_of(NOW, TZ), policy=POLICY, trend_weeks=3))
    assert result["people"] == []
    assert [w["code"] for w in result["warnings"]] == ["no-data"]  # never "in balance"
    assert result["team"] == {
        "sales_seconds": 0,
        "marketing_seconds": 0,
        "total_seconds": 0,
        "marketing_share": None,
        "scope": "team",
        "trend_slope": None,
        "weeks_to_floor": None,
    }
    assert [w["week"] for w in result["trend"]] == ["2026-W46", "2026-W47", "2026-W48"]
    assert all(w["marketing_share"] is None for w in result["trend"])


def test_slide_window_is_computed_even_when_the_trend_is_shorter(store) -> None:  # type: ignore[no-untyped-def]
    # Team shares 40, 35, 30, 25 over the last four weeks: slope -5 points a week.
    for monday, marketing in (("2026-11-02", 4), ("2026-11-09", 3.5), ("2026-11-16", 3)):
        end_m = f"{monday}T{9 + int(marketing):02d}:{int(marketing % 1 * 60):02d}"
        log(store, "alice", "marketing", f"{monday}T09:00", end_m)
        log(store, "alice", "sales", f"{end_m}", f"{monday}T19:00")
    log(store, "alice", "marketing", "2026-11-23T09:00", "2026-11-23T11:30")
    log(store, "alice", "sales", "2026-11-23T11:30", "2026-11-23T19:00")
    result = report_dict(build_report(store, week_of(NOW, TZ), policy=POLICY, trend_weeks=1))
    assert [w["marketing_share"] for w in result["trend"]] == [25.0]
    assert [w["code"] for w in result["warnings"]] == ["marketing-slide"]
    assert "falling 5.0 points a week" in result["warnings"][0]["message"]
    assert result["team"]["trend_slope"] == -5.0
    assert result["team"]["weeks_to_floor"] is None  # at the floor, not above it


def test_csv_has_people_fields_then_warning_codes(store) -> None:  # type: ignore[no-untyped-def]
    store.add_person("alice", "both", commission=70)
    log(store, "alice", "sales", "2026-11-23T09:00", "2026-11-23T19:00")
    text = report_csv(build_report(store, week_of(NOW, TZ), policy=POLICY))
    assert text == (
        "person,role,commission,target,sales_seconds,marketing_seconds,total_seconds,"
        "marketing_share,warnings\n"
        "alice,both,70,25,36000,0,36000,0.0,commission-crowding\n"
        ",team,,,36000,0,36000,0.0,team-below-floor\n"
    )
