"""Health per ISO week, for the item page's timeline strip and the team page's grid.

A week shows the newest update written in it; a week without one is a gap, not
a carried-over colour, so that silence stays visible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.alignment.text import health_word, status_word
from app.clock import utcnow
from app.weeks import iso_week, last_weeks

TIMELINE_WEEKS = 12
GRID_WEEKS = 8
# Shown in the cell itself, so that the strip reads without colour too.
HEALTH_MARK = {"on_track": "✓", "at_risk": "!", "off_track": "✕", None: "·"}


class UpdateLike(Protocol):
    week: str
    health: str
    status: str
    progress: int | None
    note: str
    author: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class WeekCell:
    week: str
    health: str | None
    text: str  # what the cell says in full (tooltip, screen readers)

    @property
    def mark(self) -> str:
        return HEALTH_MARK[self.health]

    @property
    def css(self) -> str:
        return self.health or "none"


def describe(update: UpdateLike) -> str:
    """`2027-W05: at risk, in progress, 40%: Vendor sandbox unstable.`"""
    facts = [health_word(update.health), status_word(update.status)]
    if update.progress is not None:
        facts.append(f"{update.progress}%")
    text = f"{update.week}: {', '.join(facts)}"
    return f"{text}: {update.note}" if update.note else text


def week_cells(updates: Iterable[UpdateLike], weeks: list[str]) -> list[WeekCell]:
    """One cell per week (oldest first) from updates in any order."""
    newest: dict[str, UpdateLike] = {}
    for update in updates:
        held = newest.get(update.week)
        if held is None or update.at > held.at:
            newest[update.week] = update
    cells = []
    for week in weeks:
        update = newest.get(week)
        if update is None:
            cells.append(WeekCell(week, None, f"{week}: no update"))
        else:
            cells.append(WeekCell(week, update.health, describe(update)))
    return cells


def item_timeline(status_updates: Iterable[UpdateLike], now: datetime | None = None) -> dict:
    """What templates/status/_timeline.html draws: the last TIMELINE_WEEKS weeks
    and the updates written in them, newest first."""
    weeks = last_weeks(iso_week(now or utcnow()), TIMELINE_WEEKS)
    shown = [u for u in status_updates if u.week >= weeks[0]]
    shown.sort(key=lambda u: u.at, reverse=True)
    return {"cells": week_cells(shown, weeks), "updates": shown, "first": weeks[0]}
