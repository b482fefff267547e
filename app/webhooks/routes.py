"""Admin pages of the webhooks: the endpoints with a form to add one (its secret
shown once, on the page that answers the form), and each endpoint's settings and
delivery log with a redeliver button per delivery. Admins only."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.forms import refused
from app.models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from app.permissions import require
from app.webhooks import bp, operations
from app.webhooks.forms import EditEndpointForm, EndpointForm
from app.webhooks.operations import WebhookError

LOG_SHOWS = 50


def _endpoints() -> list[tuple[WebhookEndpoint, int]]:
    pending = (
        select(WebhookDelivery.endpoint_id, func.count().label("n"))
        .where(WebhookDelivery.state == "pending")
        .group_by(WebhookDelivery.endpoint_id)
        .subquery()
    )
    query = (
        select(WebhookEndpoint, func.coalesce(pending.c.n, 0))
        .outerjoin(pending, pending.c.endpoint_id == WebhookEndpoint.id)
        .order_by(WebhookEndpoint.id)
    )
    return [(endpoint, n) for endpoint, n in db.session.execute(query)]


def _list_page(form: EndpointForm, status: int = 200):
    return render_template(
        "admin/webhooks.html", endpoints=_endpoints(), form=form, all_events=WEBHOOK_EVENTS
    ), status


@bp.route("", methods=["GET", "POST"])
@login_required
@require("admin")
def endpoints():
    form = EndpointForm()
    if not form.validate_on_submit():
        return _list_page(form, 400 if form.is_submitted() else 200)
    try:
        endpoint = operations.create_endpoint(
            form.url.data, form.events.data, form.description.data, actor=current_user.email
        )
    except WebhookError as error:
        refused(form, error, "url")
        return _list_page(form, 400)
    # The one time the secret is shown: on this answer, never stored in the session.
    form = EditEndpointForm(formdata=None, obj=endpoint)
    return _endpoint_page(endpoint, form, secret=endpoint.secret)


def _endpoint_page(endpoint: WebhookEndpoint, form, status: int = 200, secret: str | None = None):
    deliveries = db.session.scalars(
        select(WebhookDelivery)
        .options(selectinload(WebhookDelivery.attempt_log), selectinload(WebhookDelivery.event))
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_SHOWS)
    ).all()
    return render_template(
        "admin/webhook.html", endpoint=endpoint, form=form, deliveries=deliveries, secret=secret
    ), status


@bp.route("/<int:endpoint_id>", methods=["GET", "POST"])
@login_required
@require("admin")
def endpoint(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    form = EditEndpointForm(obj=endpoint)
    if not form.validate_on_submit():
        return _endpoint_page(endpoint, form, 400 if form.is_submitted() else 200)
    try:
        operations.update_endpoint(
            endpoint,
            url=form.url.data,
            events=form.events.data,
            description=form.description.data,
            active=form.active.data,
        )
    except WebhookError as error:
        refused(form, error, "url")
        return _endpoint_page(endpoint, form, 400)
    flash(f"Saved the endpoint {endpoint.url}.", "success")
    return redirect(url_for(".endpoint", endpoint_id=endpoint.id))


@bp.route("/<int:endpoint_id>/delete", methods=["POST"])
@login_required
@require("admin")
def delete(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    url = endpoint.url
    operations.delete_endpoint(endpoint)
    flash(f"Deleted the endpoint {url} and its delivery log.", "success")
    return redirect(url_for(".endpoints"))


@bp.route("/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@login_required
@require("admin")
def redeliver(delivery_id: int):
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    try:
        operations.redeliver(delivery)
    except WebhookError as error:
        flash(str(error), "error")
    else:
        flash(f"Delivery {delivery.id} ({delivery.event.type}) will be sent again.", "success")
    return redirect(url_for(".endpoint", endpoint_id=delivery.endpoint_id, _anchor="deliveries"))
