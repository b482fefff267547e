"""The plan interchange format ``roadmap-plan/1``: validation, import and export.

The contract is docs/plan-format.md; ``flask plan`` and the
seeders use these functions, and the API will use the same shapes.
"""

from app.plan_io.exporter import export_plan
from app.plan_io.importer import ImportSummary, existing_plan_counts, import_plan
from app.plan_io.problems import PlanError, Problem
from app.plan_io.validate import FORMAT, Plan, parse_plan, validate_plan

__all__ = [
    "FORMAT",
    "ImportSummary",
    "Plan",
    "PlanError",
    "Problem",
    "existing_plan_counts",
    "export_plan",
    "import_plan",
    "parse_plan",
    "validate_plan",
]
