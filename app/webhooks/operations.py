"""What admins do to webhook endpoints: register one (its secret is shown once),
change its URL, events or whether it is active, delete it, redeliver an event.
Plain functions that flush and never commit."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from app.errors import Refused
from app.extensions import db
from app.fields import NAME_MAX, too_long
from app.models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from app.models.webhook import CONFLICT_EVENTS
from app.webhooks import delivery as deliveries
from app.webhooks import signing
from app.webhooks.addresses import AddressRefused, resolve
from app.webhooks.events import deliver_after_commit


class WebhookError(Refused):
    """A change to an endpoint that the rules refuse."""


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise WebhookError("Enter the URL that receives the events.", "url")
    try:
        resolve(url, bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE_HOSTS")))
    except AddressRefused as error:
        raise WebhookError(str(error), "url") from error
    return url


def _checked_events(events: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(events or ()))
    unknown = [name for name in chosen if name not in WEBHOOK_EVENTS]
    if unknown:
        raise WebhookError(
            f"Unknown event {unknown[0]!r}: choose from {', '.join(WEBHOOK_EVENTS)}.", "events"
        )
    if not chosen:
        raise WebhookError("Choose at least one event.", "events")
    return [name for name in WEBHOOK_EVENTS if name in chosen]


def _checked_description(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > NAME_MAX:
        raise WebhookError(too_long("description", NAME_MAX), "description")
    return text


def _wants_conflicts(events: Iterable[str]) -> bool:
    return any(name in CONFLICT_EVENTS for name in events)


def create_endpoint(
    url: str, events: Iterable[str] | None, description: str = "", *, actor: str | None = None
) -> WebhookEndpoint:
    """A new, active endpoint with a new secret (``endpoint.secret``: show it once)."""
    endpoint = WebhookEndpoint(
        url=_checked_url(url),
        events=_checked_events(events),
        description=_checked_description(description),
        secret=signing.new_secret(),
        active=True,
        failed_in_row=0,
        created_by=actor,
    )
    db.session.add(endpoint)
    db.session.flush()
    # Conflict events are told against a baseline of the conflicts: take it now.
    deliver_after_commit(db.session, (), check=_wants_conflicts(endpoint.events))
    return endpoint


def update_endpoint(
    endpoint: WebhookEndpoint,
    *,
    url: str | None = None,
    events: Iterable[str] | None = None,
    active: bool | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change what is given. Enabling an endpoint clears its failures and notice."""
    if url is not None:
        endpoint.url = _checked_url(url)
    if events is not None:
        endpoint.events = _checked_events(events)
    if description is not None:
        endpoint.description = _checked_description(description)
    if active is not None and active != endpoint.active:
        endpoint.active = active
        if active:
            endpoint.failed_in_row = 0
            endpoint.disabled_at = None
            endpoint.disabled_reason = None
    db.session.flush()
    deliver_after_commit(db.session, (), check=True)
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """The endpoint and its delivery log."""
    db.session.delete(endpoint)
    db.session.flush()
    deliver_after_commit(db.session, (), check=True)


def redeliver(delivery: WebhookDelivery) -> None:
    """Send a delivered or failed delivery's event once more."""
    if delivery.state == "pending":
        raise WebhookError("This delivery is still being attempted: wait for its outcome.")
    if not delivery.endpoint.active:
        raise WebhookError("The endpoint is disabled: enable it before redelivering.")
    deliveries.redeliver(delivery)
