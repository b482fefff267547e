"""Webhook endpoints: where the plan's events are delivered, signed (docs/webhooks.md).
Admins only. The secret that signs an endpoint's deliveries is in the answer to its
creation, and never again."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.base import allow, api_blueprint, changes_something, refuse
from app.extensions import db
from app.fields import NAME_MAX
from app.models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from app.models.webhook import URL_MAX
from app.plan_io.exporter import format_datetime
from app.webhooks import operations
from app.webhooks.operations import WebhookError

blp = api_blueprint(
    "api_webhooks",
    __name__,
    "/api/v1/webhooks",
    "Webhook endpoints: where the plan's events are delivered, signed.",
)
DELIVERIES_SHOWN = 100
EVENT_NAMES = fields.List(
    fields.String(validate=validate.OneOf(WEBHOOK_EVENTS)),
    validate=validate.Length(min=1),
    metadata={"description": "The events to deliver: " + ", ".join(WEBHOOK_EVENTS)},
)


class EndpointOut(Schema):
    id = fields.Integer()
    url = fields.String()
    description = fields.String()
    events = fields.List(fields.String())
    active = fields.Boolean()
    failed_in_row = fields.Integer()
    disabled_at = fields.String(allow_none=True)
    disabled_reason = fields.String(allow_none=True)
    created_at = fields.String()


class EndpointCreated(EndpointOut):
    secret = fields.String(metadata={"description": "Signs the deliveries; shown only here."})


class EndpointList(Schema):
    data = fields.List(fields.Nested(EndpointOut))
    next = fields.String(allow_none=True)


class EndpointCreate(Schema):
    url = fields.String(required=True, validate=validate.Length(1, URL_MAX))
    description = fields.String(validate=validate.Length(max=NAME_MAX))
    events = EVENT_NAMES


class EndpointPatch(Schema):
    url = fields.String(validate=validate.Length(1, URL_MAX))
    description = fields.String(validate=validate.Length(max=NAME_MAX))
    events = EVENT_NAMES
    active = fields.Boolean()


class AttemptOut(Schema):
    number = fields.Integer()
    at = fields.String()
    ok = fields.Boolean()
    status_code = fields.Integer(allow_none=True)
    duration_ms = fields.Integer()
    error = fields.String(allow_none=True)


class DeliveryOut(Schema):
    id = fields.Integer()
    event = fields.String()
    message_id = fields.String()
    state = fields.String(metadata={"enum": ["pending", "delivered", "failed"]})
    attempts = fields.List(fields.Nested(AttemptOut))
    next_attempt_at = fields.String(allow_none=True)
    created_at = fields.String()


class DeliveryList(Schema):
    data = fields.List(fields.Nested(DeliveryOut))


def _when(moment) -> str | None:
    return format_datetime(moment) if moment is not None else None


def endpoint_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "active": endpoint.active,
        "failed_in_row": endpoint.failed_in_row,
        "disabled_at": _when(endpoint.disabled_at),
        "disabled_reason": endpoint.disabled_reason,
        "created_at": format_datetime(endpoint.created_at),
    }


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "event": delivery.event.type,
        "message_id": delivery.event.message_id,
        "state": delivery.state,
        "attempts": [
            {
                "number": a.number,
                "at": format_datetime(a.at),
                "ok": a.ok,
                "status_code": a.status_code,
                "duration_ms": a.duration_ms,
                "error": a.error,
            }
            for a in delivery.attempt_log
        ],
        "next_attempt_at": _when(delivery.next_attempt_at),
        "created_at": format_datetime(delivery.created_at),
    }


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404, message=f"No webhook endpoint has the id {endpoint_id}.")
    return endpoint


@blp.route("")
@blp.response(200, EndpointList)
def list_endpoints():
    """Every endpoint, by id."""
    allow("admin")
    rows = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))
    return {"data": [endpoint_json(e) for e in rows], "next": None}


@blp.route("", methods=["POST"])
@blp.arguments(EndpointCreate)
@blp.response(201, EndpointCreated)
def create_endpoint(body):
    """Register an endpoint (all events unless ``events`` says which). The answer
    holds its signing secret, the only time it is shown."""
    allow("admin")
    try:
        endpoint = operations.create_endpoint(
            body["url"],
            body.get("events", WEBHOOK_EVENTS),
            body.get("description", ""),
            actor=g._login_user.email,
        )
    except WebhookError as error:
        refuse(error)
    shown = {**endpoint_json(endpoint), "secret": endpoint.secret}
    return shown, 201, {"Location": url_for(".get_endpoint", endpoint_id=endpoint.id)}


@blp.route("/<int:endpoint_id>")
@blp.response(200, EndpointOut)
def get_endpoint(endpoint_id: int):
    """One endpoint (without its secret)."""
    allow("admin")
    return endpoint_json(_endpoint_or_404(endpoint_id))


@blp.route("/<int:endpoint_id>", methods=["PATCH"])
@blp.arguments(EndpointPatch)
@blp.response(200, EndpointOut)
def patch_endpoint(body, endpoint_id: int):
    """Change the URL, description, events, or whether it is active (enabling a
    disabled endpoint clears its failures)."""
    allow("admin")
    changes_something(body, "url, events, description or active")
    endpoint = _endpoint_or_404(endpoint_id)
    try:
        operations.update_endpoint(endpoint, **body)
    except WebhookError as error:
        refuse(error)
    return endpoint_json(endpoint)


@blp.route("/<int:endpoint_id>", methods=["DELETE"])
@blp.response(204)
def delete_endpoint(endpoint_id: int):
    """Delete the endpoint and its delivery log."""
    allow("admin")
    operations.delete_endpoint(_endpoint_or_404(endpoint_id))
    return "", 204


@blp.route("/<int:endpoint_id>/deliveries")
@blp.response(200, DeliveryList)
def list_deliveries(endpoint_id: int):
    """The endpoint's newest deliveries, with their attempts."""
    allow("admin")
    _endpoint_or_404(endpoint_id)
    rows = db.session.scalars(
        select(WebhookDelivery)
        .options(selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.attempt_log))
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(DELIVERIES_SHOWN)
    )
    return {"data": [delivery_json(d) for d in rows]}


@blp.route("/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@blp.response(202, DeliveryOut)
def redeliver(endpoint_id: int, delivery_id: int):
    """Send a delivered or failed delivery's event once more (one attempt)."""
    allow("admin")
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint_id:
        abort(404, message=f"The endpoint has no delivery {delivery_id}.")
    try:
        operations.redeliver(delivery)
    except WebhookError as error:
        refuse(error, 409)
    return delivery_json(delivery), 202
