"""Help for merging after a stale save: the fields where what the user sent differs
from what is stored now, both shown as people read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.alignment import PRIORITY_NAMES
from app.alignment.text import health_word, pw, status_word
from app.models import Period

LABELS = {
    "title": "Title",
    "team": "Team",
    "description": "Description",
    "priority": "Priority",
    "start": "Start period",
    "end": "End period",
    "estimate": "Estimate (person-weeks)",
    "status": "Status",
    "health": "Health",
    "owner": "Owner",
    "needed_by": "Needed by",
    "commitment": "Commitment",
    "note": "Note",
}
EMPTY = {"start": "Backlog", "end": "Backlog", "needed_by": "The needing item's start period"}


@dataclass(frozen=True, slots=True)
class Difference:
    field: str
    label: str
    yours: str
    theirs: str


def shown(field: str, value: Any) -> str:
    if value is None or value == "":
        return EMPTY.get(field, "—")
    if isinstance(value, Period):
        return value.name
    if field == "priority":
        return PRIORITY_NAMES[value]
    if field == "estimate":
        return pw(value)
    if field == "status":
        return status_word(value)
    if field == "health":
        return health_word(value)
    return str(value)


def differences(yours: dict[str, Any], theirs: dict[str, Any]) -> list[Difference]:
    """One row per field of `yours` whose value differs from `theirs`."""
    rows = []
    for field, value in yours.items():
        mine, stored = shown(field, value), shown(field, theirs.get(field))
        if mine != stored:
            rows.append(Difference(field, LABELS.get(field, field), mine, stored))
    return rows
