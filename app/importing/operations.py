"""What an import does to the data: read the files, build the plan against what
the database holds, preview it, and write it.

``write`` is the one way an import writes: it creates what is new (periods,
teams, items, dependencies) and updates the items a source gave before (found
by their source and key), keeping what exists only here (capacity, commitments,
decisions, status history, items and links made here); a link an earlier import
made that the source no longer has is removed. It writes with bulk Core
statements, records one audit event (``plan``/``import``) listing what it did,
with each item's changes beside it in ``audit_event_item`` (for the item's
history), logs the whole plan as changed for every worker, and never commits: the
caller (the CLI, the request) owns the transaction. The preview writes the same
way inside a savepoint that it rolls back, to analyse the plan as it would be.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from app.alignment import CONFLICT_TYPES, PRIORITY_NAMES
from app.alignment import analyze as analyse_snapshot
from app.audit import record
from app.clock import utcnow
from app.extensions import db
from app.importing.build import (
    Draft,
    Existing,
    ExistingItem,
    ExistingPeriod,
    ExistingTeam,
    build,
)
from app.importing.issues import ImportProblems, Read, UploadedFile
from app.importing.mapping import Mapping, default_mapping, parse_mapping
from app.importing.sources import KINDS, read_files

__all__ = ["read_files"]
from app.models import AuditEventItem, Dependency, Item, Period, Team
from app.plan_io.importer import BATCH_SIZE, _item_sequences, planned_columns
from app.plan_store import WHOLE_PLAN, analysis_settings, bump_revision, load_snapshot

Progress = Callable[[int, int], None]
UPDATED_FIELDS = ("team", "title", "description", "priority", "start", "end", "estimate",
                  "status", "owner", "source_url")  # fmt: skip
# What an item's history shows of an item an import created (the description is on
# the item's page; the audit event stays small).
CREATED_FIELDS = ("key", "team", "title", "priority", "start", "end", "estimate", "status",
                  "owner", "health")  # fmt: skip
WORST_SHOWN = 10


@dataclass
class Preview:
    draft: Draft
    create: list[str] = field(default_factory=list)
    update: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    leave: list[str] = field(default_factory=list)
    dependencies_create: list[tuple[str, str]] = field(default_factory=list)
    dependencies_leave: int = 0
    # links an earlier import of this source made, that it no longer has: removed
    dependencies_remove: list[tuple[str, str]] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    conflict_counts: dict[str, int] = field(default_factory=dict)
    worst: list[Any] = field(default_factory=list)
    worst_new: list[Any] = field(default_factory=list)  # the worst of those not open before
    conflicts_total: int = 0
    conflicts_new: int = 0  # not open before the import
    analysed: bool = False

    @property
    def problems(self):
        return self.draft.problems

    @property
    def importable(self) -> bool:
        return not self.draft.problems and self.draft.plan is not None


def read_mapping(kind: str, text: str | None, name: str = "mapping") -> Mapping:
    source = KINDS[kind][0]
    return parse_mapping(text, source, name=name) if text else default_mapping(source)


def load_existing(session: Any = None) -> Existing:
    """Periods, teams and item keys: three bulk queries."""
    session = session or db.session
    periods = [
        ExistingPeriod(name, start, end)
        for name, start, end in session.execute(
            select(Period.name, Period.start_date, Period.end_date).order_by(Period.start_date)
        )
    ]
    teams = {
        slug: ExistingTeam(slug, name, kind)
        for slug, name, kind in session.execute(select(Team.slug, Team.name, Team.kind))
    }
    items = {
        key: ExistingItem(key, source, source_key)
        for key, source, source_key in session.execute(
            select(Item.key, Item.source, Item.source_key)
        )
    }
    return Existing(periods, teams, items)


def plan_for(read: Read, mapping: Mapping, *, now: datetime | None = None) -> Draft:
    return build(read, mapping, load_existing(), now or utcnow())


def draft_from_files(
    kind: str, files: list[UploadedFile], mapping_text: str | None = None
) -> Draft:
    """Read, map and build; ``ImportProblems`` when the files or the mapping cannot
    be read at all (problems of single issues are the draft's)."""
    problems = []
    try:
        mapping = read_mapping(kind, mapping_text)
    except ImportProblems as exc:
        problems, mapping = exc.problems, None
    try:
        read = read_files(kind, files)
    except ImportProblems as exc:
        raise ImportProblems(problems + exc.problems) from None
    if mapping is None:
        raise ImportProblems(problems)
    return plan_for(read, mapping)


# -- Comparing with the database ----------------------------------------------------


@dataclass
class _Held:
    """The database's side of an import: the items this source gave before."""

    items: dict[str, dict[str, Any]]  # by source key
    period_names: dict[int, str]
    team_slugs: dict[int, str]
    ids: dict[str, int]  # every item's id by key
    pairs: set[tuple[int, int]]
    imported_links: dict[tuple[int, int], int]  # this source's links: id by (dependent, dependency)


def _held(source: str) -> _Held:
    session = db.session
    periods = dict(session.execute(select(Period.id, Period.name)).all())
    teams = dict(session.execute(select(Team.id, Team.slug)).all())
    rows = session.execute(
        select(
            Item.id, Item.key, Item.source_key, Item.team_id, Item.title, Item.description,
            Item.priority, Item.start_period_id, Item.end_period_id, Item.estimate, Item.status,
            Item.owner, Item.source_url,
        ).where(Item.source == source)
    ).all()  # fmt: skip
    items = {}
    for row in rows:
        items[row.source_key] = {
            "id": row.id,
            "key": row.key,
            "team": teams[row.team_id],
            "title": row.title,
            "description": row.description,
            "priority": row.priority,
            "start": periods.get(row.start_period_id),
            "end": periods.get(row.end_period_id),
            "estimate": row.estimate,
            "status": row.status,
            "owner": row.owner,
            "source_url": row.source_url,
        }
    ids = dict(session.execute(select(Item.key, Item.id)).all())
    pairs, imported_links = set(), {}
    for dependent, dependency, link_id, link_source in session.execute(
        select(Dependency.dependent_id, Dependency.dependency_id, Dependency.id, Dependency.source)
    ):
        pairs.add((dependent, dependency))
        if link_source == source:
            imported_links[(dependent, dependency)] = link_id
    return _Held(items, periods, teams, ids, pairs, imported_links)


def _new_values(draft: Draft, item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{name: item.get(name) for name in UPDATED_FIELDS},
        "source_url": draft.origin[item["key"]][1],
    }


def _shown(name: str, value: Any) -> Any:
    return PRIORITY_NAMES[value] if name == "priority" and isinstance(value, int) else value


def compare(draft: Draft, held: _Held | None = None) -> Preview:
    preview = Preview(draft)
    if draft.plan is None:
        return preview
    held = held or _held(draft.source)
    for item in draft.plan.items:
        before = held.items.get(draft.origin[item["key"]][0])
        if before is None:
            preview.create.append(item["key"])
            continue
        after = _new_values(draft, item)
        changed = {
            name: [_shown(name, before[name]), _shown(name, after[name])]
            for name in UPDATED_FIELDS
            if before[name] != after[name]
        }
        if changed:
            preview.update[item["key"]] = changed
        else:
            preview.leave.append(item["key"])
    imported = {draft.origin[item["key"]][0] for item in draft.plan.items}
    slugs = {team.slug for team in draft.teams}
    preview.gone = sorted(
        before["key"]
        for key, before in held.items.items()
        if key not in imported and before["team"] in slugs
    )
    found = set()
    for dependent, dependency in _pairs(draft):
        a, b = held.ids.get(dependent), held.ids.get(dependency)
        found.add((a, b))
        if a is not None and b is not None and (a, b) in held.pairs:
            preview.dependencies_leave += 1
        else:
            preview.dependencies_create.append((dependent, dependency))
    # A dependent states what it needs (GitHub and Linear give links on that side
    # only): a link is gone from the source when its dependent is in the import.
    dependents = {held.items[key]["id"] for key in imported if key in held.items}
    keys = {item_id: key for key, item_id in held.ids.items()}
    for (a, b), link_id in sorted(held.imported_links.items()):
        if a in dependents and (a, b) not in found:
            preview.dependencies_remove.append((keys[a], keys[b]))
            preview.removed_ids.append(link_id)
    return preview


def _pairs(draft: Draft) -> list[tuple[str, str]]:
    return [(d["dependent"], d["dependency"]) for d in draft.plan.dependencies] + draft.external


def preview(draft: Draft, *, analyse: bool = True, now: datetime | None = None) -> Preview:
    """What importing ``draft`` would do, and (``analyse``) the conflicts the plan would
    show afterwards: the import is written in a savepoint, analysed, and rolled back."""
    found = compare(draft)
    if not analyse or not found.importable:
        return found
    now, settings = now or utcnow(), analysis_settings()
    before = {
        c.fingerprint
        for c in analyse_snapshot(load_snapshot(), now, settings).conflicts
        if c.state == "open"
    }
    nested = db.session.begin_nested()
    try:
        _write(draft, found)
        analysis = analyse_snapshot(load_snapshot(), now, settings)
        open_conflicts = [c for c in analysis.conflicts if c.state == "open"]
        counts = dict.fromkeys(CONFLICT_TYPES, 0)
        for conflict in open_conflicts:
            counts[conflict.type] += 1
        found.conflict_counts = {kind: n for kind, n in counts.items() if n}
        found.conflicts_total = len(open_conflicts)
        new = [c for c in open_conflicts if c.fingerprint not in before]
        found.worst = [_shown_conflict(c, before) for c in open_conflicts[:WORST_SHOWN]]
        found.worst_new = [_shown_conflict(c, before) for c in new[:WORST_SHOWN]]
        found.conflicts_new = len(new)
        found.analysed = True
    finally:
        nested.rollback()
    return found


def _shown_conflict(conflict: Any, before: set[str]) -> dict[str, Any]:
    return {
        "type": conflict.type,
        "severity": conflict.severity,
        "items": list(conflict.items[:5]),
        "message": conflict.message,
        "new": conflict.fingerprint not in before,
    }


# -- Writing ------------------------------------------------------------------------


@dataclass
class Imported:
    periods: int
    teams: int
    created: int
    updated: int
    unchanged: int
    dependencies: int
    removed: list[tuple[str, str]]
    gone: list[str]

    def __str__(self) -> str:
        text = (
            f"Imported {self.created:,} new items and updated {self.updated:,} "
            f"({self.unchanged:,} unchanged), with {self.dependencies:,} new dependencies, "
            f"{self.teams:,} new teams and {self.periods:,} new periods."
        )
        if self.removed:
            n = len(self.removed)
            text += (
                f" Removed {n:,} {'dependency' if n == 1 else 'dependencies'} an earlier "
                "import made that the source no longer has."
            )
        if self.gone:
            text += f" {len(self.gone):,} items from this source are no longer in it (kept)."
        return text


def write(draft: Draft, *, files: list[str], progress: Progress | None = None) -> Imported:
    """Import ``draft``: ``ImportProblems`` (nothing written) when it has problems."""
    found = compare(draft)
    if not found.importable:
        raise ImportProblems(draft.problems)
    return _write(draft, found, files=files, progress=progress)


def _write(
    draft: Draft,
    found: Preview,
    *,
    files: list[str] | None = None,
    progress: Progress | None = None,
) -> Imported:
    session, plan, now = db.session, draft.plan, utcnow()
    total = len(plan.items) + len(found.dependencies_create) + len(found.removed_ids) + 1
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    new_period_names = {p["name"] for p in draft.new_periods}
    new_periods = [p for p in plan.periods if p["name"] in new_period_names]
    if new_periods:
        session.execute(insert(Period.__table__), new_periods)
    period_ids = dict(session.execute(select(Period.name, Period.id)).all())

    known = set(session.execute(select(Team.slug)).scalars())
    new_teams = [t for t in plan.teams if t["slug"] not in known]
    if new_teams:
        session.execute(
            insert(Team.__table__),
            [
                {"slug": t["slug"], "name": t["name"], "kind": t["kind"],
                 "default_capacity": t["default_capacity"], "item_seq": 0}
                for t in new_teams
            ],
        )  # fmt: skip
    team_ids = dict(session.execute(select(Team.slug, Team.id)).all())
    sequences = _item_sequences(item["key"] for item in plan.items)
    raise_seq = [
        {"b_id": team_ids[t["slug"]], "b_seq": sequences[t["slug"].upper()]}
        for t in plan.teams
        if t["slug"].upper() in sequences
    ]
    if raise_seq:
        table = Team.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.item_seq < bindparam("b_seq"))
            .values(item_seq=bindparam("b_seq")),
            raise_seq,
        )

    held_ids = _held_ids(draft.source)
    created, updated = [], []
    for item in plan.items:
        source_key, url = draft.origin[item["key"]]
        row = planned_columns(item, team_ids, period_ids) | {"source_url": url}
        if item["key"] in found.update:
            del row["key"]
            updated.append({f"b_{k}": v for k, v in row.items()} | {"b_id": held_ids[source_key]})
        elif item["key"] in found.create:
            row |= {
                "health": item["health"],
                "created_at": item["created_at"],
                "updated_at": now,
                "version": 1,
                "source": draft.source,
                "source_key": source_key,
            }
            created.append(row)
    for start in range(0, len(created), BATCH_SIZE):
        batch = created[start : start + BATCH_SIZE]
        session.execute(insert(Item.__table__), batch)
        advance(len(batch))
    if updated:
        table = Item.__table__
        columns = [k[2:] for k in updated[0] if k != "b_id"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                {name: bindparam(f"b_{name}") for name in columns}
                | {"version": table.c.version + 1, "updated_at": now}
            )
        )
        for start in range(0, len(updated), BATCH_SIZE):
            batch = updated[start : start + BATCH_SIZE]
            session.execute(statement, batch)
            advance(len(batch))
    advance(len(found.leave))

    ids = dict(session.execute(select(Item.key, Item.id)).all())
    dependencies = [
        {
            "dependent_id": ids[a],
            "dependency_id": ids[b],
            "needed_by_period_id": None,
            "commitment": draft.mapping.commitment,
            "note": "",
            "created_at": now,
            "version": 1,
            "source": draft.source,
        }
        for a, b in found.dependencies_create
    ]
    for start in range(0, len(dependencies), BATCH_SIZE):
        batch = dependencies[start : start + BATCH_SIZE]
        session.execute(insert(Dependency.__table__), batch)
        advance(len(batch))
    links = Dependency.__table__
    for start in range(0, len(found.removed_ids), BATCH_SIZE):
        batch = found.removed_ids[start : start + BATCH_SIZE]
        session.execute(delete(links).where(links.c.id.in_(batch)))
        advance(len(batch))

    result = Imported(
        periods=len(new_periods),
        teams=len(new_teams),
        created=len(created),
        updated=len(updated),
        unchanged=len(found.leave),
        dependencies=len(dependencies),
        removed=found.dependencies_remove,
        gone=found.gone,
    )
    by_item = _changes_by_item(plan.items, found, ids)
    event_id = record(
        session,
        "plan",
        None,
        "import",
        {
            "source": draft.source,
            "files": files or [],
            "periods_created": [p["name"] for p in new_periods],
            "teams_created": [t["slug"] for t in new_teams],
            "items_created": [row["key"] for row in created],
            "items_updated": list(found.update),
            "items_unchanged": len(found.leave),
            "dependencies_created": [list(pair) for pair in found.dependencies_create],
            "dependencies_removed": [list(pair) for pair in found.dependencies_remove],
            "gone_from_source": found.gone,
        },
    )
    # each item's part, as its history shows it
    concerned = [
        {"item_id": item_id, "event_id": event_id, "changes": changes}
        for item_id, changes in by_item.items()
    ]
    for start in range(0, len(concerned), BATCH_SIZE):
        session.execute(insert(AuditEventItem.__table__), concerned[start : start + BATCH_SIZE])
    bump_revision(session.connection(), [WHOLE_PLAN])
    advance(1)
    return result


