"""Jobs: work that must not run inside a request (webhook deliveries, the weekly
snapshot), behind one small interface.

``enqueue("app.webhooks.delivery:deliver", delivery_id)`` runs a function, named
by its import path, with plain arguments, soon or ``at`` a moment (naive UTC). A
job carries only ids: what it works on is in the database, so a job that is lost
(a worker killed mid-job) loses nothing that the periodic sweep
(app.jobs.periodic) does not find again.

Which runner runs it depends on the configuration (``JOB_RUNNER``):

- ``rq``, the default with REDIS_URL: jobs go to a Redis queue, run by
  ``flask worker`` (RQ, with its scheduler for jobs due later); a job that raises
  is retried (RQ's Retry) and logged.
- ``thread``, the default without REDIS_URL (``make run``): a background thread of
  the app process runs them, with the same retries, and runs the periodic tick
  once a minute while the app serves.
- ``manual`` (the tests): jobs are only listed, for ``run_queued()`` to run in
  the caller's app context.
"""

from __future__ import annotations

import heapq
import importlib
import itertools
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_app_context

from app.clock import utcnow

log = logging.getLogger(__name__)

# Seconds between the retries of a job that raised (not of a failed delivery: a
# delivery that gets an error answer is a job that succeeded; see app.webhooks).
RETRY_INTERVALS = (10, 60, 300)
TICK_SECONDS = 60
EXTENSION = "jobs"

# The app that `flask worker` runs jobs for, when a job runs outside its context.
_worker_app: Flask | None = None


