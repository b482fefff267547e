"""The web's Auto-schedule as a job: the button queues a run, its page shows the
progress (refreshing itself without JavaScript, as JSON for the script) and then
the outcome with the way to the compare page; a failed run says why and records
nothing; a second start while one runs, or a start from a stale page, is refused;
a run whose worker died is tried again, then failed by the periodic sweep."""

import re

import pytest
from sqlalchemy import event, func, select
from web_helpers import text_of

from app.alignment.autoschedule import Schedule
from app.extensions import db as _db
from app.jobs.periodic import tick
from app.models import AutoscheduleRun, Scenario, ScenarioChange
from app.scenarios import autoschedule_runs, operations
from app.scenarios.autoschedule_runs import ATTEMPTS, LEASE, RUN_JOB, STOPPED, sweep_runs

JSON = {"Accept": "application/json"}


@pytest.fixture
def planner(as_user):
    client, _user = as_user("planner", email="planner@example.com")
    return client


@pytest.fixture
def scenario(db, planner, late_plan):
    made = operations.create_scenario("What if")
    db.session.flush()
    response = planner.post(f"/scenarios/{made.id}/switch", data={"next": "/roadmap"})
    assert response.status_code == 302
    return made


def _fresh(db, scenario) -> Scenario:
    db.session.expire_all()
    return db.session.get(Scenario, scenario.id)


def _start(client, scenario, **fields):
    data = {"pin": "none", "horizon": "", "version": scenario.version, **fields}
    return client.post(f"/scenarios/{scenario.id}/autoschedule", data=data)


def _started(db, client, scenario, **fields) -> str:
    response = _start(client, scenario, **fields)
    assert response.status_code == 302, text_of(response)
    where = response.headers["Location"]
    assert re.fullmatch(rf"/scenarios/{scenario.id}/autoschedule/\d+", where)
    return where


def _runs(db) -> list[AutoscheduleRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(AutoscheduleRun).order_by(AutoscheduleRun.id)))


def _changes(db, scenario) -> int:
    return db.session.scalar(select(func.count()).where(ScenarioChange.scenario_id == scenario.id))


def _schedule(**fields) -> Schedule:
    values = {
        "moves": (),
        "feasible": True,
        "broken": (),
        "why": (),
        "weighted_lateness": 0,
        "same_period": 0,
        "solver": "heuristic",
    }
    return Schedule(**{**values, **fields})


def test_a_start_is_queued_then_run_and_its_page_leads_to_the_moves(
    db, planner, late_plan, scenario, queued
):
    roadmap = planner.get("/roadmap").get_data(as_text=True)
    assert f'action="/scenarios/{scenario.id}/autoschedule"' in roadmap

    run_page = _started(db, planner, scenario)
    (run,) = _runs(db)
    assert queued.queued == [(RUN_JOB, (run.id,), None)]
    assert run.state == "queued" and run.pin == "none" and run.horizon_period_id is None

    page = planner.get(run_page)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Waiting for a worker to start it" in text_of(page)
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "js/autoschedule.js" in html
    assert f'action="/scenarios/{scenario.id}/autoschedule"' not in html  # no second start
    answer = planner.get(run_page, headers=JSON).get_json()
    assert (answer["state"], answer["percent"], answer["outcome"]) == ("queued", None, None)
    # while it runs, the scenario's pages lead to it instead of offering the button
    for path in ("/roadmap", f"/scenarios/{scenario.id}/compare"):
        shown = planner.get(path).get_data(as_text=True)
        assert f'href="{run_page}"' in shown, path
        assert f'action="/scenarios/{scenario.id}/autoschedule"' not in shown, path
    assert _changes(db, scenario) == 0

    assert queued.run_queued() == 1

    page = planner.get(run_page)
    html = page.get_data(as_text=True)
    assert "Done: moved 1 item; every dependency, capacity and pin holds." in text_of(page)
    assert "http-equiv" not in html and "js/autoschedule.js" not in html
    assert f'href="/scenarios/{scenario.id}/compare"' in html
    assert "See the moves and their reasons" in html
    answer = planner.get(run_page, headers=JSON).get_json()
    assert answer["state"] == "done" and answer["percent"] == 100
    assert answer["outcome"]["moves"] == 1 and answer["outcome"]["feasible"] is True
    assert answer["compare_url"] == f"/scenarios/{scenario.id}/compare"

    compare = text_of(planner.get(f"/scenarios/{scenario.id}/compare"))
    assert "Last auto-schedule" in compare and "Done: moved 1 item" in compare
    reason = db.session.scalar(
        select(ScenarioChange.reason).where(ScenarioChange.scenario_id == scenario.id).limit(1)
    )
    assert reason and reason in compare  # the moves, with their reasons
    planned = operations.scenario_analysis(_fresh(db, scenario))
    assert not planned.select(type="schedule_violation")
    db.session.expire_all()
    assert late_plan.pay1.start_period_id == late_plan.periods[2].id  # live: untouched


