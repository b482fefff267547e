"""Fixtures of the weekly status tests: a small organisation dated around today.

Payments Platform (pay) and Checkout (chk), the current quarter and the next:
- PAY-1 in progress (P2), last updated at the end of last week; CHK-1 (P0) needs it
- PAY-2 committed in the current quarter, never updated, created 30 days ago: stale
- PAY-3 proposed for the next quarter, PAY-4 done: not on the weekly list
- CHK-1 committed (P0) in the current quarter, updated at the end of last week
Nothing has been updated in the current ISO week yet.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from status_helpers import add_update

from app.clock import utcnow
from app.weeks import iso_week, week_start


@pytest.fixture
def org(db, make_team, make_quarters, make_item, make_dependency, make_user):
    now_q, next_q = make_quarters(utcnow().date(), 2)
    pay = make_team("pay", name="Payments Platform")
    chk = make_team("chk", kind="product", name="Checkout")
    month_ago = utcnow() - timedelta(days=30)
    pay1 = make_item(pay, status="in_progress", start=now_q, created_at=month_ago)
    pay2 = make_item(pay, status="committed", start=now_q, created_at=month_ago)
    pay3 = make_item(pay, status="proposed", start=next_q)
    pay4 = make_item(pay, status="done", start=now_q)
    chk1 = make_item(chk, status="committed", priority=0, start=now_q, created_at=month_ago)
    make_dependency(chk1, pay1, commitment="committed")
    last_week = week_start(iso_week(utcnow())) - timedelta(minutes=1)
    first = add_update(db, pay1, at=last_week, progress=40, note="Half way", author="old@x.org")
    add_update(db, chk1, at=last_week)
    users = SimpleNamespace(
        pay_dev=make_user("contributor", email="pay.dev@example.com", teams=[pay]),
        chk_dev=make_user("contributor", email="chk.dev@example.com", teams=[chk]),
        planner=make_user("planner", email="planner@example.com"),
        viewer=make_user("viewer", email="viewer@example.com"),
    )
    return SimpleNamespace(
        pay=pay,
        chk=chk,
        now_q=now_q,
        next_q=next_q,
        pay1=pay1,
        pay2=pay2,
        pay3=pay3,
        pay4=pay4,
        chk1=chk1,
        pay1_update=first,
        users=users,
    )
