"""What runs on a schedule, once a minute (``tick``): the sweeps of webhook
deliveries, mails and chat messages that are due, the conflict check when the plan changed or
an hour has passed, the weekly snapshot from Monday SNAPSHOT_HOUR:00 UTC on,
when the week's is not taken yet, and the notifications that are due (reminders,
nudges, the digest mail, the daily mail: app.notifications.schedule), and the
auto-scheduling runs that a lost job left (app.scenarios.autoschedule_runs). Each part
is idempotent: ticks of several processes at once do no harm."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from app.clock import utcnow
from app.dashboard.snapshots import snapshot_taken, take_snapshot
from app.extensions import db
from app.plan_store import analyze_plan
from app.weeks import iso_week

log = logging.getLogger(__name__)

SNAPSHOT_HOUR = 6  # UTC, on Mondays


def tick() -> None:
    from app.mail import send_due
    from app.notifications import chat
    from app.notifications.schedule import notifications_due
    from app.scenarios.autoschedule_runs import sweep_runs
    from app.webhooks.conflicts import check_conflicts_if_stale
    from app.webhooks.delivery import sweep

    for part in (
        sweep,
        send_due,
        chat.send_due,
        check_conflicts_if_stale,
        weekly_snapshot,
        notifications_due,
        sweep_runs,
    ):
        try:
            part()
        except Exception:
            db.session.rollback()
            log.exception("the periodic %s failed", part.__name__)


def snapshot_due(now: datetime) -> str | None:
    """The week whose snapshot is due at ``now``, or None: from Monday
    SNAPSHOT_HOUR:00 UTC of each week, until that week's snapshot is taken."""
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=SNAPSHOT_HOUR, minute=0, second=0, microsecond=0
    )
    week = iso_week(now)
    if now < monday or snapshot_taken(week):
        return None
    return week


def weekly_snapshot() -> str | None:
    """Take this week's snapshot if it is due (what `flask snapshot` does)."""
    now = utcnow()
    week = snapshot_due(now)
    if week is None:
        return None
    take_snapshot(analyze_plan(now), week, now)
    db.session.commit()
    log.info("took the snapshot of %s", week)
    return week
