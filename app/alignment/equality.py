"""What it means for two analyses to be equal: everything a caller can observe,
materialised. The live analysis (``Analysis.updated``) is held to this against a
full ``analyze`` of the same plan, by tests/unit/test_alignment_live.py and by
bench/live.py.

``observe`` reads every conflict in full (its text and members too), effective
priorities, priority chains, every ledger cell, blast radii and their counts,
the counts and a set of selections, and the current and first open periods.
Chains and radii are read for all items, or only for ``items`` (ids) when the
plan is too large to list them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .analysis import Analysis
from .conflict import SEVERITIES, STATES


def _conflict(c: Any) -> tuple:
    return (
        c.type,
        c.severity,
        list(c.items),
        list(c.teams),
        c.period,
        c.fingerprint,
        c.state,
        c.decision,
        list(c.item_ids),
        list(c.team_ids),
        c.period_index,
        c.message,
        list(c.suggestions),
        list(c.actions),
        c.primary_key,
        c.primary_id,
    )


def _cell(cell: Any) -> tuple:
    return (
        cell.team_id,
        cell.period,
        cell.capacity,
        cell.demand,
        cell.utilisation,
        cell.free,
        cell.over,
        cell.by_item,
        cell.by_requester,
    )


def observe(analysis: Analysis, items: Iterable[int] | None = None) -> dict[str, Any]:
    """Everything observable of ``analysis``, as plain comparable data."""
    snapshot = analysis.snapshot
    ids = [item.id for item in snapshot.items] if items is None else list(items)
    slugs = sorted(team.slug for team in snapshot.teams)
    conflicts = analysis.conflicts
    selections: dict[str, list[str]] = {}
    for slug in slugs:
        selections[f"team={slug}"] = [c.fingerprint for c in analysis.select(team=slug)]
    for period in snapshot.periods:
        selections[f"period={period.name}"] = [
            c.fingerprint for c in analysis.select(period=period.name)
        ]
    for level in SEVERITIES:
        selections[f"severity={level}"] = [c.fingerprint for c in analysis.select(severity=level)]
    for state in (*STATES, "unaccepted"):
        selections[f"state={state}"] = [c.fingerprint for c in analysis.select(state=state)]
    for i in ids:
        selections[f"item={i}"] = [c.fingerprint for c in analysis.select(item_id=i)]
    return {
        "conflicts": [_conflict(c) for c in conflicts],
        "effective_priority": dict(sorted(analysis.effective_priority.items())),
        "chains": {i: analysis.priority_chain(i) for i in ids},
        "blast_radius": {i: analysis.blast_radius(i) for i in ids},
        "radius_counts": dict(sorted(analysis.blast_radius_counts(ids).items())),
        "ledger": [_cell(cell) for cell in analysis.ledger],
        "counts": analysis.counts(),
        "select": selections,
        "current_period": analysis.current_period,
        "first_open_period": analysis.first_open_period,
        "now": analysis.now,
        "settings": analysis.settings,
    }


def differences(left: dict[str, Any], right: dict[str, Any], limit: int = 5) -> list[str]:
    """Where two ``observe`` results differ, at most ``limit`` places; [] when equal."""
    found: list[str] = []
    for name in left.keys() | right.keys():
        a, b = left.get(name), right.get(name)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(a.keys() | b.keys(), key=repr):
                if a.get(key) != b.get(key):
                    found.append(f"{name}[{key!r}]: {a.get(key)!r} != {b.get(key)!r}")
                    break
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                found.append(f"{name}: {len(a)} != {len(b)} entries")
            for k, (x, y) in enumerate(zip(a, b, strict=False)):
                if x != y:
                    found.append(f"{name}[{k}]: {x!r} != {y!r}")
                    break
        else:
            found.append(f"{name}: {a!r} != {b!r}")
        if len(found) >= limit:
            break
    return found


def equal_analyses(
    left: Analysis, right: Analysis, items: Iterable[int] | None = None
) -> list[str]:
    """``differences`` between two analyses (the first few); [] when they are equal."""
    wanted = None if items is None else list(items)
    return differences(observe(left, wanted), observe(right, wanted))
