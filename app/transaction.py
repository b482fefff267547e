"""One commit point per request.

A view's changes are committed once, right after the view has returned a
successful response to a request that may change things (POST, PUT, PATCH,
DELETE); a response of 400 or more, or any exception, rolls everything back.
A GET, HEAD or OPTIONS request writes nothing: its session is rolled back,
and under development or tests a read that flushed a change is an error, so
that the mistake is seen where it is made. Book-keeping that must be written
whatever the outcome (``g.after_transaction``) runs after, on its own.
"""

from __future__ import annotations

import logging

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WROTE = "wrote"

log = logging.getLogger(__name__)


class ReadWrote(RuntimeError):
    """A GET, HEAD or OPTIONS request flushed changes to the database."""


@event.listens_for(Session, "after_flush")
def _note_the_flush(session: Session, _context) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_the_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


class App(Flask):
    """Flask, with the request's transaction finished after the view."""

    def dispatch_request(self):
        session = db.session()
        session.info.pop(_WROTE, None)
        response = self.make_response(super().dispatch_request())
        if request.method in SAFE_METHODS:
            wrote = session.info.pop(_WROTE, False) or bool(
                session.new or session.dirty or session.deleted
            )
            session.rollback()
            if wrote:
                message = f"{request.method} {request.path} changed the database"
                if self.debug or self.testing:
                    raise ReadWrote(message)
                log.error("%s; the changes were rolled back", message)
        elif response.status_code < 400:
            session.commit()
        else:
            session.rollback()
        self._after_transaction(session)
        return response

    def _after_transaction(self, session: Session) -> None:
        """Book-keeping that a request does whatever its outcome (a token's last
        use), each in a transaction of its own once the request's has ended:
        ``g.after_transaction`` lists them."""
        for work in g.pop("after_transaction", ()):
            try:
                work()
                session.commit()
            except Exception:
                session.rollback()
                log.exception("book-keeping after %s %s failed", request.method, request.path)
