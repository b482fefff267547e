"""Item keys: per team, never reused, and distinct when two transactions create at once."""

import threading

import pytest
from sqlalchemy import create_engine, delete, select
from sqlalchemy.orm import Session

from app.extensions import db as _db
from app.models import Item, Team
from app.planning.operations import PlanningError, allocate_key, create_item


def test_keys_count_up_per_team(db, make_team):
    pay = make_team("pay")
    chk = make_team("chk", kind="product")
    keys = [
        create_item(pay, title="A", priority=1).key,
        create_item(pay, title="B", priority=1).key,
    ]
    keys.append(create_item(chk, title="C", priority=0).key)
    assert keys == ["PAY-1", "PAY-2", "CHK-1"]


def test_a_deleted_items_key_is_not_reused(db, make_team):
    pay = make_team("pay")
    first = create_item(pay, title="A", priority=1)
    db.session.delete(first)
    db.session.flush()
    assert create_item(pay, title="B", priority=1).key == "PAY-2"


def test_periods_must_come_in_order(db, make_team, make_period):
    q1, q2 = make_period(quarter=1), make_period(quarter=2)
    with pytest.raises(PlanningError, match="comes before"):
        create_item(make_team(), title="A", priority=1, start=q2, end=q1)
    with pytest.raises(PlanningError, match="both"):
        create_item(make_team(), title="A", priority=1, start=q1, end=None)


@pytest.fixture
def separate_engine(app, tmp_path):
    """Committed data on connections of their own (the concurrency test cannot run
    inside the per-test transaction)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url == "sqlite://":
        url = f"sqlite:///{tmp_path / 'keys.db'}"
        engine = create_engine(url, connect_args={"timeout": 30})
        _db.metadata.create_all(engine)
    else:
        engine = create_engine(url)
    yield engine
    with Session(engine) as session:
        session.execute(delete(Item).where(Item.key.like("RACE-%")))
        session.execute(delete(Team).where(Team.slug == "race"))
        session.commit()
    engine.dispose()


def test_concurrent_creations_get_distinct_keys(separate_engine):
    with Session(separate_engine) as session:
        session.add(Team(slug="race", name="Race", kind="platform"))
        session.commit()
    barrier = threading.Barrier(4)
    keys: list[str] = []
    errors: list[BaseException] = []

    def create_three():
        try:
            barrier.wait(timeout=10)
            with Session(separate_engine) as session:
                team = session.scalar(select(Team).where(Team.slug == "race"))
                for _ in range(3):
                    key = allocate_key(team, session)
                    session.add(Item(key=key, team_id=team.id, title=key, priority=2))
                    session.commit()
                    keys.append(key)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=create_three) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(keys, key=lambda k: int(k.split("-")[1])) == [f"RACE-{n}" for n in range(1, 13)]
