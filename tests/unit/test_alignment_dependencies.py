"""The per-dependency rules: schedule_violation, same_period_risk,
unscheduled_dependency, cancelled_dependency and uncommitted_dependency."""

from alignment_plans import NOW, PlanBuilder

from app.alignment import analyze

Q1_27, Q2_27, Q3_27, Q4_27, Q1_28, Q2_28 = range(6)


def conflicts(builder, kind):
    return [c for c in analyze(builder.build(), NOW).conflicts if c.type == kind]


def late_payment_plan(**checkout):
    b = PlanBuilder()
    b.team("pay", capacity=40, name="Payments Platform")
    b.team("chk", kind="product", name="Checkout")
    b.item("PAY-1", "pay", priority=0, start=Q4_27, estimate=12, title="Tokenised cards API")
    b.item(
        "CHK-3", "chk", **{"priority": 0, "start": Q2_27, "title": "One-click checkout", **checkout}
    )
    b.need("CHK-3", "PAY-1")
    return b


def test_schedule_violation_names_items_periods_and_lateness():
    [c] = conflicts(late_payment_plan(), "schedule_violation")
    assert c.items == ["CHK-3", "PAY-1"]
    assert c.teams == ["chk", "pay"]
    assert c.period == "2027 Q2"
    assert c.severity == "critical"
    assert "needs PAY-1 'Tokenised cards API' by 2027 Q2" in c.message
    assert "finish PAY-1 in 2027 Q4, 2 periods late" in c.message


def test_schedule_violation_suggests_first_period_after_all_dependencies_keeping_span():
    b = late_payment_plan(end=Q3_27)
    b.item("ID-2", "id", start=Q3_27, end=Q1_28)
    b.need("CHK-3", "ID-2")
    [c, _] = conflicts(b, "schedule_violation")
    assert c.suggestions[0] == (
        "Move CHK-3 to 2028 Q2–Q3 (the first period after all its dependencies end)"
    )


def test_move_beyond_last_period_is_said_so():
    b = late_payment_plan()
    b.item("ID-2", "id", start=7)
    b.need("CHK-3", "ID-2")
    moves = {c.suggestions[0] for c in conflicts(b, "schedule_violation")}
    assert moves == {
        "Move CHK-3 beyond 2028 Q4, the last planned period: its dependencies end there"
    }


def test_pull_suggestion_takes_the_latest_earlier_period_with_room():
    b = late_payment_plan(start=Q3_27)
    b.team("pay", capacity=40, overrides={Q2_27: 10}, name="Payments Platform")
    b.item("PAY-2", "pay", start=Q2_27, estimate=7)
    [c] = conflicts(b, "schedule_violation")
    assert c.suggestions == [
        "Move CHK-3 to 2028 Q1 (the first period after all its dependencies end)",
        "Pull PAY-1 into 2027 Q1: Payments Platform has 40 person-weeks free there",
    ]


def test_pull_can_fall_back_to_the_needed_by_period_itself():
    [c] = conflicts(late_payment_plan(start=Q1_27), "schedule_violation")
    assert c.suggestions[1] == (
        "Pull PAY-1 into 2027 Q1 (the needed-by period itself, so with no slack): "
        "Payments Platform has 40 person-weeks free there"
    )


def test_schedule_severity_follows_the_harmed_priority_and_the_lateness():
    one_late_p1 = late_payment_plan(priority=1, start=Q3_27)
    assert conflicts(one_late_p1, "schedule_violation")[0].severity == "high"
    two_late_p1 = late_payment_plan(priority=1)
    assert conflicts(two_late_p1, "schedule_violation")[0].severity == "critical"
    one_late_p3 = late_payment_plan(priority=3, start=Q3_27)
    assert conflicts(one_late_p3, "schedule_violation")[0].severity == "low"
    one_late_p3.item("WEB-1", "web", priority=0, start=Q2_28)
    one_late_p3.need("WEB-1", "CHK-3")
    assert conflicts(one_late_p3, "schedule_violation")[0].severity == "critical"


def test_same_period_risk_and_its_escalation_when_the_dependency_is_at_risk():
    [c] = conflicts(late_payment_plan(start=Q4_27), "same_period_risk")
    assert c.severity == "high"
    assert c.period == "2027 Q4"
    assert "in that same period: any slip delays CHK-3" in c.message
    assert c.suggestions[0].startswith("Move CHK-3 to 2028 Q1 ")
    assert c.suggestions[1].startswith("Pull PAY-1 into 2027 Q3: ")
    b = late_payment_plan(start=Q4_27)
    b.item("PAY-1", "pay", priority=0, start=Q4_27, health="at_risk")
    [c] = conflicts(b, "same_period_risk")
    assert c.severity == "critical"
    assert c.message.endswith("PAY-1 is already at risk.")


