"""``flask seed demo`` and ``flask seed scale``: plans to start from."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from app.audit import acting_as
from app.cli import BadInput
from app.cli.plan import fail
from app.cli.progress import ProgressBar
from app.extensions import db
from app.plan_io import PlanError, existing_plan_counts, import_plan
from app.seed.demo import demo_present, seed_demo
from app.seed.scale import build_scale_plan
from app.seed.users import DEMO_PASSWORD, DEMO_USERS

seed_cli = AppGroup("seed", help="Load the demo organisation, or a synthetic one for benchmarks.")


@seed_cli.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load the demo only into a database with no plan; otherwise do nothing.",
)
def demo_command(if_empty: bool) -> None:
    """Load the demo company (13 teams, six quarters, about 150 items) and its
    demo accounts. Does nothing when the demo is already there."""
    if demo_present():
        click.echo("The demo organisation is already loaded; nothing changed.")
        return
    if any(existing_plan_counts().values()):
        if if_empty:
            click.echo("The database already holds a plan; the demo was not loaded.")
            return
        raise BadInput("the database already holds a plan; the demo loads only into an empty one")
    with acting_as(None, "flask seed demo"):
        summary = seed_demo()
    db.session.commit()
    click.echo(f"Loaded the demo organisation. {summary}")
    accounts = ", ".join(f"{email} ({role})" for email, _, role, _ in DEMO_USERS)
    click.echo(f"Sign in as {accounts} with the password {DEMO_PASSWORD}.")


@seed_cli.command("scale")
@click.option(
    "--items", "n_items", type=click.IntRange(min=1), required=True, help="How many items."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--replace", is_flag=True, help="Delete the current plan first.")
def scale_command(n_items: int, seed: int, replace: bool) -> None:
    """Load a synthetic organisation of N items (about 3 dependencies each), for
    benchmarks. The same N and seed give the same plan."""
    started = time.perf_counter()
    plan = build_scale_plan(n_items, seed)
    built = time.perf_counter()
    try:
        with acting_as(None, "flask seed scale"), ProgressBar("Writing") as bar:
            summary = import_plan(plan, replace=replace, progress=bar)
    except PlanError as exc:
        db.session.rollback()
        fail(exc.problems)
    db.session.commit()
    done = time.perf_counter()
    click.echo(str(summary))
    click.echo(
        f"Built in {built - started:.1f} s, written in {done - built:.1f} s "
        f"({done - started:.1f} s in all)."
    )
