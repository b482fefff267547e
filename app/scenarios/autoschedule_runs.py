"""Auto-scheduling a scenario as a job, with its progress in the database.

``start_run`` (a planner's POST) adds an ``AutoscheduleRun`` row, queued, and
enqueues ``run_autoschedule(run_id)`` once the request has committed; it refuses
while the scenario has a run queued or running, and when the scenario changed
after the page that asked was loaded. The job claims the run as the other jobs
claim their rows (``app.jobs.leases.claim_attempt``: one UPDATE that counts the
attempt and pushes ``next_attempt_at`` forward by LEASE, committed), runs
``operations.autoschedule_scenario`` and writes its progress now and then: at
most once a second, and only when at least 1% more is done, each write renewing
the lease. The moves and the run's outcome are committed together; a failure
records its message and nothing else (the job does not raise, so it is not
retried). Every write of an attempt names its attempt number, so an attempt
that was given up on (its lease ran out, another took over) changes nothing.

``sweep_runs()``, a part of the periodic tick, finds what a lost job left: a run still
queued (the job never ran) or running with its lease run out (the worker was
killed) is enqueued again, up to ATTEMPTS attempts in all; after those, it fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import jobs
from app.alignment.collector import collector_paused
from app.alignment.text import plural
from app.clock import utcnow
from app.extensions import db
from app.jobs.after_commit import enqueue_after_commit
from app.jobs.leases import claim_attempt
from app.models import Period, Scenario, User
from app.models.autoschedule_run import ACTIVE_STATES, AutoscheduleRun
from app.models.webhook import ERROR_MAX
from app.planning.schedule import periods_in_order
from app.scenarios import operations
from app.scenarios.operations import ScenarioError, ScenarioStale

log = logging.getLogger(__name__)

RUN_JOB = "app.scenarios.autoschedule_runs:run_autoschedule"
# Longer than any stretch without a progress write (reading a 50,000-item plan
# takes seconds; the exact solver stops after 10 s).
LEASE = timedelta(minutes=5)
ATTEMPTS = 2
PROGRESS_EVERY = timedelta(seconds=1)
PROGRESS_STEP = 100  # a write needs at least 1/PROGRESS_STEP of the total more done
RUN_KEEP = timedelta(days=7)  # finished runs older than this go when a run starts
SWEEP_MOST = 100

STOPPED = (
    "The run stopped before it finished, twice: its worker was stopped, or ran out "
    "of time or memory. Nothing was recorded in the scenario; start it again."
)
CRASHED = (
    "The auto-scheduler stopped with an error (it is in the log). Nothing was "
    "recorded in the scenario; start it again, and tell an admin if it fails again."
)


class RunAlreadyActive(ScenarioError):
    """The scenario has a run queued or running: ``run`` is that one."""

    def __init__(self, run: AutoscheduleRun, scenario: Scenario) -> None:
        super().__init__(
            f"Scenario {scenario.name} is being auto-scheduled already (started "
            f"{run.created_at:%H:%M} UTC): wait for that run to finish, then start another."
        )
        self.run = run


def latest_run(scenario: Scenario) -> AutoscheduleRun | None:
    """The scenario's newest run, if any."""
    return db.session.scalar(
        select(AutoscheduleRun)
        .where(AutoscheduleRun.scenario_id == scenario.id)
        .order_by(AutoscheduleRun.id.desc())
        .limit(1)
    )


def _active_run(scenario: Scenario) -> AutoscheduleRun | None:
    return db.session.scalar(
        select(AutoscheduleRun).where(
            AutoscheduleRun.scenario_id == scenario.id,
            AutoscheduleRun.state.in_(ACTIVE_STATES),
        )
    )


