"""Ten weeks of weekly status updates for the demo, with the notes teams write.

Items in progress report every week up to a few days ago, except the stale ones,
whose last update is three weeks old. Finished items report every week until
they were done, cancelled items say why, and some committed items have a first
note on their preparation. Each item's newest update matches its current health
and status. A team writes an item's update at the same time each week, and the
history reaches back before the eight past weeks that the demo's weekly
snapshots show (``demo_past``), so no snapshot finds a reporting item silent.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from app.seed.demo_platform import DemoItem
from app.seed.demo_teams import DEV_TEAMS, DemoTeam, email_of
from app.weeks import iso_week

DEV_EMAIL = "dev@example.com"
WEEKS = 10
STALE_WEEKS_AGO = 3

NOTES: dict[str, tuple[str, ...]] = {
    "plan": (
        "Design doc reviewed with the dependent teams; starting implementation.",
        "Spike finished: the approach works, estimate confirmed.",
        "Kick-off done, tickets broken down for the first two sprints.",
        "Agreed the API contract with the first consumer team.",
        "Security review of the design booked and the threat model written.",
    ),
    "build": (
        "Core happy path works end to end in staging.",
        "Data model migrated in staging; backfill script written.",
        "Half of the endpoints done, contract tests green.",
        "Feature flag in place; internal dogfooding starts next week.",
        "Integration with the first consumer team done, second one this sprint.",
        "Load test at twice peak traffic passed, p99 within budget.",
    ),
    "test": (
        "Rolled out to 10% of traffic; error rate flat.",
        "Beta with 20 merchants, feedback mostly about copy.",
        "Canary in one region for a week, no incidents.",
        "Runbooks and dashboards done; on-call trained.",
        "Rollout at 50%, watching conversion daily.",
    ),
    "finish": (
        "At 100% of traffic; cleaning up the old code path.",
        "Old path switched off; documentation updated.",
        "Last migration batch running over the weekend.",
    ),
    "at_risk": (
        "Two engineers out sick this week; scope cut under discussion.",
        "Vendor sandbox unstable, integration tests flaky; could slip two weeks.",
        "Security review found an issue with token storage; fix adds a week.",
        "Waiting on a decision about the data retention period.",
        "Performance below target in the load test; profiling now.",
    ),
    "off_track": (
        "Blocked: the provider contract is still not signed.",
        "Missed the milestone; re-planning with product this week.",
    ),
    "committed": (
        "Design doc in review; start is planned for the first sprint of the quarter.",
        "Team capacity reserved; waiting for the current work to land before starting.",
        "Requirements agreed with the requesting teams.",
    ),
    "done": (
        "Done: live for all customers, old path removed.",
        "Shipped and announced; follow-up bugs are in the backlog.",
    ),
}


def _phase(progress: int) -> str:
    if progress < 20:
        return "plan"
    if progress < 60:
        return "build"
    if progress < 90:
        return "test"
    return "finish"


def _healths(item: DemoItem, rng: random.Random, weeks: int) -> list[str]:
    healths = ["on_track"] * weeks
    if item.health == "at_risk":
        healths[-2:] = ["at_risk", "at_risk"]
    elif item.health == "off_track":
        healths[-3:] = ["at_risk", "off_track", "off_track"]
    elif rng.random() < 0.3:
        healths[rng.randrange(1, weeks - 2)] = "at_risk"  # a blip, since resolved
    return healths


class History:
    """Builds the status updates of one team's items."""

    def __init__(self, team: DemoTeam, today: date, rng: random.Random):
        self.team = team
        self.today = today
        self.rng = rng
        self.midnight = datetime.combine(today, time())
        # Updates come a whole number of weeks apart, so one is never older than a week
        # at the next, whenever the analysis runs.
        self.time_of_day = timedelta(hours=rng.randint(8, 17), minutes=rng.choice((0, 15, 30)))

    def _author(self) -> str:
        rng, people = self.rng, self.team.people
        if self.team.slug in DEV_TEAMS and rng.random() < 0.5:
            return DEV_EMAIL
        return email_of(people[0] if rng.random() < 0.8 else rng.choice(people[1:]))

    def _at(self, days_ago: int) -> datetime:
        return self.midnight - timedelta(days=days_ago) + self.time_of_day

    def _update(
        self, item: DemoItem, days_ago: int, health: str, status: str, progress, note: str
    ) -> dict[str, Any]:
        at = self._at(days_ago)
        return {
            "item": item.key,
            "week": iso_week(at),
            "health": health,
            "status": status,
            "progress": progress,
            "note": note,
            "author": self._author(),
            "at": at,
        }

    def updates(self, item: DemoItem) -> list[dict[str, Any]]:
        if item.status == "in_progress":
            return self._in_progress(item)
        if item.status == "done":
            return self._done(item)
        if item.status == "cancelled":
            return self._cancelled(item)
        preparing = item.status == "committed" and item.periods and item.periods[0] <= 1
        if preparing and self.rng.random() < 0.5:
            return self._preparing(item)
        return []

    def _in_progress(self, item: DemoItem) -> list[dict[str, Any]]:
        rng = self.rng
        newest = STALE_WEEKS_AGO * 7 if item.stale else 0
        lag = rng.randint(1, 3)
        start, end = rng.randint(3, 15), rng.randint(40, 85)
        healths = _healths(item, rng, WEEKS)
        updates = []
        for week in range(WEEKS):
            weeks_ago = WEEKS - 1 - week
            progress = start + (end - start) * week // (WEEKS - 1)
            health = healths[week]
            bank = NOTES[health] if health != "on_track" else NOTES[_phase(progress)]
            note = rng.choice(bank)
            if week == WEEKS - 1 and item.note:
                note = item.note
            days_ago = newest + weeks_ago * 7 + lag
            updates.append(self._update(item, days_ago, health, "in_progress", progress, note))
        return updates

    def _done(self, item: DemoItem) -> list[dict[str, Any]]:
        rng = self.rng
        weeks_done = rng.randint(1, 4)
        finished = weeks_done * 7 + rng.randint(1, 3)
        count = WEEKS - weeks_done
        updates = []
        for week in range(count):
            last = week == count - 1
            progress = 100 if last else 30 + 60 * week // (count - 1)
            note = rng.choice(NOTES["done"] if last else NOTES[_phase(progress)])
            days_ago = finished + (count - 1 - week) * 7
            status = "done" if last else "in_progress"
            updates.append(self._update(item, days_ago, "on_track", status, progress, note))
        return updates

    def _cancelled(self, item: DemoItem) -> list[dict[str, Any]]:
        first = self.rng.choice(NOTES["committed"])
        return [
            self._update(item, 45, "on_track", "committed", None, first),
            self._update(item, 24, "on_track", "cancelled", None, item.note or "Cancelled."),
        ]

    def _preparing(self, item: DemoItem) -> list[dict[str, Any]]:
        rng = self.rng
        return [
            self._update(
                item, days_ago, "on_track", "committed", None, rng.choice(NOTES["committed"])
            )
            for days_ago in sorted(rng.sample(range(2, 20), rng.randint(1, 2)), reverse=True)
        ]
