"""A snapshot turned into dense lists for fast analysis.

Items are numbered 0..n-1 in key order and teams 0..t-1 in slug order, so that
every tie broken by position is broken by key or slug and no result depends on
the order of the input. Period numbers are the snapshot's indices; -1 means
"no period".
"""

from __future__ import annotations

from operator import attrgetter

from .snapshot import Item, PlanSnapshot, Team

PROPOSED, COMMITTED, IN_PROGRESS, DONE, CANCELLED = range(5)
STATUS_CODE = {
    "proposed": PROPOSED,
    "committed": COMMITTED,
    "in_progress": IN_PROGRESS,
    "done": DONE,
    "cancelled": CANCELLED,
}
ON_TRACK, AT_RISK, OFF_TRACK = range(3)
HEALTH_CODE = {"on_track": ON_TRACK, "at_risk": AT_RISK, "off_track": OFF_TRACK}
REQUESTED, PROMISED, DECLINED = range(3)
COMMITMENT_CODE = {"requested": REQUESTED, "committed": PROMISED, "declined": DECLINED}

_key = attrgetter("key")
_id = attrgetter("id")


def _lookup(table: dict, values: list, what: str) -> list:
    try:
        return list(map(table.__getitem__, values))
    except KeyError as exc:
        raise ValueError(f"snapshot refers to an unknown {what}: {exc.args[0]!r}") from None


class PlanIndex:
    """Dense, position-indexed views of a snapshot. Read-only after construction."""

    def __init__(self, snapshot: PlanSnapshot) -> None:
        self.snapshot = snapshot
        self.periods = snapshot.periods
        self.period_names: list[str] = [p.name for p in snapshot.periods]
        self.n_periods = len(snapshot.periods)

        teams: list[Team] = sorted(snapshot.teams, key=attrgetter("slug"))
        self.teams = teams
        self.team_pos: dict[int, int] = {t.id: i for i, t in enumerate(teams)}
        self.team_slug: list[str] = [t.slug for t in teams]
        self.team_name: list[str] = [t.name for t in teams]
        self.team_product: list[bool] = [t.kind == "product" for t in teams]

        items: list[Item] = sorted(snapshot.items, key=_key)
        n = len(items)
        self.items = items
        self.n = n
        self.ids: list[int] = list(map(_id, items))
        self.pos: dict[int, int] = dict(zip(self.ids, range(n)))
        self.keys: list[str] = list(map(_key, items))
        self.team: list[int] = _lookup(
            self.team_pos, list(map(attrgetter("team_id"), items)), "team id"
        )
        self.prio: list[int] = list(map(attrgetter("priority"), items))
        self.status: list[int] = _lookup(STATUS_CODE, list(map(attrgetter("status"), items)), "status")
        self.active: list[bool] = [s <= IN_PROGRESS for s in self.status]
        self.health: list[int] = _lookup(HEALTH_CODE, list(map(attrgetter("health"), items)), "health")
        self.estimate: list[float | None] = list(map(attrgetter("estimate"), items))
        self.start, self.end = self._periods_of(items)

        deps = snapshot.dependencies
        self.src: list[int] = _lookup(self.pos, list(map(attrgetter("dependent_id"), deps)), "item id")
        self.dst: list[int] = _lookup(self.pos, list(map(attrgetter("dependency_id"), deps)), "item id")
        self.needed_by: list[int | None] = list(map(attrgetter("needed_by"), deps))
        self.commitment: list[int] = _lookup(
            COMMITMENT_CODE, list(map(attrgetter("commitment"), deps)), "commitment"
        )
        self.adj, self.radj, self.indeg = self._graph()

    def _periods_of(self, items: list[Item]) -> tuple[list[int], list[int]]:
        starts = [-1 if s is None else s for s in map(attrgetter("start"), items)]
        ends = [-1 if e is None else e for e in map(attrgetter("end"), items)]
        for i, (s, e) in enumerate(zip(starts, ends)):
            if s < 0 or e < s:
                if e < 0 or s < 0:
                    starts[i] = ends[i] = max(s, e)
                else:
                    starts[i], ends[i] = e, s
        return starts, ends

    def _graph(self) -> tuple[list[list[int]], list[list[int]], list[int]]:
        """Edges point from dependent to dependency. ``radj`` keeps only the active
        needers of each item, the only ones that chains of need pass through."""
        n = self.n
        adj: list[list[int]] = [[] for _ in range(n)]
        radj: list[list[int]] = [[] for _ in range(n)]
        indeg = [0] * n
        active = self.active
        for d, b in zip(self.src, self.dst):
            adj[d].append(b)
            indeg[b] += 1
            if active[d]:
                radj[b].append(d)
        return adj, radj, indeg

    def label(self, i: int) -> str:
        return f"{self.keys[i]} '{self.items[i].title}'"

    def capacity(self, team: int, period: int) -> float | None:
        return self.teams[team].capacity(period)
