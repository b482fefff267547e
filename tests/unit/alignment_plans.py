"""Plans for the domain-core tests: a small builder and a synthetic large plan."""

from __future__ import annotations

import random
from bisect import bisect_left
from datetime import date, datetime, timedelta

from app.alignment import Decision, Dependency, Item, Period, PlanSnapshot, Team

NOW = datetime(2027, 2, 15, 12, 0)
CREATED = datetime(2026, 11, 2, 9, 0)
RECENT = NOW - timedelta(days=2)
PLATFORM_SLUGS = {"pay", "id", "data", "gw", "infra"}


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
    ``b.need("CHK-3", "PAY-1")``, then ``b.build()``. Periods are given by index
    (0 = 2027 Q1). Declaring a team or item again replaces it, keeping its id;
    an undeclared team is made on first use (kind: see PLATFORM_SLUGS)."""

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
        known = self.teams.get(slug)
        team = Team(
            id=known.id if known else len(self.teams) + 100,
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
            self.team(team, kind="platform" if team in PLATFORM_SLUGS else "product")
        known = self.items.get(key)
        item = Item(
            id=known.id if known else len(self.items) + 1000,
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
    ("proposed", 0.2),
    ("committed", 0.35),
    ("in_progress", 0.3),
    ("done", 0.12),
    ("cancelled", 0.03),
)
_HEALTH = (("on_track", 0.9), ("at_risk", 0.07), ("off_track", 0.03))
_COMMITMENT = (("committed", 0.98), ("requested", 0.015), ("declined", 0.005))
_SILENT_DAYS = (*range(1, 7), *range(1, 7), *range(1, 7), *range(1, 7), 9, 30)


def _needs(
    rng: random.Random,
    platform: list[bool],
    starts: list[int | None],
    ends: list[int | None],
    cancelled: list[bool],
    deps_per_item: float,
) -> list[tuple[int, int]]:
    """Edges from later to earlier positions (so acyclic): features need
    platform work, platform work sometimes needs other platform work, and most
    needs end before the dependent starts."""
    n = len(platform)
    platform_positions = [i for i in range(n) if platform[i]]
    window = max(1, n // 6)
    edges: list[tuple[int, int]] = []
    for i in range(n):
        mean = deps_per_item * (0.4 if platform[i] else 1.8)
        wanted = rng.randrange(int(2 * mean) + 1)
        limit = bisect_left(platform_positions, i)
        low = bisect_left(platform_positions, i - window)
        chosen: set[int] = set()
        for _ in range(wanted * 8):
            if len(chosen) == wanted or not i:
                break
            if low < limit and rng.random() < 0.97:
                j = platform_positions[rng.randrange(low, limit)]
            else:
                j = rng.randrange(max(0, i - window), i)
            late = ends[j] is not None and starts[i] is not None and ends[j] >= starts[i]
            if j in chosen or (late and rng.random() < 0.97):
                continue
            if (cancelled[j] or ends[j] is None) and rng.random() < 0.9:
                continue
            chosen.add(j)
            edges.append((i, j))
    return edges


def make_random_plan(
    n_items: int,
    seed: int = 0,
    *,
    n_teams: int = 200,
    n_periods: int = 12,
    deps_per_item: float = 3.0,
) -> PlanSnapshot:
    """A large acyclic plan shaped like a real one: 40% platform teams, features
    needing mostly platform work that ends earlier (some of it late), priorities
    mostly consistent, a few over-committed teams, some stale, unestimated or
    at-risk items: a few thousand conflicts at 50,000 items."""
    rng = random.Random(seed)
    platform_teams = n_teams * 2 // 5
    kinds = ["platform" if t < platform_teams else "product" for t in range(n_teams)]
    slugs = [f"{'p' if k == 'platform' else 'f'}{t:03d}" for t, k in enumerate(kinds)]
    starts: list[int | None] = sorted(rng.randrange(n_periods) for _ in range(n_items))
    ends: list[int | None] = []
    platform = [rng.random() < 0.45 for _ in range(n_items)]
    team = [
        rng.randrange(platform_teams) if p else rng.randrange(platform_teams, n_teams)
        for p in platform
    ]
    status = [_weighted(rng, _STATUS) for _ in range(n_items)]
    estimate = [None if rng.random() < 0.03 else float(rng.randrange(2, 25)) for _ in starts]
    load = [[0.0] * n_periods for _ in range(n_teams)]
    for i, start in enumerate(starts):
        if status[i] == "proposed" and rng.random() < 0.06:
            starts[i] = None
            ends.append(None)
            continue
        end = min(n_periods - 1, start + (0 if rng.random() < 0.75 else 1))
        ends.append(end)
        if estimate[i] and status[i] != "cancelled":
            for p in range(start, end + 1):
                load[team[i]][p] += estimate[i] / (end - start + 1)
    cancelled = [s == "cancelled" for s in status]
    edges = _needs(rng, platform, starts, ends, cancelled, deps_per_item)
    priority = [rng.choices((0, 1, 2, 3), (1, 3, 4, 3))[0] for _ in range(n_items)]
    needers: list[list[int]] = [[] for _ in range(n_items)]
    for i, j in edges:
        needers[j].append(i)
    for j in range(n_items - 1, -1, -1):
        best = min(
            (priority[i] for i in needers[j] if status[i] not in {"done", "cancelled"}), default=4
        )
        if best < priority[j] and rng.random() < 0.95:
            priority[j] = best
    items = []
    for i in range(n_items):
        silent = rng.choice(_SILENT_DAYS)
        items.append(
            Item(
                id=i + 1,
                key=f"{slugs[team[i]].upper()}-{i}",
                team_id=team[i] + 1,
                title=f"Roadmap item {i}",
                priority=priority[i],
                start=starts[i],
                end=ends[i],
                estimate=estimate[i],
                status=status[i],
                health=_weighted(rng, _HEALTH) if status[i] != "done" else "on_track",
                created_at=datetime(2026, 10, 1) + timedelta(hours=rng.randrange(2000)),
                last_update_at=None if rng.random() < 0.03 else NOW - timedelta(days=silent),
            )
        )
    teams = []
    for t in range(n_teams):
        capacity = None
        if rng.random() >= 0.05:
            capacity = float(round((max(load[t]) or 10.0) * rng.uniform(0.9, 1.3)))
        overrides = {}
        if capacity is not None:
            overrides = {p: round(capacity * 0.8) for p in range(n_periods) if rng.random() < 0.03}
        teams.append(
            Team(t + 1, slugs[t], f"{kinds[t].title()} team {t}", kinds[t], capacity, overrides)
        )
    dependencies = tuple(
        Dependency(i + 1, j + 1, None, _weighted(rng, _COMMITMENT)) for i, j in edges
    )
    return PlanSnapshot(
        periods=quarters(n_periods, first_year=2027),
        teams=tuple(teams),
        items=tuple(items),
        dependencies=dependencies,
    )
