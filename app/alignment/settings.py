"""Thresholds of the analysis. docs/conflicts.md explains how each one is used."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    # stale_status: an item with no status update for longer than this is stale ...
    cadence_days: int = 7
    # ... and one severity level worse once it has been silent this long.
    stale_escalate_days: int = 28
    # Work at this priority or higher (0 = P0, 1 = P1) escalates stale_status and
    # unestimated, and keeps over_capacity at full severity.
    escalate_priority: int = 1
    # schedule_violation: a dependency this many periods late or more is one level worse.
    late_escalate_periods: int = 2
    # priority_inversion: an item ranked this many levels below its effective
    # priority or more is one level worse.
    inversion_escalate_gap: int = 2
    # over_capacity and platform_contention: demand / capacity ratios.
    capacity_medium_ratio: float = 1.10
    capacity_high_ratio: float = 1.25
    capacity_critical_ratio: float = 1.50
    # How many items or teams a message names before "and N more".
    list_limit: int = 10
