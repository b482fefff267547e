"""A small plan for the planning page tests, in 2031 so that every period lies ahead.

Payments Platform (pay, 40 person-weeks) and Checkout (chk):
- PAY-1 'Tokenised cards API', P3, 2031 Q3, 10 person-weeks
- CHK-1 'One-click checkout', P0, 2031 Q2, needs PAY-1 (requested)

which gives a schedule violation (PAY-1 ends a period late), a priority inversion
(PAY-1 is P3 but needed by P0 work) and an uncommitted dependency.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def plan(db, make_team, make_period, make_item, make_dependency):
    periods = [make_period(year=2031, quarter=q) for q in (1, 2, 3, 4)]
    periods.append(make_period(year=2032, quarter=1))
    pay = make_team("pay", name="Payments Platform", default_capacity=40)
    chk = make_team("chk", kind="product", name="Checkout")
    pay1 = make_item(pay, title="Tokenised cards API", priority=3, start=periods[2], estimate=10)
    chk1 = make_item(chk, title="One-click checkout", priority=0, start=periods[1], estimate=5)
    dep = make_dependency(chk1, pay1)
    db.session.commit()  # a refused request rolls the session back; keep these rows
    return SimpleNamespace(periods=periods, pay=pay, chk=chk, pay1=pay1, chk1=chk1, dep=dep)
