"""What a weekly status submission does to the data.

`submit_week` checks every row first and writes nothing when any row breaks a
rule; then it writes one StatusUpdate per changed or confirmed row and sets the
item's health and status from it. It flushes and never commits.

The rules of an update:
- progress is a whole percentage, 0 to 100, and a note has at most 500 characters;
- a done item is on track (health describes the risk to work still to do) and,
  when progress is given, 100% complete;
- a cancelled item needs a note saying why;
- an update moves an item forward only: proposed, committed, in progress, done,
  or to cancelled from any of them. Moving back (in progress to committed) or
  reopening a done or cancelled item is re-planning, which is a planner's edit.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.alignment import HEALTHS, STATUSES
from app.alignment.text import health_word, status_word
from app.errors import Refused
from app.extensions import db
from app.fields import STATUS_NOTE_MAX, too_long
from app.models import Item, StatusUpdate, User
from app.status.board import newest_first
from app.weeks import iso_week

FORWARD = ("proposed", "committed", "in_progress", "done")


@dataclass(frozen=True, slots=True)
class RowInput:
    """One row of the weekly form, as the form validated it. `was_*` and
    `last_update_id` are what the page showed when it was loaded."""

    key: str
    health: str
    status: str
    progress: int | None
    note: str
    no_change: bool
    last_update_id: int
    was_health: str
    was_status: str
    was_progress: int | None

    @property
    def chosen(self) -> bool:
        """Whether the row is to be saved: changed, or confirmed as it is."""
        return self.no_change or self.changed

    @property
    def changed(self) -> bool:
        return bool(self.note) or (self.health, self.status, self.progress) != (
            self.was_health,
            self.was_status,
            self.was_progress,
        )


class StatusError(Refused):
    """Rows the rules refuse: `problems[row index][field] = message`."""

    def __init__(self, problems: dict[int, dict[str, str]]) -> None:
        count = len(problems)
        super().__init__(
            f"{'One row needs' if count == 1 else f'{count} rows need'} correcting; "
            "nothing was saved."
        )
        self.problems = problems

    def errors(self) -> list[dict[str, str | None]]:
        return [
            {"field": f"rows[{row}].{name}", "message": message}
            for row, fields in sorted(self.problems.items())
            for name, message in fields.items()
        ]


@dataclass(slots=True)
class Outcome:
    week: str
    changed: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    already_saved: list[str] = field(default_factory=list)
    # key -> why the row was not saved
    conflicts: dict[str, str] = field(default_factory=dict)

    @property
    def written(self) -> int:
        return len(self.changed) + len(self.confirmed)


def transition_problem(was: str, status: str) -> str | None:
    if status == was or (status == "cancelled" and was in FORWARD[:-1]):
        return None
    if was not in FORWARD[:-1]:
        return f"A {status_word(was)} item cannot be reopened by a status update; ask a planner."
    if FORWARD.index(status) < FORWARD.index(was):
        return (
            f"An update cannot move an item back from {status_word(was)} to {status_word(status)}; "
            "ask a planner to re-plan it."
        )
    return None


def row_problems(row: RowInput) -> dict[str, str]:
    """The rules one row breaks: {field: message}."""
    problems = {}
    if row.health not in HEALTHS:
        problems["health"] = "Choose on track, at risk or off track."
    elif row.status == "done" and row.health != "on_track":
        problems["health"] = "A done item is on track: choose on track, or keep it in progress."
    if row.status not in STATUSES:
        problems["status"] = "Choose a status."
    elif (moved := transition_problem(row.was_status, row.status)) is not None:
        problems["status"] = moved
    if row.progress is not None and not 0 <= row.progress <= 100:
        problems["progress"] = "Progress is a whole number from 0 to 100."
    elif row.status == "done" and row.progress not in (None, 100):
        problems["progress"] = "A done item is 100% complete: enter 100 or leave it empty."
    if len(row.note) > STATUS_NOTE_MAX:
        problems["note"] = too_long("note", STATUS_NOTE_MAX)
    elif row.status == "cancelled" and not row.note:
        problems["note"] = "Say why the item is cancelled."
    return problems


def _newest(item_ids: list[int]) -> dict[int, StatusUpdate]:
    ranked = newest_first(StatusUpdate.id).where(StatusUpdate.item_id.in_(item_ids)).subquery()
    newest = select(StatusUpdate).join(ranked, ranked.c.id == StatusUpdate.id)
    return {u.item_id: u for u in db.session.scalars(newest.where(ranked.c.rank == 1))}


def _moved_on(item: Item, row: RowInput, newest: StatusUpdate | None) -> str | None:
    """Why the row is out of date, or None when the item is as the page showed it."""
    not_saved = "since you loaded the page; your row was not saved. Reload to see it."
    if newest is not None and newest.id != row.last_update_id:
        when = newest.at.strftime("%Y-%m-%d %H:%M")
        return f"{item.key} was updated by {newest.author or 'someone'} at {when} UTC {not_saved}"
    if (item.health, item.status) != (row.was_health, row.was_status) or (
        newest is None and row.last_update_id
    ):
        now = f"{status_word(item.status)}, {health_word(item.health)}"
        return f"{item.key} was changed (it is now {now}) {not_saved}"
    return None


def submit_week(
    rows: list[RowInput],
    *,
    team_ids: Collection[int],
    author: User,
    submission: str,
    now: datetime,
    confirm_rest: bool = False,
) -> Outcome:
    """Save one weekly form. Untouched rows are skipped unless `confirm_rest`, which
    confirms them as they are. Raises StatusError, having written nothing, when any
    row is refused."""
    problems: dict[int, dict[str, str]] = {}
    keys = [row.key for row in rows]
    # Locked until the request commits, so that a second copy of this form, sent at
    # the same moment, sees what this one wrote.
    items = {
        item.key: item
        for item in db.session.scalars(
            select(Item)
            .where(Item.key.in_(keys))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    seen: set[str] = set()
    for index, row in enumerate(rows):
        item = items.get(row.key)
        if item is None or item.team_id not in team_ids:
            problems[index] = {"key": f"{row.key} is not an item of this form's teams."}
        elif row.key in seen:
            problems[index] = {"key": f"{row.key} appears twice in the form."}
        elif (row.chosen or confirm_rest) and (found := row_problems(row)):
            problems[index] = found
        seen.add(row.key)
    if problems:
        raise StatusError(problems)

    outcome = Outcome(iso_week(now))
    chosen = [row for row in rows if row.chosen or confirm_rest]
    if not chosen:
        return outcome
    ids = [items[row.key].id for row in chosen]
    saved = set(
        db.session.scalars(
            select(StatusUpdate.item_id).where(
                StatusUpdate.submission == submission, StatusUpdate.item_id.in_(ids)
            )
        )
    )
    newest = _newest(ids)
    due = []
    for row in chosen:
        item = items[row.key]
        if item.id in saved:
            outcome.already_saved.append(row.key)
        elif (why := _moved_on(item, row, newest.get(item.id))) is not None:
            outcome.conflicts[row.key] = why
        else:
            due.append((item, row))
    written = write_rows(due, author=author, submission=submission, now=now, week=outcome.week)
    for _item, row in due:
        if row.key not in written:
            outcome.already_saved.append(row.key)
        else:
            (outcome.changed if row.changed else outcome.confirmed).append(row.key)
    return outcome


def _apply(item: Item, row: RowInput, author: User, submission: str, now: datetime, week: str):
    db.session.add(
        StatusUpdate(
            item_id=item.id,
            week=week,
            health=row.health,
            status=row.status,
            progress=row.progress,
            note=row.note,
            author_id=author.id,
            author=author.email,
            at=now,
            submission=submission,
        )
    )
    item.health = row.health
    item.status = row.status


def write_rows(
    due: list[tuple[Item, RowInput]], *, author: User, submission: str, now: datetime, week: str
) -> set[str]:
    """Write the rows' updates in one savepoint. Should a copy of this form, sent at
    the same moment, have written some of them first (the unique (item, submission)
    refuses those), write each row in a savepoint of its own instead, keeping the
    others. The keys written."""
    stamp = (author, submission, now, week)
    try:
        with db.session.begin_nested():
            for item, row in due:
                _apply(item, row, *stamp)
            db.session.flush()
        return {row.key for _item, row in due}
    except IntegrityError:
        pass
    written = set()
    for item, row in due:
        try:
            with db.session.begin_nested():
                _apply(item, row, *stamp)
                db.session.flush()
        except IntegrityError:
            continue
        written.add(row.key)
    return written
