"""A small plan for the scenario tests: Payments (platform, 10 person-weeks a
period) and Checkout (product), four quarters of 2027, Payments work PAY-1 (Q1,
8 pw) and PAY-2 (Q2), Checkout features CHK-1 (Q2, needs PAY-1 by Q2) and CHK-2
(Q3, needs PAY-2)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.models import Dependency, Item, Period, Team


@dataclass
class Plan:
    pay: Team
    chk: Team
    q: list[Period]
    pay1: Item
    pay2: Item
    chk1: Item
    chk2: Item
    need1: Dependency
    need2: Dependency


@pytest.fixture
def plan(db, make_team, make_period, make_item, make_dependency) -> Plan:
    pay = make_team("pay", default_capacity=10, name="Payments")
    chk = make_team("chk", kind="product", name="Checkout")
    q = [make_period(quarter=n) for n in (1, 2, 3, 4)]
    pay1 = make_item(pay, start=q[0], estimate=8, priority=2)
    pay2 = make_item(pay, start=q[1], estimate=4, priority=3)
    chk1 = make_item(chk, start=q[1], estimate=2, priority=0)
    chk2 = make_item(chk, start=q[2], estimate=2, priority=1)
    need1 = make_dependency(chk1, pay1, needed_by=q[1], commitment="committed")
    need2 = make_dependency(chk2, pay2, commitment="requested")
    return Plan(pay, chk, q, pay1, pay2, chk1, chk2, need1, need2)


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(args=list(args))

    return run