def test_done_dependency_satisfies_whatever_its_periods():
    b = late_payment_plan()
    b.item("PAY-1", "pay", start=Q2_28, status="done")
    assert analyze(b.build(), NOW).conflicts == []


def test_done_or_cancelled_dependents_raise_nothing():
    for status in ("done", "cancelled"):
        b = late_payment_plan(status=status)
        b.item("PAY-1", "pay", priority=0, start=Q4_27, status="cancelled")
        assert analyze(b.build(), NOW).conflicts == []


def test_explicit_needed_by_replaces_the_start_period():
    b = late_payment_plan(start=Q1_27)
    b.dependencies.clear()
    b.need("CHK-3", "PAY-1", needed_by=Q1_28)
    assert analyze(b.build(), NOW).conflicts == []
    b.dependencies.clear()
    b.need("CHK-3", "PAY-1", needed_by=Q3_27)
    [c] = conflicts(b, "schedule_violation")
    assert c.period == "2027 Q3"
    assert c.suggestions[0] == (
        "Move the needed-by period of CHK-3 for PAY-1 to 2028 Q1 "
        "(the first period after PAY-1 ends)"
    )


def test_backlog_dependent_has_no_needed_by_unless_explicit():
    b = late_payment_plan(start=None)
    assert analyze(b.build(), NOW).conflicts == []
    b.dependencies.clear()
    b.need("CHK-3", "PAY-1", needed_by=Q2_27)
    assert [c.type for c in analyze(b.build(), NOW).conflicts] == ["schedule_violation"]


def test_unscheduled_dependency_suggests_a_period_with_room_before_the_need():
    b = late_payment_plan(start=Q3_27)
    b.item("PAY-1", "pay", priority=0, start=None, estimate=6)
    b.team("pay", capacity=40, overrides={Q2_27: 3}, name="Payments Platform")
    [c] = conflicts(b, "unscheduled_dependency")
    assert c.severity == "critical"
    assert c.period == "2027 Q3"
    assert "Payments Platform has not scheduled PAY-1" in c.message
    assert c.suggestions == [
        "Schedule PAY-1 in 2027 Q1: Payments Platform has 40 person-weeks free there"
    ]


def test_unscheduled_dependency_without_room_says_how_much_to_free():
    b = late_payment_plan(start=Q2_27)
    b.item("PAY-1", "pay", priority=0, start=None, estimate=6)
    b.team("pay", capacity=2, name="Payments Platform")
    [c] = conflicts(b, "unscheduled_dependency")
    assert c.suggestions == [
        "Schedule PAY-1 in 2027 Q1 and free 4 person-weeks of Payments Platform there for it"
    ]


def test_cancelled_dependency():
    b = late_payment_plan(priority=1)
    b.item("PAY-1", "pay", start=Q1_27, status="cancelled")
    [c] = conflicts(b, "cancelled_dependency")
    assert c.severity == "high"
    assert c.items == ["CHK-3", "PAY-1"]
    assert "which Payments Platform has cancelled" in c.message
    assert c.suggestions == [
        "Find a replacement for PAY-1 and make CHK-3 need it instead",
        "Or cancel or descope CHK-3, which cannot ship without PAY-1",
    ]


def test_uncommitted_dependency_requested_and_declined():
    b = late_payment_plan(start=Q2_28)
    b.dependencies.clear()
    b.need("CHK-3", "PAY-1", commitment="requested")
    [c] = conflicts(b, "uncommitted_dependency")
    assert c.severity == "high"
    assert c.suggestions[0] == "Ask Payments Platform to commit to PAY-1 for CHK-3"
    b.dependencies.clear()
    b.need("CHK-3", "PAY-1", commitment="declined")
    [declined] = conflicts(b, "uncommitted_dependency")
    assert declined.severity == "critical"
    assert "has declined PAY-1" in declined.message
    assert declined.fingerprint != c.fingerprint


def test_uncommitted_needs_a_promise_from_another_team_by_a_committed_dependent():
    b = late_payment_plan(start=Q2_28, status="proposed")
    b.dependencies.clear()
    b.need("CHK-3", "PAY-1", commitment="requested")
    assert conflicts(b, "uncommitted_dependency") == []
    b.item("CHK-3", "chk", priority=0, start=Q2_28, status="in_progress")
    assert len(conflicts(b, "uncommitted_dependency")) == 1
    b.item("CHK-4", "chk", start=Q1_27)
    b.need("CHK-3", "CHK-4", commitment="requested")
    assert len(conflicts(b, "uncommitted_dependency")) == 1
