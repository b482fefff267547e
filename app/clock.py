"""The one clock of the application: every reading of "now" goes through here.

Stored timestamps are naive UTC datetimes. Nothing else in `app/` calls
`datetime.now()`, `datetime.utcnow()` or `date.today()`; tests freeze or move
this clock (and so the whole process) with time-machine.
"""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """This moment, as a naive UTC datetime."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in UTC."""
    return utcnow().date()


def format_datetime(moment: datetime) -> str:
    """A stored (naive UTC) time as written everywhere: ``YYYY-MM-DDTHH:MM:SSZ``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
