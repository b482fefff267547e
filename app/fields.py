"""What the plan's fields may hold: one place for the models' column widths, the
forms, the operations, the plan interchange format and the API schemas, so that
a value one of them accepts is a value every other accepts too."""

from __future__ import annotations

import math
import re

# Items.
KEY_MAX = 32
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
KEY_HINT = "letters, digits, '-', '_' and '.' only, starting with a letter or digit"
TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
OWNER_MAX = 120
# An imported item's key in its source, and its address there (app.importing).
SOURCE_KEY_MAX = 100
SOURCE_URL_MAX = 2000
# Estimates and capacities, in person-weeks.
PERSON_WEEKS_MAX = 100_000

# Teams, periods and people.
SLUG_MAX = 20
SLUG_PATTERN = re.compile(r"[a-z0-9-]{2,20}")
SLUG_HINT = "2 to 20 lowercase letters, digits or hyphens"
NAME_MAX = 120  # a team's or a person's name
PERIOD_NAME_MAX = 40
EMAIL_MAX = 254
PASSWORD_MAX = 200

# Notes.
STATUS_NOTE_MAX = 500
NOTE_MAX = 2000  # a decision's note, a dependency's answer


def is_person_weeks(value: float | None) -> bool:
    """An estimate or a capacity: a number from 0 to PERSON_WEEKS_MAX (None is no value)."""
    return value is None or (math.isfinite(value) and 0 <= value <= PERSON_WEEKS_MAX)


def too_long(what: str, longest: int) -> str:
    """``A title has at most 200 characters.``"""
    article = "An" if what[:1].lower() in "aeiou" else "A"
    return f"{article} {what} has at most {longest:,} characters."
