"""Deleting an item: only after a confirmation that lists what depends on it;
cancelling it is offered as the usual path."""

from sqlalchemy import select
from web_helpers import text_of

from app.models import AuditEvent, Dependency, Item, StatusUpdate


def test_the_confirmation_lists_everything_that_depends_on_it_directly_or_through_chains(
    db, client, late_plan, as_user, make_team, make_item, make_dependency
):
    mob = make_team("mob", kind="product", name="Mobile App")
    wallet = make_item(mob, title="Wallet", priority=1, start=late_plan.periods[3])
    make_dependency(wallet, late_plan.chk1)
    make_item(mob, title="Unrelated", priority=0)
    as_user("planner")
    page = client.get("/items/PAY-1/delete")
    assert page.status_code == 200
    text = text_of(page)
    assert "Delete PAY-1 Tokenised cards API?" in text
    assert "1 item needs PAY-1 directly. Deleting it removes these links" in text
    assert "P0 CHK-1 One-click checkout (Checkout, 2031 Q2, committed)" in text
    assert "1 more active item needs it through a chain of needs" in text
    assert "P1 MOB-1 Wallet (Mobile App, 2031 Q4)" in text
    assert "MOB-2" not in text
    assert "Keep PAY-1" in text and "Mark it cancelled" in text and "Delete for good" in text


def test_deleting_removes_the_item_and_its_links_into_the_history(db, client, late_plan, as_user):
    db.session.add(StatusUpdate(item_id=late_plan.pay1.id, week="2031-W02", health="on_track",
                                status="committed"))  # fmt: skip
    item_id = late_plan.pay1.id
    _, planner = as_user("planner")
    response = client.post("/items/PAY-1/delete", data={"version": 1}, follow_redirects=True)
    assert response.request.path == "/teams/pay"
    assert "Deleted PAY-1 and its dependencies." in text_of(response)
    assert db.session.get(Item, item_id) is None
    assert db.session.scalars(select(Dependency)).all() == []
    assert db.session.scalars(select(StatusUpdate)).all() == []
    deleted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "delete")).all()
    assert sorted(e.entity for e in deleted) == ["dependency", "item"]
    assert {e.actor for e in deleted} == {planner.email}
    assert client.get("/items/PAY-1").status_code == 404
    assert "CHK-1 needs PAY-1 deleted" in text_of(client.get("/items/CHK-1"))


def test_cancelling_instead_keeps_the_item(db, client, late_plan, as_user):
    as_user("planner")
    response = client.post("/items/PAY-1/cancel", data={"version": 1}, follow_redirects=True)
    assert response.request.path == "/items/PAY-1"
    text = text_of(response)
    assert "Cancelled PAY-1: it stays in the plan's history." in text
    db.session.refresh(late_plan.pay1)
    assert late_plan.pay1.status == "cancelled"
    assert "Mark it cancelled" not in text_of(client.get("/items/PAY-1/delete"))
    assert "Cancelled dependency" in text_of(client.get("/items/CHK-1"))


def test_a_confirmation_without_the_version_deletes_nothing(db, client, late_plan, as_user):
    as_user("planner")
    response = client.post("/items/PAY-1/delete", data={})
    assert response.status_code == 400
    assert "lacked the item's version" in response.text
    assert db.session.get(Item, late_plan.pay1.id) is not None


def test_only_planners_delete(db, client, late_plan, as_user):
    as_user("contributor", teams=[late_plan.pay])
    assert client.get("/items/PAY-1/delete").status_code == 403
    assert client.post("/items/PAY-1/delete", data={"version": 1}).status_code == 403
    assert db.session.get(Item, late_plan.pay1.id) is not None


def test_a_long_chain_is_counted_in_full_and_named_in_part(
    db, client, late_plan, as_user, make_item, make_dependency, monkeypatch
):
    from app.planning import routes

    monkeypatch.setattr(routes, "CHAIN_LIST_LIMIT", 2)
    needer = late_plan.chk1
    for n in range(3):
        needer_of_needer = make_item(late_plan.chk, title=f"Layer {n}", priority=n)
        make_dependency(needer_of_needer, needer)
        needer = needer_of_needer
    as_user("planner")
    text = text_of(client.get("/items/PAY-1/delete"))
    assert "3 more active items need it through a chain of needs" in text
    assert "CHK-2 Layer 0" in text and "CHK-3 Layer 1" in text and "Layer 2" not in text
    assert "and 1 more." in text
