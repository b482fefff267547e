"""Plans for the auto-scheduling tests: hypothesis strategies."""

from __future__ import annotations

from datetime import datetime

from alignment_plans import CREATED, NOW, RECENT, quarters
from hypothesis import strategies as st

from app.alignment import Dependency, Item, PlanSnapshot, Team

# 2027 Q1 is running at NOW; at LATER it has ended and 2027 Q2 is running.
LATER = datetime(2027, 5, 15, 12, 0)


def _item(i: int, team: int, priority: int, start: int, length: int, **fields) -> Item:
    values = {
        "estimate": 2.0,
        "status": "committed",
        "health": "on_track",
        "created_at": CREATED,
        "last_update_at": RECENT,
        **fields,
    }
    return Item(
        id=i + 1,
        key=f"K-{i}",
        team_id=team,
        title=f"Item {i}",
        priority=priority,
        start=start,
        end=start + length - 1,
        **values,
    )


@st.composite
def plans(draw, max_items: int = 8):
    """Any small plan the scheduler may meet: some work in progress, done,
    unestimated or in the backlog, capacity or none, dependencies (explicit
    needed-by periods too; loops as well), and now in the first period or the
    second."""
    n_periods = draw(st.integers(2, 6))
    teams = [
        Team(
            t + 1,
            f"t{t}",
            f"Team {t}",
            draw(st.sampled_from(("platform", "product"))),
            draw(st.none() | st.integers(0, 12).map(float)),
            draw(st.dictionaries(st.integers(0, n_periods - 1), st.integers(0, 12).map(float))),
        )
        for t in range(draw(st.integers(1, 3)))
    ]
    items = []
    for i in range(draw(st.integers(0, max_items))):
        length = draw(st.integers(1, min(3, n_periods)))
        start = draw(st.integers(0, n_periods - length))
        item = _item(
            i,
            draw(st.integers(1, len(teams))),
            draw(st.integers(0, 3)),
            start,
            length,
            estimate=draw(st.none() | st.integers(0, 8).map(float)),
            status=draw(
                st.sampled_from(("proposed", "committed", "committed", "in_progress", "done"))
            ),
        )
        if draw(st.integers(0, 9)) == 0:
            item = Item(**{**_fields(item), "start": None, "end": None})
        items.append(item)
    dependencies = {}
    if items:
        position = st.integers(1, len(items))
        for d, b in draw(st.lists(st.tuples(position, position), max_size=12)):
            if d != b:
                needed_by = draw(st.none() | st.integers(0, n_periods - 1))
                dependencies[d, b] = Dependency(d, b, needed_by, "committed")
    now = draw(st.sampled_from((NOW, LATER)))
    snapshot = PlanSnapshot(
        quarters(n_periods), tuple(teams), tuple(items), tuple(dependencies.values())
    )
    return snapshot, now


def _fields(item: Item) -> dict:
    return {name: getattr(item, name) for name in Item.__slots__}


@st.composite
def feasible_plans(draw, max_items: int = 10, scrambled: bool = True):
    """Plans with a placement that meets every constraint: one is drawn first
    (every dependency ends before its dependent starts or by its needed-by
    period, each team's capacity is its peak demand there and a little more),
    then the items are put somewhere else (``scrambled``) or left there. Work in
    progress stays where the placement has it."""
    n_periods = draw(st.integers(2, 6))
    n_teams = draw(st.integers(1, 3))
    hidden, items = [], []
    for i in range(draw(st.integers(1, max_items))):
        length = draw(st.integers(1, min(2, n_periods)))
        where = draw(st.integers(0, n_periods - length))
        status = draw(st.sampled_from(("proposed", "committed", "committed", "in_progress")))
        start = draw(st.integers(0, n_periods - length)) if scrambled else where
        if status == "in_progress":
            start = where
        team = draw(st.integers(1, n_teams))
        estimate = float(draw(st.integers(0, 6)))
        hidden.append(where)
        items.append(_item(i, team, draw(st.integers(0, 3)), start, length, estimate=estimate,
                           status=status))  # fmt: skip
    load: dict[tuple[int, int], float] = {}
    for item, where in zip(items, hidden, strict=True):
        length = item.end - item.start + 1
        for p in range(where, where + length):
            key = (item.team_id, p)
            load[key] = load.get(key, 0.0) + item.estimate / length
    teams = [
        Team(
            t,
            f"t{t}",
            f"Team {t}",
            "platform",
            max((v for (team, _p), v in load.items() if team == t), default=0.0)
            + draw(st.integers(1, 4)),
        )
        for t in range(1, n_teams + 1)
    ]
    dependencies = {}
    position = st.integers(0, len(items) - 1)
    for d, b in draw(st.lists(st.tuples(position, position), max_size=12)):
        b_end = hidden[b] + items[b].end - items[b].start
        if d == b:
            continue
        if draw(st.booleans()) and b_end < n_periods - 1:
            need = draw(st.integers(b_end + 1, n_periods - 1))
            dependencies[d, b] = Dependency(d + 1, b + 1, need, "committed")
        elif b_end < hidden[d] and (d, b) not in dependencies:
            dependencies[d, b] = Dependency(d + 1, b + 1, None, "committed")
    snapshot = PlanSnapshot(
        quarters(n_periods), tuple(teams), tuple(items), tuple(dependencies.values())
    )
    return snapshot
