"""What every measurement uses: the `flask` command on a database, a fresh
PostgreSQL schema, median timings, and a test client signed in as a bench user."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def flask(database_url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_CONFIG": "DevelopmentConfig"}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def bench_app(database_url: str, **settings):
    """The app on ``database_url`` (a URL as ``DATABASE_URL`` takes it) as the bench
    measures it: development settings, no CSRF (the test client posts without a
    page first), a rate limit that never refuses, and jobs run only when asked, so
    that no periodic tick competes with the timings. ``settings`` override."""
    import config
    from app import create_app

    values = {
        "SQLALCHEMY_DATABASE_URI": config._database_url(database_url),
        "WTF_CSRF_ENABLED": False,
        "API_RATE_LIMIT": "1000000/minute",
        "JOB_RUNNER": "manual",
        **settings,
    }
    return create_app(type("BenchConfig", (config.DevelopmentConfig,), values))


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from config import _database_url

    engine = create_engine(_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def median_time(fn, runs: int) -> tuple[float, object]:
    """The median wall-clock seconds of `runs` calls of `fn`, and its last result.
    Each run's result is freed before the next run starts, outside the timing, so
    that no run pays for throwing away the one before (a fresh worker has nothing
    to throw away)."""
    times = []
    result = None
    for _ in range(runs):
        result = None
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bench_user(email: str, role: str):
    """The user ``email``, made with ``role`` when missing (in the app context)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name="Bench", role=role, password_hash="-")
        db.session.add(user)
        db.session.flush()
    return user


def signed_in_client(app, email: str, role: str):
    """A test client signed in as the user `email`, made with `role` when missing."""
    from app.auth.operations import start_session
    from app.extensions import db

    with app.app_context():
        token = start_session(bench_user(email, role))
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def get_ok(client, url: str) -> None:
    """GET `url`; anything but a 200 stops the benchmark."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")


def page_seconds(client, url: str, runs: int) -> float:
    """The median seconds of GET `url`, after one request to warm up."""
    get_ok(client, url)
    seconds, _result = median_time(lambda: get_ok(client, url), runs)
    return seconds
