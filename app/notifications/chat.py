"""Posting to a team's chat channel: one POST of a Slack-compatible JSON body
(``{"text": ...}``) per attempt, retried with backoff.

``post(message_id)`` (the job that ``post_to_chat`` enqueues) makes one attempt at
a pending message if it is due. It first claims it, as a webhook delivery is
claimed (app.webhooks.delivery): one committed UPDATE that pushes
``next_attempt_at`` on by the lease and counts the attempt, so two jobs for one
message never post it twice at once, and a worker killed mid-attempt leaves it
due again once the lease is over. The POST goes through the webhooks' own
(``app.webhooks.delivery.post``): only to a public address (unless
WEBHOOK_ALLOW_PRIVATE_HOSTS), checked again before every attempt and connected
to as checked, answered within 10 seconds. A 2xx answer marks the message sent;
anything else schedules the next attempt after the webhooks' backoff, and after
the last one fails it, logged each time. ``send_due()`` enqueues every message
that is due (for the periodic tick).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from sqlalchemy import select

from app import jobs
from app.clock import utcnow
from app.extensions import db
from app.jobs.leases import claim_attempt
from app.models import ChatMessage
from app.notifications.notify import CHAT_JOB
from app.webhooks import delivery
from app.webhooks.delivery import ATTEMPTS, BACKOFF, LEASE, Outcome

log = logging.getLogger(__name__)

USER_AGENT = "roadmap-alignment-chat/1"
SEND_MOST = 1000


def _due(now: datetime):
    return ChatMessage.state == "pending", ChatMessage.next_attempt_at <= now


def body_of(message: ChatMessage) -> bytes:
    """What a Slack-compatible incoming webhook takes."""
    return json.dumps({"text": message.text}).encode()


def post(message_id: int) -> Outcome | None:
    """One attempt at posting the message, if it is pending and due (else None)."""
    session = db.session
    now = utcnow()
    number = claim_attempt(ChatMessage, message_id, _due(now), now, LEASE)
    if number is None:
        return None
    message = session.get(ChatMessage, message_id, populate_existing=True)
    outcome = delivery.post(message.url, body_of(message), {"User-Agent": USER_AGENT})
    _record(message, number, outcome)
    return outcome


def _record(message: ChatMessage, number: int, outcome: Outcome) -> None:
    now = utcnow()
    message.last_error = outcome.error
    retry_at = None
    if outcome.ok:
        message.state, message.sent_at, message.next_attempt_at = "sent", now, None
    elif number >= ATTEMPTS:
        message.state, message.next_attempt_at = "failed", None
    else:
        retry_at = message.next_attempt_at = now + BACKOFF[number - 1]
    db.session.commit()
    if retry_at is not None:
        try:
            jobs.enqueue(CHAT_JOB, message.id, at=retry_at)
        except Exception:
            log.exception("could not enqueue the retry of chat message %s", message.id)
    if outcome.ok:
        log.info("chat message %s posted to team %s", message.id, message.team_id)
    elif retry_at is None:
        log.error(
            "chat message %s to team %s failed after %s attempts: %s",
            message.id,
            message.team_id,
            number,
            outcome.error,
        )
    else:
        log.warning(
            "chat message %s to team %s, attempt %s: %s; trying again at %s",
            message.id,
            message.team_id,
            number,
            outcome.error,
            retry_at.isoformat(timespec="seconds"),
        )


def due_messages(now: datetime | None = None, limit: int = SEND_MOST) -> list[int]:
    return list(
        db.session.scalars(
            select(ChatMessage.id)
            .where(*_due(now or utcnow()))
            .order_by(ChatMessage.next_attempt_at, ChatMessage.id)
            .limit(limit)
        )
    )


def send_due() -> int:
    """Enqueue every message that is due (a lost job's, a retry's, one a worker
    dropped mid-attempt): the periodic tick's part. How many."""
    found = due_messages()
    db.session.commit()
    for message_id in found:
        jobs.enqueue(CHAT_JOB, message_id)
    return len(found)
