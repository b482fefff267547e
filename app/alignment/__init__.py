from .snapshot import Decision, Dependency, Item, Period, PlanSnapshot, Team