def _changes_by_item(
    items: list[dict[str, Any]], found: Preview, ids: dict[str, int]
) -> dict[int, dict[str, list[Any]]]:
    """Every item the import created or changed: field -> [old, new], as shown; a
    dependent's links added or removed as ``needs``."""
    created = set(found.create)
    by_item: dict[int, dict[str, list[Any]]] = {}
    for item in items:
        key = item["key"]
        if key in created:
            by_item[ids[key]] = {
                name: [None, _shown(name, item.get(name))]
                for name in CREATED_FIELDS
                if item.get(name) is not None
            }
        elif key in found.update:
            by_item[ids[key]] = dict(found.update[key])
    needs: dict[int, list[list[str]]] = {}
    for pairs, side in ((found.dependencies_remove, 0), (found.dependencies_create, 1)):
        for dependent, dependency in pairs:
            needs.setdefault(ids[dependent], [[], []])[side].append(dependency)
    for item_id, (removed, added) in needs.items():
        by_item.setdefault(item_id, {})["needs"] = [
            ", ".join(removed) or None,
            ", ".join(added) or None,
        ]
    return by_item


def _held_ids(source: str) -> dict[str, int]:
    return dict(
        db.session.execute(select(Item.source_key, Item.id).where(Item.source == source)).all()
    )
