"""The planners' Import page: upload files, see the preview, adjust the mapping
(teams' kinds, priorities, statuses), import.

The upload is kept as an ``ImportDraft`` row between the preview and the import,
so that any app process can finish it. A preview analyses the plan as it would be
(see ``operations.preview``): it is always the answer to a POST, as a GET never
writes, not even in a savepoint that it rolls back."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import delete, select

from app.alignment import PRIORITY_NAMES, STATUSES, TEAM_KINDS
from app.clock import utcnow
from app.extensions import db
from app.importing import bp, operations
from app.importing.forms import AdjustForm, UploadForm
from app.importing.issues import FILE_MAX_BYTES, ImportProblems, UploadedFile
from app.importing.mapping import Mapping, TeamMapping
from app.importing.sources import KINDS
from app.models.import_draft import ImportDraft
from app.permissions import require

DRAFT_KEEP = timedelta(days=1)
FILES_MAX = 50
PROGRESS_FROM_BYTES = 1_000_000


def _uploads(form: UploadForm) -> tuple[list[UploadedFile], str | None, list]:
    files, problems = [], []
    for storage in form.files.data or []:
        if not getattr(storage, "filename", ""):
            continue
        data = storage.read(FILE_MAX_BYTES + 1)
        if len(data) > FILE_MAX_BYTES:
            problems.append(f"{storage.filename}: larger than {FILE_MAX_BYTES // 2**20} MB")
            continue
        files.append(UploadedFile(storage.filename[:200], data))
    if len(files) > FILES_MAX:
        problems.append(f"At most {FILES_MAX} files at once.")
    mapping_text = None
    storage = form.mapping.data
    if storage is not None and getattr(storage, "filename", ""):
        try:
            mapping_text = storage.read(1_000_000).decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(f"{storage.filename}: the mapping is not UTF-8 text")
    return files, mapping_text, problems


def _stored(files: list[UploadedFile]) -> str:
    return json.dumps(
        [{"name": f.name, "data": base64.b64encode(f.data).decode("ascii")} for f in files]
    )


def _files_of(draft: ImportDraft) -> list[UploadedFile]:
    try:
        return [
            UploadedFile(entry["name"], base64.b64decode(entry["data"]))
            for entry in json.loads(draft.files)
        ]
    except (ValueError, KeyError, TypeError, binascii.Error):
        abort(404)


def _draft_or_404(token: str) -> ImportDraft:
    draft = db.session.scalar(
        select(ImportDraft).where(
            ImportDraft.token == token[:32], ImportDraft.user_id == current_user.id
        )
    )
    if draft is None:
        abort(404)
    return draft


def _adjust_form(preview: operations.Preview, row: ImportDraft) -> AdjustForm:
    draft = preview.draft
    mapping = draft.mapping
    form = AdjustForm(formdata=None)
    for team in draft.teams:
        form.teams.append_entry({"name": team.key, "value": team.kind})
    for name in sorted(draft.seen.get("priorities", {})):
        form.priorities.append_entry({"name": name, "value": mapping.priority(name) or ""})
    for name in sorted(draft.seen.get("status", {})):
        form.statuses.append_entry({"name": name, "value": mapping.mapped_status(name) or ""})
    form.offer()
    return form


def _render(preview: operations.Preview, row: ImportDraft, status: int = 200):
    form = _adjust_form(preview, row)
    teams = {team.key: team for team in preview.draft.teams}
    return (
        render_template(
            "importing/preview.html",
            preview=preview,
            draft=preview.draft,
            row=row,
            form=form,
            teams=teams,
            label=KINDS[row.kind][1],
            files=[entry["name"] for entry in json.loads(row.files)],
        ),
        status,
    )


@bp.route("/import", methods=["GET", "POST"])
@login_required
@require("plan")
def start():
    form = UploadForm()
    problems: list = []
    if form.validate_on_submit():
        files, mapping_text, problems = _uploads(form)
        if not problems:
            try:
                draft = operations.draft_from_files(form.kind.data, files, mapping_text)
            except ImportProblems as exc:
                problems = [str(p) for p in exc.problems]
            else:
                db.session.execute(
                    delete(ImportDraft).where(ImportDraft.created_at < utcnow() - DRAFT_KEEP)
                )
                row = ImportDraft(
                    token=secrets.token_hex(16),
                    user_id=current_user.id,
                    kind=form.kind.data,
                    files=_stored(files),
                    mapping=mapping_text or "",
                )
                db.session.add(row)
                db.session.flush()
                return _render(operations.preview(draft), row)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "importing/start.html", form=form, problems=problems, progress_from=PROGRESS_FROM_BYTES
    ), status


def _adjusted(row: ImportDraft, form: AdjustForm) -> tuple[Mapping, list[str]]:
    """The draft's mapping with the form's changes; problems for values out of range."""
    mapping = operations.read_mapping(row.kind, row.mapping or None)
    problems = []
    for entry in form.teams:
        key, kind = entry.data["name"], entry.data["value"]
        if kind not in TEAM_KINDS:
            problems.append(f"Team {key}: choose platform or product.")
            continue
        current = mapping.teams.get(key)
        if current is None:
            mapping.teams[key] = TeamMapping(_slug(key), "", kind)
        current = mapping.teams[key]
        current.kind = kind
    for rows, table, allowed in (
        (form.priorities, mapping.priorities, PRIORITY_NAMES),
        (form.statuses, mapping.status, STATUSES),
    ):
        for entry in rows:
            name, value = entry.data["name"], entry.data["value"]
            if not value:
                continue
            if value not in allowed or not name:
                problems.append(f"{name}: {value!r} is not one of {', '.join(allowed)}.")
                continue
            table[name] = value
    return mapping, problems


def _slug(key: str) -> str:
    from app.importing.build import slug_for

    return slug_for(key)


@bp.route("/import/<token>", methods=["POST"])
@login_required
@require("plan")
def draft(token: str):
    row = _draft_or_404(token)
    form = AdjustForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        mapping, problems = _adjusted(row, form)
    except ImportProblems:
        abort(400)
    if problems:
        for problem in problems:
            flash(problem, "error")
    files = _files_of(row)
    row.mapping = mapping.to_toml()
    try:
        read = operations.read_files(row.kind, files)
    except ImportProblems:
        abort(400)
    built = operations.plan_for(read, mapping)
    if form.confirm.data and not problems and not built.problems:
        result = operations.write(built, files=[f.name for f in files])
        db.session.delete(row)
        flash(str(result), "success")
        return redirect(url_for("roadmap.index"))
    return _render(operations.preview(built), row, 400 if problems else 200)


@bp.route("/import/<token>/mapping.toml")
@login_required
@require("plan")
def mapping_file(token: str):
    row = _draft_or_404(token)
    try:
        mapping = operations.read_mapping(row.kind, row.mapping or None)
        read = operations.read_files(row.kind, _files_of(row))
    except ImportProblems:
        abort(404)
    built = operations.plan_for(read, mapping)
    return Response(
        built.mapping.to_toml(unknown=built.unknown, seen=built.seen),
        mimetype="application/toml",
        headers={"Content-Disposition": "attachment; filename=import-mapping.toml"},
    )
