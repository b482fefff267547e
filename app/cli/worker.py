"""`flask worker`: run the jobs (webhook deliveries, the conflict check, the weekly
snapshot) and the periodic tick."""

from __future__ import annotations

import threading
from datetime import UTC

import click
from flask import current_app

from app import jobs
from app.clock import sleep, utcnow
from app.jobs import TICK_SECONDS
from app.jobs.periodic import tick

TICK_JOB = "app.jobs.periodic:tick"


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
def worker_command(burst: bool) -> None:
    """Run jobs until stopped (Ctrl-C).

    With REDIS_URL: an RQ worker of the JOB_QUEUE queue, with RQ's scheduler for
    jobs due later, and the periodic tick once a minute (one worker enqueues it
    each minute, however many run). Without it: the tick and its jobs in this
    process, as the app's own thread would run them.
    """
    app = current_app._get_current_object()
    runner = jobs.runner(app)
    if runner.kind == "rq":
        _rq_worker(app, runner, burst)
    elif burst:
        tick()
        if runner.kind == "thread":
            runner.start()
            while not runner.idle():
                sleep(0.1)
            runner.stop()
        click.echo("Ran the jobs due now.")
    else:
        click.echo(f"Running jobs in this process (no REDIS_URL), ticking every {TICK_SECONDS} s.")
        runner.start(tick=True)
        try:
            while True:
                sleep(3600)
        except KeyboardInterrupt:
            runner.stop()


def _rq_worker(app, runner, burst: bool) -> None:
    from rq import SimpleWorker

    jobs._worker_app = app
    queue = runner.queue()
    if burst:
        runner.enqueue(TICK_JOB, ())
    else:
        threading.Thread(target=_ticker, args=(runner,), name="ticker", daemon=True).start()
    # Jobs run in this process (no fork per job): its analysis of the plan stays warm.
    worker = SimpleWorker([queue], connection=runner.connection)
    worker.work(burst=burst, with_scheduler=not burst)


def _ticker(runner) -> None:
    """Enqueue the tick once a minute; a key in Redis lets one worker do it per minute."""
    connection = runner.connection
    while True:
        now = utcnow().replace(tzinfo=UTC).timestamp()
        minute = int(now // TICK_SECONDS)
        if connection.set(f"{runner.app.config['JOB_QUEUE']}:tick:{minute}", 1, nx=True, ex=600):
            runner.enqueue(TICK_JOB, ())
        sleep(TICK_SECONDS - now % TICK_SECONDS + 0.5)