def start_run(
    scenario: Scenario,
    *,
    pin: str,
    horizon: Period | None,
    expected_version: int,
    actor: User | None,
) -> AutoscheduleRun:
    """Queue an auto-scheduling of ``scenario`` as loaded at ``expected_version``;
    the job is enqueued when the caller's transaction commits. Flushes, never
    commits. Raises ScenarioStale or RunAlreadyActive, writing nothing."""
    if expected_version != scenario.version:
        raise ScenarioStale(
            f"Scenario {scenario.name} was changed after you opened this page: nothing "
            "was started. Look at it again, then auto-schedule it."
        )
    running = _active_run(scenario)
    if running is not None:
        raise RunAlreadyActive(running, scenario)
    now = utcnow()
    db.session.execute(
        delete(AutoscheduleRun).where(
            AutoscheduleRun.state.not_in(ACTIVE_STATES),
            AutoscheduleRun.created_at < now - RUN_KEEP,
        )
    )
    run = AutoscheduleRun(
        scenario_id=scenario.id,
        state="queued",
        pin=pin,
        horizon_period_id=horizon.id if horizon is not None else None,
        scenario_version=scenario.version,
        requested_by_id=actor.id if actor is not None else None,
        created_at=now,
        next_attempt_at=now,
    )
    savepoint = db.session.begin_nested()
    try:
        db.session.add(run)
        db.session.flush()
    except IntegrityError:  # a run started by someone else a moment ago
        savepoint.rollback()
        running = _active_run(scenario)
        if running is None:
            raise
        raise RunAlreadyActive(running, scenario) from None
    savepoint.commit()
    enqueue_after_commit(db.session, RUN_JOB, run.id)
    return run


# -- The job ---------------------------------------------------------------------------


class _Superseded(Exception):
    """This attempt is no longer the run's (or the run is gone): stop, write nothing."""


def _due(now: datetime):
    return (
        AutoscheduleRun.state.in_(ACTIVE_STATES),
        AutoscheduleRun.next_attempt_at <= now,
    )


