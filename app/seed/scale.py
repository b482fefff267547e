"""A synthetic organisation of any size, for benchmarks: ``build_scale_plan``.

At 50,000 items: 200 teams (40% platform), 12 quarters from the current one,
about 150,000 dependencies (three per item on average, mostly features needing
platform work, in chains a few links long), a status update for the work in progress, and a mix of
statuses, health, priorities, estimates and capacities that gives the analysis
real work. Dependencies always point from a later item to an earlier one, so
the graph is acyclic. The same arguments give the same plan.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from app.clock import format_datetime, utcnow
from app.plan_io import FORMAT
from app.seed.demo import quarters
from app.weeks import iso_week

QUARTERS = 12
PLATFORM_SHARE = 0.4
ITEMS_PER_TEAM = 250
DEPENDENCY_WINDOW = 0.25  # how far back a dependency may be, as a share of all items
FITTING_SHARE = 0.9
PRODUCT_NEED_SHARE = 0.05  # of the other needs, how many are on any item, features included

PLATFORM_AREAS = (
    "Identity", "Payments", "Data", "Messaging", "Search", "Storage", "Compute",
    "Networking", "Observability", "Billing", "Security", "Machine Learning",
)  # fmt: skip
PRODUCT_AREAS = (
    "Checkout", "Mobile", "Onboarding", "Analytics", "Growth", "Merchant Tools",
    "Subscriptions", "Marketplace", "Support", "Loyalty", "Catalogue", "Delivery",
)  # fmt: skip
PLATFORM_WORK = (
    ("Migrate", "Harden", "Scale", "Automate", "Deprecate", "Instrument", "Rebuild"),
    ("the token service", "session storage", "the event bus", "the ledger", "search indexing",
     "the feature store", "the job scheduler", "rate limiting", "the config service",
     "the audit log", "the blob store", "service discovery"),
)  # fmt: skip
PRODUCT_WORK = (
    ("Launch", "Improve", "Redesign", "Localise", "Experiment with", "Simplify", "Speed up"),
    ("saved searches", "bulk export", "order tracking", "the home page", "reorder in one tap",
     "gift cards", "team invitations", "the pricing page", "in-app chat", "receipts",
     "wish lists", "delivery slots"),
)  # fmt: skip
FIRST_NAMES = ("Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jia")
LAST_NAMES = ("Ali", "Berg", "Costa", "Diaz", "Eze", "Fox", "Gill", "Hart", "Ito", "Jung")

PRIORITIES = (("P0", 0.1), ("P1", 0.3), ("P2", 0.4), ("P3", 0.2))
# Platform work that many features need tends to be ranked high already.
PLATFORM_PRIORITIES = (("P0", 0.3), ("P1", 0.4), ("P2", 0.2), ("P3", 0.1))
HEALTHS = (("on_track", 0.86), ("at_risk", 0.10), ("off_track", 0.04))


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([value for value, _ in weighted], [w for _, w in weighted])[0]


def _status(rng: random.Random, start: int | None) -> str:
    if start is None:
        return _pick(rng, (("proposed", 0.9), ("cancelled", 0.1)))
    if start == 0:
        return _pick(
            rng,
            (("in_progress", 0.5), ("done", 0.2), ("committed", 0.2), ("proposed", 0.05),
             ("cancelled", 0.05)),
        )  # fmt: skip
    if start <= 3:
        return _pick(
            rng,
            (("committed", 0.5), ("proposed", 0.4), ("in_progress", 0.05), ("cancelled", 0.05)),
        )
    return _pick(rng, (("proposed", 0.8), ("committed", 0.15), ("cancelled", 0.05)))


def _teams(n_items: int) -> list[dict[str, Any]]:
    count = max(4, n_items // ITEMS_PER_TEAM)
    platform = max(1, round(count * PLATFORM_SHARE))
    teams = []
    for i in range(count):
        kind = "platform" if i < platform else "product"
        number = i + 1 if kind == "platform" else i - platform + 1
        areas = PLATFORM_AREAS if kind == "platform" else PRODUCT_AREAS
        prefix = "plat" if kind == "platform" else "prod"
        name = f"{areas[(number - 1) % len(areas)]} {number}"
        teams.append({"slug": f"{prefix}-{number:03d}", "name": name, "kind": kind})
    return teams


def build_scale_plan(n_items: int, seed: int = 1, *, today: date | None = None) -> dict[str, Any]:
    """A ``roadmap-plan/1`` document with ``n_items`` items; the same for the same
    arguments (``today``, by default the current UTC date, places the quarters)."""
    rng = random.Random(seed)
    today = today or utcnow().date()
    midnight = datetime.combine(today, time())
    periods = quarters(today, QUARTERS)
    names = [period["name"] for period in periods]
    teams = _teams(n_items)
    platform = [team for team in teams if team["kind"] == "platform"]
    product = [team for team in teams if team["kind"] == "product"]
    sequence: dict[str, int] = defaultdict(int)

    items: list[dict[str, Any]] = []
    spans: list[tuple[int, int] | None] = []
    finishing: list[list[int]] = [[] for _ in range(QUARTERS)]
    platform_indexes: list[int] = []
    dependencies: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    demand: dict[tuple[str, int], float] = defaultdict(float)
    reach = max(1, round(n_items * DEPENDENCY_WINDOW))
    for index in range(n_items):
        is_platform = rng.random() < PLATFORM_SHARE
        team = rng.choice(platform if is_platform else product)
        sequence[team["slug"]] += 1
        key = f"{team['slug'].upper()}-{sequence[team['slug']]}"
        span = None
        if rng.random() >= 0.1:
            drift = rng.choice((-2, -1, 0, 0, 0, 1))
            start = min(QUARTERS - 1, max(0, (QUARTERS - 1) * index // n_items + drift))
            end = min(QUARTERS - 1, start + rng.choice((0, 0, 0, 0, 0, 0, 0, 1, 1, 2)))
            span = (start, end)
        status = _status(rng, span[0] if span else None)
        active = status in ("proposed", "committed", "in_progress")
        estimate = None if rng.random() < 0.05 else rng.choice((1, 2, 3, 5, 8, 13, 20))
        work = PLATFORM_WORK if is_platform else PRODUCT_WORK
        created = midnight - timedelta(days=rng.randint(20, 365), hours=-rng.randint(8, 17))
        health = _pick(rng, HEALTHS) if active else "on_track"
        items.append(
            {
                "key": key,
                "team": team["slug"],
                "title": f"{rng.choice(work[0])} {rng.choice(work[1])}",
                "description": "",
                "priority": _pick(rng, PLATFORM_PRIORITIES if is_platform else PRIORITIES),
                "start": names[span[0]] if span else None,
                "end": names[span[1]] if span else None,
                "estimate": estimate,
                "status": status,
                "health": health,
                "owner": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                if rng.random() < 0.8
                else None,
                "created_at": format_datetime(created),
            }
        )
        spans.append(span)
        if span and estimate is not None and status != "cancelled":
            for period in range(span[0], span[1] + 1):
                demand[(team["slug"], period)] += estimate / (span[1] - span[0] + 1)

        dependencies.extend(
            _needs(rng, index, is_platform, items, spans, finishing, platform_indexes, reach)
        )
        if is_platform:
            platform_indexes.append(index)
            if span and status != "cancelled":
                finishing[span[1]].append(index)
        if status == "in_progress":
            at = midnight - timedelta(days=rng.randint(0, 20), hours=-rng.randint(8, 17))
            updates.append(
                {
                    "item": key,
                    "week": iso_week(at),
                    "health": health,
                    "status": status,
                    "progress": rng.randint(5, 95),
                    "note": "",
                    "author": None,
                    "at": format_datetime(at),
                }
            )

    for team in teams:
        team["capacity"] = _capacity(rng, team["slug"], demand, names)
    return {
        "format": FORMAT,
        "periods": periods,
        "teams": teams,
        "items": items,
        "dependencies": dependencies,
        "status_updates": updates,
    }


def _needs(
    rng: random.Random,
    index: int,
    is_platform: bool,
    items: list[dict[str, Any]],
    spans: list[tuple[int, int] | None],
    finishing: list[list[int]],
    platform_indexes: list[int],
    reach: int,
) -> list[dict[str, Any]]:
    """The dependencies of item ``index`` on earlier items, mostly platform work.

    Most needs fit the plan as a planner would draw it: work that finishes in one of
    the three periods before the dependent starts and is ranked at least as high
    (``finishing[p]`` lists the platform work ending in period p). The rest are
    picked at random among recent (mostly platform) items, and those make the
    conflicts."""
    # Platform work needs little other platform work (under one item on average), so
    # chains stay a few links long, as in a real organisation; features carry most needs.
    wanted = rng.choice((0, 0, 1, 1, 2) if is_platform else (3, 4, 4, 5, 5, 6))
    start = spans[index][0] if spans[index] else None
    priority = items[index]["priority"]
    chosen: set[int] = set()
    for _ in range(wanted):
        other = None
        if start and rng.random() < FITTING_SHARE:
            period = rng.randrange(max(0, start - 3), start)
            for _try in range(8):
                if finishing[period]:
                    other = rng.choice(finishing[period])
                    if items[other]["priority"] <= priority:
                        break
        if other is None and platform_indexes and rng.random() >= PRODUCT_NEED_SHARE:
            other = rng.choice(platform_indexes[-reach:])
        elif other is None and index > 0:
            other = rng.randrange(max(0, index - reach), index)
        if other is not None:
            chosen.add(other)
    dependent, span = items[index], spans[index]
    rows = []
    for other in sorted(chosen):
        dependency = items[other]
        if dependent["status"] in ("committed", "in_progress"):
            commitment = _pick(rng, (("committed", 0.9), ("requested", 0.08), ("declined", 0.02)))
        else:
            commitment = _pick(rng, (("requested", 0.6), ("committed", 0.35), ("declined", 0.05)))
        needed_by = dependent["end"] if span and rng.random() < 0.1 else None
        rows.append(
            {
                "dependent": dependent["key"],
                "dependency": dependency["key"],
                "needed_by": needed_by,
                "commitment": commitment,
            }
        )
    return rows


def _capacity(
    rng: random.Random, slug: str, demand: dict[tuple[str, int], float], names: list[str]
) -> dict[str, Any] | None:
    """Around the team's usual demand: some teams over, most with room; a few unset."""
    if rng.random() < 0.05:
        return None
    busy = [demand[(slug, period)] for period in range(len(names) // 2)]
    usual = sum(busy) / len(busy) if busy else 0
    default = max(4, round(usual * rng.uniform(0.8, 1.3)))
    overrides = {}
    if rng.random() < 0.2:
        for period in rng.sample(range(len(names)), 2):
            overrides[names[period]] = max(0, round(default * rng.uniform(0.6, 1.2)))
    return {"default": default, "periods": overrides}
