"""The domain core: plan snapshot -> conflicts, effective priority, capacity
ledger and suggestions. Plain Python on plain data; see docs/conflicts.md."""

from .analysis import Analysis, analyze
from .conflict import (
    CONFLICT_TYPES,
    SEVERITIES,
    STATES,
    Conflict,
    ConflictCounts,
    select_conflicts,
)
from .graph import find_cycle, format_cycle
from .ledger import Ledger, LedgerCell
from .settings import Settings
from .snapshot import (
    ACTIVE_STATUSES,
    COMMITMENTS,
    HEALTHS,
    PRIORITY_NAMES,
    STATUSES,
    TEAM_KINDS,
    Decision,
    Dependency,
    Item,
    Period,
    PlanDelta,
    PlanSnapshot,
    Team,
    priority_name,
)

__all__ = [
    "ACTIVE_STATUSES",
    "COMMITMENTS",
    "CONFLICT_TYPES",
    "HEALTHS",
    "PRIORITY_NAMES",
    "SEVERITIES",
    "STATES",
    "STATUSES",
    "TEAM_KINDS",
    "Analysis",
    "Conflict",
    "ConflictCounts",
    "Decision",
    "Dependency",
    "Item",
    "Ledger",
    "LedgerCell",
    "Period",
    "PlanDelta",
    "PlanSnapshot",
    "Settings",
    "Team",
    "analyze",
    "find_cycle",
    "format_cycle",
    "priority_name",
    "select_conflicts",
]
