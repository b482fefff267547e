"""The roadmap page, the Move page and rescheduling (the Move form and the
drag-and-drop module's JSON)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.alignment import Analysis
from app.alignment.collector import collector_paused
from app.alignment.text import estimate_text, health_word, period_place, status_word
from app.extensions import db
from app.forms import refused
from app.models import Item, Team
from app.permissions import can, ensure, require
from app.planning.operations import PlanningError, StaleEdit
from app.planning.schedule import MoveResult, move_item, periods_in_order
from app.roadmap import bp
from app.roadmap.board import Roadmap, build_roadmap, place_of
from app.roadmap.forms import BACKLOG, MoveForm, RoadmapFilterForm
from app.roadmap.layout import Card
from app.roadmap.render import svg_cards, svg_lines, svg_stubs
from app.scenarios import edits as scenario_edits
from app.scenarios.current import current_scenario, plan_analysis
from app.web import local_url, wants_json


def _roadmap_url(target: str | None) -> str:
    """``target`` when it is a roadmap page of this site, else the roadmap."""
    return local_url(target, "/roadmap") or url_for("roadmap.index")


def describe(card: Card, period_names: list[str]) -> str:
    """The card in words: its accessible name and tooltip."""
    spec = card.spec
    start = None if spec.start is None else period_names[spec.start]
    end = None if spec.end is None else period_names[spec.end]
    text = (
        f"{spec.key} {spec.title}: P{spec.priority}, {estimate_text(spec.estimate)}, "
        f"{period_place(start, end)}, {status_word(spec.status)}, {health_word(spec.health)}"
    )
    if spec.badge:
        count, worst, team_level = spec.badge
        text += f"; {count} conflict{'s' if count != 1 else ''}"
        if team_level:
            text += f" ({team_level} of its team's capacity)"
        text += f", worst {worst}"
    return text


class View:
    """One page of the roadmap as its URL asks for it: the filters, the board built
    from an analysis, and the links of the page (all kept in the URL)."""

    def __init__(self, analysis: Analysis, args: MultiDict) -> None:
        self.args = args
        self.form = RoadmapFilterForm(args)
        self.form.offer(analysis.snapshot)
        self.valid = self.form.validate()
        own = current_user.team_ids if current_user.is_authenticated else set()
        self.roadmap: Roadmap = build_roadmap(analysis, self.form.filters(analysis.snapshot), own)
        names = self.roadmap.period_names
        self.form.show(names[self.roadmap.first] if names else None, self.roadmap.count)
        self.analysis = analysis

    def url(self, **changes) -> str:
        """This view with some parameters changed (None: dropped); a new team scope
        or filter starts again at page 1."""
        args = self.args.to_dict(flat=False)
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = value if isinstance(value, list) else [value]
        return url_for("roadmap.index", **args)

    def where_url(self, item_id: int) -> str:
        """The roadmap that shows the item: its team, from its start period."""
        slug, start = place_of(self.analysis, item_id)
        query = {"team": slug, **({"from": start} if start else {})}
        if "periods" in self.args:
            query["periods"] = self.args["periods"]
        return f"{url_for('roadmap.index')}?{urlencode(query)}#card-{item_id}"

    def context(self) -> dict:
        roadmap = self.roadmap
        board = roadmap.board
        names = roadmap.period_names
        ids = [card.spec.id for card in board.cards]
        scenario = current_scenario()
        if scenario is not None:  # what an edit inside the scenario is checked against
            versions = scenario_edits.move_versions(scenario, self.analysis, ids)
        elif ids:
            versions = dict(
                db.session.execute(select(Item.id, Item.version).where(Item.id.in_(ids))).all()
            )
        else:
            versions = {}
        snapshot = self.analysis.snapshot
        new_item = url_for("planning.new_item")
        item_prefix = url_for("planning.item", key="-").removesuffix("-")
        last = len(names) - roadmap.count
        here = url_for("roadmap.index", **self.args.to_dict(flat=False))

        def stub_href(stub) -> str:
            spec = stub.spec
            query = {"team": spec.other_team_slug}
            if spec.other_period:
                query["from"] = spec.other_period
            query["periods"] = str(roadmap.count)
            return f"{url_for('roadmap.index')}?{urlencode(query)}#card-{spec.other_id}"

        all_lines = self.args.get("lines") == "all"
        return {
            "form": self.form,
            "roadmap": roadmap,
            "board": board,
            "cards_svg": svg_cards(
                board.cards,
                describe=lambda card: describe(card, names),
                versions=versions,
                team_slugs={t.id: t.slug for t in snapshot.teams},
                item_prefix=item_prefix,
                movable=can(current_user, "plan"),
                more_stubs=board.more_stubs,
            ),
            "lines_svg": svg_lines(board.lines),
            "stubs_svg": svg_stubs(board.stubs, stub_href),
            "item_prefix": item_prefix,
            "new_item_url": lambda team, period: (
                f"{new_item}?{urlencode({'team': team, **({'period': period} if period else {})})}"
            ),
            "filtered": bool(self.args),
            "earlier_url": self.url(**{"from": names[roadmap.first - 1]})
            if roadmap.first > 0
            else None,
            "later_url": self.url(**{"from": names[roadmap.first + 1]})
            if roadmap.first < last
            else None,
            "page_url": lambda n: self.url(page=str(n)),
            "all_teams_url": self.url(all="1", page=None, team=None),
            "my_teams_url": self.url(all=None, page=None, team=None),
            "has_own_teams": bool(current_user.team_ids),
            "all_lines": all_lines,
            "lines_url": self.url(lines=None if all_lines else "all"),
            "move_url": lambda key: url_for("roadmap.move_page", key=key, next=here),
            "here": here,
            "team_choices": [
                (t.slug, t.name) for t in sorted(snapshot.teams, key=lambda t: t.name.casefold())
            ],
        }


def _args_of(target: str | None) -> MultiDict:
    """The query of a roadmap address of this site (the view a move was made on)."""
    local = local_url(target, "/roadmap")
    if not local or urlsplit(local).path != url_for("roadmap.index"):
        return MultiDict()
    return MultiDict(parse_qsl(urlsplit(local).query, keep_blank_values=True))


@bp.route("/roadmap")
@login_required
@require("view")
def index():
    view = View(plan_analysis(), request.args)
    page = render_template("roadmap/index.html", **view.context())
    return page, 200 if view.valid else 400


def _move_form(analysis: Analysis, periods) -> MoveForm:
    form = MoveForm()
    teams = sorted(analysis.snapshot.teams, key=lambda t: t.name.casefold())
    form.offer([p.name for p in periods], [(t.slug, t.name) for t in teams])
    return form


@bp.route("/roadmap/move/<key>")
@login_required
@require("plan")
def move_page(key: str):
    """The Move form of one item, on a page of its own (the roadmap without
    JavaScript links each card here)."""
    item = db.session.scalar(select(Item).where(Item.key == key))
    analysis = plan_analysis()
    scenario = current_scenario()
    planned = item
    if scenario is not None:  # the item as the scenario has it, or one of its new items
        if item is None:
            item = planned = scenario_edits.new_item_row(scenario, key, analysis)
        else:
            planned = scenario_edits.planned_item(scenario, item, analysis)
    if item is None:
        abort(404, description=f"There is no item {key}.")
    ensure("plan", item)
    form = _move_form(analysis, periods_in_order())
    back = _roadmap_url(request.args.get("next"))
    version = item.version
    if scenario is not None:
        version = scenario_edits.item_version(scenario, planned, scenario_edits.MOVE_FIELDS)
    form.item.data, form.version.data, form.next.data = item.key, version, back
    form.period.data = planned.start_period.name if planned.start_period else BACKLOG
    form.team.data = ""
    return render_template(
        "roadmap/move.html", form=form, item=item, planned=planned, message=None, back=back
    )


def _item_json(item: Item, analysis: Analysis | None = None) -> dict:
    if analysis is not None:  # the item as the analysis has it (a scenario's plan)
        return scenario_edits.item_json(analysis, item, current_scenario())
    return {
        "key": item.key,
        "id": item.id,
        "version": item.version,
        "team": item.team.slug,
        "start": item.start_period.name if item.start_period else None,
        "end": item.end_period.name if item.end_period else None,
    }


def _fragments(analysis: Analysis, target: str | None, item: Item) -> dict:
    """What the roadmap's page redraws after a move, for the view it was made on:
    the board, the summary and the lists, from the analysis with the move made.
    Like the analysis, this reads the whole plan and makes many short-lived
    objects: the collector is paused meanwhile (see app.alignment.collector)."""
    with collector_paused():
        view = View(analysis, _args_of(target))
        context = view.context()
        shown = item.id in view.roadmap.board.by_id
        return {
            "fragments": {
                "rm-board": render_template("roadmap/_board.html", **context),
                "rm-summary": render_template("roadmap/_summary.html", **context),
                "rm-list": render_template("roadmap/_list.html", **context),
            },
            "shown": shown,
            "where_url": view.where_url(item.id),
        }


def _moved(result: MoveResult, next_url: str | None, before: Analysis):
    if wants_json():
        changes = result.changes
        return jsonify(
            ok=True,
            moved=result.moved,
            message=result.message,
            item=_item_json(result.item, result.after or before),
            resolved=[c.to_dict() for c in changes.resolved] if changes else [],
            new=[c.to_dict() for c in changes.new] if changes else [],
            changed=[new.to_dict() for _old, new in changes.changed] if changes else [],
            **_fragments(result.after or before, next_url, result.item),
        )
    flash(result.message, "success" if result.moved else "info")
    return redirect(_roadmap_url(next_url))


def _refused(
    form: MoveForm,
    item: Item | None,
    status: int,
    message: str | None = None,
    redraw: Analysis | None = None,
    planned=None,
):
    """The refusal as JSON or as the Move page; ``redraw``: the analysis to redraw the
    board from (a stale move: the board shows where the item is now); ``planned``:
    the item as a scenario has it (its JSON then from ``redraw``)."""
    if wants_json():
        errors = {name: errs for name, errs in form.errors.items() if name}
        text = message or " ".join(e for errs in errors.values() for e in errs) or "Not moved."
        body = {"error": "stale" if status == 409 else "invalid", "message": text}
        if errors:
            body["errors"] = errors
        if item is not None:
            body["item"] = _item_json(item, redraw if planned is not None else None)
            if redraw is not None:
                body.update(_fragments(redraw, form.next.data, item))
        return jsonify(body), status
    page = render_template(
        "roadmap/move.html",
        form=form,
        item=item,
        planned=planned,
        message=message,
        back=_roadmap_url(form.next.data),
    )
    return page, status


def _target(form: MoveForm, before: Analysis, periods) -> tuple:
    """The start period (None: the backlog) and team (None: its own) the form names."""
    start = (
        None
        if form.period.data == BACKLOG
        else next(p for p in periods if p.name == form.period.data)
    )
    team_id = next((t.id for t in before.snapshot.teams if t.slug == form.team.data), None)
    return start, db.session.get(Team, team_id) if team_id is not None else None


@bp.route("/roadmap/move", methods=["POST"])
@login_required
@require("plan")
def move():
    before = plan_analysis()
    periods = periods_in_order()
    form = _move_form(before, periods)
    if not form.validate_on_submit():
        return _refused(form, None, 400)
    scenario = current_scenario()
    if scenario is not None:
        return _move_in_scenario(scenario, form, before, periods)
    item = db.session.scalar(select(Item).where(Item.key == form.item.data).with_for_update())
    if item is None:
        form.item.errors.append(f"There is no item {form.item.data}.")
        return _refused(form, None, 400)
    ensure("plan", item)
    start, team = _target(form, before, periods)
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
        return _refused(form, item, 409, message, redraw=before)
    except PlanningError as error:
        refused(form, error, "period")
        return _refused(form, item, 400)
    return _moved(result, form.next.data, before)


def _move_in_scenario(scenario, form: MoveForm, before: Analysis, periods):
    """The move, into the scenario: of a live item or of one of the scenario's new
    items, against the version the roadmap carries for it in the scenario (see
    ``app.scenarios.edits.edit_version``); a stale one is refused as a stale live
    move is, the board redrawn from the scenario's plan."""
    item = db.session.scalar(select(Item).where(Item.key == form.item.data))
    start, team = _target(form, before, periods)
    version = form.version.data
    try:
        if item is None:
            result = scenario_edits.move_new_item(
                scenario,
                form.item.data,
                start,
                team=team,
                periods=periods,
                before=before,
                expected_version=version,
            )
        else:
            result = scenario_edits.move_item(
                scenario,
                item,
                start,
                team=team,
                periods=periods,
                before=before,
                expected_version=version,
            )
    except StaleEdit as stale:
        db.session.expire_all()  # a save that lost the race: read the scenario anew
        now = plan_analysis()
        if item is None:
            planned = shown = scenario_edits.new_item_row(scenario, form.item.data, now)
        else:
            shown, planned = item, scenario_edits.planned_item(scenario, item, now)
        if planned is None:  # the new item is gone meanwhile
            return _refused(form, None, 409, str(stale))
        form.version.data = scenario_edits.item_version(
            scenario, planned, scenario_edits.MOVE_FIELDS
        )
        form.version.raw_data = []
        return _refused(form, shown, 409, str(stale), redraw=now, planned=planned)
    except PlanningError as error:  # a scenario's refusals are planning refusals too
        refused(form, error, "period")
        return _refused(form, item, 400)
    if result is None:
        form.item.errors.append(f"There is no item {form.item.data}.")
        return _refused(form, None, 400)
    return _moved(result, form.next.data, before)


def _place(item: Item) -> str:
    start, end = item.start_period, item.end_period
    where = period_place(start.name if start else None, end.name if end else None)
    return f"{where} ({item.team.name})"
