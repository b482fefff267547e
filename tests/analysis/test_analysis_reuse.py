"""An analysis of the present is reused while the plan is unchanged. (A transaction
that has changed the plan never leaves its analysis for others: these tests commit.)"""

from datetime import datetime

import pytest

from app.plan_store import analyze_plan, current_revision, plan_cache, reuse


@pytest.fixture
def reusing(app):
    app.config["ANALYSIS_REUSE_SECONDS"] = 600
    reuse.clear()
    yield
    app.config["ANALYSIS_REUSE_SECONDS"] = 0
    reuse.clear()


def test_every_plan_change_replaces_the_revision(db, make_team, make_item, make_period):
    assert current_revision() is None
    team = make_team()
    first = current_revision()
    item = make_item(team, start=make_period())
    second = current_revision()
    item.priority = 0
    db.session.flush()
    assert len({first, second, current_revision()}) == 3
    assert None not in {first, second}


def test_an_unchanged_plan_is_analysed_once(db, reusing, make_team, make_item, make_period):
    make_item(make_team(), start=make_period(), estimate=None)
    db.session.commit()
    analysis = analyze_plan()
    assert analyze_plan() is analysis
    assert plan_cache().last == "reused"
    assert [c.type for c in analysis.conflicts] == ["unestimated"]


def test_a_change_is_seen_at_once(db, reusing, make_team, make_item, make_period):
    item = make_item(make_team(), start=make_period(), estimate=None)
    db.session.commit()
    before = analyze_plan()
    item.estimate = 3
    db.session.flush()
    during = analyze_plan()
    assert during.conflicts == []
    db.session.commit()
    after = analyze_plan()
    assert after is not before
    assert after.conflicts == []
    assert plan_cache().last == "caught_up"
    assert analyze_plan() is after


def test_an_uncommitted_change_is_not_kept(db, reusing, make_team, make_item, make_period):
    item = make_item(make_team(), start=make_period(), estimate=None)
    db.session.commit()
    before = analyze_plan()
    savepoint = db.session.begin_nested()
    item.estimate = 3
    db.session.flush()
    assert analyze_plan().conflicts == []
    savepoint.rollback()
    assert analyze_plan() is before


def test_a_new_window_analyses_the_same_snapshot_afresh(
    db, reusing, time_machine, make_team, make_item, make_period
):
    time_machine.move_to(datetime(2026, 11, 18, 12, 0), tick=False)
    make_item(make_team(), start=make_period(), estimate=None)
    db.session.commit()
    before = analyze_plan()
    time_machine.move_to(datetime(2026, 11, 18, 12, 10, 1), tick=False)
    after = analyze_plan()
    assert plan_cache().last == "reanalysed"
    assert after.snapshot is before.snapshot
    assert after.now > before.now


def test_an_explicit_moment_is_never_reused(db, reusing, make_team, make_item, make_period):
    make_item(make_team(), start=make_period())
    moment = datetime(2027, 2, 1)
    assert analyze_plan(moment) is not analyze_plan(moment)


def test_without_a_revision_nothing_is_reused(db, reusing):
    assert current_revision() is None
    assert analyze_plan() is not analyze_plan()
