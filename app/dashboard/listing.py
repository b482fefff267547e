"""The conflicts list: a page of the selected conflicts, and the CSV of the whole
selection (the list's download and `flask conflicts --format csv`); the JSON
report of `flask conflicts --format json`. Selecting is `Analysis.select`."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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
    note, author and time. Every cell goes through `_cell`, so no text a
    spreadsheet would read as a formula gets in, whatever column it is in."""
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
            conflict.message,
            "; ".join(conflict.suggestions),
            conflict.fingerprint,
            conflict.state,
        ]
        if decisions:
            decision = conflict.decision
            row += (
                [decision.note, decision.by or "", decision.at.isoformat()]
                if decision
                else ["", "", ""]
            )
        writer.writerow([_cell(text) for text in row])
    return out.getvalue()


def _json(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it ``depth`` levels down.
    A list of strings (the items of an at-risk dependency can be thousands) goes
    through the C encoder, whose separators can carry the indentation."""
    if isinstance(value, list) and value and all(type(v) is str for v in value):
        inner = "\n" + "  " * (depth + 1)
        listed = json.dumps(value, separators=("," + inner, ": "))
        return "[" + inner + listed[1:-1] + "\n" + "  " * depth + "]"
    return json.dumps(value, indent=2).replace("\n", "\n" + "  " * depth)


def to_json(conflicts: Iterable[Conflict]) -> Iterator[str]:
    """The JSON report, one array of ``Conflict.to_dict()`` objects, in pieces (one a
    conflict) whose concatenation is ``json.dumps(rows, indent=2)``."""
    opened = False
    for conflict in conflicts:
        fields = ",\n".join(
            f"    {json.dumps(key)}: {_json(value, 2)}" for key, value in conflict.to_dict().items()
        )
        yield ("[\n" if not opened else ",\n") + "  {\n" + fields + "\n  }"
        opened = True
    yield "\n]" if opened else "[]"
