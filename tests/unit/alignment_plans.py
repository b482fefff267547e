"""Plans for the domain-core tests: a small builder and a synthetic large plan."""

from __future__ import annotations

import random
from bisect import bisect_left
from datetime import date, datetime, timedelta

from app.alignment import Decision, Dependency, Item, Period, PlanSnapshot, Team

NOW = datetime(2027, 2, 15, 12, 0)
CREATED = datetime(2026, 11, 2, 9, 0)
RECENT = NOW - timedelta(days=2)


def quarters(count: int = 8, first_year: int = 2027) -> tuple[Period, ...]:
    periods = []
    for n in range(count):
        year, quarter = first_year + n // 4, n % 4 + 1
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        periods.append(Period(f"{year} Q{quarter}", start, end - timedelta(days=1)))
    return tuple(periods)


class PlanBuilder:
    """Tiny plans by key: ``b.team("pay", capacity=40)``, ``b.item("PAY-1", "pay", ...)``,
    ``b.need("CHK-3", "PAY-1")``, then ``b.build()``. Periods are named by index."""

    def __init__(self, periods: int = 8) -> None:
        self.periods = quarters(periods)
        self.teams: dict[str, Team] = {}
        self.items: dict[str, Item] = {}
        self.dependencies: list[Dependency] = []
        self.decisions: dict[str, Decision] = {}

    def team(
        self,
        slug: str,
        kind: str = "platform",
        capacity: float | None = None,
        overrides: dict[int, float] | None = None,
        name: str | None = None,
    ) -> Team:
        team = Team(
            id=len(self.teams) + 100,
            slug=slug,
            name=name or slug.title(),
            kind=kind,
            default_capacity=capacity,
            capacities=dict(overrides or {}),
        )
        self.teams[slug] = team
        return team

    def item(
        self,
        key: str,
        team: str,
        priority: int = 2,
        start: int | None = None,
        end: int | None = None,
        estimate: float | None = 4,
        status: str = "committed",
        health: str = "on_track",
        title: str | None = None,
        last_update: datetime | None = RECENT,
        created: datetime = CREATED,
    ) -> Item:
        if team not in self.teams:
            self.team(team, kind="platform" if team in {"pay", "id", "data"} else "product")
        item = Item(
            id=len(self.items) + 1000,
            key=key,
            team_id=self.teams[team].id,
            title=title or f"Work {key}",
            priority=priority,
            start=start,
            end=start if end is None else end,
            estimate=estimate,
            status=status,
            health=health,
            created_at=created,
            last_update_at=last_update,
        )
        self.items[key] = item
        return item

    def need(
        self,
        dependent: str,
        dependency: str,
        needed_by: int | None = None,
        commitment: str = "committed",
    ) -> None:
        self.dependencies.append(
            Dependency(self.items[dependent].id, self.items[dependency].id, needed_by, commitment)
        )

    def decide(self, fingerprint: str, state: str, note: str = "seen") -> None:
        self.decisions[fingerprint] = Decision(fingerprint, state, note, "ana", NOW)

    def build(self) -> PlanSnapshot:
        return PlanSnapshot(
            periods=self.periods,
            teams=tuple(self.teams.values()),
            items=tuple(self.items.values()),
            dependencies=tuple(self.dependencies),
            decisions=dict(self.decisions),
        )


def _weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


_STATUS = (
    ("proposed", 0.15),
    ("committed", 0.35),
    ("in_progress", 0.3),
    ("done", 0.15),
    ("cancelled", 0.05),
)
_HEALTH = (("on_track", 0.8), ("at_risk", 0.14), ("off_track", 0.06))


def make_random_plan(
    n_items: int,
    seed: int = 0,
    *,
    n_teams: int = 200,
    n_periods: int = 12,
    deps_per_item: float = 3.0,
) -> PlanSnapshot:
    """A large acyclic plan shaped like a real one: 40% platform teams, features
    needing mostly platform work that ends earlier, some late, some
    over-committed teams, stale and unestimated items, a few thousand conflicts."""
    rng = random.Random(seed)
    periods = quarters(n_periods, first_year=2027)
    teams = []
    for t in range(n_teams):
        platform = t < n_teams * 2 // 5
        teams.append(
            Team(
                id=t + 1,
                slug=f"{'p' if platform else 'f'}{t:03d}",
                name=f"{'Platform' if platform else 'Product'} team {t}",
                kind="platform" if platform else "product",
            )
        )
    platform_count = n_teams * 2 // 5
    order_period = sorted(rng.randrange(n_periods) for _ in range(n_items))
    items: list[Item] = []
    platform_positions: list[int] = []
    load = [[0.0] * n_periods for _ in teams]
    for i, start in enumerate(order_period):
        platform = rng.random() < 0.45
        t = rng.randrange(platform_count) if platform else rng.randrange(platform_count, n_teams)
        if platform:
            platform_positions.append(i)
        status = _weighted(rng, _STATUS)
        backlog = rng.random() < 0.06 and status == "proposed"
        span = 1 if rng.random() < 0.75 else 2
        end = min(n_periods - 1, start + span - 1)
        estimate = None if rng.random() < 0.04 else float(rng.randrange(2, 25))
        if not backlog and estimate and status != "cancelled":
            for p in range(start, end + 1):
                load[t][p] += estimate / (end - start + 1)
        created = datetime(2026, 10, 1) + timedelta(hours=rng.randrange(2000))
        update = NOW - timedelta(days=rng.choice((1, 2, 3, 5, 6, 6, 9, 20)))
        items.append(
            Item(
                id=i + 1,
                key=f"{teams[t].slug.upper()}-{i}",
                team_id=t + 1,
                title=f"Roadmap item {i}",
                priority=rng.choices((0, 1, 2, 3), (1, 3, 4, 3))[0] if platform else rng.randrange(4),
                start=None if backlog else start,
                end=None if backlog else end,
                estimate=estimate,
                status=status,
                health=_weighted(rng, _HEALTH) if status in {"committed", "in_progress"} else "on_track",
                created_at=created,
                last_update_at=None if rng.random() < 0.1 else update,
            )
        )
    dependencies = []
    seen: set[tuple[int, int]] = set()
    for i, item in enumerate(items):
        wanted = rng.randrange(int(deps_per_item * 2) + 1)
        limit = bisect_left(platform_positions, i)
        made = 0
        for _ in range(wanted * 4):
            if made == wanted:
                break
            if limit and rng.random() < 0.9:
                lo = bisect_left(platform_positions, max(0, i - n_items // 6))
                j = platform_positions[rng.randrange(lo, limit)] if lo < limit else None
            else:
                j = rng.randrange(i) if i else None
            if j is None or (i, j) in seen:
                continue
            other = items[j]
            if (
                other.end is not None
                and item.start is not None
                and other.end >= item.start
                and rng.random() < 0.9
            ):
                continue
            seen.add((i, j))
            made += 1
            dependencies.append(
                Dependency(
                    i + 1,
                    j + 1,
                    None,
                    rng.choices(("committed", "requested", "declined"), (0.85, 0.12, 0.03))[0],
                )
            )
    for t, team in enumerate(teams):
        if rng.random() < 0.05:
            continue
        peak = max(load[t]) or 10.0
        default = round(peak * rng.uniform(0.85, 1.15))
        overrides = {p: round(default * 0.8) for p in range(n_periods) if rng.random() < 0.05}
        teams[t] = Team(team.id, team.slug, team.name, team.kind, float(default), overrides)
    return PlanSnapshot(
        periods=periods,
        teams=tuple(teams),
        items=tuple(items),
        dependencies=tuple(dependencies),
    )
