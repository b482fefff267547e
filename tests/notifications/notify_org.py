"""A small organisation for the scheduled notifications' tests, and the moments
of the week they are about (2026-W47, the week of the suite's frozen clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from app.clock import utcnow
from app.models import StatusUpdate
from app.weeks import iso_week

WEDNESDAY = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
THURSDAY_EARLY = datetime(2026, 11, 19, 9, 59, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 20, 10, 5, tzinfo=UTC)
NEXT_MONDAY_EARLY = datetime(2026, 11, 23, 7, 59, tzinfo=UTC)
NEXT_MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def update(db, item, **fields):
    at = utcnow()
    row = StatusUpdate(
        item_id=item.id,
        week=iso_week(at),
        health=fields.pop("health", item.health),
        status=fields.pop("status", item.status),
        note=fields.pop("note", ""),
        at=at,
        **fields,
    )
    db.session.add(row)
    db.session.flush()
    return row


def build_org(make_team, make_quarters, make_item, make_user):
    """Payments (pay, two items in progress) and Checkout (chk, one), both silent
    this week; a contributor of each, one of both, a planner of Checkout, a planner
    of no team, a viewer and an admin."""
    now_q, _next_q = make_quarters(utcnow().date(), 2)
    pay = make_team("pay", name="Payments Platform")
    chk = make_team("chk", kind="product", name="Checkout")
    idle = make_team("idl", name="Idle")  # nothing on its weekly list
    items = SimpleNamespace(
        pay1=make_item(pay, status="in_progress", start=now_q, title="Tokenised cards"),
        pay2=make_item(pay, status="in_progress", start=now_q, title="Refunds API"),
        chk1=make_item(chk, status="in_progress", start=now_q, priority=0, title="One-click"),
    )
    people = SimpleNamespace(
        pay_dev=make_user("contributor", email="pay.dev@example.com", teams=[pay]),
        chk_dev=make_user("contributor", email="chk.dev@example.com", teams=[chk]),
        both_dev=make_user("contributor", email="both.dev@example.com", teams=[pay, chk]),
        idle_dev=make_user("contributor", email="idle.dev@example.com", teams=[idle]),
        chk_planner=make_user("planner", email="chk.planner@example.com", teams=[chk]),
        planner=make_user("planner", email="planner@example.com"),
        viewer=make_user("viewer", email="lead@example.com"),
        admin=make_user("admin", email="admin@example.com"),
        gone=make_user("contributor", email="gone@example.com", teams=[pay], active=False),
    )
    return SimpleNamespace(pay=pay, chk=chk, idle=idle, items=items, people=people)
