"""A conflict's text (message, suggestions, actions) is made when first read, once."""

from alignment_plans import NOW, PlanBuilder, make_random_plan

from app.alignment import analyze, dependency_rules
from app.alignment.conflict import Action, Conflict

Q1_27, Q2_27, Q3_27, Q4_27 = range(4)


def late_plan():
    b = PlanBuilder()
    b.team("pay", capacity=40, name="Payments Platform")
    b.team("chk", kind="product", name="Checkout")
    b.item("PAY-1", "pay", priority=0, start=Q4_27, estimate=12)
    b.item("CHK-3", "chk", priority=0, start=Q2_27, end=Q3_27)
    b.need("CHK-3", "PAY-1")
    return b.build()


def facts(**text):
    return ("over_capacity", "high", ["PAY-1"], ["pay"], "2027 Q1", *text.values(), "f" * 16)


def test_the_formatter_runs_once_and_only_when_the_text_is_read():
    calls = []
    action = Action("raise", 1, "PAY-1", "Raise PAY-1 to P0", priority=0)

    def text():
        calls.append(1)
        return "PAY is over", ["Raise PAY-1 to P0"], [action]

    lazy = Conflict(*facts(message=None, suggestions=None), text=text)
    assert (lazy.type, lazy.severity, lazy.items, lazy.fingerprint) == (
        "over_capacity",
        "high",
        ["PAY-1"],
        "f" * 16,
    )
    assert lazy.sort_key and lazy.state == "open" and not calls and not lazy.formatted
    assert lazy.suggestions == ["Raise PAY-1 to P0"]
    assert (lazy.message, lazy.actions, lazy.message) == ("PAY is over", [action], "PAY is over")
    assert len(calls) == 1 and lazy.formatted
    eager = Conflict(
        *facts(message="PAY is over", suggestions=["Raise PAY-1 to P0"]), actions=[action]
    )
    assert lazy == eager and lazy.to_dict() == eager.to_dict()


def test_analysis_makes_no_text_until_a_conflict_is_read(monkeypatch):
    calls = []
    formatter = dependency_rules._violation_text

    def counted(*args):
        calls.append(args)
        return formatter(*args)

    monkeypatch.setattr(dependency_rules, "_violation_text", counted)
    [c] = [c for c in analyze(late_plan(), NOW).conflicts if c.type == "schedule_violation"]
    assert not calls and not c.formatted and c.items == ["CHK-3", "PAY-1"]
    assert c.message == (
        "CHK-3 'Work CHK-3' (Checkout, P0) needs PAY-1 'Work PAY-1' by 2027 Q2, but Payments "
        "Platform plans to finish PAY-1 in 2027 Q4, 2 periods late."
    )
    assert [a.suggestion for a in c.actions] == c.suggestions
    assert len(calls) == 1


def test_text_is_the_same_whatever_is_read_first_and_whenever():
    snapshot = make_random_plan(1500, seed=3)
    first, second = analyze(snapshot, NOW).conflicts, analyze(snapshot, NOW).conflicts
    assert not any(c.formatted for c in first + second)
    in_order = [(c.message, c.suggestions, c.actions) for c in first]
    backwards = [(c.message, c.suggestions, c.actions) for c in reversed(second)][::-1]
    assert in_order == backwards
    assert [c.to_dict() for c in first] == [c.to_dict() for c in second]
    assert all(c.message and c.suggestions for c in first)
