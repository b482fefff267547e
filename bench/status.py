"""How long My week takes to render and to save for a team with 40 active items.

Builds a database (the demo organisation, or `--items N` of the synthetic scale
plan), adds a team of 40 items in progress, each with eight weeks of updates and
needed by other teams' work, signs its contributor in on the test client and
measures whole requests (routing, sign-in, queries, analysis, template), as
medians over several runs: wall-clock time, and the CPU time of this process
(which leaves out a PostgreSQL server's own work, and is steadier on a busy
machine). A save changes every one of the 40 rows.

    python -m bench.status [--runs 15] [--items 5000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from bench.harness import bench_app, flask, reset_postgres, signed_in_client

ROWS = 40
EMAIL = "bench.contributor@example.com"


class _Fields(HTMLParser):
    """The weekly form's fields, as a browser sends them (checkboxes unticked)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") != "checkbox":
            self.fields[name] = a.get("value") or ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a["value"]
        elif tag == "textarea" and name:
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _add_team(db, now) -> None:
    from sqlalchemy import select

    from app.admin.operations import create_user
    from app.models import Dependency, Item, Period, StatusUpdate, Team
    from app.weeks import iso_week

    period = db.session.scalar(
        select(Period).where(Period.start_date <= now.date(), Period.end_date >= now.date())
    )
    team = Team(slug="bench", name="Bench Team", kind="platform", default_capacity=400)
    db.session.add(team)
    db.session.flush()
    needers = db.session.scalars(
        select(Item.id).where(Item.status.in_(("proposed", "committed"))).limit(3 * ROWS)
    ).all()
    for n in range(1, ROWS + 1):
        item = Item(
            key=f"BENCH-{n}", team_id=team.id, title=f"Bench item {n}", priority=n % 4,
            start_period_id=period.id, end_period_id=period.id, estimate=3,
            status="in_progress", health="on_track", created_at=now - timedelta(days=90),
        )  # fmt: skip
        db.session.add(item)
        db.session.flush()
        for week in range(8):
            at = now - timedelta(days=7 * week + 2)
            db.session.add(
                StatusUpdate(
                    item_id=item.id, week=iso_week(at), health="on_track", status="in_progress",
                    progress=80 - 10 * week, note=f"Week {week} note", author="someone@example.com",
                    at=at,
                )
            )  # fmt: skip
        for needer in needers[3 * (n - 1) : 3 * n]:
            db.session.add(Dependency(dependent_id=needer, dependency_id=item.id))
    team.item_seq = ROWS
    create_user(email=EMAIL, role="contributor", password="bench-password-1234", teams=[team])
    db.session.commit()


def _median(times: list[float]) -> float:
    return round(statistics.median(times) * 1000, 1)


def measure(database_url: str, items: int | None, runs: int) -> dict:
    from sqlalchemy import event, select

    from app.clock import utcnow
    from app.extensions import db
    from app.models import Item

    flask(database_url, "db", "upgrade")
    if items:
        flask(database_url, "seed", "scale", "--items", str(items), "--seed", "1")
    else:
        flask(database_url, "seed", "demo")

    app = bench_app(database_url)
    with app.app_context():
        _add_team(db, utcnow())
        plan_items = db.session.scalar(select(db.func.count()).select_from(Item))
        db.session.remove()
    client = signed_in_client(app, EMAIL, "contributor")

    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))

    def timed(call, cpu):
        statements.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = call()
        cpu.append(time.process_time() - started_cpu)
        return time.perf_counter() - started, response, len(statements)

    render, save, render_cpu, save_cpu = [], [], [], []
    render_queries = save_queries = 0
    for run in range(runs):
        seconds, page, render_queries = timed(lambda: client.get("/status/my-week"), render_cpu)
        assert page.status_code == 200 and page.text.count('name="rows-') >= ROWS * 9
        render.append(seconds)
        fields = _Fields()
        fields.feed(page.text)
        data = dict(fields.fields)
        for name in [n for n in data if n.endswith("-key")]:
            prefix = name.removesuffix("-key")
            data[f"{prefix}-note"] = f"Bench run {run}"
            data[f"{prefix}-health"] = "at_risk" if run % 2 == 0 else "on_track"
        data["save"] = "y"
        post = lambda d=data: client.post("/status/my-week", data=d)  # noqa: E731
        seconds, response, save_queries = timed(post, save_cpu)
        assert response.status_code == 302, response.text[:500]
        save.append(seconds)
    return {
        "database": database_url.split(":")[0],
        "plan_items": plan_items,
        "rows": ROWS,
        "runs": runs,
        "render_ms": _median(render),
        "render_cpu_ms": _median(render_cpu),
        "render_queries": render_queries,
        "save_ms": _median(save),
        "save_cpu_ms": _median(save_cpu),
        "save_queries": save_queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--items", type=int, help="use the synthetic plan of N items")
    parser.add_argument("--database-url", help="a PostgreSQL URL (its tables are dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'status-bench.db'}"
        if args.database_url:
            reset_postgres(url)
        os.environ.pop("TEST_DATABASE_URL", None)
        result = measure(url, args.items, args.runs)
    for key, value in result.items():
        print(f"{key:<15} {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
