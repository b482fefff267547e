"""Properties of the analysis over generated plans (cyclic ones included)."""

import dataclasses
from datetime import datetime, timedelta

from alignment_plans import CREATED, NOW, RECENT, quarters
from hypothesis import given, settings
from hypothesis import strategies as st

from app.alignment import (
    COMMITMENTS,
    CONFLICT_TYPES,
    HEALTHS,
    SEVERITIES,
    STATUSES,
    TEAM_KINDS,
    Dependency,
    Item,
    PlanSnapshot,
    Team,
    analyze,
)

fast = settings(max_examples=100, deadline=None, database=None)
halves = st.integers(0, 20).map(lambda n: n / 2)


@st.composite
def plans(draw, max_items=10, acyclic=False):
    n_periods = draw(st.integers(1, 5))
    period_index = st.integers(0, n_periods - 1)
    teams = []
    for t in range(draw(st.integers(1, 4))):
        capacities = draw(st.dictionaries(period_index, halves, max_size=2))
        default = draw(st.none() | halves)
        kind = draw(st.sampled_from(TEAM_KINDS))
        teams.append(Team(t + 1, f"t{t}", f"Team {t}", kind, default, capacities))
    items = []
    for i in range(draw(st.integers(0, max_items))):
        start = draw(st.none() | period_index)
        end = None if start is None else draw(st.integers(start, n_periods - 1))
        silence = draw(st.none() | st.integers(0, 40))
        items.append(
            Item(
                id=i + 1,
                key=f"K-{i}",
                team_id=draw(st.integers(1, len(teams))),
                title=f"Item {i}",
                priority=draw(st.integers(0, 3)),
                start=start,
                end=end,
                estimate=draw(st.none() | halves),
                status=draw(st.sampled_from(STATUSES)),
                health=draw(st.sampled_from(HEALTHS)),
                created_at=CREATED,
                last_update_at=None if silence is None else NOW - timedelta(days=silence),
            )
        )
    dependencies = {}
    if items:
        position = st.integers(1, len(items))
        for dependent, dependency in draw(st.lists(st.tuples(position, position), max_size=20)):
            if acyclic and dependent <= dependency:
                continue
            needed_by = draw(st.none() | period_index)
            commitment = draw(st.sampled_from(COMMITMENTS))
            dependencies[dependent, dependency] = Dependency(
                dependent, dependency, needed_by, commitment
            )
    return PlanSnapshot(
        quarters(n_periods), tuple(teams), tuple(items), tuple(dependencies.values())
    )


@st.composite
def feasible_plans(draw):
    """Every need ends before its dependent starts and is ranked at least as high,
    every team has room, everything is committed, fresh and estimated."""
    n_periods = draw(st.integers(2, 5))
    teams = [
        Team(t + 1, f"t{t}", f"Team {t}", draw(st.sampled_from(TEAM_KINDS)), 1000.0)
        for t in range(draw(st.integers(1, 3)))
    ]
    items = []
    for i in range(draw(st.integers(1, 10))):
        start = draw(st.integers(0, n_periods - 1))
        items.append(
            Item(
                id=i + 1,
                key=f"K-{i}",
                team_id=draw(st.integers(1, len(teams))),
                title=f"Item {i}",
                priority=draw(st.integers(0, 3)),
                start=start,
                end=draw(st.integers(start, n_periods - 1)),
                estimate=draw(halves),
                status="committed",
                health="on_track",
                created_at=CREATED,
                last_update_at=RECENT,
            )
        )
    position = st.integers(0, len(items) - 1)
    pairs = draw(st.lists(st.tuples(position, position), max_size=20, unique=True))
    dependencies = tuple(
        Dependency(items[d].id, items[b].id, None, "committed")
        for d, b in pairs
        if items[b].end < items[d].start and items[b].priority <= items[d].priority
    )
    return PlanSnapshot(quarters(n_periods), tuple(teams), tuple(items), dependencies)


def shuffled(snapshot: PlanSnapshot, rnd) -> PlanSnapshot:
    """The same plan in another order, under other ids."""
    ids = [item.id for item in snapshot.items]
    new_ids = dict(zip(ids, rnd.sample(range(100, 100 + 10 * len(ids) + 1), len(ids)), strict=True))
    items = [dataclasses.replace(i, id=new_ids[i.id]) for i in snapshot.items]
    deps = [
        dataclasses.replace(
            d, dependent_id=new_ids[d.dependent_id], dependency_id=new_ids[d.dependency_id]
        )
        for d in snapshot.dependencies
    ]
    teams = list(snapshot.teams)
    for sequence in (items, deps, teams):
        rnd.shuffle(sequence)
    return dataclasses.replace(
        snapshot, items=tuple(items), dependencies=tuple(deps), teams=tuple(teams)
    )


