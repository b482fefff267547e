"""The demo organisation: a payments company with six platform teams and seven
product teams, six quarters from the current one, about 150 items and 200
dependencies, ten weeks of status history, and the weekly snapshots of the eight
weeks before the current one.

``build_demo_plan(today)`` returns it as a ``roadmap-plan/1`` document, the same
for the same date; ``seed_demo()`` loads it through ``import_plan``, records the
past weeks' snapshots (``demo_past``) and adds the demo accounts. The plan is
built to show every kind of conflict (see ``DESIGNED_CONFLICTS``), next to plenty
of work that is planned well.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from app.clock import format_datetime, utcnow
from app.extensions import db
from app.models import Team
from app.plan_io import FORMAT, ImportSummary, import_plan
from app.seed.demo_history import History
from app.seed.demo_past import record_past_weeks
from app.seed.demo_platform import PLATFORM_ITEMS, DemoItem
from app.seed.demo_product import PRODUCT_ITEMS
from app.seed.demo_teams import FOUNDATIONS, TEAMS, DemoTeam
from app.seed.users import create_demo_users

DEMO_SEED = 2027
QUARTERS = 6
ACTIVE = ("proposed", "committed", "in_progress")
PROMISED = ("committed", "in_progress")

# Dependencies whose commitment or needed-by period is not the usual one.
COMMITMENTS = {("MDB-9", "IDN-11"): "declined"}
NEEDED_BY = {("ONB-4", "MSG-6"): 3, ("PAY-10", "DATA-4"): 3}

# Where each kind of conflict comes from, for people exploring the demo.
DESIGNED_CONFLICTS = {
    "schedule_violation": "CHK-3, ONB-3, MDB-9 and GRW-6 need work planned to end later",
    "same_period_risk": "CHK-4 needs PAY-2 and PAY-5 needs INFRA-2 in the quarter they end",
    "unscheduled_dependency": "MDB-3 needs PAY-11, which is in the backlog",
    "cancelled_dependency": "MOB-4 needs GW-4, which was cancelled",
    "priority_inversion": "P0 CHK-3 needs P3 PAY-7; P0 MDB-1 needs P1 IDN-3; and others",
    "uncommitted_dependency": "committed CHK-3, ONB-3, MDB-3 and GRW-6 rest on requests; "
    "MDB-9's request was declined",
    "over_capacity": "Data Platform and Payments Platform next quarter, Mobile App and Growth",
    "platform_contention": "Data Platform and Payments Platform next quarter, each needed by "
    "five or more product teams",
    "at_risk_dependency": "PAY-2 is off track, INFRA-2 and IDN-1 are at risk",
    "stale_status": "INFRA-12, DATA-3 and MDB-10 last reported three weeks ago",
    "dependency_cycle": "MSG-2 and DATA-3 need each other",
    "unestimated": "MOB-9 and GRW-8 have no estimate",
}


def quarters(today: date, count: int) -> list[dict[str, str]]:
    """``count`` calendar quarters, the first being the one ``today`` is in."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    periods = []
    for _ in range(count):
        start = date(year, 3 * quarter - 2, 1)
        next_year, next_quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        end = date(next_year, 3 * next_quarter - 2, 1) - timedelta(days=1)
        periods.append(
            {"name": f"{year} Q{quarter}", "start": start.isoformat(), "end": end.isoformat()}
        )
        year, quarter = next_year, next_quarter
    return periods


def _all_items() -> dict[str, tuple[DemoTeam, DemoItem]]:
    teams = {team.slug: team for team in TEAMS}
    return {
        item.key: (teams[slug], item)
        for catalog in (PLATFORM_ITEMS, PRODUCT_ITEMS)
        for slug, items in catalog.items()
        for item in items
    }


