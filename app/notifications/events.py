"""What notifies whom: the plan's changes and its conflicts, as notes
(app.notifications.notify) to the people they concern.

Changes of items and dependencies are read as their transaction commits, from what
the webhooks collect there (app.webhooks.events.changes_in), so a form, the API and
a command notify alike, in the transaction of the change: a change that is rolled
back notifies nobody. The person who made the change is left out.

- ``request_received``: a dependency between two teams is made, requested: the
  providing team (the needed item's).
- ``request_answered``: its commitment becomes committed or declined: the
  requesting team (the dependent item's).
- ``needed_at_risk``: an active item's health gets worse (on track, at risk, off
  track): every other team whose active items need it directly.
- ``needed_moved``: an active item's end period moves later, or off the plan:
  the same teams.

Conflicts come from the conflict check (app.webhooks.conflicts: a job after each
change of the plan, and the periodic tick), with what changed since the check
before: ``conflict_opened``, ``conflict_critical`` (its severity became critical)
and ``conflict_resolved``, to the teams of the conflict.

A team's notes go to its members and to its chat channel. Each note's key names
its event, so that the event reaches a person once however often it is looked at:
``request:41``, ``request:41:answer:v3`` and ``item:7:health:v5`` (the version that
the change made), ``conflict:<fingerprint>:opened:<time of the check before>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from flask import has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event, exists, or_, select
from sqlalchemy.orm import joinedload

from app.alignment import ACTIVE_STATUSES, HEALTHS
from app.alignment.diff import conflict_label
from app.alignment.text import health_word
from app.audit import current_actor
from app.extensions import db
from app.models import Dependency, Item, Period, Team, TeamMembership, User
from app.notifications.notify import Note, members_of, notify, path_of
from app.planning.dependency_operations import ANSWERS
from app.webhooks.events import changes_in

if TYPE_CHECKING:
    from app.webhooks.conflicts import ConflictChanges


def _label(item: Item) -> str:
    return f"{item.key} '{item.title}'"


def _period_name(period: Period | None) -> str:
    return period.name if period else "no period yet"


class _Teams:
    """The people of each team, looked up once per team; ``of(teams)`` leaves out
    the one who made the change."""

    def __init__(self, leave_out: int | None = None) -> None:
        self.members: dict[int, list[User]] = {}
        self.leave_out = leave_out

    def of(self, teams: Iterable[Team]) -> list[User]:
        people = []
        for team in teams:
            if team.id not in self.members:
                self.members[team.id] = members_of([team])
            people += self.members[team.id]
        return [user for user in people if user.id != self.leave_out]

    def tell(self, teams: list[Team], note: Note) -> int:
        return notify(self.of(teams), note, teams=teams)


# -- Changes of items and dependencies ---------------------------------------------------


def _worse(old: str | None, new: str | None) -> bool:
    return new in HEALTHS and old in HEALTHS and HEALTHS.index(new) > HEALTHS.index(old)


def _relevant(changes: dict[tuple[str, int], list]) -> tuple[set[int], set[int], dict]:
    """From what a transaction changed, without a query: the dependencies made as
    requests, those answered, and the items whose health got worse or whose end
    period changed (with their changes)."""
    made, answered, items = set(), set(), {}
    for (entity, entity_id), (action, changed) in changes.items():
        if entity == "dependency":
            old, new = changed.get("commitment", (None, None))
            if action == "create" and new == "requested":
                made.add(entity_id)
            elif action == "update" and new in ANSWERS and old != new:
                answered.add(entity_id)
        elif (entity, action) == ("item", "update") and (
            _worse(*changed.get("health", (None, None))) or "end_period_id" in changed
        ):
            items[entity_id] = changed
    return made, answered, items


@event.listens_for(Session, "before_commit", insert=True)  # before the webhooks take them
def _notify_of_changes(session) -> None:
    if session.in_nested_transaction() or not has_app_context():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    made, answered, items = _relevant(changes_in(session))
    if not (made or answered or items):
        return
    teams = _Teams(leave_out=current_actor()[0])
    if made or answered:
        _requests(session, made, answered, teams)
    if items:
        _needed(session, items, teams)


def _requests(session, made: set[int], answered: set[int], teams: _Teams) -> None:
    dependencies = session.scalars(
        select(Dependency)
        .options(
            joinedload(Dependency.dependent).joinedload(Item.team),
            joinedload(Dependency.dependent).joinedload(Item.start_period),
            joinedload(Dependency.dependency).joinedload(Item.team),
            joinedload(Dependency.needed_by),
        )
        .where(Dependency.id.in_(made | answered))
    )
    for dep in dependencies:
        asking, asked = dep.dependent.team, dep.dependency.team
        if asking.id == asked.id:
            continue  # a team needs no promise from itself
        if dep.id in made:
            needed_by = dep.needed_by or dep.dependent.start_period
            title = f"{asking.name} asks {asked.name} for {_label(dep.dependency)}"
            if needed_by is not None:
                title += f" (needed by {needed_by.name})"
            note = Note(
                "request_received",
                f"request:{dep.id}",
                title,
                path_of("planning.answer_request", dep_id=dep.id),
                f"{_label(dep.dependent)} of {asking.name} needs it.",
            )
            teams.tell([asked], note)
        if dep.id in answered:
            verb = "committed to" if dep.commitment == "committed" else "declined"
            note = Note(
                "request_answered",
                f"request:{dep.id}:answer:v{dep.version}",
                f"{asked.name} {verb} {_label(dep.dependency)}, needed by {_label(dep.dependent)}",
                path_of("planning.item", key=dep.dependent.key),
                f"Note: {dep.note}" if dep.note else "",
            )
            teams.tell([asking], note)


def _needed(session, changed_items: dict[int, dict], teams: _Teams) -> None:
    """needed_at_risk and needed_moved, to the teams whose active items need these."""
    old_ends = {c["end_period_id"][0] for c in changed_items.values() if "end_period_id" in c}
    was = {p.id: p for p in session.scalars(select(Period).where(Period.id.in_(old_ends)))}
    items = session.scalars(
        select(Item)
        .options(joinedload(Item.team), joinedload(Item.end_period))
        .where(Item.id.in_(changed_items), Item.status.in_(ACTIVE_STATUSES))
    ).all()
    happened: list[tuple[Item, str, str]] = []  # item, event, title
    for item in items:
        changed = changed_items[item.id]
        old_health, new_health = changed.get("health", (None, None))
        if _worse(old_health, new_health):
            words = health_word(new_health)
            happened.append((item, "needed_at_risk", f"{_label(item)} is {words}"))
        if "end_period_id" in changed:
            old_end, new_end = was.get(changed["end_period_id"][0]), item.end_period
            if old_end is None:
                continue  # put on the plan, not moved
            if new_end is None:
                title = f"{_label(item)} was taken off the plan (it ended in {old_end.name})"
            elif new_end.start_date > old_end.start_date:
                title = f"{_label(item)} moved from {old_end.name} to {new_end.name}"
            else:
                continue
            happened.append((item, "needed_moved", title))
    if not happened:
        return
    needing = _needing(session, {item.id: item.team_id for item, _e, _t in happened}, teams)
    by_team: dict[int, dict[int, list[Dependency]]] = {}
    for dep in needing:
        by_team.setdefault(dep.dependency_id, {}).setdefault(dep.dependent.team_id, []).append(dep)
    for item, event_name, title in happened:
        what = "health" if event_name == "needed_at_risk" else "moved"
        key = f"item:{item.id}:{what}:v{item.version}"
        for team_id, deps in by_team.get(item.id, {}).items():
            if team_id == item.team_id:
                continue  # the team knows its own work
            team = deps[0].dependent.team
            body = "\n".join(
                f"Needed by {_label(dep.dependent)}"
                + f" in {_period_name(dep.needed_by or dep.dependent.start_period)}."
                for dep in deps
            )
            note = Note(event_name, key, f"{title} ({item.team.name})", _item_path(item), body)
            teams.tell([team], note)


def _needing(session, team_of: dict[int, int], teams: _Teams) -> list[Dependency]:
    """The dependencies on these items (``team_of``: item id -> its team's id) of
    other teams' active items, where someone would be told (a member other than
    the actor, or a chat channel), by id, loaded for the notes.

    The links and their dependents are read as plain rows first, in two queries
    rather than one join: given thousands of items (a scenario applied), SQLite's
    planner walks every active item for each of them, which takes minutes. Only the
    dependencies that make a note are then loaded whole."""
    links = session.execute(
        select(Dependency.id, Dependency.dependency_id, Dependency.dependent_id).where(
            Dependency.dependency_id.in_(list(team_of))
        )
    ).all()
    dependents: dict[int, int] = {}
    ids = sorted({dependent_id for _id, _of, dependent_id in links})
    for chunk in _chunks(ids):
        dependents.update(
            session.execute(
                select(Item.id, Item.team_id).where(
                    Item.id.in_(chunk), Item.status.in_(ACTIVE_STATUSES)
                )
            ).all()
        )
    wanted = {
        dep_id: dependents[dependent_id]
        for dep_id, dependency_id, dependent_id in links
        if dependent_id in dependents and dependents[dependent_id] != team_of[dependency_id]
    }
    listening = {
        team.id
        for team in session.scalars(select(Team).where(Team.id.in_(set(wanted.values()))))
        if team.chat_channel_url or teams.of([team])
    }
    found: list[Dependency] = []
    for chunk in _chunks(sorted(d for d, team_id in wanted.items() if team_id in listening)):
        found += session.scalars(
            select(Dependency)
            .options(
                joinedload(Dependency.dependent).joinedload(Item.team),
                joinedload(Dependency.dependent).joinedload(Item.start_period),
                joinedload(Dependency.needed_by),
            )
            .where(Dependency.id.in_(chunk))
            .order_by(Dependency.id)
        ).all()
    return found


def _chunks(ids: list[int], size: int = 1000) -> Iterable[list[int]]:
    return (ids[at : at + size] for at in range(0, len(ids), size))


def _item_path(item: Item) -> str:
    return path_of("planning.item", key=item.key)


# -- Conflicts ---------------------------------------------------------------------------


def conflicts_notified(session) -> bool:
    """Whether anyone is there to tell of conflicts: an active member of a team, or
    a team's chat channel. One query."""
    someone = exists().where(TeamMembership.user_id == User.id, User.active.is_(True))
    channel = exists().where(Team.chat_channel_url.is_not(None))
    return bool(session.scalar(select(or_(someone, channel))))


