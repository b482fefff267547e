"""The live analysis in process: how long ``Analysis.updated`` takes per kind of
edit, and whether the result equals a full analysis.

    python -m bench.live [--items 50000] [--per-kind 20]

``edit_times(analysis, rng)`` draws ``per_kind`` random edits of each kind from
the plan, applies them one after the other (each to the analysis the previous
one gave) and returns the median seconds of ``updated`` per kind;
``live_equals_full(analysis)`` compares an analysis with a full ``analyze`` of
its plan (app/alignment/equality.py says what equal means). ``scale_snapshot``
builds the plan of ``flask seed scale`` in memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from app.alignment import (
    Analysis,
    Decision,
    Dependency,
    Item,
    Period,
    PlanDelta,
    PlanSnapshot,
    Settings,
    Team,
    analyze,
)
from app.alignment.equality import equal_analyses
from app.alignment.live_state import live_state


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def snapshot_of(plan: dict[str, Any]) -> PlanSnapshot:
    """A snapshot of a plan in the interchange format (as ``flask plan import``
    reads it), ids numbered in file order."""
    periods = tuple(
        Period(p["name"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
        for p in plan["periods"]
    )
    period = {p.name: n for n, p in enumerate(periods)}
    teams = []
    team_id = {}
    for n, t in enumerate(plan["teams"], start=1):
        capacity = t.get("capacity") or {}
        overrides = {period[name]: value for name, value in capacity.get("periods", {}).items()}
        teams.append(Team(n, t["slug"], t["name"], t["kind"], capacity.get("default"), overrides))
        team_id[t["slug"]] = n
    last_update: dict[str, datetime] = {}
    for update in plan.get("status_updates", ()):
        at = _moment(update["at"])
        if update["item"] not in last_update or at > last_update[update["item"]]:
            last_update[update["item"]] = at
    items = []
    item_id = {}
    for n, i in enumerate(plan["items"], start=1):
        item_id[i["key"]] = n
        items.append(
            Item(
                id=n,
                key=i["key"],
                team_id=team_id[i["team"]],
                title=i["title"],
                priority=int(i["priority"][1]),
                start=period.get(i.get("start")),
                end=period.get(i.get("end")),
                estimate=i.get("estimate"),
                status=i["status"],
                health=i.get("health", "on_track"),
                created_at=_moment(i["created_at"])
                if i.get("created_at")
                else datetime(2026, 1, 1),
                last_update_at=last_update.get(i["key"]),
            )
        )
    deps = tuple(
        Dependency(
            item_id[d["dependent"]],
            item_id[d["dependency"]],
            period.get(d.get("needed_by")),
            d.get("commitment", "requested"),
        )
        for d in plan["dependencies"]
    )
    return PlanSnapshot(periods, tuple(teams), tuple(items), deps)


def scale_snapshot(n_items: int, seed: int = 1) -> PlanSnapshot:
    from app.seed.scale import build_scale_plan

    return snapshot_of(build_scale_plan(n_items, seed))


# -- random edits ----------------------------------------------------------------


def _item(a: Analysis, rng: random.Random) -> Item:
    return rng.choice(a.snapshot.items)


def _move(a: Analysis, rng: random.Random) -> PlanDelta:
    item, last = _item(a, rng), len(a.snapshot.periods) - 1
    start = rng.randrange(last + 1)
    length = 0 if item.start is None else (item.end or item.start) - item.start
    return PlanDelta(items=(dataclasses.replace(item, start=start, end=min(last, start + length)),))


def _resize(a: Analysis, rng: random.Random) -> PlanDelta:
    item, last = _item(a, rng), len(a.snapshot.periods) - 1
    start = item.start if item.start is not None else rng.randrange(last + 1)
    return PlanDelta(items=(dataclasses.replace(item, start=start, end=rng.randint(start, last)),))


def _field(name: str, values: Callable[[random.Random], Any]) -> Callable:
    def edit(a: Analysis, rng: random.Random) -> PlanDelta:
        return PlanDelta(items=(dataclasses.replace(_item(a, rng), **{name: values(rng)}),))

    return edit


def _team(a: Analysis, rng: random.Random) -> PlanDelta:
    item = _item(a, rng)
    kind = next(t.kind for t in a.snapshot.teams if t.id == item.team_id)
    team = rng.choice([t for t in a.snapshot.teams if t.kind == kind])
    return PlanDelta(items=(dataclasses.replace(item, team_id=team.id),))


def _status_update(a: Analysis, rng: random.Random) -> PlanDelta:
    item = _item(a, rng)
    row = dataclasses.replace(
        item,
        last_update_at=a.now - timedelta(hours=rng.randrange(1, 200)),
        health=rng.choice(("on_track", "at_risk", "off_track")),
        status=rng.choice(("committed", "in_progress", item.status)),
    )
    return PlanDelta(items=(row,))


def _add_dependency(a: Analysis, rng: random.Random) -> PlanDelta:
    # Like the UI: a later item needs an earlier one (the plan stays acyclic).
    items = a.snapshot.items
    known = live_state(a).dep_pos
    while True:
        d, b = sorted(rng.sample(range(len(items)), 2), reverse=True)
        pair = (items[d].id, items[b].id)
        if pair not in known:
            return PlanDelta(dependencies=(Dependency(*pair, None, "requested"),))


def _edit_dependency(a: Analysis, rng: random.Random) -> PlanDelta:
    dep = rng.choice(a.snapshot.dependencies)
    last = len(a.snapshot.periods) - 1
    row = dataclasses.replace(
        dep,
        needed_by=rng.choice((None, rng.randrange(last + 1))),
        commitment=rng.choice(("requested", "committed", "declined")),
    )
    return PlanDelta(dependencies=(row,))


def _remove_dependency(a: Analysis, rng: random.Random) -> PlanDelta:
    dep = rng.choice(a.snapshot.dependencies)
    return PlanDelta(removed_dependencies=frozenset({(dep.dependent_id, dep.dependency_id)}))


def _capacity_default(a: Analysis, rng: random.Random) -> PlanDelta:
    team = rng.choice(a.snapshot.teams)
    return PlanDelta(teams=(dataclasses.replace(team, default_capacity=rng.randrange(10, 80)),))


def _capacity_override(a: Analysis, rng: random.Random) -> PlanDelta:
    team = rng.choice(a.snapshot.teams)
    capacities = dict(team.capacities)
    capacities[rng.randrange(len(a.snapshot.periods))] = float(rng.randrange(0, 80))
    return PlanDelta(teams=(dataclasses.replace(team, capacities=capacities),))


def _decide(a: Analysis, rng: random.Random) -> PlanDelta:
    conflict = rng.choice(a.conflicts)
    state = rng.choice(("acknowledged", "accepted"))
    return PlanDelta(decisions=(Decision(conflict.fingerprint, state, "bench", None, a.now),))


def _undecide(a: Analysis, rng: random.Random) -> PlanDelta:
    if not a.snapshot.decisions:
        return _decide(a, rng)
    fingerprint = rng.choice(sorted(a.snapshot.decisions))
    return PlanDelta(removed_decisions=frozenset({fingerprint}))


EDITS: dict[str, Callable[[Analysis, random.Random], PlanDelta]] = {
    "move": _move,
    "resize": _resize,
    "priority": _field("priority", lambda rng: rng.randrange(4)),
    "estimate": _field("estimate", lambda rng: rng.choice((None, float(rng.randrange(1, 30))))),
    "status": _field(
        "status", lambda rng: rng.choice(("proposed", "committed", "in_progress", "done"))
    ),
    "health": _field("health", lambda rng: rng.choice(("on_track", "at_risk", "off_track"))),
    "team": _team,
    "status_update": _status_update,
    "add_dependency": _add_dependency,
    "edit_dependency": _edit_dependency,
    "remove_dependency": _remove_dependency,
    "capacity_default": _capacity_default,
    "capacity_override": _capacity_override,
    "decide": _decide,
    "undecide": _undecide,
}


def edit_times(
    analysis: Analysis, rng: random.Random, per_kind: int = 20
) -> tuple[dict[str, float], Analysis]:
    """``({kind: median seconds of updated}, the analysis after all the edits)``.
    The edits of all kinds are interleaved at random, each applied to the
    analysis the one before gave. The live state is made before timing."""
    live_state(analysis)
    times: dict[str, list[float]] = {kind: [] for kind in EDITS}
    order = [kind for kind in EDITS for _ in range(per_kind)]
    rng.shuffle(order)
    for kind in order:
        delta = EDITS[kind](analysis, rng)
        began = time.perf_counter()
        analysis = analysis.updated(delta)
        times[kind].append(time.perf_counter() - began)
    return {kind: statistics.median(t) for kind, t in times.items()}, analysis


def live_equals_full(analysis: Analysis, sample: int | None = 2000, seed: int = 0) -> bool:
    """Whether the analysis equals a full analysis of its plan; chains and radii
    for ``sample`` random items (all with None)."""
    full = analyze(analysis.snapshot, analysis.now, analysis.settings)
    ids = [item.id for item in analysis.snapshot.items]
    if sample is not None and sample < len(ids):
        ids = random.Random(seed).sample(ids, sample)
    found = equal_analyses(analysis, full, ids)
    for line in found:
        print(line[:400])
    return not found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--per-kind", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    snapshot = scale_snapshot(args.items, args.seed)
    now = datetime.now().replace(microsecond=0)
    began = time.perf_counter()
    analysis = analyze(snapshot, now, Settings())
    full_s = time.perf_counter() - began
    began = time.perf_counter()
    live_state(analysis)
    state_s = time.perf_counter() - began
    times, after = edit_times(analysis, random.Random(args.seed), args.per_kind)
    print(f"{len(snapshot.items)} items, {len(snapshot.dependencies)} dependencies")
    print(f"full analysis {full_s:.3f} s, live state {state_s:.3f} s")
    for kind, seconds in times.items():
        print(f"  {kind:<18} {seconds * 1000:7.2f} ms")
    print("live equals full:", live_equals_full(after))


if __name__ == "__main__":
    main()
