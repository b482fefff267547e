"""ISO week arithmetic on the "2027-W05" labels that status updates carry."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.plan_io.fields import iso_week, parse_week

__all__ = ["iso_week", "last_weeks", "parse_week", "shift_week", "week_start"]


def week_monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def week_start(week: str) -> datetime:
    """Monday 00:00 (naive UTC) of the week."""
    return datetime.combine(week_monday(week), time())


def shift_week(week: str, weeks: int) -> str:
    return iso_week(week_monday(week) + timedelta(weeks=weeks))


def last_weeks(week: str, count: int) -> list[str]:
    """The `count` weeks up to and including `week`, oldest first."""
    monday = week_monday(week)
    return [iso_week(monday - timedelta(weeks=n)) for n in range(count - 1, -1, -1)]
