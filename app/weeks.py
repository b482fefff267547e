"""ISO weeks, written as status updates and weekly snapshots store them: ``2027-W05``."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from app.errors import Refused

_WEEK = re.compile(r"(\d{4})-W(\d{2})")


class WeekError(Refused):
    """A week that cannot be asked for; the message is for the user."""


def iso_week(moment: datetime | date) -> str:
    """The ISO week of a day or moment: ``2027-W05``."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(week: str) -> date | None:
    """The Monday of an ISO week written ``2027-W05``; None for anything else."""
    match = _WEEK.fullmatch(week)
    if not match:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def parse_week(text: str) -> str | None:
    """The text when it is an ISO week (``2026-W53`` only in a year that has one)."""
    return text if monday_of(text) is not None else None


def _monday(week: str) -> date:
    monday = monday_of(week)
    if monday is None:
        raise ValueError(f"not an ISO week: {week!r}")
    return monday


def week_start(week: str) -> datetime:
    """Monday 00:00 (naive UTC) of the week."""
    return datetime.combine(_monday(week), time())


def shift_week(week: str, weeks: int) -> str:
    return iso_week(_monday(week) + timedelta(weeks=weeks))


def last_weeks(week: str, count: int) -> list[str]:
    """The `count` weeks up to and including `week`, oldest first."""
    monday = _monday(week)
    return [iso_week(monday - timedelta(weeks=n)) for n in range(count - 1, -1, -1)]


def requested_week(week: str | None, now: datetime) -> str:
    """The week asked for (the week of `now` when None), once it is an ISO week
    that has begun; else a WeekError that says what is wrong."""
    current = iso_week(now)
    if week is None:
        return current
    if parse_week(week) is None:
        raise WeekError(f"{week!r} is not an ISO week: write it like {current}.")
    if week > current:
        raise WeekError(f"{week} has not begun yet: the current week is {current}.")
    return week
