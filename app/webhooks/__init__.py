"""Webhooks: the plan's changes and conflicts, delivered signed to the endpoints
admins register (docs/webhooks.md). Events are collected in the transaction that
makes them (events), delivered by jobs (delivery), conflict events computed by a
job (conflicts); the admin pages are this blueprint's (routes)."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")

from app.webhooks import routes  # noqa: E402, F401
