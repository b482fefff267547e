"""What a change did to the conflicts: app.alignment.diff."""

from alignment_plans import NOW, PlanBuilder

from app.alignment import analyze
from app.alignment.diff import TEAM_PERIOD_TYPES, compare, conflict_label, diff_conflicts

Q1, Q2, Q3, Q4 = range(4)


def checkout_needs_payments(chk_start=Q2, pay_end=Q3, chk_estimate=4):
    b = PlanBuilder()
    b.team("pay", capacity=40, name="Payments Platform")
    b.team("chk", kind="product", capacity=10, name="Checkout")
    b.item("PAY-1", "pay", priority=1, start=Q1, end=pay_end, estimate=6)
    b.item("CHK-3", "chk", priority=1, start=chk_start, estimate=chk_estimate)
    b.item("CHK-4", "chk", priority=2, start=Q4, estimate=8)
    b.need("CHK-3", "PAY-1")
    return b


def analysis_of(builder):
    return analyze(builder.build(), NOW)


def types(conflicts):
    return sorted(c.type for c in conflicts)


def test_diff_compares_by_fingerprint_keeping_each_side_in_order():
    before = analysis_of(checkout_needs_payments()).conflicts
    after = analysis_of(checkout_needs_payments(chk_start=Q4)).conflicts
    resolved, new = diff_conflicts(before, after)
    assert types(resolved) == ["schedule_violation"]
    assert types(new) == ["over_capacity"]
    assert diff_conflicts(before, before) == ([], [])
    assert diff_conflicts([], after) == ([], after)


def test_moving_a_feature_after_its_dependency_reads_as_the_issue_says():
    before = analysis_of(checkout_needs_payments())
    after = analysis_of(checkout_needs_payments(chk_start=Q4))
    changes = compare(before, after)
    assert changes.any
    assert changes.text(focus=["CHK-3"]) == (
        "resolved 1 conflict (schedule violation with PAY-1); "
        "new: over capacity for Checkout in 2027 Q4 (120%)"
    )


def test_a_conflict_with_the_same_cause_is_reported_as_changed_not_resolved_and_new():
    before = analysis_of(checkout_needs_payments(chk_start=Q1, pay_end=Q3))
    after = analysis_of(checkout_needs_payments(chk_start=Q1, pay_end=Q2))
    changes = compare(before, after)
    assert changes.resolved == [] and changes.new == []
    [(old, new)] = changes.changed
    assert old.type == new.type == "schedule_violation"
    assert old.fingerprint != new.fingerprint
    assert changes.text(focus=["PAY-1"]).startswith("changed: schedule violation with CHK-3")


def test_a_team_that_stays_over_capacity_shows_its_load_before_and_after():
    before = analysis_of(checkout_needs_payments(chk_start=Q4, chk_estimate=16))
    after = analysis_of(checkout_needs_payments(chk_start=Q4, chk_estimate=6))
    changes = compare(before, after, TEAM_PERIOD_TYPES)
    assert changes.text() == "changed: over capacity for Checkout in 2027 Q4 (240% → 140%)"


def test_a_resolved_capacity_conflict_says_what_the_load_was_and_is():
    before = analysis_of(checkout_needs_payments(chk_start=Q4))
    after = analysis_of(checkout_needs_payments(chk_start=Q4, chk_estimate=1))
    changes = compare(before, after, TEAM_PERIOD_TYPES)
    assert changes.text() == (
        "resolved 1 conflict (over capacity for Checkout in 2027 Q4 (was 120%, now 90%))"
    )


def test_types_limit_the_comparison_and_nothing_changed_says_so():
    before = analysis_of(checkout_needs_payments())
    after = analysis_of(checkout_needs_payments(chk_start=Q4))
    assert compare(before, after, {"stale_status"}).text() == "no conflict appeared or went away"
    assert not compare(before, before).any


def test_labels_name_the_other_items_or_all_of_them():
    conflict = next(
        c for c in analysis_of(checkout_needs_payments()).conflicts if c.type != "over_capacity"
    )
    assert conflict_label(conflict, focus=["CHK-3"]) == "schedule violation with PAY-1"
    assert conflict_label(conflict) == "schedule violation of CHK-3 and PAY-1"


def test_long_lists_are_capped():
    b = PlanBuilder()
    b.team("pay", capacity=100)
    for n in range(1, 8):
        b.item(f"PAY-{n}", "pay", start=Q1, estimate=None)
    before = analysis_of(b)
    for n in range(1, 8):
        b.item(f"PAY-{n}", "pay", start=Q1, estimate=2)
    changes = compare(before, analysis_of(b))
    assert changes.text().startswith("resolved 7 conflicts (missing estimate of PAY-1, ")
    assert changes.text().endswith("and 3 more)")