def test_the_chosen_horizon_and_pin_go_with_the_run(db, planner, late_plan, scenario, queued):
    run_page = _started(db, planner, scenario, pin="committed", horizon="2031 Q4")
    (run,) = _runs(db)
    assert (run.pin, run.horizon_period_id) == ("committed", late_plan.periods[3].id)
    queued.run_queued()
    page = text_of(planner.get(run_page))
    assert "Committed and in-progress items keep their periods" in page
    assert "Latest period 2031 Q4" in page


def test_a_failed_run_shows_its_message_and_records_nothing(
    db, planner, late_plan, scenario, queued, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("the solver fell over")

    monkeypatch.setattr("app.alignment.autoschedule.autoschedule", broken)
    run_page = _started(db, planner, scenario)
    assert queued.run_queued() == 1  # the job does not raise: no retries of a crash

    (run,) = _runs(db)
    assert run.state == "failed" and run.finished_at is not None
    page = planner.get(run_page)
    shown = text_of(page)
    assert "Failed: The auto-scheduler stopped with an error" in shown
    assert "Nothing was recorded in scenario What if" in shown
    assert f'action="/scenarios/{scenario.id}/autoschedule"' in page.get_data(as_text=True)
    assert planner.get(run_page, headers=JSON).get_json()["error"].startswith("The auto-")
    assert "auto-scheduling run" in caplog.text
    assert _changes(db, scenario) == 0
    # the way is open again
    assert _start(planner, _fresh(db, scenario)).status_code == 302


def test_a_scenario_changed_after_the_start_fails_the_run(db, planner, late_plan, scenario, queued):
    run_page = _started(db, planner, scenario)
    operations.rename_scenario(_fresh(db, scenario), "Renamed")
    db.session.flush()
    queued.run_queued()
    shown = text_of(planner.get(run_page))
    assert "Failed: The scenario was changed while this run waited or ran" in shown
    assert _changes(db, scenario) == 0


def test_a_scenario_changed_while_the_run_works_fails_it(
    db, planner, late_plan, scenario, queued, monkeypatch
):
    def meanwhile(analysis, *, pin, horizon, progress, solver=None):
        operations.rename_scenario(_fresh(db, scenario), "Edited meanwhile")
        db.session.commit()  # someone else's request
        return _schedule(moves=())

    monkeypatch.setattr("app.alignment.autoschedule.autoschedule", meanwhile)
    run_page = _started(db, planner, scenario)
    queued.run_queued()
    assert "Failed: The scenario was changed while this run waited or ran" in text_of(
        planner.get(run_page)
    )
    assert _runs(db)[0].moves is None


def test_a_second_start_while_one_is_queued_or_running_is_refused(
    db, planner, late_plan, scenario, queued
):
    run_page = _started(db, planner, scenario)
    for state in ("queued", "running"):
        (run,) = _runs(db)
        run.state = state
        db.session.flush()
        response = _start(planner, scenario)
        assert response.status_code == 409, state
        shown = text_of(response)
        assert "Scenario What if is being auto-scheduled already" in shown
        assert f'href="{run_page}"' in response.get_data(as_text=True)
        assert len(_runs(db)) == 1
    assert len(queued.queued) == 1


def test_the_database_refuses_a_second_active_run_of_a_scenario(
    db, late_plan, scenario, monkeypatch
):
    """Two starts at once both pass the check: the partial unique index stops one."""
    first = autoschedule_runs.start_run(
        scenario, pin="none", horizon=None, expected_version=scenario.version, actor=None
    )
    real, calls = autoschedule_runs._active_run, []

    def misses_the_first(scenario):
        calls.append(scenario)
        return None if len(calls) == 1 else real(scenario)

    monkeypatch.setattr(autoschedule_runs, "_active_run", misses_the_first)
    with pytest.raises(autoschedule_runs.RunAlreadyActive) as refused:
        autoschedule_runs.start_run(
            scenario, pin="none", horizon=None, expected_version=scenario.version, actor=None
        )
    assert refused.value.run.id == first.id
    assert [run.id for run in _runs(db)] == [first.id]


def test_a_start_from_a_stale_page_is_refused(db, planner, late_plan, scenario, queued):
    version = scenario.version
    operations.rename_scenario(_fresh(db, scenario), "Renamed")
    db.session.flush()
    response = _start(planner, scenario, version=version)
    assert response.status_code == 409
    assert "Scenario Renamed was changed after you opened this page: nothing was started" in (
        text_of(response)
    )
    # the form again, at the scenario's version now
    page = response.get_data(as_text=True)
    assert f'name="version" value="{_fresh(db, scenario).version}"' in page
    assert _runs(db) == [] and queued.queued == []


def test_a_start_that_makes_no_sense_is_refused_with_the_form(db, planner, late_plan, scenario):
    response = _start(planner, scenario, pin="everything", horizon="1999 Q1")
    assert response.status_code == 400
    assert "Auto-schedule how?" in text_of(response)
    assert _runs(db) == []


def test_progress_is_written_at_most_each_second_and_each_percent(
    db, app, planner, late_plan, scenario, queued, monkeypatch, frozen
):
    """10,000 steps: none written while less than a second passes, then one write
    per second only when at least 1% (100 steps) more is done; the page shows it."""
    writes = []

    def count(_conn, _cursor, statement, *_args):
        progress_write = "done=" in statement and "state=" not in statement
        if statement.startswith("UPDATE autoschedule_run SET") and progress_write:
            writes.append(statement)

    seen = {}

    def slow(analysis, *, pin, horizon, progress, solver=None):
        for done in range(1, 5001):  # no time passes: nothing written
            progress(done, 10_000)
        seen["before"] = len(writes)
        for done in range(5001, 10_001):  # a second every 10 steps
            if done % 10 == 0:
                frozen(1)
            progress(done, 10_000)
            if done == 7500:
                seen["page"] = planner.get(run_page, headers=JSON).get_json()
        return _schedule()

    monkeypatch.setattr("app.alignment.autoschedule.autoschedule", slow)
    run_page = _started(db, planner, scenario)
    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        queued.run_queued()
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)

    assert seen["before"] == 0
    assert 45 <= len(writes) <= 51  # 5,000 steps in 500 s: one write each 100 steps
    assert seen["page"]["state"] == "running"
    assert 74 <= seen["page"]["percent"] <= 75
    assert seen["page"]["text"] == "Running: placing the items…"
    (run,) = _runs(db)
    assert (run.state, run.done, run.total, run.moves) == ("done", 10_000, 10_000, 0)


