"""One attempt at a row of work that jobs retry (a webhook delivery, a mail, a chat
message): claimed by one UPDATE that counts the attempt and pushes
``next_attempt_at`` forward by a lease, committed before the attempt starts. Two
jobs for one row never make an attempt at once, and a worker killed mid-attempt
leaves the row due again once the lease runs out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from app.extensions import db


def claim_attempt(
    model: Any, row_id: int, due: Iterable[Any], now: datetime, lease: timedelta
) -> int | None:
    """The number of this attempt at ``model`` row ``row_id``, or None when the
    row is not ``due`` (conditions on ``model``) or another job has it."""
    number = db.session.execute(
        update(model)
        .where(model.id == row_id, *due)
        .values(next_attempt_at=now + lease, attempts=model.attempts + 1)
        .returning(model.attempts)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()
    return number
