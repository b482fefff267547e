"""The overlay: a scenario's changes laid over the live plan (plain Python).

An empty overlay changes nothing; the overlaid analysis equals a full ``analyze``
of the live snapshot with the same changes made by hand; changes of rows that the
snapshot no longer has are left out."""

import dataclasses
from datetime import timedelta

from alignment_plans import CREATED, NOW, PlanBuilder
from hypothesis import given, settings
from hypothesis import strategies as st
from test_alignment_properties import plans

from app.alignment import COMMITMENTS, STATUSES, Item, analyze
from app.alignment.compare import compare_plans
from app.alignment.equality import equal_analyses
from app.alignment.overlay import Overlay, overlaid, overlay_delta

fast = settings(max_examples=80, deadline=None, database=None)
halves = st.integers(0, 20).map(lambda n: n / 2)


@st.composite
def plans_and_overlays(draw):
    snapshot = draw(plans(max_items=10))
    n_periods = len(snapshot.periods)
    period = st.integers(0, n_periods - 1)
    items = {}
    for item in snapshot.items:
        if not draw(st.booleans()):
            continue
        fields = {}
        if draw(st.booleans()):
            start = draw(st.none() | period)
            fields["start"] = start
            fields["end"] = None if start is None else draw(st.integers(start, n_periods - 1))
        if draw(st.booleans()):
            fields["priority"] = draw(st.integers(0, 3))
        if draw(st.booleans()):
            fields["estimate"] = draw(st.none() | halves)
        if draw(st.booleans()):
            fields["status"] = draw(st.sampled_from(STATUSES))
        if draw(st.booleans()):
            fields["team_id"] = draw(st.sampled_from(snapshot.teams)).id
        items[item.id] = fields
    dependencies = {}
    for dep in snapshot.dependencies:
        if draw(st.booleans()):
            fields = {}
            if draw(st.booleans()):
                fields["needed_by"] = draw(st.none() | period)
            if draw(st.booleans()):
                fields["commitment"] = draw(st.sampled_from(COMMITMENTS))
            dependencies[(dep.dependent_id, dep.dependency_id)] = fields
    capacities = draw(
        st.dictionaries(
            st.tuples(st.sampled_from([t.id for t in snapshot.teams]), period),
            st.none() | halves,
            max_size=3,
        )
    )
    new_items = []
    for n in range(draw(st.integers(0, 2))):
        start = draw(st.none() | period)
        new_items.append(
            Item(
                id=-(n + 1),
                key=f"NEW-new{n + 1}",
                team_id=draw(st.sampled_from(snapshot.teams)).id,
                title=f"New {n}",
                priority=draw(st.integers(0, 3)),
                start=start,
                end=start,
                estimate=draw(st.none() | halves),
                status=draw(st.sampled_from(STATUSES)),
                health="on_track",
                created_at=CREATED,
            )
        )
    overlay = Overlay(items, tuple(new_items), dependencies, capacities)
    return snapshot, overlay


def by_hand(snapshot, overlay):
    """The snapshot with the overlay's changes made directly, not through a delta."""
    items = [dataclasses.replace(i, **overlay.items.get(i.id, {})) for i in snapshot.items]
    deps = [
        dataclasses.replace(d, **overlay.dependencies.get((d.dependent_id, d.dependency_id), {}))
        for d in snapshot.dependencies
    ]
    teams = []
    for team in snapshot.teams:
        capacities = dict(team.capacities)
        for (team_id, period), value in overlay.capacities.items():
            if team_id == team.id:
                if value is None:
                    capacities.pop(period, None)
                else:
                    capacities[period] = value
        teams.append(dataclasses.replace(team, capacities=capacities))
    return dataclasses.replace(
        snapshot,
        items=(*items, *overlay.new_items),
        dependencies=tuple(deps),
        teams=tuple(teams),
    )


@fast
@given(st.data())
def test_an_empty_overlay_changes_nothing(data):
    snapshot = data.draw(plans(max_items=10))
    live = analyze(snapshot, NOW)
    assert overlay_delta(snapshot, Overlay()).empty
    assert overlaid(live, Overlay()) is live
    assert not equal_analyses(overlaid(live, Overlay(items={1: {}})), live)


@fast
@given(plans_and_overlays())
def test_the_overlaid_analysis_is_a_full_analysis_of_the_changed_plan(case):
    snapshot, overlay = case
    live = analyze(snapshot, NOW)
    scenario = overlaid(live, overlay)
    assert equal_analyses(scenario, analyze(by_hand(snapshot, overlay), NOW)) == []
    assert equal_analyses(live, analyze(snapshot, NOW)) == []  # the live one is untouched


def plan():
    b = PlanBuilder(periods=4)
    b.team("pay", capacity=10)
    b.item("PAY-1", "pay", start=0, estimate=8)
    b.item("CHK-1", "chk", priority=0, start=1)
    b.need("CHK-1", "PAY-1", needed_by=1)
    return b, b.build()


def test_changes_of_rows_that_are_gone_are_left_out():
    b, snapshot = plan()
    overlay = Overlay(
        items={999: {"priority": 0}, b.items["PAY-1"].id: {"start": 9, "end": 9, "team_id": 5}},
        dependencies={(1, 2): {"commitment": "declined"}},
        capacities={(12345, 0): 4.0, (b.teams["pay"].id, 7): 4.0},
        new_items=(
            Item(-1, "X-new1", 12345, "Orphan", 1, 0, 0, 1.0, "proposed", "on_track", CREATED),
        ),
    )
    assert overlay_delta(snapshot, overlay).empty


def test_a_slip_and_its_comparison():
    b, snapshot = plan()
    live = analyze(snapshot, NOW - timedelta(days=60))
    pay = b.items["PAY-1"].id
    scenario = overlaid(
        live,
        Overlay(items={pay: {"start": 2, "end": 2}}, capacities={(b.teams["pay"].id, 2): 20.0}),
    )
    comparison = compare_plans(live, scenario, {pay: "capacity of Pay in 2027 Q3"})
    [move] = comparison.moved
    assert (move.key, move.start, move.to_start, move.shift) == ("PAY-1", 0, 2, 2)
    assert move.reason == "capacity of Pay in 2027 Q3"
    assert [(s.key, s.kind) for s in comparison.slips] == [("CHK-1", "late"), ("PAY-1", "later")]
    assert [c.type for c in comparison.conflicts.new] == ["schedule_violation"]
    changed = [
        (c.period, c.demand, c.to_demand, c.capacity, c.to_capacity)
        for c in comparison.changed_load
    ]
    assert changed == [(0, 8.0, 0.0, 10.0, 10.0), (2, 0.0, 8.0, 10.0, 20.0)]
    data = comparison.as_dict()
    assert data["moved"][0]["from"]["start"] == "2027 Q1"
    assert data["moved"][0]["to"] == {"start": "2027 Q3", "end": "2027 Q3", "team": "pay"}
    assert data["slips"][0] == {"item": "CHK-1", "kind": "late", "shift": None, "because": "PAY-1"}