def test_a_run_whose_worker_died_is_tried_again_then_failed(
    db, planner, late_plan, scenario, queued, monkeypatch, frozen
):
    class Killed(BaseException):
        """The worker stopped mid-run: nothing after this line of the job ran."""

    def killed(analysis, *, pin, horizon, progress, solver=None):
        raise Killed

    monkeypatch.setattr("app.alignment.autoschedule.autoschedule", killed)
    run_page = _started(db, planner, scenario)
    for attempt in range(1, ATTEMPTS + 1):
        with pytest.raises(Killed):
            queued.run_queued()
        db.session.rollback()
        (run,) = _runs(db)
        assert (run.state, run.attempts) == ("running", attempt)
        assert "Running: reading the scenario's plan" in text_of(planner.get(run_page))
        assert sweep_runs() == 0  # its lease holds: nobody else takes it
        frozen(LEASE.total_seconds() + 1)
        assert "its worker may have stopped" in text_of(planner.get(run_page))
        queued.clear()
        if attempt < ATTEMPTS:
            assert sweep_runs() == 1  # the periodic tick's part
            assert queued.queued == [(RUN_JOB, (run.id,), None)]

    assert sweep_runs() == 0
    (run,) = _runs(db)
    assert (run.state, run.error) == ("failed", STOPPED)
    assert "Failed: The run stopped before it finished, twice" in text_of(planner.get(run_page))
    assert _start(planner, _fresh(db, scenario)).status_code == 302


def test_a_run_lost_before_it_started_is_enqueued_again(db, planner, late_plan, scenario, queued):
    _started(db, planner, scenario)
    queued.clear()  # the job was lost (the thread runner's process stopped)
    tick()  # the periodic tick's sweep finds it
    assert [job[0] for job in queued.queued].count(RUN_JOB) == 1
    assert queued.run_queued() >= 1
    assert _runs(db)[0].state == "done"
    assert sweep_runs() == 0


def test_a_run_of_a_scenario_deleted_meanwhile_does_nothing(
    db, planner, late_plan, scenario, queued
):
    _started(db, planner, scenario)
    with pytest.raises(operations.ScenarioBusy, match="cannot be deleted while"):
        operations.delete_scenario(_fresh(db, scenario))
    db.session.delete(_fresh(db, scenario))  # gone all the same (as by hand in the database)
    db.session.flush()
    assert _runs(db) == []
    assert queued.run_queued() == 1  # finds nothing to do


def test_anyone_may_look_at_a_run_only_of_its_own_scenario(
    db, planner, late_plan, scenario, queued, as_user
):
    run_page = _started(db, planner, scenario)
    viewer, _user = as_user("viewer", email="viewer@example.com")
    page = viewer.get(run_page)
    assert page.status_code == 200
    assert f'action="/scenarios/{scenario.id}/autoschedule"' not in page.get_data(as_text=True)
    other = operations.create_scenario("Other")
    db.session.flush()
    run_id = run_page.rsplit("/", 1)[1]
    assert planner.get(f"/scenarios/{other.id}/autoschedule/{run_id}").status_code == 404
    assert planner.get(f"/scenarios/{scenario.id}/autoschedule/999").status_code == 404


def test_apply_and_delete_wait_for_a_run(db, planner, late_plan, scenario, queued):
    _started(db, planner, scenario)
    scenario = _fresh(db, scenario)
    response = planner.post(f"/scenarios/{scenario.id}/apply", data={"version": scenario.version})
    assert response.status_code == 409
    assert "cannot be applied while it is being auto-scheduled" in response.get_data(as_text=True)
    response = planner.post(f"/scenarios/{scenario.id}/delete", data={"version": scenario.version})
    assert response.status_code == 409
    assert _fresh(db, scenario) is not None
