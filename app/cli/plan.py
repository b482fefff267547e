"""``flask plan import FILE`` and ``flask plan export [FILE]``: the whole plan as JSON."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from app.audit import acting_as
from app.cli.progress import ProgressBar
from app.extensions import db
from app.plan_io import PlanError, Problem, export_plan, import_plan

PROGRESS_FROM_ITEMS = 2000
EXIT_DATABASE = 1

plan_cli = AppGroup("plan", help="Import or export the whole plan (format roadmap-plan/1).")


def fail(problems: list[Problem]) -> NoReturn:
    """Print every problem on standard error and exit with code 2."""
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.exceptions.Exit(2)


def read_json(file: str) -> Any:
    """The parsed JSON of FILE (``-``: standard input); exits 2 when it cannot."""
    label = "<stdin>" if file == "-" else file
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        fail([Problem(label, f"cannot read the file ({_reason(exc)})")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        fail([Problem(label, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} on line {line}")])
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        fail([Problem(label, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")])
    except RecursionError:
        fail([Problem(label, "not a plan: its arrays or objects are nested too deeply")])
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        fail([Problem(label, f"not valid JSON: {exc}")])


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def large(data: Any) -> bool:
    items = data.get("items") if isinstance(data, dict) else None
    return isinstance(items, list) and len(items) > PROGRESS_FROM_ITEMS


@plan_cli.command("import")
@click.argument("file")
@click.option(
    "--replace", is_flag=True, help="Delete the current plan first, in the same transaction."
)
def import_command(file: str, replace: bool) -> None:
    """Load the plan in FILE (``-`` for standard input): all or nothing.

    Every problem is printed as ``path: message`` and the exit code is 2; nothing
    is written then. Without --replace the database must hold no plan yet. When the
    database fails (e.g. its connection is lost) one line says so and the exit
    code is 1."""
    data = read_json(file)
    try:
        with (
            acting_as(None, "flask plan import"),
            ProgressBar("Importing", enabled=large(data)) as bar,
        ):
            summary = import_plan(data, replace=replace, progress=bar)
    except PlanError as exc:
        db.session.rollback()
        fail(exc.problems)
    except SQLAlchemyError as exc:
        database_failed(exc, "Import failed, nothing was written")
    try:
        db.session.commit()
    except SQLAlchemyError as exc:
        database_failed(
            exc, "Import failed while saving; check with flask plan export whether it was saved"
        )
    click.echo(str(summary))


def database_failed(exc: SQLAlchemyError, outcome: str) -> NoReturn:
    """Roll back, say in one line what happened, and exit with EXIT_DATABASE."""
    _roll_back_quietly()
    click.echo(f"{outcome}: {_database_reason(exc)}", err=True)
    raise click.exceptions.Exit(EXIT_DATABASE) from None


def _roll_back_quietly() -> None:
    """Roll back; a connection that is gone has nothing left to roll back."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def _database_reason(exc: SQLAlchemyError) -> str:
    """The database's own first line about ``exc``."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    reason = next((line.strip() for line in str(cause).splitlines() if line.strip()), "")
    kind = "the database connection failed" if _connection_lost(exc) else "the database failed"
    return f"{kind} ({reason})" if reason else kind


def _connection_lost(exc: SQLAlchemyError) -> bool:
    return isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    )


@plan_cli.command("export")
@click.argument("file", required=False)
def export_command(file: str | None) -> None:
    """Write the whole plan as JSON to FILE, or to standard output."""
    plan = export_plan()
    text = json.dumps(plan, indent=2, ensure_ascii=False) + "\n"
    if file is None or file == "-":
        click.echo(text, nl=False)
        return
    target = Path(file)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail([Problem(file, f"cannot write the file ({_reason(exc)})")])
    click.echo(
        f"Exported {len(plan['items']):,} items, {len(plan['dependencies']):,} dependencies "
        f"and {len(plan['status_updates']):,} status updates to {file}."
    )
