"""The balance rules, each at and around its threshold, with hand-computed figures."""

from __future__ import annotations

import pytest

from smbalance.domain import PolicyConfig
from smbalance.policy import (
    PersonSplit,
    effective_target,
    evaluate,
    hand_over,
    marketing_needed,
    personal_warning,
    slide_warning,
    slope,
    team_warning,
)

H = 3600
POLICY = PolicyConfig()
WHEN = "this week"


def split(role: str = "both", commission: int = 0, target: float = 25, s: int = 0, m: int = 0):
    return PersonSplit("alice", role, commission, target, s, m)


def codes(warning) -> str | None:  # type: ignore[no-untyped-def]
    return None if warning is None else warning.code


def test_effective_target_defaults_to_the_floor() -> None:
    assert effective_target(None, POLICY) == 25
    assert effective_target(40, POLICY) == 40
    assert effective_target(None, PolicyConfig(floor=30)) == 30


# ---- commission-crowding and below-target -----------------------------------------------


@pytest.mark.parametrize(
    ("commission", "expected"),
    [(50, "commission-crowding"), (49, "below-target"), (0, "below-target")],
)
def test_commission_at_the_threshold_is_driven(commission: int, expected: str) -> None:
    # 30h sales, 9h50m marketing: 9h50m/39h50m = 24.7% < 25
    warning = personal_warning(split(commission=commission, s=30 * H, m=590 * 60), POLICY, WHEN)
    assert codes(warning) == expected


def test_crowding_message_names_person_share_target_and_remedy() -> None:
    # S = 10h, M = 1h: 9.1%; x = (0.25*11h - 1h)/0.75 = 2h20m exactly.
    warning = personal_warning(split(commission=70, s=10 * H, m=H), POLICY, WHEN)
    assert warning is not None and warning.person == "alice"
    assert "alice" in warning.message and "9.1%" in warning.message and "25%" in warning.message
    assert "2h20m more marketing this week brings alice back to 25%" in warning.message


def test_share_is_judged_as_shown() -> None:
    # exactly 25.0%: not below; 9h59m of 39h59m = 24.97% shows as 25.0: not below either.
    assert personal_warning(split(s=30 * H, m=10 * H), POLICY, WHEN) is None
    assert personal_warning(split(s=30 * H, m=10 * H - 60), POLICY, WHEN) is None


def test_below_target_just_under_and_just_over() -> None:
    # 24.9% (S=75.1, M=24.9 in units) fires; 25.1% does not.
    assert codes(personal_warning(split(s=751 * 60, m=249 * 60), POLICY, WHEN)) == "below-target"
    assert personal_warning(split(s=749 * 60, m=251 * 60), POLICY, WHEN) is None


def test_personal_target_overrides_the_floor() -> None:
    # 30% marketing: fine against the floor, below a personal 40%.
    assert personal_warning(split(target=25, s=7 * H, m=3 * H), POLICY, WHEN) is None
    warning = personal_warning(split(target=40, s=7 * H, m=3 * H), POLICY, WHEN)
    # x = (0.4*10h - 3h)/0.6 = 1h40m
    assert warning is not None and "1h40m more marketing this week" in warning.message
    assert "40%" in warning.message


def test_min_hours_guard() -> None:
    # 1h59m with no marketing: too little time to judge; 2h: judged.
    assert personal_warning(split(commission=80, s=119 * 60), POLICY, WHEN) is None
    assert codes(personal_warning(split(commission=80, s=2 * H), POLICY, WHEN)) == (
        "commission-crowding"
    )
    assert personal_warning(split(s=0, m=0), PolicyConfig(min_hours=0), WHEN) is None


# ---- role-overload ------------------------------------------------------------------------