@fast
@given(plans())
def test_analyze_never_raises_and_its_results_hang_together(snapshot):
    a = analyze(snapshot, NOW)
    own = {item.id: item.priority for item in snapshot.items}
    items = {item.id: item for item in snapshot.items}
    assert all(a.effective_priority[i] <= own[i] for i in own)
    fingerprints = [c.fingerprint for c in a.conflicts]
    assert len(set(fingerprints)) == len(fingerprints)
    for conflict in a.conflicts:
        assert conflict.type in CONFLICT_TYPES
        assert conflict.severity in SEVERITIES
        assert conflict.suggestions
        assert conflict.message
    for item_id in own:
        chain = a.priority_chain(item_id)
        assert chain[0] == item_id
        assert own[chain[-1]] == a.effective_priority[item_id]
        assert all(
            items[needer].status in {"proposed", "committed", "in_progress"} for needer in chain[1:]
        )
        radius = a.blast_radius(item_id)
        assert set(chain[1:]) <= {i for i, _ in radius}


@fast
@given(plans())
def test_the_ledger_adds_up(snapshot):
    ledger = analyze(snapshot, NOW).ledger
    for team in snapshot.teams:
        planned = sum(
            item.estimate or 0
            for item in snapshot.items
            if item.team_id == team.id and item.start is not None and item.status != "cancelled"
        )
        assert abs(sum(cell.demand for cell in ledger.team(team.id)) - planned) < 1e-6


@fast
@given(plans(), st.randoms(use_true_random=False))
def test_input_order_and_ids_change_nothing(snapshot, rnd):
    expected = [c.to_dict() for c in analyze(snapshot, NOW).conflicts]
    assert [c.to_dict() for c in analyze(shuffled(snapshot, rnd), NOW).conflicts] == expected


@fast
@given(plans(), st.data())
def test_adding_a_dependency_never_lowers_an_effective_priority(snapshot, data):
    if not snapshot.items:
        return
    ids = [item.id for item in snapshot.items]
    dependent, dependency = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
    before = analyze(snapshot, NOW).effective_priority
    more = (*snapshot.dependencies, Dependency(dependent, dependency))
    after = analyze(dataclasses.replace(snapshot, dependencies=more), NOW).effective_priority
    assert all(after[i] <= before[i] for i in ids)


@fast
@given(feasible_plans())
def test_a_feasible_plan_has_no_conflicts(snapshot):
    assert analyze(snapshot, NOW).conflicts == []


@fast
@given(plans(acyclic=True))
def test_acyclic_plans_report_no_cycle(snapshot):
    assert "dependency_cycle" not in {c.type for c in analyze(snapshot, NOW).conflicts}


# Subjects, not destinations: these types may name their own period when it has ended.
OWN_PERIOD_TYPES = {"over_capacity", "platform_contention", "unestimated"}


@fast
@given(plans(), st.datetimes(datetime(2026, 12, 1), datetime(2028, 6, 30)))
def test_no_suggestion_or_action_names_a_period_that_has_ended(snapshot, now):
    ended = [i for i, period in enumerate(snapshot.periods) if period.end < now.date()]
    names = [snapshot.periods[i].name for i in ended]
    for conflict in analyze(snapshot, now).conflicts:
        allowed = {conflict.period} if conflict.type in OWN_PERIOD_TYPES else set()
        for text in conflict.suggestions:
            assert not [name for name in names if name in text and name not in allowed], text
        for action in conflict.actions:
            assert action.kind == "raise" or (
                action.start not in ended and action.end not in ended
            ), action


@fast
@given(plans())
def test_counted_and_filtered_radii_agree_with_the_listed_ones(snapshot):
    analysis = analyze(snapshot, NOW)
    ids = [item.id for item in snapshot.items]
    counts = analysis.blast_radius_counts(ids)
    for item_id in ids:
        tally = [0, 0, 0, 0]
        for _member, priority in analysis.blast_radius(item_id):
            tally[priority] += 1
        assert counts[item_id] == tuple(tally)
    for conflict in analysis.select(type="at_risk_dependency"):
        answers = [conflict.involves_item(i) for i in ids]
        slugs = [team.slug for team in snapshot.teams]
        teams = [conflict.involves_team(slug) for slug in slugs]
        assert answers == [i in conflict.item_ids for i in ids]
        assert teams == [slug in conflict.teams for slug in slugs]
