"""A small plan for the planning page tests, in 2031 so that every period lies ahead.

Payments Platform (pay, 40 person-weeks) and Checkout (chk):
- PAY-1 'Tokenised cards API', P3, 2031 Q3, 10 person-weeks
- CHK-1 'One-click checkout', P0, 2031 Q2, needs PAY-1 (requested)

which gives a schedule violation (PAY-1 ends a period late), a priority inversion
(PAY-1 is P3 but needed by P0 work) and an uncommitted dependency.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import g
from sqlalchemy import func, select

from app.models import AuditEvent


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


@pytest.fixture
def as_user(db, login, make_user):
    """`as_user(role, teams=())`: a new user of that role, signed in on the client."""

    def sign_in(role, teams=(), email=None):
        user = make_user(role, teams=teams, email=email)
        db.session.commit()
        g.pop("_login_user", None)  # the test's app context outlives each request
        return login(user), user

    return sign_in


def audit_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def text_of(response) -> str:
    """The page's text without tags and with whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").strip()
