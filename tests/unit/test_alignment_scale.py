"""The synthetic large plan exercises every rule at once (timing lives in bench/)."""

import json

from alignment_plans import NOW, make_random_plan

from app.alignment import CONFLICT_TYPES, analyze


def test_a_generated_company_plan_raises_every_kind_of_conflict_but_cycles():
    snapshot = make_random_plan(3000, seed=7)
    a = analyze(snapshot, NOW)
    kinds = {c.type for c in a.conflicts}
    assert kinds == set(CONFLICT_TYPES) - {"dependency_cycle"}
    assert len({c.fingerprint for c in a.conflicts}) == len(a.conflicts)
    json.dumps([c.to_dict() for c in a.conflicts])
    assert analyze(snapshot, NOW).conflicts == a.conflicts
