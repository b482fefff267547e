"""Reading what the web tests get back (a page's text, rows counted, audit events)
and storing a conflict decision as the conflict pages would."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.models import AuditEvent, ConflictDecision, User


def text_of(response) -> str:
    """The page's text without tags and with whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"').strip()


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_count(db) -> int:
    return count(db, AuditEvent)


def audit_mark(db):
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def events(db, entity=None, entity_id=None, since=0):
    query = select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return db.session.scalars(query).all()


def user_by_email(db, email):
    return db.session.scalar(select(User).where(User.email == email))


def decide(db, conflict, state: str, note: str, by: str | None = None) -> None:
    """Store a decision about `conflict`, as the conflict pages would."""
    db.session.add(
        ConflictDecision(
            fingerprint=conflict.fingerprint,
            conflict_type=conflict.type,
            state=state,
            note=note,
            by=by,
        )
    )


def decisions(db) -> list[ConflictDecision]:
    return list(db.session.scalars(select(ConflictDecision)))
