"""The demo company's recent past: weekly snapshots of the eight ISO weeks before
the current one, so that the dashboard's trend, its resolved counts and "What
slipped" have a history from the first visit.

A past week's plan is the demo plan as loaded, rewound to that week's Monday
noon: items created since are left out, each item's status, health and last
update are those its status history had then, and the changes of ``STORY`` made
since are undone. Each week's plan is analysed by the alignment engine with the
app's settings as of that moment and stored with the dashboard's
``take_snapshot``, oldest first, so that each week's "resolved" compares with the
week before.

The current week's snapshot is taken as usual, by the first dashboard view or
``flask snapshot``. Only when the current quarter began this week does the seed
take it too, as of Monday noon: "What slipped" compares with the first snapshot
of the quarter, which would otherwise be the current plan itself.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from app.alignment import PRIORITY_NAMES, PlanSnapshot, analyze
from app.dashboard.snapshots import take_snapshot
from app.plan_io.fields import parse_datetime
from app.plan_store import analysis_settings, load_snapshot
from app.weeks import iso_week

PAST_WEEKS = 8
NOON = time(12)


class Change(NamedTuple):
    """A change to the plan made ``weeks_ago`` weeks ago, after that ISO week's
    Monday snapshot (0: this week), with what it replaced: ``key``'s periods
    (quarter offsets) or priority, or the commitment on its need of ``needs``."""

    weeks_ago: int
    key: str
    why: str
    periods: tuple[int, int] | None = None
    priority: str | None = None
    needs: str | None = None
    commitment: str | None = None


C = Change

# Oldest first. Besides these, a past week differs from today by the items created
# since, the items finished or cancelled since, and the health of the items in
# progress, as the status history has them.
# fmt: off
STORY: tuple[Change, ...] = (
    C(8, "CHK-4", "Payments committed to frictionless 3-D Secure's request",
      needs="PAY-2", commitment="requested"),
    C(7, "CHK-6", "Checkout moved its guest checkout experiment a quarter out, after the "
      "experimentation platform it needs", periods=(0, 0)),
    C(7, "ANA-5", "Data Platform committed to the metrics layer that Analytics asked for",
      needs="DATA-2", commitment="requested"),
    C(6, "INFRA-6", "Infrastructure moved preview environments a quarter out, which took "
      "it back under capacity next quarter", periods=(1, 1)),
    C(6, "IDN-2", "Identity raised its OAuth server to P0, as the features that need it",
      priority="P1"),
    C(5, "DATA-9", "Customer 360 grew a quarter longer, past Growth's GRW-6",
      periods=(2, 2)),
    C(4, "PAY-1", "Leadership raised tokenised cards to P0 ...", priority="P2"),
    C(4, "SUB-1", "... and Payments committed to Subscriptions' request, which it had "
      "declined", needs="PAY-1", commitment="declined"),
    C(2, "IDN-11", "The KYC integration slipped past the quarter its consumers need it "
      "in ...", periods=(2, 2)),
    C(2, "MDB-9", "... and Identity declined Mobile Banking's request for it",
      needs="IDN-11", commitment="requested"),
    C(1, "PAY-2", "3-D Secure went off track, the provider's contract unsigned, and now "
      "ends next quarter", periods=(0, 0)),
    C(0, "IDN-1", "Passkeys now end next quarter, held up by an Android bug",
      periods=(0, 0)),
    C(0, "GW-1", "Public API v2 now ends next quarter", periods=(0, 0)),
    C(0, "ONB-8", "Onboarding translations now end next quarter", periods=(0, 0)),
)
# fmt: on


class Report(NamedTuple):
    at: datetime
    status: str
    health: str


def status_history(plan: dict[str, Any]) -> dict[str, list[Report]]:
    """Each item's status updates in a ``roadmap-plan/1`` document, oldest first."""
    reports: dict[str, list[Report]] = {}
    for update in plan["status_updates"]:
        at = parse_datetime(update["at"])
        reports.setdefault(update["item"], []).append(
            Report(at, update["status"], update["health"])
        )
    for item_reports in reports.values():
        item_reports.sort()
    return reports


class Week(NamedTuple):
    weeks_ago: int
    week: str  # ISO week, "2027-W05"
    moment: datetime  # of its snapshot: Monday noon


def past_weeks(today: date, quarter_start: date) -> list[Week]:
    """The snapshots the seed takes, oldest first: the eight ISO weeks before
    ``today``'s, each as of its Monday noon, and ``today``'s own when the quarter
    began in it, as of Monday noon (midnight when today is that Monday)."""
    monday = today - timedelta(days=today.weekday())
    weeks = [
        Week(
            n,
            iso_week(monday - timedelta(weeks=n)),
            datetime.combine(monday, NOON) - timedelta(weeks=n),
        )
        for n in range(PAST_WEEKS, 0, -1)
    ]
    if quarter_start >= monday:
        moment = min(datetime.combine(monday, NOON), datetime.combine(today, time()))
        weeks.append(Week(0, iso_week(today), moment))
    return weeks


def rewind(
    plan: PlanSnapshot, reports: dict[str, list[Report]], weeks_ago: int, moment: datetime
) -> PlanSnapshot:
    """``plan`` as it stood at ``moment``, the Monday noon ``weeks_ago`` weeks back
    (0: this week's), given each item's ``reports``: see the module's docstring."""
    # An item changed twice takes what its oldest undone change replaced.
    undone = sorted((c for c in STORY if c.weeks_ago <= weeks_ago), key=lambda c: c.weeks_ago)
    periods = {c.key: c.periods for c in undone if c.periods is not None}
    priorities = {c.key: c.priority for c in undone if c.priority is not None}
    commitments = {(c.key, c.needs): c.commitment for c in undone if c.needs}

    items, keys = [], {}
    for item in plan.items:
        if item.created_at > moment:
            continue
        changes: dict[str, Any] = {}
        history = reports.get(item.key)
        if history:
            seen = bisect_right(history, moment, key=lambda report: report.at)
            # Before its first report an item stood as that report found it.
            latest = history[seen - 1] if seen else history[0]
            changes.update(status=latest.status, health=latest.health)
            changes["last_update_at"] = latest.at if seen else None
        if item.key in periods:
            changes["start"], changes["end"] = periods[item.key]
        if item.key in priorities:
            changes["priority"] = PRIORITY_NAMES.index(priorities[item.key])
        items.append(replace(item, **changes) if changes else item)
        keys[item.id] = item.key

    dependencies = []
    for dependency in plan.dependencies:
        pair = (keys.get(dependency.dependent_id), keys.get(dependency.dependency_id))
        if None in pair:
            continue
        if pair in commitments:
            dependency = replace(dependency, commitment=commitments[pair])
        dependencies.append(dependency)
    return replace(plan, items=tuple(items), dependencies=tuple(dependencies))


def record_past_weeks(plan: dict[str, Any], today: date) -> None:
    """Store the snapshots of the demo's past weeks (see the module's docstring),
    given the ``plan`` document just loaded. Flushes, never commits."""
    current = load_snapshot()
    reports = status_history(plan)
    settings = analysis_settings()
    weeks = past_weeks(today, date.fromisoformat(plan["periods"][0]["start"]))
    for week in weeks:
        past = rewind(current, reports, week.weeks_ago, week.moment)
        take_snapshot(analyze(past, week.moment, settings), week.week, week.moment)
