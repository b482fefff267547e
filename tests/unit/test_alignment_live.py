"""The live analysis equals the full one: random edits of random plans.

A state machine starts from a random plan (cycles included, teams of both kinds,
periods some of which have ended at the moment of analysis, capacities, and
decisions on some of its real conflicts), applies random edits as PlanDeltas
(one row or several, removals included) and checks after every step that
``Analysis.updated`` gives what a full ``analyze`` of the same plan gives, and
that the analysis it started from still gives what it gave before. Texts and
members are read only after the edit, and the new analysis is sometimes left
unread until the step after, so that lazily made texts are read late on both.

``LIVE_ANALYSIS_STEPS=5000`` runs longer, on new random sequences each time;
without it the run is the same every time.
"""

import dataclasses
import os
from datetime import datetime, timedelta

from alignment_plans import CREATED, NOW
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from test_alignment_properties import plans

from app.alignment import (
    COMMITMENTS,
    HEALTHS,
    STATUSES,
    Decision,
    Dependency,
    Item,
    PlanDelta,
    Settings,
    analyze,
)
from app.alignment.equality import differences, observe

STEPS = int(os.environ.get("LIVE_ANALYSIS_STEPS", "0"))
STEP_COUNT = 12
EXAMPLES = max(25, STEPS // STEP_COUNT) if STEPS else 25

halves = st.integers(0, 20).map(lambda n: n / 2)
moments = st.datetimes(datetime(2026, 12, 1), datetime(2028, 3, 1))
analysis_settings = st.sampled_from(
    [Settings(), Settings(list_limit=2, cadence_days=3, escalate_priority=2)]
)


@st.composite
def live_plans(draw):
    """Random plans with enough items and capacity for edits to interact."""
    snapshot = draw(plans(max_items=14).filter(lambda s: len(s.items) >= 4))
    periods = len(snapshot.periods)
    teams = tuple(
        dataclasses.replace(
            team,
            default_capacity=draw(st.sampled_from([None, 4.0, 8.0, 12.0])),
            capacities=draw(st.dictionaries(st.integers(0, periods - 1), halves, max_size=2)),
        )
        for team in snapshot.teams
    )
    return dataclasses.replace(snapshot, teams=teams)


class LiveAnalysis(RuleBasedStateMachine):
    @initialize(snapshot=live_plans(), now=moments, chosen=analysis_settings, data=st.data())
    def start(self, snapshot, now, chosen, data):
        found = analyze(snapshot, now, chosen)
        decisions = {}
        for conflict in found.conflicts:
            if data.draw(st.integers(0, 3)) == 0:
                state = data.draw(st.sampled_from(["acknowledged", "accepted"]))
                decisions[conflict.fingerprint] = Decision(
                    conflict.fingerprint, state, "seen", "ana", now
                )
        snapshot = dataclasses.replace(snapshot, decisions=decisions)
        self.analysis = analyze(snapshot, now, chosen)
        self.next_id = 1000
        self.unread = None

    # -- drawing rows ----------------------------------------------------------

    def _item(self, data):
        items = self.analysis.snapshot.items
        return data.draw(st.sampled_from(items)) if items else None

    def _period(self, data):
        return st.integers(0, len(self.analysis.snapshot.periods) - 1)

    def _changed_item(self, data, what):
        item = self._item(data)
        if item is None:
            return None
        periods = len(self.analysis.snapshot.periods)
        if what == "move":
            start = data.draw(st.none() | st.integers(0, periods - 1))
            end = None if start is None else data.draw(st.integers(start, periods - 1))
            return dataclasses.replace(item, start=start, end=end)
        if what == "priority":
            return dataclasses.replace(item, priority=data.draw(st.integers(0, 3)))
        if what == "estimate":
            return dataclasses.replace(item, estimate=data.draw(st.none() | halves))
        if what == "status":
            return dataclasses.replace(item, status=data.draw(st.sampled_from(STATUSES)))
        if what == "health":
            return dataclasses.replace(item, health=data.draw(st.sampled_from(HEALTHS)))
        if what == "team":
            team = data.draw(st.sampled_from(self.analysis.snapshot.teams))
            return dataclasses.replace(item, team_id=team.id)
        if what == "title":
            return dataclasses.replace(item, title=item.title + "!")
        # A weekly status update.
        days = data.draw(st.integers(0, 40))
        return dataclasses.replace(
            item,
            last_update_at=self.analysis.now - timedelta(days=days),
            health=data.draw(st.sampled_from(HEALTHS)),
            status=data.draw(st.sampled_from(STATUSES)),
        )

    def _new_item(self, data):
        self.next_id += 1
        periods = len(self.analysis.snapshot.periods)
        start = data.draw(st.none() | st.integers(0, periods - 1))
        team = data.draw(st.sampled_from(self.analysis.snapshot.teams))
        return Item(
            id=self.next_id,
            key=f"N-{self.next_id}",
            team_id=team.id,
            title=f"New {self.next_id}",
            priority=data.draw(st.integers(0, 3)),
            start=start,
            end=None if start is None else data.draw(st.integers(start, periods - 1)),
            estimate=data.draw(st.none() | halves),
            status=data.draw(st.sampled_from(STATUSES)),
            health=data.draw(st.sampled_from(HEALTHS)),
            created_at=CREATED,
            last_update_at=data.draw(st.none() | st.just(NOW - timedelta(days=9))),
        )

    def _dependency(self, data):
        items = self.analysis.snapshot.items
        if not items:
            return None
        periods = len(self.analysis.snapshot.periods)
        return Dependency(
            data.draw(st.sampled_from(items)).id,
            data.draw(st.sampled_from(items)).id,
            data.draw(st.none() | st.integers(0, periods - 1)),
            data.draw(st.sampled_from(COMMITMENTS)),
        )

    def _edited_dependency(self, data):
        deps = self.analysis.snapshot.dependencies
        if not deps:
            return None
        dep = data.draw(st.sampled_from(deps))
        periods = len(self.analysis.snapshot.periods)
        return dataclasses.replace(
            dep,
            needed_by=data.draw(st.none() | st.integers(0, periods - 1)),
            commitment=data.draw(st.sampled_from(COMMITMENTS)),
        )

    def _capacity(self, data):
        team = data.draw(st.sampled_from(self.analysis.snapshot.teams))
        periods = len(self.analysis.snapshot.periods)
        if data.draw(st.booleans()):
            return dataclasses.replace(team, default_capacity=data.draw(st.none() | halves))
        capacities = dict(team.capacities)
        period = data.draw(st.integers(0, periods - 1))
        value = data.draw(st.none() | halves)
        if value is None:
            capacities.pop(period, None)
        else:
            capacities[period] = value
        return dataclasses.replace(team, capacities=capacities)

    def _decision(self, data):
        conflicts = self.analysis.conflicts
        if not conflicts:
            return None
        fingerprint = data.draw(st.sampled_from(conflicts)).fingerprint
        state = data.draw(st.sampled_from(["acknowledged", "accepted"]))
        return Decision(fingerprint, state, "seen", "ana", self.analysis.now)

    def _edit(self, data) -> PlanDelta:
        """One random edit as a delta."""
        kind = data.draw(
            st.sampled_from(
                [
                    "move", "priority", "estimate", "status", "health", "team", "title",
                    "update", "add_item", "remove_item", "add_dep", "edit_dep",
                    "remove_dep", "capacity", "decide", "undecide", "kind",
                ]
            )
        )  # fmt: skip
        snapshot = self.analysis.snapshot
        if kind == "add_item":
            return PlanDelta(items=(self._new_item(data),))
        if kind == "remove_item":
            item = self._item(data)
            return PlanDelta(removed_items=frozenset({item.id})) if item else PlanDelta()
        if kind == "add_dep":
            dep = self._dependency(data)
            return PlanDelta(dependencies=(dep,)) if dep else PlanDelta()
        if kind == "edit_dep":
            dep = self._edited_dependency(data)
            return PlanDelta(dependencies=(dep,)) if dep else PlanDelta()
        if kind == "remove_dep":
            if not snapshot.dependencies:
                return PlanDelta()
            dep = data.draw(st.sampled_from(snapshot.dependencies))
            pair = (dep.dependent_id, dep.dependency_id)
            return PlanDelta(removed_dependencies=frozenset({pair}))
        if kind == "capacity":
            return PlanDelta(teams=(self._capacity(data),))
        if kind == "kind":
            team = data.draw(st.sampled_from(snapshot.teams))
            kind_ = "product" if team.kind == "platform" else "platform"
            return PlanDelta(teams=(dataclasses.replace(team, kind=kind_),))
        if kind == "decide":
            decision = self._decision(data)
            return PlanDelta(decisions=(decision,)) if decision else PlanDelta()
        if kind == "undecide":
            if not snapshot.decisions:
                return PlanDelta()
            fingerprint = data.draw(st.sampled_from(sorted(snapshot.decisions)))
            return PlanDelta(removed_decisions=frozenset({fingerprint}))
        item = self._changed_item(data, kind)
        return PlanDelta(items=(item,)) if item else PlanDelta()

    # -- the check ---------------------------------------------------------------

    def _step(self, delta: PlanDelta, data) -> None:
        before = self.analysis
        live = before.updated(delta)
        # The analysis the step started from still gives what it gave: read after
        # the edit, so that texts it had left unread are made now.
        expected_before = observe(analyze(before.snapshot, before.now, before.settings))
        assert differences(observe(before), expected_before) == []
        assert live.snapshot == before.snapshot.apply(delta)
        if data.draw(st.booleans()):
            full = analyze(live.snapshot, live.now, live.settings)
            assert differences(observe(live), observe(full)) == []
        elif live.conflicts and data.draw(st.booleans()):
            # Read a few texts now, leave the rest for the next step.
            for conflict in live.conflicts[: data.draw(st.integers(1, 3))]:
                assert conflict.message is not None
        self.analysis = live

    @rule(data=st.data())
    def one_edit(self, data):
        self._step(self._edit(data), data)

    @rule(data=st.data())
    def several_edits(self, data):
        """Several edits in one delta, as a worker catching up reads them."""
        merged: dict[str, dict] = {
            "items": {}, "removed_items": set(), "dependencies": {},
            "removed_dependencies": set(), "teams": {}, "decisions": {},
            "removed_decisions": set(),
        }  # fmt: skip
        for _ in range(data.draw(st.integers(2, 4))):
            delta = self._edit(data)
            if delta.periods is not None:
                continue
            merged["items"].update((i.id, i) for i in delta.items)
            merged["removed_items"] |= delta.removed_items
            merged["dependencies"].update(
                ((d.dependent_id, d.dependency_id), d) for d in delta.dependencies
            )
            merged["removed_dependencies"] |= delta.removed_dependencies
            merged["teams"].update((t.id, t) for t in delta.teams)
            merged["decisions"].update((d.fingerprint, d) for d in delta.decisions)
            merged["removed_decisions"] |= delta.removed_decisions
        gone = merged["removed_items"]
        items = tuple(i for i in merged["items"].values() if i.id not in gone)
        deps = tuple(
            d
            for d in merged["dependencies"].values()
            if d.dependent_id not in gone and d.dependency_id not in gone
        )
        delta = PlanDelta(
            items=items,
            removed_items=frozenset(gone),
            dependencies=deps,
            removed_dependencies=frozenset(merged["removed_dependencies"]),
            teams=tuple(merged["teams"].values()),
            decisions=tuple(merged["decisions"].values()),
            removed_decisions=frozenset(merged["removed_decisions"]),
        )
        self._step(delta, data)

    @rule(data=st.data())
    def new_periods(self, data):
        periods = self.analysis.snapshot.periods
        if len(periods) < 2:
            return
        shorter = periods[:-1]
        items = tuple(
            dataclasses.replace(
                item, start=min(item.start, len(shorter) - 1), end=min(item.end, len(shorter) - 1)
            )
            for item in self.analysis.snapshot.items
            if item.start is not None and max(item.start, item.end) >= len(shorter)
        )
        teams = tuple(
            dataclasses.replace(
                t, capacities={p: c for p, c in t.capacities.items() if p < len(shorter)}
            )
            for t in self.analysis.snapshot.teams
        )
        deps = tuple(
            dataclasses.replace(d, needed_by=None)
            for d in self.analysis.snapshot.dependencies
            if d.needed_by is not None and d.needed_by >= len(shorter)
        )
        self._step(PlanDelta(items=items, teams=teams, dependencies=deps, periods=shorter), data)

    @invariant()
    def ids_are_unique(self):
        if hasattr(self, "analysis"):
            ids = [item.id for item in self.analysis.snapshot.items]
            assert len(ids) == len(set(ids))


# The run in `make test` is the same every time (a suite that passes passes on
# every run); LIVE_ANALYSIS_STEPS explores new random sequences.
LiveAnalysis.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEP_COUNT,
    deadline=None,
    database=None,
    derandomize=not STEPS,
)
test_live_analysis_equals_the_full_one = LiveAnalysis.TestCase
