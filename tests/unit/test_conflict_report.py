"""The JSON report of `flask conflicts --format json`, written a conflict at a time."""

import json

from alignment_plans import NOW, PlanBuilder, make_random_plan

from app.alignment import analyze
from app.alignment.conflict import fingerprint
from app.dashboard.listing import to_json


def report(conflicts):
    return "".join(to_json(conflicts))


def test_the_report_is_exactly_the_indented_json_array():
    conflicts = analyze(make_random_plan(2000, seed=5), NOW).conflicts
    assert any(c.type == "at_risk_dependency" and len(c.items) > 3 for c in conflicts)
    assert report(conflicts) == json.dumps([c.to_dict() for c in conflicts], indent=2)


def test_odd_text_decisions_and_empty_lists_are_written_as_json_writes_them():
    b = PlanBuilder()
    b.item(
        "PAY-1", "pay", priority=3, start=1, title='Tokens "v2"\n\u00e9\u2028 <b>', health="at_risk"
    )
    b.item("CHK-3", "chk", priority=0, start=2)
    b.need("CHK-3", "PAY-1")
    b.decide(fingerprint("at_risk_dependency", "PAY-1", "at_risk"), "accepted", '=ok\n"fine"')
    conflicts = analyze(b.build(), NOW).conflicts
    assert {c.state for c in conflicts} == {"open", "accepted"}
    assert report(conflicts) == json.dumps([c.to_dict() for c in conflicts], indent=2)
    assert json.loads(report(conflicts))[0]["type"]
    assert report([]) == json.dumps([], indent=2) == "[]"