def notify_of_conflicts(changes: ConflictChanges) -> int:
    """Tell the teams of each conflict that opened, turned critical or was resolved
    (``changes``: what the conflict check found); how many people it reached."""
    since = changes.since.strftime("%Y%m%dT%H%M%S.%f") if changes.since else "first"
    happened = [("conflict_opened", "opened", c) for c in changes.opened]
    happened += [
        ("conflict_critical", "critical", now)
        for now, was in changes.changed
        if now["severity"] == "critical" and was.get("severity") != "critical"
    ]
    happened += [("conflict_resolved", "resolved", c) for c in changes.resolved]
    slugs = {slug for _e, _w, conflict in happened for slug in conflict.get("teams", ())}
    if not slugs:
        return 0
    by_slug = {t.slug: t for t in db.session.scalars(select(Team).where(Team.slug.in_(slugs)))}
    teams = _Teams()
    reached = 0
    for event_name, what, conflict in happened:
        concerned = [by_slug[slug] for slug in conflict["teams"] if slug in by_slug]
        note = Note(
            event_name,
            f"conflict:{conflict['fingerprint']}:{what}:{since}",
            _conflict_title(what, conflict),
            _conflict_path(what, conflict),
            conflict.get("message") or "",
        )
        reached += teams.tell(concerned, note)
    return reached


def _conflict_title(what: str, conflict: dict[str, Any]) -> str:
    label = conflict_label(SimpleNamespace(**conflict))
    if what == "opened":
        return f"New {conflict['severity']} conflict: {label}"
    if what == "critical":
        return f"Conflict turned critical: {label}"
    return f"Conflict resolved: {label}"


def _conflict_path(what: str, conflict: dict[str, Any]) -> str:
    if what != "resolved":
        return path_of("dashboard.conflict", fingerprint=conflict["fingerprint"])
    if conflict.get("items"):
        return path_of("planning.item", key=conflict["items"][0])
    return path_of("planning.team", slug=conflict["teams"][0])