def resolve(path: str) -> Callable[..., Any]:
    """The function named ``module:function``."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def perform(path: str, *args: Any) -> Any:
    """Run one job in an app context of its own (and so a database session of its
    own). What every runner calls."""
    app = current_app._get_current_object() if has_app_context() else _worker_app
    if app is None:
        raise RuntimeError("no app to run the job in: start it with `flask worker`")
    with app.app_context():
        return resolve(path)(*args)


def enqueue(path: str, *args: Any, job_id: str | None = None, at: datetime | None = None) -> None:
    """Run ``path`` (``module:function``) with ``args`` as a job, now or at ``at``."""
    runner(current_app).enqueue(path, args, job_id=job_id, at=at)


def runner(app: Flask) -> Runner:
    return app.extensions[EXTENSION]


def init_app(app: Flask) -> None:
    kind = app.config.get("JOB_RUNNER") or ("rq" if app.config.get("REDIS_URL") else "thread")
    runners = {"rq": RQRunner, "thread": ThreadRunner, "manual": ManualRunner}
    if kind not in runners:
        raise RuntimeError(f"JOB_RUNNER must be one of {', '.join(runners)}, got {kind!r}")
    app.extensions[EXTENSION] = runners[kind](app)
    if kind == "thread":

        @app.before_request
        def _start_ticking() -> None:
            app.extensions[EXTENSION].start(tick=True)


class Runner(ABC):
    """Runs the jobs of one app: each kind below says how."""

    kind = ""

    def __init__(self, app: Flask) -> None:
        self.app = app

    @abstractmethod
    def enqueue(
        self, path: str, args: tuple, *, job_id: str | None = None, at: datetime | None = None
    ) -> None:
        """Run ``path(*args)`` as a job, now or ``at`` a moment."""


# -- RQ -------------------------------------------------------------------------------


class RQRunner(Runner):
    """Jobs on Redis, for `flask worker` (RQ) to run."""

    kind = "rq"

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self._redis = None

    @property
    def connection(self):
        if self._redis is None:
            from redis import Redis

            self._redis = Redis.from_url(self.app.config["REDIS_URL"])
        return self._redis

    def queue(self):
        from rq import Queue

        return Queue(self.app.config["JOB_QUEUE"], connection=self.connection)

    def enqueue(self, path, args, *, job_id=None, at=None):
        from rq import Retry

        options = {
            "job_id": job_id,
            "retry": Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
            "description": f"{path}{args!r}",
            "result_ttl": 3600,
            "failure_ttl": 7 * 86400,
        }
        queue = self.queue()
        if at is not None and at > utcnow():
            queue.enqueue_at(at.replace(tzinfo=UTC), perform, path, *args, **options)
        else:
            queue.enqueue(perform, path, *args, **options)


# -- A thread of the app process ------------------------------------------------------


@dataclass(order=True)
class _Entry:
    due: datetime
    seq: int
    path: str = field(compare=False)
    args: tuple = field(compare=False)
    tries: int = field(default=0, compare=False)


class ThreadRunner(Runner):
    """Jobs in a background thread of this process, kept only in its memory: what
    another process needs is in the database, where the periodic sweep finds it
    (a job lost when the process stops is found again by the next process's sweep)."""

    kind = "thread"

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._ticking = False
        self._stopping = False

    def start(self, tick: bool = False) -> None:
        with self._wake:
            if tick and not self._ticking:
                self._ticking = True
                self._push("app.jobs.periodic:tick", (), utcnow())
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name="jobs", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 5) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def idle(self) -> bool:
        """No job due now (jobs due later may wait)."""
        with self._wake:
            return not self._busy and not any(e.due <= utcnow() for e in self._heap)

    _busy = False

    def _push(self, path: str, args: tuple, due: datetime, tries: int = 0) -> None:
        heapq.heappush(self._heap, _Entry(due, next(self._seq), path, args, tries))
        self._wake.notify_all()

    def enqueue(self, path, args, *, job_id=None, at=None):
        with self._wake:
            self._push(path, tuple(args), at or utcnow())
        self.start()

    def _next(self) -> _Entry | None:
        with self._wake:
            while not self._stopping:
                if self._heap and self._heap[0].due <= utcnow():
                    self._busy = True
                    return heapq.heappop(self._heap)
                wait = 1.0
                if self._heap:
                    wait = min(wait, max((self._heap[0].due - utcnow()).total_seconds(), 0.01))
                self._wake.wait(wait)
            return None

    def _run(self) -> None:
        while (entry := self._next()) is not None:
            try:
                with self.app.app_context():
                    resolve(entry.path)(*entry.args)
            except Exception:
                self._failed(entry)
            finally:
                with self._wake:
                    self._busy = False
                    if entry.path == "app.jobs.periodic:tick":
                        self._push(entry.path, (), utcnow() + timedelta(seconds=TICK_SECONDS))

    def _failed(self, entry: _Entry) -> None:
        if entry.tries < len(RETRY_INTERVALS) and entry.path != "app.jobs.periodic:tick":
            delay = RETRY_INTERVALS[entry.tries]
            log.exception("job %s%r failed; retrying in %ss", entry.path, entry.args, delay)
            with self._wake:
                self._push(
                    entry.path, entry.args, utcnow() + timedelta(seconds=delay), entry.tries + 1
                )
        else:
            log.exception("job %s%r failed", entry.path, entry.args)


# -- Tests ----------------------------------------------------------------------------


class ManualRunner(Runner):
    """Jobs listed, not run: ``run_queued()`` runs those due, in the caller's
    app context."""

    kind = "manual"

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self.queued: list[tuple[str, tuple, datetime | None]] = []
        self._lock = threading.Lock()

    def enqueue(self, path, args, *, job_id=None, at=None):
        with self._lock:
            self.queued.append((path, tuple(args), at))

    def run_queued(self) -> int:
        """Run the jobs due now (and those they enqueue); jobs due later stay. The
        number run."""
        ran = 0
        while True:
            with self._lock:
                now = utcnow()
                due = [job for job in self.queued if job[2] is None or job[2] <= now]
                self.queued = [job for job in self.queued if job not in due]
            if not due:
                return ran
            for path, args, _at in due:
                resolve(path)(*args)
                ran += 1

    def clear(self) -> None:
        with self._lock:
            self.queued.clear()
