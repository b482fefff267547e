"""Delivering events: one signed POST per attempt, retried with backoff.

``deliver(delivery_id)`` makes one attempt at a delivery if it is due: it first
claims it (one UPDATE that pushes ``next_attempt_at`` forward by LEASE and counts
the attempt, committed), so two jobs for one delivery never send it twice at
once, and a worker killed mid-attempt leaves it due again after the lease. A
2xx answer within TIMEOUT seconds delivers it; anything else schedules the next
attempt after BACKOFF (1 min, 5 min, 30 min, 2 h, 4 h: six attempts over about
6.6 hours), then fails it. DISABLE_AFTER deliveries in a row that fail every
attempt disable their endpoint, with a notice. ``sweep()`` enqueues every
delivery that is due (the periodic tick runs it); ``deliver_due()`` delivers them
at once, in the caller's context.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.orm import joinedload

from app import jobs
from app.clock import utcnow
from app.extensions import db
from app.jobs.leases import claim_attempt
from app.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.models.webhook import ERROR_MAX
from app.webhooks import signing
from app.webhooks.addresses import AddressRefused, resolve, split
from app.webhooks.events import DELIVER_JOB, deliver_after_commit

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=4),
)
ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 10  # seconds: a slower answer counts as a failure
LEASE = timedelta(seconds=60)
DISABLE_AFTER = 5
RESPONSE_READ = 64 * 1024
SWEEP_MOST = 1000
USER_AGENT = "roadmap-alignment-webhooks/1"


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    status: int | None
    duration_ms: int
    error: str | None


def _allow_private() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE_HOSTS"))


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the certificate checked for the host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``url``, connecting only to an address the SSRF check passed."""
    started = time.monotonic()
    status, error, connection = None, None, None
    try:
        addresses = resolve(url, _allow_private())
        scheme, host, port = split(url)
        parts = urlsplit(url)
        if scheme == "https":
            connection = _PinnedHTTPSConnection(host, port, addresses[0], TIMEOUT)
        else:
            connection = http.client.HTTPConnection(addresses[0], port, timeout=TIMEOUT)
        shown_host = f"[{host}]" if ":" in host else host
        default_port = port == (443 if scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(
            "POST",
            target,
            body=body,
            headers={
                "Host": shown_host if default_port else f"{shown_host}:{port}",
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                **headers,
            },
        )
        response = connection.getresponse()
        response.read(RESPONSE_READ)
        status = response.status
    except AddressRefused as refused:
        error = str(refused)
    except TimeoutError:
        error = f"no answer within {TIMEOUT} s"
    except (OSError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}"
    finally:
        if connection is not None:
            connection.close()
    duration_ms = round((time.monotonic() - started) * 1000)
    if status is not None and duration_ms > TIMEOUT * 1000:
        error = f"answered after {duration_ms / 1000:.1f} s, more than {TIMEOUT} s"
    elif status is not None and not 200 <= status < 300:
        error = f"answered HTTP {status}"
    ok = error is None
    return Outcome(ok, status, duration_ms, error[:ERROR_MAX] if error else None)


def _due(now: datetime):
    return (
        WebhookDelivery.state == "pending",
        WebhookDelivery.next_attempt_at <= now,
        WebhookDelivery.endpoint_id.in_(select(WebhookEndpoint.id).where(WebhookEndpoint.active)),
    )


def deliver(delivery_id: int) -> Outcome | None:
    """One attempt at the delivery, if it is due and its endpoint active (else None)."""
    session = db.session
    now = utcnow()
    number = claim_attempt(WebhookDelivery, delivery_id, _due(now), now, LEASE)
    if number is None:
        return None
    delivery = session.scalar(
        select(WebhookDelivery)
        .options(joinedload(WebhookDelivery.endpoint), joinedload(WebhookDelivery.event))
        .where(WebhookDelivery.id == delivery_id)
    )
    endpoint, event = delivery.endpoint, delivery.event
    body = event.body.encode()
    sent_at = utcnow()
    outcome = post(
        endpoint.url,
        body,
        signing.headers(
            endpoint.secret, event.message_id, int(sent_at.replace(tzinfo=UTC).timestamp()), body
        ),
    )
    _record(delivery, endpoint, number, sent_at, outcome)
    return outcome


def _record(
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    number: int,
    sent_at: datetime,
    outcome: Outcome,
) -> None:
    session = db.session
    session.execute(
        insert(WebhookAttempt.__table__).values(
            delivery_id=delivery.id,
            number=number,
            at=sent_at,
            ok=outcome.ok,
            status_code=outcome.status,
            duration_ms=outcome.duration_ms,
            error=outcome.error,
        )
    )
    now = utcnow()
    delivery.last_status, delivery.last_error = outcome.status, outcome.error
    retry_at = None
    if outcome.ok:
        delivery.state, delivery.finished_at, delivery.next_attempt_at = "delivered", now, None
        if not delivery.manual:
            _endpoint_values(endpoint.id, failed_in_row=0)
    elif delivery.manual or number >= ATTEMPTS:
        delivery.state, delivery.finished_at, delivery.next_attempt_at = "failed", now, None
        if not delivery.manual:
            _exhausted(endpoint, now, outcome)
    else:
        retry_at = now + BACKOFF[number - 1]
        delivery.next_attempt_at = retry_at
    session.commit()
    if retry_at is not None:
        try:
            jobs.enqueue(DELIVER_JOB, delivery.id, at=retry_at)
        except Exception:
            log.exception("could not enqueue the retry of delivery %s", delivery.id)
    if not outcome.ok:
        log.warning(
            "webhook delivery %s to %s, attempt %s: %s",
            delivery.id,
            endpoint.url,
            number,
            outcome.error,
        )


def _endpoint_values(endpoint_id: int, **values) -> None:
    db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _exhausted(endpoint: WebhookEndpoint, now: datetime, outcome: Outcome) -> None:
    """One more delivery that failed every attempt; DISABLE_AFTER in a row disable
    the endpoint."""
    in_row = db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint.id)
        .values(failed_in_row=WebhookEndpoint.failed_in_row + 1)
        .returning(WebhookEndpoint.failed_in_row)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if in_row >= DISABLE_AFTER:
        reason = (
            f"Disabled after {in_row} deliveries in a row failed all {ATTEMPTS} attempts "
            f"(the last: {outcome.error}). Check the receiver, then enable it again."
        )
        _endpoint_values(
            endpoint.id, active=False, disabled_at=now, disabled_reason=reason[:ERROR_MAX]
        )
        log.warning("webhook endpoint %s (%s) disabled: %s", endpoint.id, endpoint.url, reason)


def due_deliveries(now: datetime | None = None, limit: int = SWEEP_MOST) -> list[int]:
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(*_due(now or utcnow()))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    )


def sweep() -> int:
    """Enqueue every delivery that is due (a lost job's, a retry's): the periodic
    tick's part. How many."""
    found = due_deliveries()
    db.session.commit()
    for delivery_id in found:
        jobs.enqueue(DELIVER_JOB, delivery_id)
    return len(found)


def deliver_due() -> int:
    """Make every attempt that is due now, here; how many were made."""
    found = due_deliveries()
    db.session.commit()
    return sum(deliver(delivery_id) is not None for delivery_id in found)


def redeliver(delivery: WebhookDelivery) -> None:
    """Send the delivery's event once more (same ``webhook-id``), soon: one attempt,
    which does not count towards disabling the endpoint. Flushes, never commits."""
    delivery.state = "pending"
    delivery.manual = True
    delivery.finished_at = None
    delivery.next_attempt_at = utcnow()
    db.session.flush()
    deliver_after_commit(db.session, [delivery.id])
