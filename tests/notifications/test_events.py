"""What notifies whom: requests made and answered, needed work at risk or moved
(read as the change commits, however it is made), and conflicts opened, turned
critical and resolved (from the conflict check)."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.audit import acting_as
from app.auth.tokens import create_token
from app.models import ChatMessage, Notification
from app.planning import dependency_operations as operations
from app.webhooks.conflicts import check_conflicts
from app.webhooks.events import CHECK_JOB


@pytest.fixture
def plan(make_team, make_period, make_user):
    pay = make_team("pay", name="Payments Platform")
    chk = make_team("chk", kind="product", name="Checkout")
    return SimpleNamespace(
        pay=pay,
        chk=chk,
        q1=make_period("2027 Q1", quarter=1),
        q2=make_period("2027 Q2", quarter=2),
        pay_planner=make_user("planner", teams=[pay]),
        pay_member=make_user("contributor", teams=[pay]),
        chk_planner=make_user("planner", teams=[chk]),
        chk_member=make_user("contributor", teams=[chk]),
    )


@pytest.fixture
def needed(plan, make_item, make_dependency):
    """CHK-1 'One-click' needs PAY-1 'Cards', both in 2027 Q1, committed."""
    cards = make_item(plan.pay, key="PAY-1", title="Cards", start=plan.q1, estimate=2)
    click = make_item(plan.chk, key="CHK-1", title="One-click", start=plan.q1, estimate=2)
    dep = make_dependency(click, cards, commitment="committed")
    return SimpleNamespace(cards=cards, click=click, dep=dep)


def _notes(db, event=None) -> dict[int, list[Notification]]:
    db.session.expire_all()
    found: dict[int, list[Notification]] = {}
    for note in db.session.scalars(select(Notification).order_by(Notification.id)):
        if event is None or note.event == event:
            found.setdefault(note.user_id, []).append(note)
    return found


def _change(db, row, **values):
    """Change a row as a request does: loaded first (so that the audit knows what
    each change replaces)."""
    db.session.refresh(row)
    for name, value in values.items():
        setattr(row, name, value)


def _commit_as(db, user):
    with acting_as(user.id, user.email):
        db.session.commit()


def test_a_new_dependency_is_a_request_to_the_providing_team(db, plan, make_item):
    cards = make_item(plan.pay, key="PAY-7", title="Cards", start=plan.q2)
    click = make_item(plan.chk, key="CHK-3", title="One-click", start=plan.q1)
    plan.pay.chat_channel_url = "https://chat.example.com/hooks/pay"
    _commit_as(db, plan.chk_planner)

    dep = operations.add_dependency(click, cards)
    _commit_as(db, plan.chk_planner)

    got = _notes(db)
    assert set(got) == {plan.pay_planner.id, plan.pay_member.id}
    [note] = got[plan.pay_member.id]
    assert note.event == "request_received" and note.key == f"request:{dep.id}"
    assert note.title == "Checkout asks Payments Platform for PAY-7 'Cards' (needed by 2027 Q1)"
    assert note.url == f"/dependencies/{dep.id}/answer"
    [message] = db.session.scalars(select(ChatMessage)).all()
    assert message.team_id == plan.pay.id and "PAY-7" in message.text


def test_the_person_who_asks_is_left_out_and_a_team_asks_nothing_of_itself(db, plan, make_item):
    cards = make_item(plan.pay, key="PAY-7", title="Cards")
    tokens = make_item(plan.pay, key="PAY-8", title="Tokens")
    click = make_item(plan.chk, key="CHK-3", title="One-click")
    operations.add_dependency(click, cards)
    operations.add_dependency(tokens, cards)  # within Payments Platform
    _commit_as(db, plan.pay_planner)
    got = _notes(db)
    assert set(got) == {plan.pay_member.id}
    [note] = got[plan.pay_member.id]
    assert note.title == "Checkout asks Payments Platform for PAY-7 'Cards'"  # no period


def test_a_request_made_through_the_api_notifies_the_same_way(db, client, plan, make_item):
    make_item(plan.pay, key="PAY-7", title="Cards", start=plan.q2)
    make_item(plan.chk, key="CHK-3", title="One-click", start=plan.q1)
    token = create_token(plan.chk_planner, name="tests", scope="write").token
    db.session.commit()
    response = client.post(
        "/api/v1/dependencies",
        json={"dependent": "CHK-3", "dependency": "PAY-7", "needed_by": "2027 Q2"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    got = _notes(db, "request_received")
    assert set(got) == {plan.pay_planner.id, plan.pay_member.id}
    assert got[plan.pay_member.id][0].title.endswith("(needed by 2027 Q2)")


def test_a_rolled_back_change_notifies_nobody(db, plan, make_item):
    cards = make_item(plan.pay, key="PAY-7", title="Cards")
    click = make_item(plan.chk, key="CHK-3", title="One-click")
    db.session.commit()
    operations.add_dependency(click, cards)
    db.session.rollback()
    db.session.commit()
    assert _notes(db) == {}


def test_an_answer_reaches_the_requesting_team_each_time_it_changes(db, plan, needed):
    dep = needed.dep
    db.session.commit()
    dep.commitment = "requested"
    db.session.commit()
    assert _notes(db) == {}  # back to requested is no answer, nor a new request

    operations.answer_request(dep, "declined", "Not before Q3", expected_version=dep.version)
    _commit_as(db, plan.pay_planner)
    got = _notes(db)
    assert set(got) == {plan.chk_planner.id, plan.chk_member.id}
    [note] = got[plan.chk_member.id]
    assert note.event == "request_answered"
    assert note.title == "Payments Platform declined PAY-1 'Cards', needed by CHK-1 'One-click'"
    assert note.body == "Note: Not before Q3" and note.url == "/items/CHK-1"

    operations.answer_request(dep, "committed", "", expected_version=dep.version)
    _commit_as(db, plan.pay_planner)
    titles = [n.title for n in _notes(db)[plan.chk_member.id]]
    assert titles[1].startswith("Payments Platform committed to PAY-1 'Cards'")

    dep.note = "just a note"
    _commit_as(db, plan.pay_planner)
    assert len(_notes(db)[plan.chk_member.id]) == 2


def test_an_answer_through_the_form(db, plan, needed, login):
    db.session.commit()
    needed.dep.commitment = "requested"
    db.session.commit()
    browser = login(plan.pay_planner)
    response = browser.post(
        f"/dependencies/{needed.dep.id}/answer",
        data={"commitment": "committed", "note": "", "version": needed.dep.version},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert set(_notes(db, "request_answered")) == {plan.chk_planner.id, plan.chk_member.id}


def test_needed_work_at_risk_reaches_the_teams_that_need_it(
    db, plan, needed, make_item, make_dependency, make_team, make_user
):
    mob = make_team("mob", kind="product", name="Mobile")
    mob_member = make_user("contributor", teams=[mob])
    done = make_item(mob, key="MOB-1", status="done")
    make_dependency(done, needed.cards, commitment="committed")  # done: needs nothing now
    db.session.commit()

    _change(db, needed.cards, health="at_risk")
    _commit_as(db, plan.pay_member)
    got = _notes(db)
    assert set(got) == {plan.chk_planner.id, plan.chk_member.id}  # not PAY, not MOB
    [note] = got[plan.chk_member.id]
    assert note.event == "needed_at_risk"
    assert note.title == "PAY-1 'Cards' is at risk (Payments Platform)"
    assert note.body == "Needed by CHK-1 'One-click' in 2027 Q1."
    assert note.url == "/items/PAY-1"
    assert mob_member.id not in got

    _change(db, needed.cards, health="off_track")
    db.session.commit()
    _change(db, needed.cards, health="at_risk")  # better, not worse
    db.session.commit()
    _change(db, needed.cards, health="on_track")
    db.session.commit()
    titles = [n.title for n in _notes(db)[plan.chk_member.id]]
    assert titles == [note.title, "PAY-1 'Cards' is off track (Payments Platform)"]


def test_needed_work_moved_later_reaches_the_teams_that_need_it(db, plan, needed):
    db.session.commit()
    _change(db, needed.cards, end_period_id=plan.q2.id)
    db.session.commit()
    [note] = _notes(db)[plan.chk_member.id]
    assert note.event == "needed_moved"
    assert note.title == "PAY-1 'Cards' moved from 2027 Q1 to 2027 Q2 (Payments Platform)"

    _change(db, needed.cards, end_period_id=plan.q1.id)  # earlier: good news, no note
    db.session.commit()
    _change(db, needed.cards, start_period_id=None, end_period_id=None)
    db.session.commit()
    titles = [n.title for n in _notes(db)[plan.chk_member.id]]
    assert titles[1] == (
        "PAY-1 'Cards' was taken off the plan (it ended in 2027 Q1) (Payments Platform)"
    )
    assert len(titles) == 2


def test_an_unrelated_change_costs_no_query(db, plan, needed, count_queries):
    db.session.commit()
    needed.cards.title = "Cards, tokenised"
    db.session.flush()
    with count_queries() as counted:
        db.session.commit()
    with_notifications = counted.n
    needed.cards.title = "Cards"
    db.session.flush()
    from app.notifications import events

    real = events._relevant
    events._relevant = lambda changes: (set(), set(), {})
    try:
        with count_queries() as counted:
            db.session.commit()
    finally:
        events._relevant = real
    assert with_notifications == counted.n
    assert _notes(db) == {}


def _check(db) -> int:
    found = check_conflicts()
    db.session.expire_all()
    return found


def test_conflicts_opened_turned_critical_and_resolved_reach_their_teams(db, plan, needed, queued):
    _check(db)  # the baseline: nothing announced
    assert _notes(db) == {}

    _change(db, needed.cards, start_period_id=plan.q2.id, end_period_id=plan.q2.id)  # late
    db.session.commit()
    assert (CHECK_JOB, (), None) in queued.queued  # no endpoint, but people to tell
    assert _check(db) >= 1
    opened = [n for n in _notes(db, "conflict_opened")[plan.pay_member.id] if "schedule" in n.title]
    [note] = opened
    fingerprint = note.url.rsplit("/", 1)[1]
    assert note.key.startswith(f"conflict:{fingerprint}:opened:")
    assert note.title.startswith("New ") and "schedule violation" in note.title
    assert note.url == f"/conflicts/{fingerprint}"
    for person in (plan.pay_planner, plan.chk_planner, plan.chk_member):
        assert any(n.key == note.key for n in _notes(db, "conflict_opened")[person.id])
    count = len(_notes(db)[plan.chk_member.id])
    assert _check(db) == 0 and len(_notes(db)[plan.chk_member.id]) == count  # nothing new

    _change(db, needed.click, priority=0)  # a P0 feature is late: critical
    db.session.commit()
    _check(db)
    critical = _notes(db, "conflict_critical").get(plan.chk_member.id, [])
    assert [n.key.rsplit(":", 1)[0] for n in critical] == [f"conflict:{fingerprint}:critical"]
    assert critical[0].title.startswith("Conflict turned critical: schedule violation")

    _change(db, needed.cards, start_period_id=plan.q1.id, end_period_id=plan.q1.id)
    db.session.commit()
    _check(db)
    resolved = _notes(db, "conflict_resolved")[plan.pay_member.id]
    assert f"conflict:{fingerprint}:resolved" in {n.key.rsplit(":", 1)[0] for n in resolved}
    assert all(n.title.startswith("Conflict resolved: ") for n in resolved)


def test_without_anyone_to_tell_the_conflict_record_is_dropped(db, make_team, make_period):
    from app.models import AnnouncedConflict, TeamMembership

    assert db.session.query(TeamMembership).count() == 0
    check_conflicts()
    assert db.session.query(AnnouncedConflict).count() == 0
