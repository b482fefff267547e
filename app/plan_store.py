"""The one bridge from the database to a plan snapshot for the analysis.

A full load is a constant number of bulk selects (seven) whatever the size of the
plan: rows come back as the driver's plain tuples, never as ORM objects, and nothing
is loaded lazily.

Every change to the plan also writes the change log (``plan_change``) in its own
transaction: one entry per thing changed, numbered by the revision it made. A writer
first updates the one revision row (``plan_revision``), which hands it the next
numbers and holds every other writer until it commits, so numbers are used in
commit order, without gaps (a rolled-back change gives its numbers back, and a new
token tells the two apart). Each process keeps its own analysis of the present at
some revision r; to bring it up to date it reads the revision row (one query), the
log entries after r (one query) and then only the rows those entries name (a few
bulk queries), and applies them to its snapshot as a ``PlanDelta``. It reloads the
whole plan only when r is older than the log keeps, when a period changed or a bulk
write (an import, a seed) replaced the plan, or when more than CATCH_UP_MOST
entries came since r. The log keeps the newest LOG_KEEPS entries: a writer whose
numbers cross a multiple of PRUNE_EVERY deletes the older ones.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from flask import Flask, current_app, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import delete, event, func, insert, inspect, select, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from app.alignment import Analysis, PlanDelta, Settings, analyze
from app.alignment.collector import collector_paused
from app.alignment.snapshot import (
    Decision,
    Dependency,
    Item,
    Period,
    PlanSnapshot,
    Team,
    frozen,
    unfrozen,
)
from app.clock import utcnow
from app.extensions import db
from app.models import ConflictDecision, PlanChange, PlanRevision, StatusUpdate, TeamCapacity
from app.models import Dependency as DependencyRow
from app.models import Item as ItemRow
from app.models import Period as PeriodRow
from app.models import Team as TeamRow

REVISION_ROW = 1
# The change log keeps at least this many of its newest entries ...
LOG_KEEPS = 5000
# ... pruned by the writer whose revision numbers cross a multiple of this.
PRUNE_EVERY = 500
# A process further behind than this many entries reloads the whole plan instead.
CATCH_UP_MOST = 500
# Set in a session's info while its transaction holds plan changes not yet committed.
_UNCOMMITTED = "plan_changes_uncommitted"


# -- Loading the plan ------------------------------------------------------------------

ITEM_COLUMNS = (
    ItemRow.id, ItemRow.key, ItemRow.team_id, ItemRow.title, ItemRow.priority,
    ItemRow.start_period_id, ItemRow.end_period_id, ItemRow.estimate, ItemRow.status,
    ItemRow.health, ItemRow.created_at,
)  # fmt: skip
TEAM_COLUMNS = (TeamRow.id, TeamRow.slug, TeamRow.name, TeamRow.kind, TeamRow.default_capacity)
DEPENDENCY_COLUMNS = (
    DependencyRow.dependent_id,
    DependencyRow.dependency_id,
    DependencyRow.needed_by_period_id,
    DependencyRow.commitment,
)
CAPACITY_COLUMNS = (TeamCapacity.team_id, TeamCapacity.period_id, TeamCapacity.person_weeks)
DECISION_COLUMNS = (
    ConflictDecision.fingerprint,
    ConflictDecision.state,
    ConflictDecision.note,
    ConflictDecision.by,
    ConflictDecision.at,
)


class _Reader:
    """Rows of one connection as the driver's own tuples, fetched whole: no ORM and
    no row objects. Only SQLite's timestamps then need parsing (see _timestamps).
    ``index`` maps period ids to their place in the snapshot's periods."""

    def __init__(self, connection: Connection, index: dict[int | None, int | None]) -> None:
        self.connection = connection
        self.timestamp = _timestamps(connection.dialect.name)
        self.index = index

    def rows(self, *columns, where=None, order_by=None, group_by=None) -> list[tuple]:
        statement = select(*columns)
        if where is not None:
            statement = statement.where(where)
        if order_by is not None:
            statement = statement.order_by(order_by)
        if group_by is not None:
            statement = statement.group_by(group_by)
        return self.connection.execute(statement).cursor.fetchall()

    def items(self, rows: list[tuple], last_updates: Iterable[Any]) -> tuple[Item, ...]:
        """The items of ``rows`` (ITEM_COLUMNS), each with the time of its newest
        status update, from ``last_updates`` in the same order."""
        index, timestamp, make = self.index, self.timestamp, unfrozen(Item)
        return frozen(
            Item,
            [
                make(item_id, key, team_id, title, priority, index[start], index[end], estimate,
                     status, health, timestamp(created_at), timestamp(last_update))
                for (item_id, key, team_id, title, priority, start, end, estimate, status,
                     health, created_at), last_update in zip(rows, last_updates, strict=True)
            ],
        )  # fmt: skip

    def capacities(self, where=None) -> dict[int, dict[int, float]]:
        found: dict[int, dict[int, float]] = {}
        for team_id, period_id, person_weeks in self.rows(*CAPACITY_COLUMNS, where=where):
            found.setdefault(team_id, {})[self.index[period_id]] = person_weeks
        return found

    def teams(self, where=None) -> tuple[Team, ...]:
        capacities = self.capacities(None if where is None else TeamCapacity.team_id.in_(where))
        rows = self.rows(*TEAM_COLUMNS, where=None if where is None else TeamRow.id.in_(where))
        return tuple(
            Team(team_id, slug, name, kind, default, capacities.get(team_id, {}))
            for team_id, slug, name, kind, default in rows
        )

    def dependencies(self, where=None) -> tuple[Dependency, ...]:
        index, make = self.index, unfrozen(Dependency)
        return frozen(
            Dependency,
            [
                make(dependent, dependency, index[needed], commitment)
                for dependent, dependency, needed, commitment in self.rows(
                    *DEPENDENCY_COLUMNS, where=where
                )
            ],
        )

    def decisions(self, where=None) -> tuple[Decision, ...]:
        timestamp = self.timestamp
        return tuple(
            Decision(fingerprint, state, note, by, timestamp(at))
            for fingerprint, state, note, by, at in self.rows(*DECISION_COLUMNS, where=where)
        )


