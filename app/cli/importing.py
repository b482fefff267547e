"""``flask import jira|jira-csv|linear-csv|github FILE... [--mapping FILE] [--dry-run]``
and ``flask import jira --url URL --jql QUERY``: bring a plan from Jira, Linear or
GitHub, or sync it again (docs/import.md).

All or nothing: every problem is printed as ``where: message`` and the exit code
is 2, with nothing written. ``--dry-run`` writes nothing to the database, prints
the preview and writes the mapping it used (``--mapping-out``, by default
``import-mapping.toml``) to edit and pass back with ``--mapping``."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from app.audit import acting_as
from app.cli.plan import database_failed, fail
from app.cli.progress import ProgressBar
from app.extensions import db
from app.importing import operations
from app.importing.issues import FILE_MAX_BYTES, ImportProblems, UploadedFile
from app.importing.report import preview_lines
from app.importing.sources import KINDS
from app.plan_io import Problem

PROGRESS_FROM_ITEMS = 2000
DEFAULT_MAPPING_OUT = "import-mapping.toml"

import_cli = AppGroup("import", help="Import (and re-sync) a plan from Jira, Linear or GitHub.")


def _files(paths: tuple[str, ...]) -> list[UploadedFile]:
    files, problems = [], []
    for path in paths:
        try:
            size = Path(path).stat().st_size
            if size > FILE_MAX_BYTES:
                problems.append(
                    Problem(path, f"larger than {FILE_MAX_BYTES // 2**20} MB ({size:,} bytes)")
                )
                continue
            files.append(UploadedFile(Path(path).name, Path(path).read_bytes()))
        except OSError as exc:
            problems.append(Problem(path, f"cannot read the file ({exc.strerror or exc})"))
    if problems:
        fail(problems)
    return files


def _mapping_text(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        fail([Problem(path, f"cannot read the mapping ({exc.strerror or exc})")])
    except UnicodeDecodeError:
        fail([Problem(path, "the mapping is not UTF-8 text")])


def run_import(draft_maker, *, dry_run: bool, mapping_out: str, files: list[str]) -> None:
    try:
        draft = draft_maker()
    except ImportProblems as exc:
        fail(exc.problems)
    if dry_run:
        try:
            found = operations.preview(draft)
        except SQLAlchemyError as exc:
            database_failed(exc, "The preview failed, nothing was written")
        db.session.rollback()
        for line in preview_lines(found):
            click.echo(line)
        try:
            Path(mapping_out).write_text(
                draft.mapping.to_toml(unknown=draft.unknown, seen=draft.seen), encoding="utf-8"
            )
        except OSError as exc:
            fail([Problem(mapping_out, f"cannot write the mapping ({exc.strerror or exc})")])
        click.echo(f"\nWrote the mapping to {mapping_out}: edit it and pass it with --mapping.")
        if draft.problems:
            raise click.exceptions.Exit(2)
        return
    if draft.problems:
        fail(draft.problems)
    large = draft.plan is not None and len(draft.plan.items) > PROGRESS_FROM_ITEMS
    try:
        with acting_as(None, "flask import"), ProgressBar("Importing", enabled=large) as bar:
            result = operations.write(draft, files=files, progress=bar)
    except ImportProblems as exc:
        db.session.rollback()
        fail(exc.problems)
    except SQLAlchemyError as exc:
        database_failed(exc, "Import failed, nothing was written")
    try:
        db.session.commit()
    except SQLAlchemyError as exc:
        database_failed(exc, "Import failed while saving")
    click.echo(str(result))
    for dependent, dependency in result.removed[:20]:
        click.echo(f"  removed, no longer in the source: {dependent} needs {dependency}")
    for key in result.gone[:20]:
        click.echo(f"  no longer in the source: {key}")


def _file_command(kind: str, help_text: str):
    @click.argument("files", nargs=-1, required=kind != "jira")
    @click.option("--mapping", "mapping_path", metavar="FILE", help="The TOML mapping.")
    @click.option("--dry-run", is_flag=True, help="Preview only: write nothing to the database.")
    @click.option(
        "--mapping-out",
        default=DEFAULT_MAPPING_OUT,
        show_default=True,
        metavar="FILE",
        help="Where --dry-run writes the mapping it used.",
    )
    def command(files, mapping_path, dry_run, mapping_out, **live):
        mapping_text = _mapping_text(mapping_path)
        if live.get("url") or live.get("jql"):
            if files or not (live.get("url") and live.get("jql")):
                raise click.UsageError("give --url and --jql together, and no FILE with them")
            url, jql = live["url"], live["jql"]

            def make():
                from app.importing.sources.jira_live import fetch

                read = fetch(url, jql, env=os.environ)
                return operations.plan_for(read, operations.read_mapping(kind, mapping_text))

            run_import(make, dry_run=dry_run, mapping_out=mapping_out, files=[url])
            return
        if not files:
            raise click.UsageError("give the files to import (or --url and --jql)")
        uploaded = _files(files)
        run_import(
            lambda: operations.draft_from_files(kind, uploaded, mapping_text),
            dry_run=dry_run,
            mapping_out=mapping_out,
            files=[f.name for f in uploaded],
        )

    command.__doc__ = help_text
    if kind == "jira":
        command = click.option("--jql", help="With --url: the issues to import.")(command)
        command = click.option("--url", help="A Jira site to read live (JIRA_EMAIL, JIRA_TOKEN).")(
            command
        )
    return import_cli.command(kind)(command)


jira_command = _file_command(
    "jira",
    "Jira issues: JSON files from the REST API (search pages, arrays or single issues), "
    "or live with --url and --jql.",
)
jira_csv_command = _file_command("jira-csv", "A Jira CSV export (all fields).")
linear_csv_command = _file_command("linear-csv", "A Linear CSV export.")
github_command = _file_command("github", "GitHub issues (JSON; see docs/import.md).")

__all__ = ["KINDS", "import_cli"]
