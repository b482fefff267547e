"""The roadmap page and rescheduling (the Move form and the drag-and-drop module)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.forms import refused
from app.models import Item, Team
from app.permissions import can, ensure, require
from app.plan_store import analyze_plan
from app.planning.operations import PlanningError, StaleEdit
from app.planning.schedule import MoveResult, move_item, periods_in_order
from app.roadmap import bp
from app.roadmap.board import Roadmap, build_roadmap, describe
from app.roadmap.forms import BACKLOG, MoveForm, RoadmapFilterForm
from app.roadmap.render import MoveChoices, svg_cards, svg_lines
from app.web import local_url, wants_json


def _roadmap_url(target: str | None) -> str:
    """``target`` when it is a roadmap page of this site, else the roadmap."""
    return local_url(target, "/roadmap") or url_for("roadmap.index")


def _url_with(**changes) -> str:
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        args[key] = [value]
    return url_for("roadmap.index", **args)


def _page_context(roadmap: Roadmap, snapshot, versions: dict[int, int]) -> dict:
    names = roadmap.period_names
    last = len(names) - roadmap.count
    new_item = url_for("planning.new_item")
    item_prefix = url_for("planning.item", key="-").removesuffix("-")
    teams = sorted(((t.slug, t.name) for t in snapshot.teams), key=lambda t: t[1].casefold())
    return {
        "roadmap": roadmap,
        "board": roadmap.board,
        "versions": versions,
        "cards_svg": svg_cards(
            roadmap.board.cards,
            describe=lambda card: describe(card, names),
            versions=versions,
            team_slugs={t.id: t.slug for t in snapshot.teams},
            item_prefix=item_prefix,
            movable=can(current_user, "plan"),
        ),
        "lines_svg": svg_lines(roadmap.board.lines),
        "item_prefix": item_prefix,
        "new_item_url": lambda team, period: (
            f"{new_item}?{urlencode({'team': team, **({'period': period} if period else {})})}"
        ),
        "move_choices": MoveChoices(names, teams),
        "filtered": bool(request.args),
        "earlier_url": _url_with(**{"from": names[roadmap.first - 1]})
        if roadmap.first > 0
        else None,
        "later_url": _url_with(**{"from": names[roadmap.first + 1]})
        if roadmap.first < last
        else None,
        "here": request.full_path.rstrip("?"),
    }


@bp.route("/roadmap")
@login_required
@require("view")
def index():
    analysis = analyze_plan()
    form = RoadmapFilterForm(request.args)
    form.offer(analysis.snapshot)
    valid = form.validate()
    roadmap = build_roadmap(analysis, form.filters(analysis.snapshot))
    form.show(roadmap.period_names[roadmap.first] if roadmap.period_names else None, roadmap.count)
    versions = dict(db.session.execute(select(Item.id, Item.version)).all())
    page = render_template(
        "roadmap/index.html", form=form, **_page_context(roadmap, analysis.snapshot, versions)
    )
    return page, 200 if valid else 400


def _item_json(item: Item) -> dict:
    return {
        "key": item.key,
        "version": item.version,
        "team": item.team.slug,
        "start": item.start_period.name if item.start_period else None,
        "end": item.end_period.name if item.end_period else None,
    }


def _moved(result: MoveResult, next_url: str | None):
    if wants_json():
        changes = result.changes
        return jsonify(
            ok=True,
            moved=result.moved,
            message=result.message,
            item=_item_json(result.item),
            resolved=[c.to_dict() for c in changes.resolved] if changes else [],
            new=[c.to_dict() for c in changes.new] if changes else [],
            changed=[new.to_dict() for _old, new in changes.changed] if changes else [],
        )
    flash(result.message, "success" if result.moved else "info")
    return redirect(_roadmap_url(next_url))


def _refused(form: MoveForm, item: Item | None, status: int, message: str | None = None):
    if wants_json():
        errors = {name: errs for name, errs in form.errors.items() if name}
        text = message or " ".join(e for errs in errors.values() for e in errs) or "Not moved."
        body = {"error": "stale" if status == 409 else "invalid", "message": text}
        if errors:
            body["errors"] = errors
        if item is not None:
            body["item"] = _item_json(item)
        return jsonify(body), status
    page = render_template(
        "roadmap/move.html",
        form=form,
        item=item,
        message=message,
        back=_roadmap_url(form.next.data),
    )
    return page, status


@bp.route("/roadmap/move", methods=["POST"])
@login_required
@require("plan")
def move():
    form = MoveForm()
    before = analyze_plan()
    periods = periods_in_order()
    teams = sorted(before.snapshot.teams, key=lambda t: t.name)
    form.offer([p.name for p in periods], [(t.slug, t.name) for t in teams])
    if not form.validate_on_submit():
        return _refused(form, None, 400)
    item = db.session.scalar(select(Item).where(Item.key == form.item.data).with_for_update())
    if item is None:
        form.item.errors.append(f"There is no item {form.item.data}.")
        return _refused(form, None, 400)
    ensure("plan", item)
    start = (
        None
        if form.period.data == BACKLOG
        else next(p for p in periods if p.name == form.period.data)
    )
    team_id = next((t.id for t in teams if t.slug == form.team.data), None)
    team = db.session.get(Team, team_id) if team_id is not None else None
    try:
        result = move_item(
            item,
            start,
            team=team,
            expected_version=form.version.data,
            periods=periods,
            before=before,
        )
    except StaleEdit as stale:
        when = f" at {stale.at:%Y-%m-%d %H:%M} UTC" if stale.at else ""
        message = (
            f"{item.key} was changed by {stale.actor}{when}, after you loaded the roadmap. "
            f"Nothing was moved: it is now in {_place(item)}. Move it again if you still want to."
        )
        form.version.data, form.version.raw_data = item.version, []
        return _refused(form, item, 409, message)
    except PlanningError as error:
        refused(form, error, "period")
        return _refused(form, item, 400)
    return _moved(result, form.next.data)


def _place(item: Item) -> str:
    if item.start_period is None or item.end_period is None:
        where = "the backlog"
    elif item.start_period_id == item.end_period_id:
        where = item.start_period.name
    else:
        where = f"{item.start_period.name} to {item.end_period.name}"
    return f"{where} ({item.team.name})"
