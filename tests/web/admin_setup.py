"""Shared pieces of the admin page tests."""

from sqlalchemy import func, select

from app.models import AuditEvent, User


def audit_mark(db):
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def events(db, entity=None, entity_id=None, since=0):
    query = select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return db.session.scalars(query).all()


def user_by_email(db, email):
    return db.session.scalar(select(User).where(User.email == email))