def load_snapshot() -> PlanSnapshot:
    with collector_paused():
        return _load(db.session.connection())[0]


def _load(connection: Connection) -> tuple[PlanSnapshot, dict[int | None, int | None]]:
    """The whole plan, and the period index (period id -> place in its periods)."""
    reader = _Reader(connection, {None: None})
    period_rows = reader.rows(
        PeriodRow.id, PeriodRow.name, PeriodRow.start_date, PeriodRow.end_date,
        order_by=PeriodRow.start_date,
    )  # fmt: skip
    periods = tuple(Period(name, _date(start), _date(end)) for _id, name, start, end in period_rows)
    reader.index.update((row[0], i) for i, row in enumerate(period_rows))

    teams = reader.teams()
    last_update = dict(
        reader.rows(StatusUpdate.item_id, func.max(StatusUpdate.at), group_by=StatusUpdate.item_id)
    )
    rows = reader.rows(*ITEM_COLUMNS)
    items = reader.items(rows, map(last_update.get, [row[0] for row in rows]))
    dependencies = reader.dependencies()
    decisions = {decision.fingerprint: decision for decision in reader.decisions()}
    return PlanSnapshot(periods, teams, items, dependencies, decisions), reader.index


def _timestamps(dialect: str) -> Callable[[Any], Any]:
    """PostgreSQL's driver returns datetimes; SQLite stores ISO 8601 text."""
    if dialect != "sqlite":
        return lambda value: value
    return lambda value: None if value is None else datetime.fromisoformat(value)


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# -- The change log --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """What one change log entry names (see app.models.PlanChange)."""

    kind: str
    item_id: int | None = None
    dependency_id: int | None = None
    team_id: int | None = None
    fingerprint: str | None = None

    @classmethod
    def of_item(cls, item_id: int) -> Change:
        return cls("item", item_id=item_id)

    @classmethod
    def of_dependency(cls, dependent_id: int, dependency_id: int) -> Change:
        return cls("dependency", item_id=dependent_id, dependency_id=dependency_id)

    @classmethod
    def of_team(cls, team_id: int) -> Change:
        return cls("team", team_id=team_id)

    @classmethod
    def of_decision(cls, fingerprint: str) -> Change:
        return cls("decision", fingerprint=fingerprint)


