"""`flask scenario ...` and `flask conflicts --scenario NAME`."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.models import Item, Scenario, TeamCapacity
from app.scenarios import operations as ops


def test_create_list_rename_delete(cli, plan):
    assert cli("scenario", "list").output.startswith("No scenarios.")
    made = cli("scenario", "create", "Slip PAY-1")
    assert made.exit_code == 0, made.output
    assert "Created scenario 'Slip PAY-1' from the live plan." in made.output
    assert cli("scenario", "set", "Slip PAY-1", "PAY-1", "priority", "P0").exit_code == 0
    copied = cli("scenario", "create", "Copy", "--from", "Slip PAY-1")
    assert "from a copy of 'Slip PAY-1'" in copied.output
    listed = cli("scenario", "list").output.splitlines()
    assert [line.split()[0] for line in listed] == ["Copy", "Slip"]
    assert "1 change" in listed[0]
    assert cli("scenario", "rename", "Copy", "Other").exit_code == 0
    assert cli("scenario", "delete", "Other").exit_code == 0
    assert [s.name for s, _n in ops.list_scenarios()] == ["Slip PAY-1"]


def test_bad_input_exits_2_and_writes_nothing(cli, plan, db):
    cli("scenario", "create", "A")
    cases = [
        (("scenario", "create", "A"), 'already a scenario named "A"'),
        (("scenario", "create", "x" * 81), "at most 80 characters"),
        (("scenario", "create", "B", "--from", "nope"), 'no scenario named "nope"'),
        (("scenario", "delete", "nope"), 'no scenario named "nope"'),
        (("scenario", "apply", "nope"), 'no scenario named "nope"'),
        (("scenario", "diff", "nope"), 'no scenario named "nope"'),
        (("scenario", "diff", "A", "--against", "nope"), 'no scenario named "nope"'),
        (("scenario", "set", "A", "NOPE-1", "priority", "P0"), 'no item "NOPE-1"'),
        (("scenario", "set", "A", "PAY-1", "priority", "P9"), "P0 (highest) to P3"),
        (("scenario", "set", "A", "PAY-1", "estimate", "--", "-3"), "person-weeks"),
        (("scenario", "set", "A", "PAY-1", "estimate", "lots"), "person-weeks"),
        (("scenario", "set", "A", "PAY-1", "status", "bogus"), "status is one of"),
        (("scenario", "set", "A", "PAY-1", "periods", "2031 Q1"), 'no period named "2031 Q1"'),
        (("scenario", "set", "A", "PAY-1", "periods", "2027 Q3..2027 Q1"), "before the start"),
        (("scenario", "set", "A", "PAY-1", "team", "nope"), 'no team "nope"'),
        (("scenario", "set", "A", "PAY-1", "title", "x"), "field is one of"),
        (("scenario", "set", "A", "CHK-1/PAY-1", "commitment", "requested"), "committed or"),
        (("scenario", "set", "A", "CHK-1/PAY-2", "commitment", "committed"), "does not need"),
        (("scenario", "capacity", "A", "pay", "2027 Q1", "--", "-1"), "person-weeks"),
        (("scenario", "capacity", "A", "pay", "2027 Q1", "ten"), "person-weeks"),
        (("scenario", "capacity", "A", "nope", "2027 Q1", "1"), 'no team "nope"'),
        (("scenario", "add", "A", "pay", "  "), "needs a title"),
        (("scenario", "autoschedule", "A", "--horizon", "9"), "--horizon is 1 to 4"),
        (("conflicts", "--scenario", "nope"), 'no scenario named "nope"'),
    ]
    for args, words in cases:
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output, (args, result.output)
        assert result.output.startswith("Error: "), (args, result.output)
    assert db.session.scalar(select(func.count(Scenario.id))) == 1
    assert ops.list_scenarios()[0][1] == 0


def test_set_capacity_add_diff_and_apply(cli, plan, db):
    cli("scenario", "create", "Plan B")
    for args in (
        ("set", "Plan B", "PAY-1", "periods", "2027 Q2..2027 Q3"),
        ("set", "Plan B", "CHK-1", "start", "2027 Q4"),
        ("set", "Plan B", "CHK-2/PAY-2", "commitment", "committed"),
        ("capacity", "Plan B", "pay", "2027 Q3", "2"),
        ("add", "Plan B", "pay", "Tokenise", "--priority", "P1", "--periods", "2027 Q4",
         "--estimate", "3"),
        ("set", "Plan B", "PAY-new1", "estimate", "5"),
    ):  # fmt: skip
        result = cli("scenario", *args)
        assert result.exit_code == 0, (args, result.output)

    table = cli("scenario", "diff", "Plan B")
    assert table.exit_code == 0, table.output
    assert "Scenario 'Plan B' against the live plan" in table.output
    assert "PAY-1        2027 Q1 -> 2027 Q2–Q3 (+2)" in table.output
    assert "PAY-new1" in table.output
    assert "Payments             2027 Q3" in table.output

    data = json.loads(cli("scenario", "diff", "Plan B", "--format", "json").output)
    assert {m["item"] for m in data["moved"]} == {"PAY-1", "CHK-1"}
    assert data["added"] == [
        {"item": "PAY-new1", "team": "pay", "start": "2027 Q4", "end": "2027 Q4"}
    ]
    assert "uncommitted_dependency" in {c["type"] for c in data["conflicts"]["resolved"]}
    assert {(s["item"], s["kind"]) for s in data["slips"]} >= {("PAY-1", "later")}

    applied = cli("scenario", "apply", "Plan B")
    assert applied.exit_code == 0, applied.output
    assert "Applied scenario 'Plan B': 5 changes written" in applied.output
    pay1 = db.session.get(Item, plan.pay1.id)
    assert (pay1.start_period_id, pay1.end_period_id) == (plan.q[1].id, plan.q[2].id)
    assert db.session.scalar(select(Item.estimate).where(Item.title == "Tokenise")) == 5
    assert db.session.scalar(select(TeamCapacity.person_weeks)) == 2
    assert cli("scenario", "list").output.startswith("No scenarios.")


def test_apply_with_a_clash_exits_4_and_lists_it(cli, plan, db):
    cli("scenario", "create", "Late")
    cli("scenario", "set", "Late", "PAY-1", "periods", "2027 Q2")
    cli("scenario", "create", "Other")
    cli("scenario", "set", "Other", "PAY-1", "periods", "2027 Q3")
    assert cli("scenario", "apply", "Other").exit_code == 0

    result = cli("scenario", "apply", "Late")
    assert result.exit_code == 4, result.output
    assert "1 change clashes with the live plan. Nothing was written." in result.output
    assert f"PAY-1 periods: live 2027 Q3, scenario 2027 Q2  item:{plan.pay1.id}:periods" in (
        result.output
    )
    assert "flask scenario resolve Late [TARGET] --keep live|scenario" in result.output
    assert db.session.get(Item, plan.pay1.id).start_period_id == plan.q[2].id
    assert ops.scenario_by_name("Late") is not None


def _two_clashes(cli, plan):
    """Scenario "Late" moves PAY-1 to Q2 and makes it P0; since, live, scenario
    "Other" moved it to Q3 and made it P1."""
    cli("scenario", "create", "Late")
    cli("scenario", "set", "Late", "PAY-1", "periods", "2027 Q2")
    cli("scenario", "set", "Late", "PAY-1", "priority", "P0")
    cli("scenario", "create", "Other")
    cli("scenario", "set", "Other", "PAY-1", "periods", "2027 Q3")
    cli("scenario", "set", "Other", "PAY-1", "priority", "P1")
    assert cli("scenario", "apply", "Other").exit_code == 0


def test_apply_lists_several_clashes_in_the_plural(cli, plan, db):
    _two_clashes(cli, plan)
    result = cli("scenario", "apply", "Late")
    assert result.exit_code == 4, result.output
    assert "2 changes clash with the live plan." in result.output
    assert f"item:{plan.pay1.id}:priority" in result.output


def test_resolve_one_clash_by_its_target_then_the_rest(cli, plan, db):
    _two_clashes(cli, plan)
    one = cli("scenario", "resolve", "Late", f"item:{plan.pay1.id}:priority", "--keep", "live")
    assert one.exit_code == 0, one.output
    assert "Scenario 'Late': kept the live value of 1 clash." in one.output
    assert "  PAY-1 priority: P1" in one.output
    assert [c.field for c in ops.scenario_clashes(ops.scenario_by_name("Late"))] == ["periods"]

    rest = cli("scenario", "resolve", "Late", "--keep", "scenario")
    assert rest.exit_code == 0, rest.output
    assert "kept the scenario's value of 1 clash." in rest.output
    assert "  PAY-1 periods: 2027 Q2" in rest.output
    assert cli("scenario", "resolve", "Late", "--keep", "live").output.startswith(
        "Scenario 'Late' has no clashes: nothing to keep."
    )

    applied = cli("scenario", "apply", "Late")
    assert applied.exit_code == 0, applied.output
    pay1 = db.session.get(Item, plan.pay1.id)
    assert (pay1.start_period_id, pay1.priority) == (plan.q[1].id, 1)


def test_resolve_every_clash_keeping_live(cli, plan, db):
    _two_clashes(cli, plan)
    result = cli("scenario", "resolve", "Late", "--keep", "live")
    assert result.exit_code == 0, result.output
    assert "kept the live value of 2 clashes." in result.output
    assert cli("scenario", "apply", "Late").exit_code == 0
    pay1 = db.session.get(Item, plan.pay1.id)
    assert (pay1.start_period_id, pay1.priority) == (plan.q[2].id, 1)


def test_resolve_refuses_bad_input_and_keeps_nothing(cli, plan, db):
    _two_clashes(cli, plan)
    version = ops.scenario_by_name("Late").version
    for args, words in (
        (("resolve", "Late", "item:1:title", "--keep", "live"), "has no clash 'item:1:title'"),
        (("resolve", "nope", "--keep", "live"), 'no scenario named "nope"'),
        (("resolve", "Late", "--keep", "sideways"), "Invalid value for '--keep'"),
        (("resolve", "Late"), "Missing option '--keep'"),
    ):
        result = cli("scenario", *args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output, (args, result.output)
    db.session.expire_all()
    late = ops.scenario_by_name("Late")
    assert late.version == version
    assert len(ops.scenario_clashes(late)) == 2


def test_conflicts_of_a_scenario_in_every_format(cli, plan):
    cli("scenario", "create", "Same")
    for fmt in ("table", "json", "csv"):
        live = cli("conflicts", "--format", fmt)
        scenario = cli("conflicts", "--format", fmt, "--scenario", "Same")
        assert (scenario.exit_code, scenario.output) == (live.exit_code, live.output)

    # Live, PAY-1 (P2) is needed by CHK-1 (P0): a critical priority inversion (exit 3).
    # Raised to P0 in "Fixed" it is gone (exit 0); moved past CHK-1's needed-by
    # period in "Broken" it is a critical schedule violation instead (exit 3).
    cli("scenario", "create", "Fixed")
    cli("scenario", "set", "Fixed", "PAY-1", "priority", "P0")
    cli("scenario", "create", "Broken", "--from", "Fixed")
    cli("scenario", "set", "Broken", "PAY-1", "periods", "2027 Q3")
    live = cli("conflicts", "--format", "json")
    fixed = cli("conflicts", "--format", "json", "--scenario", "Fixed")
    broken = cli("conflicts", "--format", "json", "--scenario", "Broken")
    assert (live.exit_code, fixed.exit_code, broken.exit_code) == (3, 0, 3)
    assert [c["items"] for c in json.loads(fixed.output) if c["type"] == "priority_inversion"] == [
        ["PAY-2", "CHK-2"]
    ]
    assert "schedule_violation" in {c["type"] for c in json.loads(broken.output)}
    assert "schedule_violation" not in {c["type"] for c in json.loads(live.output)}
    filtered = cli("conflicts", "--scenario", "Broken", "--team", "chk", "--period", "2027 Q2")
    assert filtered.exit_code == 3 and "schedule_violation" in filtered.output
    as_of = cli("conflicts", "--scenario", "Broken", "--as-of", "2027-05-01", "--format", "json")
    assert as_of.exit_code == 3
    assert "schedule_violation" in {c["type"] for c in json.loads(as_of.output)}
    assert cli("conflicts", "--scenario", "Fixed", "--severity", "critical").output == (
        "No conflicts.\n"
    )