def test_sales_specialist_overload_boundary() -> None:
    # 20.0% marketing is not above 20; 20.1% is.
    assert personal_warning(split("sales", s=8 * H, m=2 * H), POLICY, WHEN) is None
    warning = personal_warning(split("sales", s=799 * 60, m=201 * 60), POLICY, WHEN)
    assert codes(warning) == "role-overload"
    # keep M' = 0.2*799/0.8 = 199.75 min: hand over 1.25 min -> rounded up to 2m
    assert "hand over 2m of marketing this week" in warning.message


def test_sales_specialist_without_marketing_is_in_the_right_seat() -> None:
    assert personal_warning(split("sales", commission=90, s=40 * H), POLICY, WHEN) is None


def test_marketer_pulled_into_selling() -> None:
    assert personal_warning(split("marketing", s=2 * H, m=8 * H), POLICY, WHEN) is None
    warning = personal_warning(split("marketing", s=4 * H, m=6 * H), POLICY, WHEN)
    # 40% selling; keep S' = 0.2*6h/0.8 = 1h30m: hand over 2h30m of selling
    assert warning is not None and warning.code == "role-overload"
    assert "40.0% selling" in warning.message
    assert "hand over 2h30m of selling this week" in warning.message


def test_specialists_are_judged_only_by_overload() -> None:
    # A marketer with 100% marketing and commission 90 is never "below target".
    assert personal_warning(split("marketing", commission=90, m=10 * H), POLICY, WHEN) is None


# ---- team-below-floor --------------------------------------------------------------------


def test_team_floor_boundary() -> None:
    assert team_warning(0, 0, POLICY, WHEN) is None
    assert team_warning(30 * H, 10 * H, POLICY, WHEN) is None  # 25.0%
    warning = team_warning(751 * 60, 249 * 60, POLICY, WHEN)  # 24.9%
    assert warning is not None and warning.person is None
    assert warning.code == "team-below-floor" and "24.9%" in warning.message


# ---- marketing-slide -----------------------------------------------------------------------


def test_slope_is_least_squares() -> None:
    assert slope([(0, 40), (1, 35), (2, 30), (3, 25)]) == pytest.approx(-5)
    assert slope([(0, 1), (1, 3), (3, 7)]) == pytest.approx(2)


def test_slide_boundary() -> None:
    # exactly -2 points a week does not fire; -2.1 does.
    assert slide_warning([30, 28, 26, 24], POLICY) is None
    warning = slide_warning([30, 27.9, 25.8, 23.7], POLICY)
    assert warning is not None and warning.code == "marketing-slide" and warning.person is None
    assert "falling 2.1 points a week" in warning.message


def test_slide_uses_only_the_last_trend_weeks_and_needs_three_weeks_of_data() -> None:
    # An old fall outside the 4-week window is ignored.
    assert slide_warning([80, 60, 40, 30, 30, 30, 30], POLICY) is None
    assert slide_warning([None, None, 40, 30], POLICY) is None  # 2 weeks of data
    # Gaps keep their place: x = 0, 2, 3
    warning = slide_warning([40, None, 30, 25], POLICY)
    assert warning is not None


def test_evaluate_orders_personal_then_team() -> None:
    people = [
        PersonSplit("alice", "both", 70, 25, 10 * H, 0),
        PersonSplit("bob", "sales", 0, 25, 10 * H, 0),
    ]
    found = evaluate(people, 20 * H, 0, [40, 30, 20, 10], POLICY, WHEN)
    assert [(w.code, w.person) for w in found] == [
        ("commission-crowding", "alice"),
        ("team-below-floor", None),
        ("marketing-slide", None),
    ]


def test_balanced_team_has_no_warnings() -> None:
    people = [PersonSplit("alice", "both", 70, 25, 6 * H, 4 * H)]
    assert evaluate(people, 6 * H, 4 * H, [40, 40, 41, 40], POLICY, WHEN) == []


def test_remedy_amounts() -> None:
    assert marketing_needed(30 * H, 0, 25) == 10 * H
    assert marketing_needed(H, 0, 100) is None
    assert hand_over(8 * H, 4 * H, 20) == 2 * H
