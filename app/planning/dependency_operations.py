"""What planning does to dependencies: link items, answer requests, unlink.

Plain functions that check the rules, mutate, flush and never commit. Every
change of an existing dependency is made against the version the user loaded
(see `versioned`), and its history is the dependency's audit events.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.alignment import find_cycle, format_cycle
from app.extensions import db
from app.models import Dependency, Item, Period
from app.planning.operations import PlanningError, versioned

ANSWERS = ("committed", "declined")
NOTE_LIMIT = 2000


def dependency_values(dep: Dependency) -> dict[str, Any]:
    return {"needed_by": dep.needed_by, "commitment": dep.commitment, "note": dep.note}


def _label(dep: Dependency) -> str:
    return f"The dependency of {dep.dependent.key} on {dep.dependency.key}"


def _check_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise PlanningError(f"A note has at most {NOTE_LIMIT} characters.", "note")
    return note


def add_dependency(
    dependent: Item,
    dependency: Item,
    *,
    needed_by: Period | None = None,
    commitment: str = "requested",
    note: str = "",
) -> Dependency:
    """Record that `dependent` needs `dependency`. Refuses an item needing itself, a
    link that exists already and one that would close a cycle (naming its path)."""
    if dependent.id == dependency.id:
        raise PlanningError(f"{dependent.key} cannot need itself.")
    if commitment not in ("requested", *ANSWERS):
        raise PlanningError("The commitment is requested, committed or declined.", "commitment")
    note = _check_note(note)
    edges: dict[int, list[int]] = {}
    for dependent_id, dependency_id in db.session.execute(
        select(Dependency.dependent_id, Dependency.dependency_id)
    ):
        edges.setdefault(dependent_id, []).append(dependency_id)
    if dependency.id in edges.get(dependent.id, ()):
        raise PlanningError(f"{dependent.key} already needs {dependency.key}.")
    cycle = find_cycle(edges, dependent.id, dependency.id)
    if cycle is not None:
        keys = dict(db.session.execute(select(Item.id, Item.key).where(Item.id.in_(cycle))).all())
        raise PlanningError(f"Adding this would close a cycle: {format_cycle(cycle, keys)}.")
    dep = Dependency(
        dependent_id=dependent.id,
        dependency_id=dependency.id,
        needed_by_period_id=needed_by.id if needed_by else None,
        commitment=commitment,
        note=note,
    )
    db.session.add(dep)
    db.session.flush()
    return dep


def update_dependency(
    dep: Dependency, *, needed_by: Period | None, expected_version: int | None
) -> dict[str, tuple[Any, Any]]:
    """Set the needed-by period (None: the dependent's start period)."""
    changed = {} if dep.needed_by == needed_by else {"needed_by": (dep.needed_by, needed_by)}
    with versioned(dep, expected_version, _label(dep), lambda: dependency_values(dep)):
        dep.needed_by = needed_by
    return changed


def answer_request(
    dep: Dependency, commitment: str, note: str | None, *, expected_version: int | None
) -> None:
    """The providing team commits to the request or declines it, with a note. An
    answer may be changed later; each one stays in the history."""
    if commitment not in ANSWERS:
        raise PlanningError("Answer with committed or declined.", "commitment")
    note = _check_note(note)
    with versioned(dep, expected_version, _label(dep), lambda: dependency_values(dep)):
        dep.commitment = commitment
        dep.note = note


def remove_dependency(dep: Dependency, *, expected_version: int | None) -> None:
    with versioned(dep, expected_version, _label(dep), lambda: dependency_values(dep)):
        db.session.delete(dep)
