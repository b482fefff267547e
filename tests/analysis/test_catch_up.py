"""Another worker catches up: a second app on the same database, at the revision it
last analysed, reads the change log and only the rows it names, and ends with the
analysis that a full load of the plan gives.

Each test has a scratch database (a file for SQLite, a throwaway database for
PostgreSQL) with a synthetic plan, and two apps on it, as two worker processes
would be: ``writer`` makes and commits the edits, ``worker`` catches up.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, func, select

from app import create_app
from app.alignment import analyze
from app.alignment.equality import equal_analyses
from app.audit import acting_as
from app.clock import utcnow
from app.dashboard.operations import decide, withdraw
from app.extensions import db as _db
from app.models import ConflictDecision, Dependency, Item, Period, PlanChange, Team, User
from app.plan_io import import_plan
from app.plan_store import analysis_settings, analyze_plan, load_snapshot, plan_cache
from app.planning.capacity import CellState, capacity_cells, save_capacities
from app.planning.dependency_operations import (
    add_dependency,
    answer_request,
    remove_dependency,
    update_dependency,
)
from app.planning.operations import delete_item, update_item
from app.seed.scale import build_scale_plan
from app.status.operations import RowInput, write_rows
from app.weeks import iso_week
from config import TestingConfig

# Reading the revision, the log, then at most items (with their newest update),
# dependencies, teams and their capacities, and decisions.
MOST_STATEMENTS = 7


@pytest.fixture(scope="module")
def workers_database(scratch_database):
    with scratch_database("catch_up") as url:
        yield url


@pytest.fixture
def workers(workers_database):
    """``(writer, worker)``: two apps on a scratch database holding a synthetic plan
    of 300 items, the worker having analysed it once."""

    class WorkerConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = workers_database
        ANALYSIS_REUSE_SECONDS = 600

    writer, worker = create_app(WorkerConfig), create_app(WorkerConfig)
    with writer.app_context():
        _db.drop_all()
        _db.create_all()
        with acting_as(None, "test"):
            import_plan(build_scale_plan(300, 7))
        _db.session.add(User(email="p@example.com", name="P", role="planner", password_hash="-"))
        _db.session.commit()
    with worker.app_context():
        analyze_plan()
        assert plan_cache().last == "loaded"
    try:
        yield writer, worker
    finally:
        for app in (writer, worker):
            with app.app_context():
                _db.session.remove()
                _db.engine.dispose()


@contextmanager
def counted(app):
    """Count the statements that ``app`` sends to its database (not counting the
    BEGIN that starts a transaction on SQLite)."""

    class Counter:
        n = 0
        statements: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            Counter.n += 1
            Counter.statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield Counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def edit(writer, change) -> None:
    with writer.app_context(), acting_as(None, "test"):
        change()
        _db.session.commit()


def caught_up(worker):
    """The worker's analysis after catching up, checked against a full analysis."""
    with worker.app_context():
        with counted(worker) as statements:
            analysis = analyze_plan()
        how = plan_cache().last
        full = analyze(load_snapshot(), analysis.now, analysis_settings())
        assert equal_analyses(analysis, full) == []
        return how, statements.n, analysis


def first(model, *where, order_by=None):
    return _db.session.scalars(
        select(model).where(*where).order_by(order_by if order_by is not None else model.id)
    ).first()


def _item_edit():
    item = first(Item, Item.start_period_id.is_not(None), Item.status != "done")
    changes = {"priority": 0, "estimate": (item.estimate or 0) + 1}
    update_item(item, changes, expected_version=item.version)


def _move():
    periods = _db.session.scalars(select(Period).order_by(Period.start_date)).all()
    needed = select(Dependency.dependency_id)
    item = first(Item, Item.id.in_(needed), Item.start_period_id.is_not(None))
    update_item(item, {"start": periods[-2], "end": periods[-1]}, expected_version=item.version)


def _status_and_health():
    item = first(Item, Item.id.in_(select(Dependency.dependency_id)))
    update_item(
        item, {"health": "off_track", "status": "in_progress"}, expected_version=item.version
    )


def _team_change():
    item = first(Item)
    other = first(Team, Team.id != item.team_id)
    item.team_id = other.id


def _dependency_add():
    dependent = first(Item, Item.start_period_id.is_not(None), order_by=Item.id.desc())
    taken = select(Dependency.dependency_id).where(Dependency.dependent_id == dependent.id)
    needers = select(Dependency.dependent_id)
    dependency = first(
        Item, Item.id.not_in(taken), Item.id.not_in(needers), Item.id != dependent.id
    )
    add_dependency(dependent, dependency, commitment="committed")


def _dependency_edit():
    dep = first(Dependency)
    last = _db.session.scalars(select(Period).order_by(Period.start_date.desc())).first()
    update_dependency(dep, needed_by=last, expected_version=dep.version)
    answer_request(dep, "declined", "No room.", expected_version=dep.version)


def _dependency_remove():
    dep = first(Dependency)
    remove_dependency(dep, expected_version=dep.version)


def _item_remove():
    item = first(Item, Item.id.in_(select(Dependency.dependency_id)))
    delete_item(item, expected_version=item.version)


def _capacity_cell():
    team = first(Team)
    period = _db.session.scalars(select(Period).order_by(Period.start_date)).first()
    cells = capacity_cells()
    loaded = {(team.id, period.id): cells.get((team.id, period.id), CellState(None, None))}
    save_capacities({(team.id, period.id): 1.0}, loaded)


def _team_default():
    team = first(Team)
    save_capacities({(team.id, None): 0.5}, capacity_cells())


