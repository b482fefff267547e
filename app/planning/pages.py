"""What the planning pages show, loaded in a constant number of queries: the
analysis once, then a few bulk selects whatever the number of dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.alignment import Analysis, Conflict
from app.extensions import db
from app.fields import KEY_PATTERN
from app.models import Dependency, Item, Period, StatusUpdate, Team
from app.planning.history import HistoryEntry, item_history
from app.planning.schedule import periods_in_order
from app.scenarios.current import plan_analysis


def all_periods() -> dict[int, Period]:
    """Every period by id, in time order. Loaded once per request, so that each
    item's start and end period is found in the session without a query."""
    return {p.id: p for p in periods_in_order()}


def item_or_404(key: str) -> Item:
    """The item by its key as written, else as typed in lowercase (``/items/chk-3``)."""
    keys = {key, key.upper()}
    found = db.session.scalars(
        select(Item).where(Item.key.in_(keys)).options(joinedload(Item.team))
    ).all()
    item = next((i for i in found if i.key == key), found[0] if found else None)
    if item is None:
        abort(404, description=f"There is no item {key}.")
    return item


def back_key() -> str | None:
    """The item page to return to, from ``?back=KEY``; anything but a key is ignored."""
    key = request.args.get("back")
    return key if key and KEY_PATTERN.fullmatch(key) else None


def dependency_or_404(dep_id: int) -> Dependency:
    dep = db.session.scalar(
        select(Dependency)
        .where(Dependency.id == dep_id)
        .options(
            joinedload(Dependency.dependent).joinedload(Item.team),
            joinedload(Dependency.dependency).joinedload(Item.team),
        )
    )
    if dep is None:
        abort(404, description="There is no such dependency: it may have been removed.")
    return dep


def links_of(item: Item) -> tuple[list[Dependency], list[Dependency]]:
    """(what the item needs, what needs it), each with the other item and its team."""
    links = db.session.scalars(
        select(Dependency)
        .where((Dependency.dependent_id == item.id) | (Dependency.dependency_id == item.id))
        .options(
            joinedload(Dependency.dependency).joinedload(Item.team),
            joinedload(Dependency.dependent).joinedload(Item.team),
        )
    ).all()
    needs = [d for d in links if d.dependent_id == item.id]
    needed_by = [d for d in links if d.dependency_id == item.id]
    needs.sort(key=lambda d: (d.dependency.priority, d.dependency.key))
    needed_by.sort(key=lambda d: (d.dependent.priority, d.dependent.key))
    return needs, needed_by


def items_by_id(ids) -> dict[int, Item]:
    ids = set(ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(Item).where(Item.id.in_(ids)).options(joinedload(Item.team)))
    return {item.id: item for item in rows}


@dataclass
class ItemPage:
    item: Item
    periods: dict[int, Period]
    analysis: Analysis
    effective_priority: int
    chain: list[Item]
    conflicts: list[Conflict]
    needs: list[Dependency]
    needed_by: list[Dependency]
    status_updates: list[StatusUpdate]
    history: list[HistoryEntry]


def load_item_page(key: str) -> ItemPage:
    periods = all_periods()
    item = item_or_404(key)
    analysis = plan_analysis()
    chain_ids = analysis.priority_chain(item.id)
    needs, needed_by = links_of(item)
    known = {item.id: item} | {d.dependency.id: d.dependency for d in needs}
    known |= {d.dependent.id: d.dependent for d in needed_by}
    known |= items_by_id(i for i in chain_ids if i not in known)
    updates = db.session.scalars(
        select(StatusUpdate)
        .where(StatusUpdate.item_id == item.id)
        .order_by(StatusUpdate.at.desc(), StatusUpdate.id.desc())
    ).all()
    return ItemPage(
        item=item,
        periods=periods,
        analysis=analysis,
        effective_priority=analysis.effective_priority[item.id],
        chain=[known[i] for i in chain_ids],
        conflicts=analysis.select(item_id=item.id),
        needs=needs,
        needed_by=needed_by,
        status_updates=list(updates),
        history=item_history(item, [*needs, *needed_by], periods),
    )


@dataclass
class TeamPage:
    team: Team
    periods: dict[int, Period]
    by_period: list[tuple[Period | None, list[Item]]]
    needs: list[Dependency]
    requests: list[Dependency]


def load_team_page(slug: str) -> TeamPage:
    team = db.session.scalar(select(Team).where(Team.slug.in_({slug, slug.lower()})))
    if team is None:
        abort(404, description=f"There is no team {slug}.")
    periods = all_periods()
    items = db.session.scalars(
        select(Item).where(Item.team_id == team.id).order_by(Item.priority, Item.key)
    ).all()
    groups: dict[int | None, list[Item]] = {pid: [] for pid in periods}
    groups[None] = []
    for item in items:
        groups[item.start_period_id].append(item)
    by_period = [(periods[pid], groups[pid]) for pid in periods if groups[pid]]
    if groups[None]:
        by_period.append((None, groups[None]))
    own = select(Item.id).where(Item.team_id == team.id)
    links = db.session.scalars(
        select(Dependency)
        .where(Dependency.dependent_id.in_(own) | Dependency.dependency_id.in_(own))
        .options(
            joinedload(Dependency.dependent).joinedload(Item.team),
            joinedload(Dependency.dependency).joinedload(Item.team),
        )
    ).all()
    needs = [d for d in links if d.dependent.team_id == team.id]
    requests = [
        d for d in links if d.dependency.team_id == team.id and d.dependent.team_id != team.id
    ]
    needs.sort(key=lambda d: (d.dependent.priority, d.dependent.key, d.dependency.key))
    requests.sort(
        key=lambda d: (d.commitment != "requested", d.dependent.priority, d.dependent.key)
    )
    return TeamPage(team, periods, by_period, needs, requests)
