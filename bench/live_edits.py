"""edit_s: for each kind of edit, the median seconds from the edit's commit to an
up-to-date analysis in the same process (app.plan_store.analyze_plan: the change log,
the changed rows, then Analysis.updated), over edits drawn at random from a plan
in the database. The edits are made through the ORM as the app's operations
make them, so the change log records them as it records a person's.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable


class _Plan:
    """Ids read once from the database, to draw edits from."""

    def __init__(self, session, analysis) -> None:
        from sqlalchemy import select

        from app.models import Dependency, Item, Period, Team

        self.periods = list(session.scalars(select(Period.id).order_by(Period.start_date)))
        self.teams = list(session.scalars(select(Team.id)))
        self.items = list(session.scalars(select(Item.id)))
        needs = {dependent for dependent, _ in session.execute(
            select(Dependency.dependent_id, Dependency.dependency_id)
        )}  # fmt: skip
        # An item that needs nothing can be needed by any other without closing a cycle.
        self.leaves = [i for i in self.items if i not in needs]
        self.fingerprints = [c.fingerprint for c in analysis.conflicts]


def _item(session, plan: _Plan, rng: random.Random):
    from app.models import Item

    return session.get(Item, rng.choice(plan.items))


def _move(session, plan, rng):
    item = _item(session, plan, rng)
    period = rng.choice(plan.periods[:-1])
    item.start_period_id = item.end_period_id = period


def _resize(session, plan, rng):
    item = _item(session, plan, rng)
    first = rng.randrange(len(plan.periods) - 1)
    item.start_period_id = plan.periods[first]
    item.end_period_id = plan.periods[first + rng.randrange(2)]


def _field(name: str, values: Callable[[random.Random], object]):
    def edit(session, plan, rng):
        item = _item(session, plan, rng)
        value = values(rng)
        while value == getattr(item, name):
            value = values(rng)
        setattr(item, name, value)

    return edit


def _team(session, plan, rng):
    _item(session, plan, rng).team_id = rng.choice(plan.teams)


def _status_update(session, plan, rng):
    from app.clock import utcnow
    from app.models import StatusUpdate
    from app.weeks import iso_week

    item = _item(session, plan, rng)
    health = rng.choice(("on_track", "at_risk", "off_track"))
    now = utcnow()
    session.add(StatusUpdate(item_id=item.id, week=iso_week(now), health=health,
                             status=item.status, note="", at=now))  # fmt: skip
    item.health = health


def _add_dependency(session, plan, rng):
    from app.models import Dependency

    dependent, dependency = rng.choice(plan.items), rng.choice(plan.leaves)
    exists = session.query(Dependency).filter_by(
        dependent_id=dependent, dependency_id=dependency
    ).first()  # fmt: skip
    if dependent != dependency and exists is None:
        session.add(Dependency(dependent_id=dependent, dependency_id=dependency))


def _some_dependency(session, rng):
    from sqlalchemy import func, select

    from app.models import Dependency

    count = session.scalar(select(func.count()).select_from(Dependency))
    return session.scalars(select(Dependency).offset(rng.randrange(count)).limit(1)).first()


def _edit_dependency(session, plan, rng):
    dependency = _some_dependency(session, rng)
    if rng.random() < 0.5:
        others = {"requested", "committed", "declined"} - {dependency.commitment}
        dependency.commitment = rng.choice(sorted(others))
    else:
        others = [p for p in (None, *plan.periods) if p != dependency.needed_by_period_id]
        dependency.needed_by_period_id = rng.choice(others)


def _remove_dependency(session, plan, rng):
    session.delete(_some_dependency(session, rng))


def _capacity_default(session, plan, rng):
    from app.models import Team

    session.get(Team, rng.choice(plan.teams)).default_capacity = float(rng.randrange(10, 80))


def _capacity_override(session, plan, rng):
    from app.models import TeamCapacity

    team, period = rng.choice(plan.teams), rng.choice(plan.periods)
    cell = session.query(TeamCapacity).filter_by(team_id=team, period_id=period).first()
    if cell is None:
        session.add(TeamCapacity(team_id=team, period_id=period, person_weeks=30.0))
    else:
        cell.person_weeks = float(rng.randrange(10, 80))


def _decide(session, plan, rng):
    from app.models import ConflictDecision

    fingerprint = rng.choice(plan.fingerprints)
    if session.query(ConflictDecision).filter_by(fingerprint=fingerprint).first() is None:
        session.add(ConflictDecision(fingerprint=fingerprint, conflict_type="bench",
                                     state="acknowledged", note="bench", by="bench"))  # fmt: skip


def _undecide(session, plan, rng):
    from app.models import ConflictDecision

    decision = session.query(ConflictDecision).first()
    if decision is not None:
        session.delete(decision)


EDITS: dict[str, Callable] = {
    "move": _move,
    "resize": _resize,
    "priority": _field("priority", lambda rng: rng.randrange(4)),
    "estimate": _field("estimate", lambda rng: rng.choice((None, float(rng.randrange(1, 30))))),
    "status": _field("status", lambda rng: rng.choice(("proposed", "committed", "in_progress"))),
    "health": _field("health", lambda rng: rng.choice(("on_track", "at_risk", "off_track"))),
    "team": _team,
    "status_update": _status_update,
    "add_dependency": _add_dependency,
    "edit_dependency": _edit_dependency,
    "remove_dependency": _remove_dependency,
    "capacity_default": _capacity_default,
    "capacity_override": _capacity_override,
    "decide": _decide,
    "undecide": _undecide,
}
KINDS = tuple(EDITS)


def edit_seconds(app, per_kind: int = 20, seed: int = 3) -> tuple[dict[str, float], bool]:
    """``({kind: median seconds}, live equals full)``: each edit committed, then the
    process's analysis brought up to date; at the end the live analysis is compared
    with a full analysis of the same plan."""
    from app.alignment import analyze
    from app.alignment.equality import equal_analyses
    from app.extensions import db
    from app.plan_store import analyze_plan, load_snapshot, plan_cache

    rng = random.Random(seed)
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    order = [kind for kind in KINDS for _ in range(per_kind)]
    rng.shuffle(order)
    with app.app_context():
        plan = _Plan(db.session, analyze_plan())
        db.session.rollback()
        for kind in order:
            EDITS[kind](db.session, plan, rng)
            db.session.commit()
            started = time.perf_counter()
            analyze_plan()
            elapsed = time.perf_counter() - started
            if plan_cache().last == "caught_up":
                times[kind].append(elapsed)
            elif plan_cache().last != "reused":  # "reused": the draw changed nothing
                raise RuntimeError(f"a {kind} edit was not caught up: {plan_cache().last}")
            db.session.rollback()
        live = analyze_plan()
        full = analyze(load_snapshot(), live.now, live.settings)
        db.session.rollback()
        sample = random.Random(seed).sample([i.id for i in full.snapshot.items], 2000)
        equal = not equal_analyses(live, full, sample)
    return {kind: round(statistics.median(t), 4) for kind, t in times.items() if t}, equal
