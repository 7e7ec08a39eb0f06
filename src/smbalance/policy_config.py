"""`PolicyConfig`, the thresholds of the balance policy, on its own.

It is the one record still a dataclass: `smbalance.config` lists its keys with
`dataclasses.fields`.  Kept apart so that only code that reads the policy imports
`dataclasses`; `smbalance.domain` re-exports it on first use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyConfig:
    """Thresholds of the balance policy (all percents, except hours and weeks): the
    `[policy]` table of the config file, which `smbalance.config` reads."""

    floor: float = 25
    commission_driven: float = 50
    overload: float = 20
    min_hours: float = 2
    trend_weeks: int = 4
    slide: float = 2
