"""Import of a whole plan: all or nothing, with bulk inserts.

``import_plan`` validates first and writes nothing when anything is wrong. Rows go
in with Core ``INSERT`` statements in batches and the generated ids come back with
one ``SELECT`` per table, so 50,000 items and 150,000 dependencies take seconds.
It never commits: the caller (the CLI, the seeders) owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from app.audit import record
from app.clock import utcnow
from app.extensions import db
from app.models import (
    ConflictDecision,
    Dependency,
    Item,
    Period,
    StatusUpdate,
    Team,
    TeamCapacity,
    TeamMembership,
    User,
)
from app.plan_io.problems import PlanError, Problem
from app.plan_io.validate import Plan, parse_plan
from app.plan_store import WHOLE_PLAN, bump_revision

BATCH_SIZE = 5000

Progress = Callable[[int, int], None]
"""Called as ``progress(rows_written, rows_total)`` while the plan is written."""

# Plan data, in an order that deletes dependents before what they point to.
_PLAN_TABLES = (
    ("status_updates", StatusUpdate),
    ("dependencies", Dependency),
    ("items", Item),
    ("capacities", TeamCapacity),
    ("memberships", TeamMembership),
    ("teams", Team),
    ("periods", Period),
    ("conflict_decisions", ConflictDecision),
)


@dataclass(frozen=True)
class ImportSummary:
    periods: int
    teams: int
    capacities: int
    items: int
    dependencies: int
    status_updates: int
    replaced: bool
    memberships_kept: int = 0

    def counts(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        text = (
            f"Imported {self.periods:,} periods, {self.teams:,} teams, {self.items:,} items, "
            f"{self.dependencies:,} dependencies and {self.status_updates:,} status updates"
        )
        if self.replaced:
            text += (
                f", replacing the previous plan ({self.memberships_kept:,} team memberships kept)"
            )
        return text + "."


def existing_plan_counts(session: Any = None) -> dict[str, int]:
    """How many periods, teams and items the database holds, in one query."""
    session = session or db.session
    counts = select(
        *(
            select(func.count()).select_from(model).scalar_subquery().label(name)
            for name, model in (("periods", Period), ("teams", Team), ("items", Item))
        )
    )
    return dict(session.execute(counts).one()._mapping)


def import_plan(
    data: Any,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportSummary:
    """Validate ``data`` (a parsed ``roadmap-plan/1`` document) and write it.

    Raises ``PlanError`` with every problem, having written nothing, when the
    document is invalid or when the database already holds a plan and
    ``replace`` is false. With ``replace`` the current plan (periods, teams,
    capacities, items, dependencies, status updates, conflict decisions) is
    deleted first, in the same transaction; team memberships are kept for the
    teams whose slug is still in the new plan."""
    session = db.session
    now = now or utcnow()
    problems: list[Problem] = []
    try:
        plan = parse_plan(data, now=now)
    except PlanError as exc:
        problems, plan = exc.problems, None
    if not replace:
        existing = existing_plan_counts(session)
        if any(existing.values()):
            held = ", ".join(f"{n:,} {name}" for name, n in existing.items() if n)
            problems.insert(
                0,
                Problem(
                    "$",
                    f"the database already holds a plan ({held}): import into an empty "
                    "database, or replace it (flask plan import --replace)",
                ),
            )
    if problems or plan is None:
        raise PlanError(problems)

    writer = _Writer(session, plan, now, progress)
    deleted, memberships = _delete_plan(session) if replace else ({}, [])
    summary = writer.write(memberships, replaced=replace)
    changes: dict[str, Any] = {
        name: value for name, value in summary.counts().items() if name != "memberships_kept"
    }
    if replace:
        changes["deleted"] = deleted
        changes["memberships_kept"] = summary.memberships_kept
    record(session, "plan", None, "import", changes)
    bump_revision(session.connection(), [WHOLE_PLAN])  # the whole plan, for every worker
    if replace:
        session.expire_all()
    return summary


def _delete_plan(session: Any) -> tuple[dict[str, int], list[tuple[int, str]]]:
    memberships = session.execute(
        select(TeamMembership.user_id, Team.slug).join(Team, Team.id == TeamMembership.team_id)
    ).all()
    deleted = {}
    for name, model in _PLAN_TABLES:
        deleted[name] = session.execute(delete(model.__table__)).rowcount
    deleted.pop("memberships")
    return deleted, [tuple(row) for row in memberships]


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start : start + BATCH_SIZE]


class _Writer:
    def __init__(self, session: Any, plan: Plan, now: datetime, progress: Progress | None):
        self.session = session
        self.plan = plan
        self.now = now
        self.progress = progress
        self.total = (
            len(plan.periods)
            + len(plan.teams)
            + sum(len(team["capacities"]) for team in plan.teams)
            + len(plan.items)
            + len(plan.dependencies)
            + len(plan.status_updates)
        )
        self.done = 0

    def _insert(self, model: Any, rows: Iterable[dict[str, Any]]) -> int:
        rows = list(rows)
        for batch in _batches(rows):
            self.session.execute(insert(model.__table__), batch)
            self.done += len(batch)
            if self.progress is not None:
                self.progress(self.done, self.total)
        return len(rows)

    def _ids(self, *columns: Any) -> dict[Any, int]:
        return dict(self.session.execute(select(*columns)).all())

    def write(self, memberships: list[tuple[int, str]], *, replaced: bool) -> ImportSummary:
        plan, now = self.plan, self.now
        self._insert(Period, plan.periods)
        period_ids = self._ids(Period.name, Period.id)

        sequences = _item_sequences(item["key"] for item in plan.items)
        self._insert(
            Team,
            (
                {
                    "slug": team["slug"],
                    "name": team["name"],
                    "kind": team["kind"],
                    "default_capacity": team["default_capacity"],
                    "item_seq": sequences.get(team["slug"].upper(), 0),
                }
                for team in plan.teams
            ),
        )
        team_ids = self._ids(Team.slug, Team.id)
        capacities = self._insert(
            TeamCapacity,
            (
                {
                    "team_id": team_ids[team["slug"]],
                    "period_id": period_ids[name],
                    "person_weeks": pw,
                }
                for team in plan.teams
                for name, pw in team["capacities"].items()
            ),
        )
        kept = [
            {"user_id": user_id, "team_id": team_ids[slug]}
            for user_id, slug in memberships
            if slug in team_ids
        ]
        if kept:
            self.session.execute(insert(TeamMembership.__table__), kept)

        items = self._insert(
            Item, (self._item_row(item, team_ids, period_ids) for item in plan.items)
        )
        item_ids = self._ids(Item.key, Item.id)
        dependencies = self._insert(
            Dependency,
            (
                {
                    "dependent_id": item_ids[dep["dependent"]],
                    "dependency_id": item_ids[dep["dependency"]],
                    "needed_by_period_id": period_ids.get(dep["needed_by"]),
                    "commitment": dep["commitment"],
                    "note": "",
                    "created_at": now,
                    "version": 1,
                }
                for dep in plan.dependencies
            ),
        )
        updates = self._insert(StatusUpdate, self._update_rows(item_ids))
        return ImportSummary(
            periods=len(plan.periods),
            teams=len(plan.teams),
            capacities=capacities,
            items=items,
            dependencies=dependencies,
            status_updates=updates,
            replaced=replaced,
            memberships_kept=len(kept),
        )

    def _item_row(self, item: dict, team_ids: dict, period_ids: dict) -> dict[str, Any]:
        return {
            **planned_columns(item, team_ids, period_ids),
            "health": item["health"],
            "created_at": item["created_at"],
            "updated_at": self.now,
            "version": 1,
        }

    def _update_rows(self, item_ids: dict[str, int]) -> Iterator[dict[str, Any]]:
        if not self.plan.status_updates:
            return
        users = {
            email.lower(): user_id
            for user_id, email in self.session.execute(select(User.id, User.email))
        }
        for update in self.plan.status_updates:
            author = update["author"]
            yield {
                "item_id": item_ids[update["item"]],
                "week": update["week"],
                "health": update["health"],
                "status": update["status"],
                "progress": update["progress"],
                "note": update["note"],
                "author_id": users.get(author.lower()) if author else None,
                "author": author,
                "at": update["at"],
            }


def _item_sequences(keys: Iterable[str]) -> dict[str, int]:
    """The highest n among keys of the form ``PREFIX-n``, by prefix."""
    highest: dict[str, int] = {}
    for key in keys:
        prefix, dash, number = key.rpartition("-")
        if dash and number.isdigit() and number.isascii():
            n = int(number)
            if n > highest.get(prefix, -1):
                highest[prefix] = n
    return highest


def planned_columns(item: dict, team_ids: dict, period_ids: dict) -> dict[str, Any]:
    """The item table's columns that a plan file's item sets (an importer adds its
    own), with the team and periods by id."""
    return {
        "key": item["key"],
        "team_id": team_ids[item["team"]],
        "title": item["title"],
        "description": item["description"],
        "priority": item["priority"],
        "start_period_id": period_ids.get(item["start"]),
        "end_period_id": period_ids.get(item["end"]),
        "estimate": item["estimate"],
        "status": item["status"],
        "owner": item["owner"],
    }
