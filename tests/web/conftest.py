"""Fixtures shared by the route tests: a signed-in admin and two small plans."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from app.clock import utcnow


@pytest.fixture
def admin(as_user):
    """A signed-in admin."""
    _client, user = as_user("admin", email="root@example.com")
    return user


@pytest.fixture
def late_plan(db, make_team, make_period, make_item, make_dependency):
    """A small plan for the planning page tests, in 2031 so that every period lies ahead.

    Payments Platform (pay, 40 person-weeks) and Checkout (chk):
    - PAY-1 'Tokenised cards API', P3, 2031 Q3, 10 person-weeks
    - CHK-1 'One-click checkout', P0, 2031 Q2, needs PAY-1 (requested)

    which gives a schedule violation (PAY-1 ends a period late), a priority inversion
    (PAY-1 is P3 but needed by P0 work) and an uncommitted dependency.
    """
    periods = [make_period(year=2031, quarter=q) for q in (1, 2, 3, 4)]
    periods.append(make_period(year=2032, quarter=1))
    pay = make_team("pay", name="Payments Platform", default_capacity=40)
    chk = make_team("chk", kind="product", name="Checkout")
    pay1 = make_item(pay, title="Tokenised cards API", priority=3, start=periods[2], estimate=10)
    chk1 = make_item(chk, title="One-click checkout", priority=0, start=periods[1], estimate=5)
    dep = make_dependency(chk1, pay1)
    return SimpleNamespace(periods=periods, pay=pay, chk=chk, pay1=pay1, chk1=chk1, dep=dep)


@pytest.fixture
def contended_plan(db, make_quarters, make_team, make_item, make_dependency):
    """A small plan for the dashboard tests, dated from today so that its first period
    is the current one ("Q0"; then Q1, Q2, Q3).

    - Data Platform (data, 10 person-weeks) has DATA-1 (8) and DATA-2 (6) in Q0:
      over capacity, and contended by Checkout (CHK-1, P0, needs DATA-1) and Mobile
      App (MOB-1, P1, needs DATA-2).
    - Payments Platform (pay, 20): PAY-1 (P3, at risk, Q1) is needed by CHK-2 (P0,
      Q2): a priority inversion and an at-risk dependency. PAY-2 is in progress with
      no status update for 60 days: stale.
    """
    periods = make_quarters(utcnow().date(), 4)
    q0, q1, q2, _q3 = periods
    data = make_team("data", name="Data Platform", default_capacity=10)
    pay = make_team("pay", name="Payments Platform", default_capacity=20)
    chk = make_team("chk", kind="product", name="Checkout")
    mob = make_team("mob", kind="product", name="Mobile App")
    data1 = make_item(data, title="Event stream", priority=1, start=q0, estimate=8)
    data2 = make_item(data, title="Warehouse", priority=2, start=q0, estimate=6)
    chk1 = make_item(chk, title="One-click checkout", priority=0, start=q1, estimate=3)
    mob1 = make_item(mob, title="Offline mode", priority=1, start=q1, estimate=3)
    pay1 = make_item(
        pay, title="Tokenised cards", priority=3, start=q1, estimate=4, health="at_risk"
    )
    chk2 = make_item(chk, title="Saved cards", priority=0, start=q2, estimate=2)
    pay2 = make_item(
        pay,
        title="Ledger migration",
        start=q0,
        estimate=5,
        status="in_progress",
        created_at=utcnow() - timedelta(days=60),
    )
    make_dependency(chk1, data1, commitment="committed")
    make_dependency(mob1, data2, commitment="committed")
    make_dependency(chk2, pay1, commitment="committed")
    return SimpleNamespace(
        periods=periods,
        teams=SimpleNamespace(data=data, pay=pay, chk=chk, mob=mob),
        data1=data1,
        data2=data2,
        chk1=chk1,
        mob1=mob1,
        pay1=pay1,
        chk2=chk2,
        pay2=pay2,
    )
