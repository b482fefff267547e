"""A snapshot turned into dense lists for fast analysis.

Items are numbered 0..n-1 in input order (reading them in memory order is much
faster than sorting them first), teams 0..t-1 in slug order. Any tie between
items is broken by key, never by position, so that no result depends on the
order of the input. Period numbers are the snapshot's indices; -1 means "no
period".
"""

from __future__ import annotations

from itertools import compress
from operator import attrgetter, lt

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
        self.team_ids: list[int] = [t.id for t in teams]
        self.team_name: list[str] = [t.name for t in teams]
        self.team_product: list[bool] = [t.kind == "product" for t in teams]

        items = snapshot.items
        n = len(items)
        self.items = items
        self.n = n
        self.ids: list[int] = list(map(_id, items))
        self.pos: dict[int, int] = dict(zip(self.ids, range(n), strict=True))
        self.keys: list[str] = list(map(_key, items))
        self.titles: list[str] = list(map(attrgetter("title"), items))
        self.team: list[int] = _lookup(
            self.team_pos, list(map(attrgetter("team_id"), items)), "team id"
        )
        self.prio: list[int] = list(map(attrgetter("priority"), items))
        self.status: list[int] = _lookup(
            STATUS_CODE, list(map(attrgetter("status"), items)), "status"
        )
        self.active: list[bool] = [s <= IN_PROGRESS for s in self.status]
        self.health: list[int] = _lookup(
            HEALTH_CODE, list(map(attrgetter("health"), items)), "health"
        )
        self.estimate: list[float | None] = list(map(attrgetter("estimate"), items))
        self.start, self.end = self._periods_of(items)

        self._needs(snapshot)

    def _periods_of(self, items: tuple[Item, ...]) -> tuple[list[int], list[int]]:
        """Start and end periods, -1 for none; a lone start or end stands for both,
        and a reversed pair is put in order."""
        starts = [-1 if s is None else s for s in map(attrgetter("start"), items)]
        ends = [-1 if e is None else e for e in map(attrgetter("end"), items)]
        if starts.count(-1) == ends.count(-1) and not any(map(lt, ends, starts)):
            return starts, ends
        for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
            if s < 0 or e < s:
                if e < 0 or s < 0:
                    starts[i] = ends[i] = max(s, e)
                else:
                    starts[i], ends[i] = e, s
        return starts, ends

    def _needs(self, snapshot: PlanSnapshot) -> None:
        """The "dependent needs dependency" edges whose dependent is active, as
        parallel lists, with ``adj`` (what an item needs) and ``radj`` (who needs
        an item). Done and cancelled items need nothing any more, so their edges
        are left out of every list."""
        deps = snapshot.dependencies
        src = _lookup(self.pos, list(map(attrgetter("dependent_id"), deps)), "item id")
        dst = _lookup(self.pos, list(map(attrgetter("dependency_id"), deps)), "item id")
        live = list(map(self.active.__getitem__, src))
        self.src: list[int] = list(compress(src, live))
        self.dst: list[int] = list(compress(dst, live))
        self.needed_by: list[int | None] = list(compress(map(attrgetter("needed_by"), deps), live))
        self.commitment: list[str] = list(compress(map(attrgetter("commitment"), deps), live))
        n = self.n
        adj: list[list[int]] = [[] for _ in range(n)]
        radj: list[list[int]] = [[] for _ in range(n)]
        for d, b in zip(self.src, self.dst, strict=True):
            adj[d].append(b)
            radj[b].append(d)
        self.adj = adj
        self.radj = radj

    def label(self, i: int) -> str:
        return f"{self.keys[i]} '{self.titles[i]}'"