def _status_update():
    item = first(Item, Item.status.in_(("committed", "in_progress")))
    author = first(User)
    row = RowInput(
        key=item.key, health="at_risk", status="in_progress", progress=50, note="Slipping.",
        no_change=False, last_update_id=0, was_health=item.health, was_status=item.status,
        was_progress=None,
    )  # fmt: skip
    now = utcnow()
    write_rows([(item, row)], author=author, submission="s-1", now=now, week=iso_week(now))


def _decision_add():
    fingerprint = analyze_plan().conflicts[0].fingerprint
    decide(fingerprint, "accepted", "Known.", actor=first(User))


EDITS = {
    "item edit": _item_edit,
    "move": _move,
    "status and health": _status_and_health,
    "team change": _team_change,
    "dependency add": _dependency_add,
    "dependency edit": _dependency_edit,
    "dependency remove": _dependency_remove,
    "item remove": _item_remove,
    "capacity cell": _capacity_cell,
    "team default": _team_default,
    "status update": _status_update,
    "decision add": _decision_add,
}


@pytest.mark.parametrize("kind", EDITS)
def test_a_worker_catches_up_on_one_edit_by_reading_what_changed(workers, kind):
    writer, worker = workers
    edit(writer, EDITS[kind])
    how, statements, _analysis = caught_up(worker)
    assert how == "caught_up"
    assert statements <= MOST_STATEMENTS
    # Caught up: the next request reads the revision and nothing else.
    with worker.app_context(), counted(worker) as again:
        analyze_plan()
    assert again.n == 1


def test_a_worker_catches_up_on_a_withdrawn_decision(workers):
    writer, worker = workers
    edit(writer, _decision_add)
    assert caught_up(worker)[0] == "caught_up"
    with writer.app_context():
        fingerprint = _db.session.scalar(select(ConflictDecision.fingerprint))
    edit(writer, lambda: withdraw(fingerprint))
    how, statements, analysis = caught_up(worker)
    assert how == "caught_up" and statements <= MOST_STATEMENTS
    assert all(c.state == "open" for c in analysis.conflicts if c.fingerprint == fingerprint)


def test_a_worker_catches_up_on_many_edits_at_once(workers):
    writer, worker = workers
    for change in EDITS.values():
        edit(writer, change)
    how, statements, _analysis = caught_up(worker)
    assert how == "caught_up"
    assert statements <= MOST_STATEMENTS


def test_a_period_edit_reloads_the_plan(workers):
    writer, worker = workers

    def rename():
        period = first(Period)
        period.name = "Renamed"

    edit(writer, rename)
    assert caught_up(worker)[0] == "loaded"


def test_a_plan_import_reloads_the_plan(workers):
    writer, worker = workers
    edit(writer, lambda: import_plan(build_scale_plan(120, 3), replace=True))
    assert caught_up(worker)[0] == "loaded"


def test_a_worker_further_behind_than_the_log_keeps_reloads(workers, monkeypatch):
    from app import plan_store

    monkeypatch.setattr(plan_store, "LOG_KEEPS", 3)
    monkeypatch.setattr(plan_store, "PRUNE_EVERY", 2)
    writer, worker = workers
    for _ in range(3):
        edit(writer, _item_edit)
        edit(writer, _dependency_edit)
    with writer.app_context():
        assert _db.session.scalar(select(func.count()).select_from(PlanChange)) <= 5
    assert caught_up(worker)[0] == "loaded"
    # Within what the log keeps, it catches up again.
    edit(writer, _item_edit)
    assert caught_up(worker)[0] == "caught_up"


def test_a_worker_too_far_behind_reloads(workers, monkeypatch):
    from app import plan_store

    monkeypatch.setattr(plan_store, "CATCH_UP_MOST", 2)
    writer, worker = workers
    edit(writer, _item_edit)
    edit(writer, _dependency_edit)
    edit(writer, _capacity_cell)
    assert caught_up(worker)[0] == "loaded"


def test_a_rolled_back_change_is_never_kept(workers):
    """The writer analyses its own change before it rolls back; a commit then takes
    the same revision number. Neither worker is misled by the number."""
    writer, worker = workers
    with writer.app_context():
        analyze_plan()
        _item_edit()
        _db.session.flush()
        analyze_plan()  # of the change, not yet committed
        _db.session.rollback()
    edit(writer, _team_default)
    for app in (writer, worker):
        how, _statements, _analysis = caught_up(app)
        assert how == "caught_up"


def test_the_writer_catches_up_on_its_own_commit(workers):
    writer, _worker = workers
    with writer.app_context():
        analyze_plan()
    edit(writer, _move)
    assert caught_up(writer)[0] == "caught_up"


def test_a_new_window_reanalyses_without_reloading(workers, time_machine):
    writer, worker = workers
    time_machine.move_to(date(2026, 11, 19), tick=False)
    edit(writer, _item_edit)
    how, statements, analysis = caught_up(worker)
    assert how == "caught_up"
    assert analysis.now.date() == date(2026, 11, 19)


def test_a_second_writer_waits_for_the_first_so_numbers_follow_commit_order(workers):
    """While one transaction holds a change, another writer waits on the revision
    row: it cannot take a number, let alone commit one, before the first commits."""
    writer, worker = workers
    done = threading.Event()

    def second():
        edit(writer, _team_default)
        done.set()

    with writer.app_context():
        _item_edit()
        _db.session.flush()
        mine = _db.session.scalar(select(func.max(PlanChange.id)))
        thread = threading.Thread(target=second)
        thread.start()
        assert not done.wait(0.5)
        _db.session.commit()
    thread.join(10)
    assert done.is_set()
    with writer.app_context():
        entries = _db.session.execute(select(PlanChange.id, PlanChange.kind)).all()
    assert sorted(entries)[-2:] == [(mine, "item"), (mine + 1, "team")]
    assert caught_up(worker)[0] == "caught_up"
