"""The conflicts list: a page of the selected conflicts, and the CSV of the whole
selection (the list's download and `flask conflicts --format csv`). Selecting is
`Analysis.select`."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass

from app.alignment import Conflict
from app.alignment.conflict import CONTRACT_FIELDS

PER_PAGE = 50
CSV_COLUMNS = CONTRACT_FIELDS
DECISION_COLUMNS = ("decision_note", "decision_by", "decision_at")


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Conflict]
    number: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        return (self.number - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * PER_PAGE, self.total)


def page_of(conflicts: list[Conflict], number: int | None) -> Page:
    """Page ``number`` (1-based) of the conflicts; past the end means the last page."""
    pages = max(1, math.ceil(len(conflicts) / PER_PAGE))
    number = min(max(number or 1, 1), pages)
    start = (number - 1) * PER_PAGE
    return Page(conflicts[start : start + PER_PAGE], number, pages, len(conflicts))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(conflicts: Iterable[Conflict], *, decisions: bool = True) -> str:
    """One row a conflict, in CSV_COLUMNS, then (with `decisions`) the decision's
    note, author and time. Text that a spreadsheet would read as a formula gets a
    leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS + DECISION_COLUMNS if decisions else CSV_COLUMNS)
    for conflict in conflicts:
        row = [
            conflict.type,
            conflict.severity,
            "; ".join(conflict.items),
            "; ".join(conflict.teams),
            conflict.period or "",
            _cell(conflict.message),
            _cell("; ".join(conflict.suggestions)),
            conflict.fingerprint,
            conflict.state,
        ]
        if decisions:
            decision = conflict.decision
            row += [
                _cell(decision.note) if decision else "",
                (decision.by or "") if decision else "",
                decision.at.isoformat() if decision else "",
            ]
        writer.writerow(row)
    return out.getvalue()