def _write(run_id: int, number: int, **values) -> bool:
    """Set ``values`` on the run if attempt ``number`` still has it."""
    result = db.session.execute(
        update(AutoscheduleRun)
        .where(
            AutoscheduleRun.id == run_id,
            AutoscheduleRun.attempts == number,
            AutoscheduleRun.state.in_(ACTIVE_STATES),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


class _Progress:
    """``progress(done, total)`` for the scheduler: writes (and commits) the run's
    progress at most every PROGRESS_EVERY and only for at least 1/PROGRESS_STEP of
    the total more, renewing the lease each time; the last step always. The
    scheduler reports while it works out the placement, before
    ``autoschedule_scenario`` writes anything, so the commit holds only this."""

    def __init__(self, run_id: int, number: int, started: datetime) -> None:
        self.run_id, self.number = run_id, number
        self.at, self.done = started, 0
        self.total: int | None = None

    def __call__(self, done: int, total: int) -> None:
        now = utcnow()
        self.total = total
        if done < total and (
            now - self.at < PROGRESS_EVERY or (done - self.done) * PROGRESS_STEP < total
        ):
            return
        if not _write(
            self.run_id, self.number, done=done, total=total, next_attempt_at=now + LEASE
        ):
            db.session.rollback()
            raise _Superseded
        db.session.commit()
        self.at, self.done = now, done


def _horizon_index(run: AutoscheduleRun) -> int | None:
    if run.horizon_period_id is None:
        return None
    ids = [period.id for period in periods_in_order()]
    if run.horizon_period_id not in ids:
        raise ScenarioError(
            "The latest period chosen for this run has been deleted since. Nothing was "
            "recorded; choose another and start again."
        )
    return ids.index(run.horizon_period_id)


def run_autoschedule(run_id: int) -> str | None:
    """One attempt at the run, if it is due: its state after (None when there was
    nothing to do, or the attempt was given up on)."""
    now = utcnow()
    number = claim_attempt(
        AutoscheduleRun, run_id, (*_due(now), AutoscheduleRun.attempts < ATTEMPTS), now, LEASE
    )
    if number is None:
        return None
    started = utcnow()
    if not _write(run_id, number, state="running", started_at=started, done=0, total=None):
        db.session.rollback()
        return None
    db.session.commit()
    run = db.session.get(AutoscheduleRun, run_id)
    progress = _Progress(run_id, number, started)
    try:
        if run.scenario.version != run.scenario_version:
            raise ScenarioStale("changed before the run started")  # no need to schedule
        horizon = _horizon_index(run)
        with collector_paused():
            schedule = operations.autoschedule_scenario(
                run.scenario,
                pin=run.pin,
                horizon=horizon,
                progress=progress,
                expected_version=run.scenario_version,
            )
    except _Superseded:
        db.session.rollback()
        return None
    except ScenarioStale:
        db.session.rollback()
        return _failed(
            run_id,
            number,
            "The scenario was changed while this run waited or ran, so its moves (worked "
            "out on the scenario as it was) were not recorded. Start it again.",
        )
    except ScenarioError as error:
        db.session.rollback()
        return _failed(run_id, number, str(error))
    except Exception:
        db.session.rollback()
        log.exception("auto-scheduling run %s failed", run_id)
        return _failed(run_id, number, CRASHED)
    finished = _write(
        run_id,
        number,
        state="done",
        finished_at=utcnow(),
        done=progress.total or 0,
        total=progress.total,
        next_attempt_at=None,
        moves=len(schedule.moves),
        feasible=schedule.feasible,
        solver=schedule.solver,
        why=list(schedule.why),
        broken=[{"kind": b.kind, "text": b.text} for b in schedule.broken],
    )
    if not finished:
        db.session.rollback()
        return None
    db.session.commit()
    return "done"


def _failed(run_id: int, number: int, message: str) -> str | None:
    if not _write(
        run_id,
        number,
        state="failed",
        finished_at=utcnow(),
        next_attempt_at=None,
        error=message[:ERROR_MAX],
    ):
        db.session.rollback()
        return None
    db.session.commit()
    return "failed"


def sweep_runs() -> int:
    """Fail the runs whose every attempt stopped midway; enqueue the others that a
    lost job left (still queued, or running with the lease run out). The periodic
    tick's part; how many were enqueued."""
    now = utcnow()
    db.session.execute(
        update(AutoscheduleRun)
        .where(*_due(now), AutoscheduleRun.attempts >= ATTEMPTS)
        .values(state="failed", finished_at=now, next_attempt_at=None, error=STOPPED)
        .execution_options(synchronize_session=False)
    )
    found = list(
        db.session.scalars(
            select(AutoscheduleRun.id)
            .where(*_due(now), AutoscheduleRun.attempts < ATTEMPTS)
            .order_by(AutoscheduleRun.next_attempt_at, AutoscheduleRun.id)
            .limit(SWEEP_MOST)
        )
    )
    db.session.commit()
    for run_id in found:
        jobs.enqueue(RUN_JOB, run_id)
    return len(found)


# -- In words --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunView:
    """A run as its page and its JSON show it."""

    run: AutoscheduleRun
    percent: int | None  # None: not known yet (queued, or the plan still being read)
    text: str
    stalled: bool  # running, yet its lease has run out: the worker may be gone

    def as_dict(self) -> dict:
        run = self.run
        return {
            "id": run.id,
            "scenario": run.scenario_id,
            "state": run.state,
            "done": run.done,
            "total": run.total,
            "percent": self.percent,
            "text": self.text,
            "stalled": self.stalled,
            "outcome": None
            if run.state != "done"
            else {
                "moves": run.moves,
                "feasible": run.feasible,
                "solver": run.solver,
                "why": run.why or [],
                "broken": run.broken or [],
            },
            "error": run.error,
        }


def run_view(run: AutoscheduleRun, scenario: Scenario) -> RunView:
    now = utcnow()
    percent = None
    if run.state in ("done", "failed"):
        percent = 100 if run.state == "done" else None
    elif run.state == "running" and run.total:
        percent = min(99, 100 * run.done // run.total)
    stalled = (
        run.state == "running" and run.next_attempt_at is not None and run.next_attempt_at < now
    )
    return RunView(run, percent, _text(run, scenario), stalled)


def _text(run: AutoscheduleRun, scenario: Scenario) -> str:
    """The run's state in a sentence (how far it has got is ``percent``'s)."""
    if run.state == "queued":
        return f"Waiting for a worker to start it (queued at {run.created_at:%H:%M:%S} UTC)."
    if run.state == "running":
        if not run.total:
            return "Running: reading the scenario's plan…"
        if run.done >= run.total:
            return "Running: recording the moves in the scenario…"
        return "Running: placing the items…"
    if run.state == "failed":
        return f"Failed: {run.error}"
    moved = plural(run.moves or 0, "item")
    if run.feasible:
        return f"Done: moved {moved}; every dependency, capacity and pin holds."
    return (
        f"Done: no placement meets every constraint. Scenario {scenario.name} now holds "
        f"the one that breaks the fewest ({moved} moved)."
    )