def _foundation_needs(
    item: DemoItem, team: DemoTeam, items: dict[str, tuple[DemoTeam, DemoItem]], rng
) -> list[str]:
    """A few extra needs of a feature on its team's platform foundations, chosen
    among those planned to end before the feature starts and no less important."""
    if item.periods is None or item.status not in ACTIVE:
        return []

    def fits(key: str) -> bool:
        need = items[key][1]
        return (
            key not in item.needs
            and need.periods is not None
            and need.periods[1] < item.periods[0]
            and need.status != "cancelled"
            and need.health == "on_track"
            and not need.stale
            and need.priority <= item.priority
            and (item.status not in PROMISED or need.status in (*PROMISED, "done"))
        )

    candidates = [key for key in FOUNDATIONS.get(team.slug, ()) if fits(key)]
    wanted = rng.choice((0, 1, 1, 2, 2, 3))
    return sorted(rng.sample(candidates, min(wanted, len(candidates))))


def _commitment(dependent: DemoItem, dependency: DemoItem) -> str:
    override = COMMITMENTS.get((dependent.key, dependency.key))
    if override:
        return override
    if dependency.status in (*PROMISED, "done", "cancelled"):
        return "committed"
    return "requested"


def build_demo_plan(today: date | None = None) -> dict[str, Any]:
    """The demo plan as a ``roadmap-plan/1`` document, dated relative to ``today``."""
    today = today or utcnow().date()
    rng = random.Random(DEMO_SEED)
    periods = quarters(today, QUARTERS)
    names = [period["name"] for period in periods]
    midnight = datetime.combine(today, time())
    items = _all_items()

    item_rows, dependencies, updates = [], [], []
    for key, (team, item) in items.items():
        history = History(team, today, rng).updates(item)
        updates.extend(history)
        oldest = 80 if history else 10
        created = midnight - timedelta(
            days=rng.randint(oldest, oldest + 220), hours=-rng.randint(8, 17)
        )
        owner = rng.choice(team.people)
        if item.status == "proposed" and rng.random() < 0.5:
            owner = None
        item_rows.append(
            {
                "key": key,
                "team": team.slug,
                "title": item.title,
                "description": item.description,
                "priority": item.priority,
                "start": names[item.periods[0]] if item.periods else None,
                "end": names[item.periods[1]] if item.periods else None,
                "estimate": item.estimate,
                "status": item.status,
                "health": item.health,
                "owner": owner,
                "created_at": format_datetime(created),
            }
        )
        for need in (*item.needs, *_foundation_needs(item, team, items, rng)):
            dependency = items[need][1]
            needed_by = NEEDED_BY.get((key, need))
            dependencies.append(
                {
                    "dependent": key,
                    "dependency": need,
                    "needed_by": names[needed_by] if needed_by is not None else None,
                    "commitment": _commitment(item, dependency),
                }
            )

    dependencies.sort(key=lambda dep: (dep["dependent"], dep["dependency"]))
    updates.sort(key=lambda update: (update["item"], update["at"]))
    for update in updates:
        update["at"] = format_datetime(update["at"])
    return {
        "format": FORMAT,
        "periods": periods,
        "teams": [_team_row(team, names) for team in sorted(TEAMS, key=lambda t: t.slug)],
        "items": item_rows,
        "dependencies": dependencies,
        "status_updates": updates,
    }


def _team_row(team: DemoTeam, names: list[str]) -> dict[str, Any]:
    return {
        "slug": team.slug,
        "name": team.name,
        "kind": team.kind,
        "capacity": {
            "default": team.default_capacity,
            "periods": {names[offset]: pw for offset, pw in sorted(team.overrides.items())},
        },
    }


def demo_present() -> bool:
    """Whether the demo organisation's teams are all in the database."""
    slugs = [team.slug for team in TEAMS]
    found = db.session.scalar(select(func.count()).select_from(Team).where(Team.slug.in_(slugs)))
    return found == len(slugs)


def seed_demo(today: date | None = None) -> ImportSummary:
    """Load the demo plan into an empty database, with the snapshots of its past
    weeks, and create the demo accounts.

    Raises ``PlanError`` when the database already holds a plan. Never commits."""
    today = today or utcnow().date()
    plan = build_demo_plan(today)
    summary = import_plan(plan)
    record_past_weeks(plan, today)
    create_demo_users()
    return summary
