from datetime import date

from flask import render_template
from flask_login import login_required
from sqlalchemy import select

from app.extensions import db
from app.main import bp
from app.models import Item, Period, Team
from app.permissions import require


def upcoming_periods(today: date, count: int) -> list[Period]:
    """The period running today (or the next to start) and the ones after it."""
    query = select(Period).where(Period.end_date >= today).order_by(Period.start_date)
    return list(db.session.scalars(query.limit(count)))


@bp.route("/")
@login_required
@require("view")
def home():
    periods = upcoming_periods(date.today(), 2)
    teams = db.session.scalars(select(Team).order_by(Team.kind, Team.name)).all()
    items_by_team: dict[int, list[Item]] = {team.id: [] for team in teams}
    if periods:
        first, last = periods[0], periods[-1]
        starts = select(Period.id).where(Period.start_date <= last.end_date)
        ends = select(Period.id).where(Period.end_date >= first.start_date)
        items = db.session.scalars(
            select(Item)
            .where(Item.start_period_id.in_(starts), Item.end_period_id.in_(ends))
            .where(Item.status != "cancelled")
            .order_by(Item.priority, Item.key)
        )
        for item in items:
            items_by_team[item.team_id].append(item)
    period_names = {p.id: p.name for p in db.session.scalars(select(Period))}
    return render_template(
        "main/home.html",
        periods=periods,
        teams=teams,
        items_by_team=items_by_team,
        period_names=period_names,
    )
