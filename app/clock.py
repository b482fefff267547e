"""The one clock of the application: every reading of "now" goes through here.

Stored timestamps are naive UTC datetimes. Nothing else in `app/` calls
`datetime.now()`, `datetime.utcnow()` or `date.today()`; tests freeze or move
this clock (and so the whole process) with time-machine. Waiting is time too:
`sleep` is the one place the application waits.
"""

import time
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


def sleep(seconds: float) -> None:
    """Wait ``seconds`` (a wait of none or less returns at once, without asking the
    system: a clock shifted for a test may refuse even a zero wait)."""
    if seconds > 0:
        time.sleep(seconds)