PERIODS = Change("periods")
WHOLE_PLAN = Change("plan")


def current_revision() -> int | None:
    """The plan's revision: the number of its newest change (None before the first)."""
    head = _head()
    return None if head is None else head[0]


def _head() -> tuple[int, str] | None:
    row = db.session.execute(
        select(PlanRevision.revision, PlanRevision.token).where(PlanRevision.id == REVISION_ROW)
    ).first()
    return None if row is None else (row[0], row[1])


def bump_revision(connection: Connection, changes: Iterable[Change] | None = None) -> int:
    """Log ``changes`` (by default: the whole plan changed) in the caller's
    transaction, and return the plan's new revision.

    The upsert of the revision row comes first: it hands out this change's numbers
    and holds every other writer until this transaction ends (the first writer of a
    new database too), so numbers are used in commit order. Then the entries, then
    (now and then) the pruning of old ones."""
    changes = [WHOLE_PLAN] if changes is None else list(dict.fromkeys(changes))
    if not changes:
        return current_revision() or 0
    token = uuid4().hex
    table = PlanRevision.__table__
    upsert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    row = upsert(table).values(id=REVISION_ROW, token=token, revision=len(changes))
    newest = connection.execute(
        row.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"token": row.excluded.token, "revision": table.c.revision + len(changes)},
        ).returning(table.c.revision)
    ).scalar_one()
    first = newest - len(changes) + 1
    connection.execute(
        insert(PlanChange.__table__),
        [
            {
                "id": first + n,
                "token": token,
                "kind": change.kind,
                "item_id": change.item_id,
                "dependency_id": change.dependency_id,
                "team_id": change.team_id,
                "fingerprint": change.fingerprint,
            }
            for n, change in enumerate(changes)
        ],
    )
    if (first - 1) // PRUNE_EVERY != newest // PRUNE_EVERY:
        connection.execute(delete(PlanChange.__table__).where(PlanChange.id <= newest - LOG_KEEPS))
    if has_app_context():
        db.session.info[_UNCOMMITTED] = True
    return newest


def _values(row: Any, name: str) -> list[Any]:
    """The attribute's value now and, when this flush changed it, before."""
    state = inspect(row)
    history = state.attrs[name].history
    values = [*history.added, *history.unchanged, *history.deleted]
    if name in state.dict and state.dict[name] not in values:
        values.append(state.dict[name])
    return [value for value in dict.fromkeys(values) if value is not None]


def _changes_of(row: Any) -> list[Change]:
    """The change log entries for a row that a flush added, changed or deleted."""
    if isinstance(row, PeriodRow):
        return [PERIODS]
    if isinstance(row, ItemRow):
        found = [Change.of_item(i) for i in _values(row, "id")]
    elif isinstance(row, TeamRow):
        found = [Change.of_team(i) for i in _values(row, "id")]
    elif isinstance(row, TeamCapacity):
        found = [Change.of_team(i) for i in _values(row, "team_id")]
    elif isinstance(row, StatusUpdate):
        found = [Change.of_item(i) for i in _values(row, "item_id")]
    elif isinstance(row, ConflictDecision):
        found = [Change.of_decision(f) for f in _values(row, "fingerprint")]
    elif isinstance(row, DependencyRow):
        dependents, dependencies = _values(row, "dependent_id"), _values(row, "dependency_id")
        found = [Change.of_dependency(a, b) for a in dependents for b in dependencies if a != b]
    else:
        return []
    # Nothing to name it by (an attribute never loaded): the whole plan, to be safe.
    return found or [WHOLE_PLAN]


@event.listens_for(Session, "after_flush")
def _plan_changed(session, _flush_context) -> None:
    changes = [
        change
        for rows, check in ((session.new, False), (session.dirty, True), (session.deleted, False))
        for row in rows
        if not check or session.is_modified(row, include_collections=False)
        for change in _changes_of(row)
    ]
    if changes:
        # In the rows' order, not the session's (a set): a flush of many rows then
        # logs them as flushes of one row each would, and pruning keeps the same.
        changes.sort(key=_change_order)
        bump_revision(session.connection(), changes)
        session.info[_UNCOMMITTED] = True


