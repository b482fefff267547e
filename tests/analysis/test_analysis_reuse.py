"""An analysis of the present is reused while the plan is unchanged."""

from datetime import datetime

import pytest

from app.plan_store import analyze_plan, current_revision, reuse


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
    analysis = analyze_plan()
    assert analyze_plan() is analysis
    assert [c.type for c in analysis.conflicts] == ["unestimated"]


def test_a_change_is_seen_at_once(db, reusing, make_team, make_item, make_period):
    item = make_item(make_team(), start=make_period(), estimate=None)
    before = analyze_plan()
    item.estimate = 3
    db.session.flush()
    after = analyze_plan()
    assert after is not before
    assert after.conflicts == []


def test_an_explicit_moment_is_never_reused(db, reusing, make_team, make_item, make_period):
    make_item(make_team(), start=make_period())
    moment = datetime(2027, 2, 1)
    assert analyze_plan(moment) is not analyze_plan(moment)


def test_without_a_revision_nothing_is_reused(db, reusing):
    assert current_revision() is None
    assert analyze_plan() is not analyze_plan()
