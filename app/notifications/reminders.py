"""The weekly reminders and the planners' nudge.

From REMINDER_AT of a week, each contributor of a team whose weekly list is not
complete (an item on it has no update or confirmation this week, as the managers'
view counts it) gets one reminder listing those items, team by team, with a link
to My week. From NUDGE_AT, planners get one nudge listing the teams still silent
(no update at all this week): a team's planners are the planners who belong to
it, and a team no planner belongs to is everyone's (every planner hears of it).
Both go by each person's ``weekly_reminder`` channel, once per person per week
(the keys ``reminder:<week>`` and ``nudge:<week>``).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.alignment import Analysis
from app.extensions import db
from app.models import Team, User
from app.notifications.notify import Note, Planned, deliver, path_of, plan
from app.plan_store import analyze_plan
from app.status.board import TeamBoard, team_boards

EVENT = "weekly_reminder"
LIST_MOST = 12  # items listed per team in a reminder


def _boards(analysis: Analysis) -> list[TeamBoard]:
    """Every team's weekly list, by name; those with nothing to report left out."""
    teams = list(db.session.scalars(select(Team).order_by(Team.name)))
    return [b for b in team_boards(teams, analysis, with_updates=False) if b.rows]


def _people(role: str) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == role, User.active.is_(True))
            .options(selectinload(User.memberships))
            .order_by(User.email)
        )
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _reminder(week: str, boards: list[TeamBoard]) -> Note:
    waiting = [(board, [row for row in board.rows if not row.fresh]) for board in boards]
    lines = []
    for board, rows in waiting:
        lines.append(f"{board.team.name}: {board.updated} of {len(board.rows)} updated")
        lines += [f"  {row.key} {row.title} ({row.priority})" for row in rows[:LIST_MOST]]
        if len(rows) > LIST_MOST:
            lines.append(f"  and {len(rows) - LIST_MOST} more")
    count = sum(len(rows) for _board, rows in waiting)
    return Note(
        EVENT,
        f"reminder:{week}",
        f"Weekly update {week}: {_plural(count, 'item')} still to update",
        path_of("status.my_week"),
        "\n".join(lines),
    )


def reminders(week: str, analysis: Analysis | None = None) -> list[Planned]:
    """Who gets a reminder for ``week`` and what it says (nothing is written)."""
    boards = [b for b in _boards(analysis or analyze_plan()) if b.updated < len(b.rows)]
    by_team = {board.team.id: board for board in boards}
    pairs = []
    for person in _people("contributor"):
        theirs = [by_team[t] for t in sorted(person.team_ids) if t in by_team]
        if theirs:
            pairs.append((person, _reminder(week, sorted(theirs, key=lambda b: b.team.name))))
    return plan(pairs)


def _nudge(week: str, silent: list[TeamBoard]) -> Note:
    lines = [
        f"{board.team.name} ({board.team.slug}): {_plural(len(board.rows), 'item')}, none updated"
        for board in silent
    ]
    return Note(
        EVENT,
        f"nudge:{week}",
        f"{_plural(len(silent), 'team')} without a weekly update for {week}",
        path_of("status.overview"),
        "\n".join(lines),
    )


def nudges(week: str, analysis: Analysis | None = None) -> list[Planned]:
    """Which planners get a nudge for ``week`` and what it says (nothing is written)."""
    silent = [b for b in _boards(analysis or analyze_plan()) if b.updated == 0]
    planners = _people("planner")
    members: dict[int, list[User]] = defaultdict(list)
    for person in planners:
        for team_id in person.team_ids:
            members[team_id].append(person)
    theirs: dict[int, list[TeamBoard]] = defaultdict(list)
    for board in silent:
        for person in members.get(board.team.id) or planners:
            theirs[person.id].append(board)
    return plan((p, _nudge(week, theirs[p.id])) for p in planners if theirs[p.id])


def send_reminders(week: str) -> int:
    """Send ``week``'s reminders that are not sent yet; how many. Never commits."""
    return deliver(reminders(week))


def send_nudges(week: str) -> int:
    """Send ``week``'s nudges that are not sent yet; how many. Never commits."""
    return deliver(nudges(week))
