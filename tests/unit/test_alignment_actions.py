"""One-click actions: the suggestions a person can apply as they stand, as data."""

from alignment_plans import NOW, PlanBuilder

from app.alignment import analyze

Q1_27, Q2_27, Q3_27, Q4_27, Q1_28, Q2_28 = range(6)


def only(builder, kind):
    [conflict] = [c for c in analyze(builder.build(), NOW).conflicts if c.type == kind]
    return conflict


def late_plan(**checkout):
    b = PlanBuilder()
    b.team("pay", capacity=40, name="Payments Platform")
    b.team("chk", kind="product", name="Checkout")
    b.item("PAY-1", "pay", priority=0, start=Q4_27, estimate=12)
    b.item("CHK-3", "chk", **{"priority": 0, "start": Q2_27, **checkout})
    b.need("CHK-3", "PAY-1")
    return b


def test_a_schedule_violation_offers_the_move_and_the_pull_it_suggests():
    c = only(late_plan(end=Q3_27), "schedule_violation")
    move, pull = c.actions
    assert (move.kind, move.item_key, move.start, move.end) == ("move", "CHK-3", Q1_28, Q2_28)
    assert (move.start_name, move.end_name) == ("2028 Q1", "2028 Q2")
    assert move.suggestion == c.suggestions[0]
    assert (pull.kind, pull.item_key, pull.start_name, pull.end_name) == (
        "move",
        "PAY-1",
        "2027 Q1",
        "2027 Q1",
    )
    assert pull.suggestion == c.suggestions[1]
    assert pull.suggestion.startswith("Pull PAY-1 into 2027 Q1")


def test_no_move_action_when_the_span_would_run_beyond_the_plan():
    b = late_plan()
    b.item("ID-2", "id", start=7)
    b.need("CHK-3", "ID-2")
    conflicts = [c for c in analyze(b.build(), NOW).conflicts if c.type == "schedule_violation"]
    moves = [a for c in conflicts for a in c.actions if a.item_key == "CHK-3"]
    assert moves == []
    assert all(c.suggestions[0].startswith("Move CHK-3 beyond") for c in conflicts)


def test_an_explicit_needed_by_period_has_no_move_action_for_the_dependent():
    b = PlanBuilder()
    b.team("pay", capacity=40)
    b.item("PAY-1", "pay", priority=0, start=Q4_27, estimate=12)
    b.item("CHK-3", "chk", priority=0, start=Q1_27)
    b.need("CHK-3", "PAY-1", needed_by=Q2_27)
    c = only(b, "schedule_violation")
    assert c.suggestions[0].startswith("Move the needed-by period")
    assert [a.item_key for a in c.actions] == ["PAY-1"]


def test_a_same_period_risk_offers_the_pull_into_an_earlier_period():
    b = late_plan(start=Q4_27)
    c = only(b, "same_period_risk")
    [pull] = [a for a in c.actions if a.item_key == "PAY-1"]
    assert pull.end < Q4_27
    assert pull.suggestion in c.suggestions


def test_an_unscheduled_dependency_offers_scheduling_it_where_its_team_has_room():
    b = late_plan(start=Q3_27)
    b.item("PAY-1", "pay", priority=0, start=None, estimate=12)
    c = only(b, "unscheduled_dependency")
    [action] = c.actions
    assert (action.item_key, action.start_name, action.end_name) == ("PAY-1", "2027 Q2", "2027 Q2")
    assert action.suggestion == c.suggestions[0]


def test_no_schedule_action_when_no_period_has_room():
    b = late_plan(start=Q2_27)
    b.team("pay", capacity=5, name="Payments Platform")
    b.item("PAY-1", "pay", priority=0, start=None, estimate=12)
    c = only(b, "unscheduled_dependency")
    assert c.actions == []
    assert "free" in c.suggestions[0]


def test_a_priority_inversion_offers_raising_to_the_effective_priority():
    b = late_plan()
    b.item("PAY-1", "pay", priority=3, start=Q1_27, estimate=12)
    c = only(b, "priority_inversion")
    [action] = c.actions
    assert (action.kind, action.item_key, action.priority) == ("raise", "PAY-1", 0)
    assert action.suggestion == c.suggestions[0]


def test_conflicts_without_a_safe_action_have_none():
    b = late_plan()
    b.item("PAY-1", "pay", priority=0, start=Q4_27, estimate=12, status="cancelled")
    assert only(b, "cancelled_dependency").actions == []
    assert "actions" not in only(b, "cancelled_dependency").to_dict()
