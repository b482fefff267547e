"""The whole plan, in the plan interchange format (docs/plan-format.md)."""

from __future__ import annotations

import json

from flask import Response

from app.api.base import allow, api_blueprint
from app.api.schemas import PlanOut
from app.plan_io import export_plan

blp = api_blueprint(
    "api_plan", __name__, "/api/v1", "The whole plan, in the plan interchange format."
)


@blp.route("/plan")
@blp.response(200, PlanOut)
def get_plan():
    """The whole plan as a `roadmap-plan/1` document: the very text that
    `flask plan export` writes, ready for `flask plan import`."""
    allow("view")
    text = json.dumps(export_plan(), indent=2, ensure_ascii=False) + "\n"
    return Response(text, mimetype="application/json")