def _change_order(change: Change) -> tuple:
    return (
        change.kind,
        change.item_id or 0,
        change.dependency_id or 0,
        change.team_id or 0,
        change.fingerprint or "",
    )


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session) -> None:
    session.info.pop(_UNCOMMITTED, None)


# -- Each process's analysis of the present ---------------------------------------------


class PlanCache:
    """This process's newest analysis of the present, with the snapshot it analysed
    and the revision it is at. Another process keeps its own.

    The analysis's moment stays fixed within a time window of ANALYSIS_REUSE_SECONDS;
    in a new window the cached snapshot is analysed afresh at the new moment. The
    cache only ever holds committed plan states: a transaction that has changed the
    plan gets its analysis, caught up from the cache, without storing it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last: str | None = None  # how the newest analysis came about (see _present)
        self._reset()

    def _reset(self) -> None:
        self.snapshot: PlanSnapshot | None = None
        self.analysis: Analysis | None = None
        self.index: dict[int | None, int | None] = {}
        self.revision: tuple[int, str] | None = None
        self.settings: Settings | None = None
        self.window: int | None = None

    def clear(self) -> None:
        with self.lock:
            self._reset()

    def present(self, moment: datetime, reuse_seconds: int, settings: Settings) -> Analysis:
        """The analysis of the plan at the latest revision, as of ``moment``'s window.
        Sets ``last`` to "reused", "reanalysed" (same revision, new window),
        "caught_up" (the changed rows applied) or "loaded" (the whole plan)."""
        head = _head()
        window = int(moment.timestamp()) // reuse_seconds
        if head is None:
            self.last = "loaded"
            return analyze(load_snapshot(), moment, settings)
        keep = not db.session.info.get(_UNCOMMITTED)
        with self.lock, collector_paused():
            found = self._present(head, moment, window, settings)
            self.last = found[0]
            if keep:
                (_how, self.snapshot, self.analysis, self.index, self.revision) = found
                self.settings, self.window = settings, window
            return found[2]

    def _present(self, head, moment, window, settings):
        if self.snapshot is None or self.settings != settings:
            return self._loaded(head, moment, settings)
        snapshot, analysis = self.snapshot, self.analysis
        if self.revision == head:
            if self.window == window:
                return "reused", snapshot, analysis, self.index, head
            return "reanalysed", snapshot, analyze(snapshot, moment, settings), self.index, head
        caught = _catch_up(db.session.connection(), self.revision, self.index, snapshot)
        if caught is None:
            return self._loaded(head, moment, settings)
        delta, revision = caught
        if self.window != window:
            snapshot = snapshot.apply(delta)
            analysis = analyze(snapshot, moment, settings)
        else:
            analysis = analysis.updated(delta)
            snapshot = analysis.snapshot
        return "caught_up", snapshot, analysis, self.index, revision

    def _loaded(self, head, moment, settings):
        # The revision is read before the rows: what changes in between is logged
        # after it, and read again (to the same effect) on the next catch-up.
        snapshot, index = _load(db.session.connection())
        return "loaded", snapshot, analyze(snapshot, moment, settings), index, head


def _catch_up(
    connection: Connection,
    since: tuple[int, str],
    index: dict[int | None, int | None],
    snapshot: PlanSnapshot,
) -> tuple[PlanDelta, tuple[int, str]] | None:
    """What changed after revision ``since`` (number, token), as a delta from
    ``snapshot``, and the revision it brings it to; None when only a full load will
    do: ``since`` is no longer in the log (pruned, or it was never committed), a
    period changed or the whole plan did, or too much changed."""
    number, token = since
    entries = connection.execute(
        select(
            PlanChange.id, PlanChange.token, PlanChange.kind, PlanChange.item_id,
            PlanChange.dependency_id, PlanChange.team_id, PlanChange.fingerprint,
        )
        .where(PlanChange.id >= number)
        .order_by(PlanChange.id)
        .limit(CATCH_UP_MOST + 2)
    ).all()  # fmt: skip
    if not entries or tuple(entries[0][:2]) != (number, token) or len(entries) > CATCH_UP_MOST + 1:
        return None
    if entries[-1][0] - number != len(entries) - 1:
        return None  # a hole: never expected, as numbers are handed out without gaps
    items: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    teams: set[int] = set()
    fingerprints: set[str] = set()
    for _id, _token, kind, item_id, dependency_id, team_id, fingerprint in entries[1:]:
        if kind == "item":
            items.add(item_id)
        elif kind == "dependency":
            pairs.add((item_id, dependency_id))
        elif kind == "team":
            teams.add(team_id)
        elif kind == "decision":
            fingerprints.add(fingerprint)
        else:
            return None
    try:
        delta = _delta(_Reader(connection, index), items, pairs, teams, fingerprints)
    except KeyError:  # a period that the snapshot does not know: never expected
        return None
    newest = entries[-1]
    return delta, (newest[0], newest[1])


def _delta(
    reader: _Reader,
    item_ids: set[int],
    pairs: set[tuple[int, int]],
    team_ids: set[int],
    fingerprints: set[str],
) -> PlanDelta:
    """The rows named, as they are now; what is no longer there was removed."""
    items: tuple[Item, ...] = ()
    if item_ids:
        newest = (
            select(func.max(StatusUpdate.at))
            .where(StatusUpdate.item_id == ItemRow.id)
            .correlate(ItemRow)
            .scalar_subquery()
        )
        rows = reader.rows(*ITEM_COLUMNS, newest, where=ItemRow.id.in_(item_ids))
        items = reader.items([row[:-1] for row in rows], [row[-1] for row in rows])
    dependencies: tuple[Dependency, ...] = ()
    if pairs:
        dependencies = reader.dependencies(
            tuple_(DependencyRow.dependent_id, DependencyRow.dependency_id).in_(pairs)
        )
    teams = reader.teams(team_ids) if team_ids else ()
    decisions = (
        reader.decisions(ConflictDecision.fingerprint.in_(fingerprints)) if fingerprints else ()
    )
    return PlanDelta(
        items=items,
        removed_items=frozenset(item_ids - {item.id for item in items}),
        dependencies=dependencies,
        removed_dependencies=frozenset(
            pairs - {(d.dependent_id, d.dependency_id) for d in dependencies}
        ),
        teams=teams,
        removed_teams=frozenset(team_ids - {team.id for team in teams}),
        decisions=decisions,
        removed_decisions=frozenset(fingerprints - {d.fingerprint for d in decisions}),
    )


class _Caches:
    """The plan cache of each app in this process (one, but for tests that run two
    apps side by side, as two processes would)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_app: weakref.WeakKeyDictionary[Flask, PlanCache] = weakref.WeakKeyDictionary()

    def of(self, app: Flask) -> PlanCache:
        with self._lock:
            cache = self._by_app.get(app)
            if cache is None:
                cache = self._by_app[app] = PlanCache()
            return cache

    def clear(self) -> None:
        """Forget every app's analysis (the next one loads the whole plan)."""
        with self._lock:
            caches = list(self._by_app.values())
        for cache in caches:
            cache.clear()


reuse = _Caches()


def plan_cache() -> PlanCache:
    """This app's cache of its analysis of the present."""
    return reuse.of(current_app._get_current_object())


def analysis_settings() -> Settings:
    """The analysis thresholds of this app's configuration."""
    return Settings(cadence_days=current_app.config["UPDATE_CADENCE_DAYS"])


def analyze_plan(now: datetime | None = None) -> Analysis:
    """Load the plan and analyse it with the app's settings, as of `now` (naive UTC).

    Without `now`, the analysis is of the present: this process's analysis, brought
    up to date with what changed since (see the module's docstring), is reused for
    up to ANALYSIS_REUSE_SECONDS (the window also bounds how late a newly stale item
    may show); with `now`, or with ANALYSIS_REUSE_SECONDS at 0, the whole plan is
    loaded and analysed."""
    settings = analysis_settings()
    if now is not None:
        return analyze(load_snapshot(), now, settings)
    moment = utcnow()
    window = current_app.config["ANALYSIS_REUSE_SECONDS"]
    if window <= 0:
        return analyze(load_snapshot(), moment, settings)
    return plan_cache().present(moment, window, settings)
