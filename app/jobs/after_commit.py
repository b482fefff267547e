"""Jobs that a transaction decides, enqueued once it has committed: a rolled-back
transaction enqueues nothing, and a job never runs before the rows it reads are
there. What could not be enqueued is found by the periodic sweep of its kind."""

from __future__ import annotations

import logging

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import jobs

log = logging.getLogger(__name__)

_AFTER_COMMIT = "jobs_after_commit"


def enqueue_after_commit(session: Session, path: str, *args) -> None:
    """Enqueue ``path(*args)`` once ``session``'s transaction commits."""
    session.info.setdefault(_AFTER_COMMIT, []).append((path, args))


@event.listens_for(Session, "after_commit")
def _enqueue(session) -> None:
    if session.in_nested_transaction():  # a savepoint released: not committed yet
        return
    waiting = session.info.pop(_AFTER_COMMIT, None)
    if not waiting or not has_app_context():
        return
    try:
        for path, args in waiting:
            jobs.enqueue(path, *args)
    except Exception:
        log.exception("could not enqueue jobs after a commit; the periodic sweep finds them")


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous) -> None:
    if not previous.nested:
        session.info.pop(_AFTER_COMMIT, None)
