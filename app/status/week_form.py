"""Between the weekly form and the boards: filling the form from the boards,
reading its rows for `submit_week`, and saying what a submission did."""

from __future__ import annotations

import uuid

from flask import flash

from app.alignment.text import and_list
from app.status.board import Row, TeamBoard
from app.status.forms import WeekForm
from app.status.operations import Outcome, RowInput, StatusError


def prefilled_form(boards: list[TeamBoard]) -> WeekForm:
    """Every row as its newest update left it, and a fresh submission token."""
    rows = []
    for board in boards:
        for row in board.rows:
            progress = row.last.progress if row.last else None
            rows.append(
                {
                    "key": row.key,
                    "last_update_id": row.last.id if row.last else 0,
                    "was_health": row.health,
                    "was_status": row.status,
                    "was_progress": progress,
                    "health": row.health,
                    "status": row.status,
                    "progress": progress,
                    "note": "",
                    "no_change": False,
                }
            )
    return WeekForm(formdata=None, data={"submission": str(uuid.uuid4()), "rows": rows})


def row_inputs(form: WeekForm) -> list[RowInput]:
    return [
        RowInput(
            key=entry.key.data,
            health=entry.health.data,
            status=entry.status.data,
            progress=entry.progress.data,
            note=entry.note.data or "",
            no_change=entry.no_change.data,
            last_update_id=entry.last_update_id.data,
            was_health=entry.was_health.data,
            was_status=entry.was_status.data,
            was_progress=entry.was_progress.data,
        )
        for entry in (row.form for row in form.rows)
    ]


def attach_problems(form: WeekForm, error: StatusError) -> None:
    for index, fields in error.problems.items():
        entry = form.rows[index].form
        for name, message in fields.items():
            entry[name].errors = [*entry[name].errors, message]


def grouped_rows(form: WeekForm, boards: list[TeamBoard]) -> list[tuple[TeamBoard | None, list]]:
    """The form's rows grouped by team, each as (form row, board row); rows whose
    item no board lists (sent by an outdated or altered page) come last, on their own."""
    by_key: dict[str, Row] = {row.key: row for board in boards for row in board.rows}
    grouped: dict[int | None, list] = {board.team.id: [] for board in boards}
    for entry in form.rows:
        row = by_key.get(entry.form.key.data)
        grouped.setdefault(row.team_id if row else None, []).append((entry.form, row))
    found = [(board, grouped[board.team.id]) for board in boards]
    if grouped.get(None):
        found.append((None, grouped[None]))
    return found


def report_outcome(outcome: Outcome) -> str | None:
    """Flash what the submission did; the keys of rows not saved, for highlighting."""
    if outcome.written:
        counts = []
        if outcome.changed:
            counts.append(f"{len(outcome.changed)} changed")
        if outcome.confirmed:
            counts.append(f"{len(outcome.confirmed)} confirmed as unchanged")
        updates = "1 update" if outcome.written == 1 else f"{outcome.written} updates"
        flash(f"Saved {updates} for {outcome.week} ({', '.join(counts)}).", "success")
    if outcome.already_saved:
        flash(
            f"{and_list(outcome.already_saved)} had already been saved from this form "
            "(it was sent twice); nothing was written again.",
            "info",
        )
    for message in outcome.conflicts.values():
        flash(message, "warning")
    if not (outcome.written or outcome.already_saved or outcome.conflicts):
        flash('Nothing to save: change a row, or tick "No change" to confirm it.', "info")
    return ",".join(outcome.conflicts) or None
