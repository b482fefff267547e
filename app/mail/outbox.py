"""The outbox: mails queued in the transaction that decides them, sent by a job
after its commit, retried with backoff.

``queue_mail`` inserts a mail unless its key is there already (one statement,
INSERT .. ON CONFLICT DO NOTHING: two transactions queueing one key at once
leave one mail, and neither fails). Once the transaction commits, the mail's send
job is enqueued (app.jobs); a rolled-back transaction queues nothing.

``send_mail(mail_id)`` makes one attempt if the mail is due: it first claims it
(one UPDATE that pushes ``next_attempt_at`` forward by LEASE and counts the
attempt, committed), so two jobs never send one mail at once, and a worker killed
mid-attempt leaves it due again after the lease. A mail the server accepts is
sent; any failure (no connection, an SMTP error, no answer within the timeout, a
MAIL_URL that names no mail server) is logged and tried again after BACKOFF
(1 min, 5 min, 30 min, 2 h: five attempts over about 2.6 hours), then failed.
``send_due()`` enqueues every mail that is due (the periodic tick runs it).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app import jobs
from app.clock import utcnow
from app.extensions import db
from app.jobs.after_commit import enqueue_after_commit
from app.jobs.leases import claim_attempt
from app.mail.message import compose, new_message_id
from app.mail.transport import TIMEOUT, MailURLError, deliver
from app.models import OutgoingMail
from app.models.webhook import ERROR_MAX

log = logging.getLogger("app.mail")

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(minutes=5)  # longer than any attempt: each of its steps times out
SWEEP_MOST = 1000
SEND_JOB = "app.mail.outbox:send_mail"
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def queue_mail(
    key: str, to: str, subject: str, text: str, html: str, unsubscribe_url: str | None = None
) -> bool:
    """Queue one mail, sent after the commit; False (and nothing queued) when a mail
    of this key is there already. Never commits."""
    session = db.session
    table = OutgoingMail.__table__
    now = utcnow()
    statement = (
        _INSERTS[session.connection().dialect.name](table)
        .values(
            key=key,
            recipient=to,
            subject=subject,
            text=text,
            html=html,
            unsubscribe_url=unsubscribe_url,
            message_id=new_message_id(),
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[table.c.key])
        .returning(table.c.id)
    )
    mail_id = session.execute(statement).scalar()
    if mail_id is None:
        return False
    enqueue_after_commit(session, SEND_JOB, mail_id)
    return True


def _due(now: datetime):
    return OutgoingMail.state == "pending", OutgoingMail.next_attempt_at <= now


def send_mail(mail_id: int) -> bool | None:
    """One attempt at the mail, if it is due (else None); whether it was sent."""
    session = db.session
    now = utcnow()
    number = claim_attempt(OutgoingMail, mail_id, _due(now), now, LEASE)
    if number is None:
        return None
    mail = session.get(OutgoingMail, mail_id)
    error = _attempt(mail)
    _record(mail, number, error)
    return error is None


def _attempt(mail: OutgoingMail) -> str | None:
    """Hand the mail to the server; why that failed, or None."""
    try:
        deliver(compose(mail))
    except MailURLError as wrong:
        return str(wrong)
    except TimeoutError:
        return f"no answer within {TIMEOUT} s"
    except smtplib.SMTPResponseException as refused:
        answer = refused.smtp_error
        if isinstance(answer, bytes):
            answer = answer.decode(errors="replace")
        return f"the mail server answered {refused.smtp_code} {answer}"
    except (OSError, smtplib.SMTPException) as failure:
        return f"{type(failure).__name__}: {failure}"
    except Exception as failure:  # a message that cannot be written: logged, never raised
        log.exception("mail %s could not be sent", mail.id)
        return f"{type(failure).__name__}: {failure}"
    return None


def _record(mail: OutgoingMail, number: int, error: str | None) -> None:
    now = utcnow()
    mail_id, which = mail.id, f"mail {mail.id} ({mail.key}) to {mail.recipient}"
    retry_at = None
    mail.last_error = error[:ERROR_MAX] if error else None
    if error is None:
        mail.state, mail.sent_at, mail.next_attempt_at = "sent", now, None
    elif number >= ATTEMPTS:
        mail.state, mail.next_attempt_at = "failed", None
    else:
        retry_at = now + BACKOFF[number - 1]
        mail.next_attempt_at = retry_at
    db.session.commit()
    if error is None:
        return
    if retry_at is None:
        log.error("%s failed %s times, the last: %s", which, number, error)
        return
    log.warning("%s, attempt %s: %s; trying again at %s", which, number, error, retry_at)
    try:
        jobs.enqueue(SEND_JOB, mail_id, at=retry_at)
    except Exception:
        log.exception("could not enqueue the retry of mail %s", mail_id)


def due_mails(now: datetime | None = None, limit: int = SWEEP_MOST) -> list[int]:
    return list(
        db.session.scalars(
            select(OutgoingMail.id)
            .where(*_due(now or utcnow()))
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
            .limit(limit)
        )
    )


def send_due() -> int:
    """Enqueue every mail that is due (a lost job's, a retry's): the periodic tick's
    part. How many."""
    found = due_mails()
    db.session.commit()
    for mail_id in found:
        jobs.enqueue(SEND_JOB, mail_id)
    return len(found)
