"""When the weekly notifications are due, in the organisation's time zone, and
``notifications_due``: the periodic tick's part that sends whatever is due.

REMINDER_AT, NUDGE_AT and DIGEST_AT are a day and a time of each ISO week
(``Thursday 10:00``), DAILY_MAIL_AT a time of each day, all in ORG_TIMEZONE.
Reminders and nudges are due from their moment until the end of that week, the
daily mail until the end of that day, in the organisation's time zone; what was
missed is not sent the next week (or day). The digest mailed in a week is the
digest of the week before it (the week just ended, on a Monday), due for a day
from DIGEST_AT (`flask notify digest` sends one later by hand). Every part is
idempotent (one key per person per week or day), so ticks of several processes at
once, or a command run by hand as well, send each mail once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from app.clock import utcnow
from app.errors import Refused
from app.extensions import db
from app.weeks import iso_week, shift_week
from config import DAYS, parse_daily, parse_weekly, parse_zone

log = logging.getLogger(__name__)

DIGEST_WINDOW = timedelta(days=1)


class ScheduleError(Refused):
    """A setting of the schedule that means no time."""


Weekly = tuple[int, time]  # weekday (Monday 0), time of day


@dataclass(frozen=True, slots=True)
class Schedule:
    zone: ZoneInfo
    reminder: Weekly
    nudge: Weekly
    digest: Weekly
    daily: time

    def local(self, now: datetime) -> datetime:
        """A stored (naive UTC) moment in the organisation's time zone."""
        return now.replace(tzinfo=UTC).astimezone(self.zone)

    def week_of(self, now: datetime) -> str:
        """The ISO week it is at ``now`` in the organisation's time zone."""
        return iso_week(self.local(now))

    def _utc(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, self.zone).astimezone(UTC).replace(tzinfo=None)

    def moment(self, week: str, when: Weekly) -> datetime:
        """``when`` of ``week`` (local), as a naive UTC moment."""
        year, number = int(week[:4]), int(week[6:])
        return self._utc(date.fromisocalendar(year, number, when[0] + 1), when[1])

    def _due_week(self, now: datetime, when: Weekly) -> str | None:
        week = self.week_of(now)
        return week if now >= self.moment(week, when) else None

    def reminder_week(self, now: datetime) -> str | None:
        """The week whose reminders are due at ``now``, or None."""
        return self._due_week(now, self.reminder)

    def nudge_week(self, now: datetime) -> str | None:
        return self._due_week(now, self.nudge)

    def digest_week(self, now: datetime) -> str | None:
        """The week whose digest is due at ``now`` (the week before this one), or
        None: for DIGEST_WINDOW from DIGEST_AT, not as stale news later in the week."""
        week = self.week_of(now)
        at = self.moment(week, self.digest)
        return shift_week(week, -1) if at <= now < at + DIGEST_WINDOW else None

    def daily_day(self, now: datetime) -> date | None:
        """The (local) day whose daily mail is due at ``now``, or None."""
        day = self.local(now).date()
        return day if now >= self._utc(day, self.daily) else None

    def describe(self, when: Weekly) -> str:
        return f"{DAYS[when[0]].title()} {when[1]:%H:%M} ({self.zone.key})"


def schedule() -> Schedule:
    """The app's schedule; a ScheduleError naming the setting that is wrong."""
    config = current_app.config

    def read(name: str, parse):
        try:
            return parse(str(config[name]))
        except ValueError as error:
            raise ScheduleError(f"{name}: {error}") from error

    return Schedule(
        zone=read("ORG_TIMEZONE", parse_zone),
        reminder=read("REMINDER_AT", parse_weekly),
        nudge=read("NUDGE_AT", parse_weekly),
        digest=read("DIGEST_AT", parse_weekly),
        daily=read("DAILY_MAIL_AT", parse_daily),
    )


def notifications_due() -> list[str]:
    """Send the reminders, nudges, digest and daily mail that are due now, each in a
    transaction of its own; what was done, in words."""
    from app.notifications.daily import send_pending
    from app.notifications.digest_mail import send_digest
    from app.notifications.reminders import send_nudges, send_reminders

    now = utcnow()
    plan = schedule()
    done = []
    steps = (
        (plan.reminder_week(now), send_reminders, "reminders"),
        (plan.nudge_week(now), send_nudges, "nudges"),
        (plan.digest_week(now), send_digest, "digest mails"),
        (plan.daily_day(now), send_pending, "daily mails"),
    )
    for when, send, what in steps:
        if when is None:
            continue
        sent = send(when)
        db.session.commit()
        if sent:
            log.info("sent %s %s of %s", sent, what, when)
            done.append(f"{sent} {what} of {when}")
    return done
