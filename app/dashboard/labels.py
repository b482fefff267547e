"""How the dashboard names conflict types and states for people."""

TYPE_LABELS = {
    "schedule_violation": "Schedule violation",
    "same_period_risk": "Same-period risk",
    "unscheduled_dependency": "Unscheduled dependency",
    "cancelled_dependency": "Cancelled dependency",
    "priority_inversion": "Priority inversion",
    "uncommitted_dependency": "Uncommitted dependency",
    "over_capacity": "Over capacity",
    "platform_contention": "Platform contention",
    "at_risk_dependency": "At-risk dependency",
    "stale_status": "Stale status",
    "dependency_cycle": "Dependency cycle",
    "unestimated": "Unestimated",
}
STATE_LABELS = {"open": "Open", "acknowledged": "Acknowledged", "accepted": "Accepted risk"}
