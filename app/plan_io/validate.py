"""Validation of a ``roadmap-plan/1`` document (see docs/plan-format.md).

``parse_plan`` turns a parsed JSON document into a ``Plan`` of plain rows with every
default applied and every date parsed (naive UTC), or raises ``PlanError`` listing
every problem by JSON path. ``validate_plan`` returns the problems alone.
Dependency cycles are accepted: the analysis reports them. Defaults: an item is
``proposed`` and ``on_track``, created at import time; a dependency is
``requested``; a status update has its item's status and the ISO week of its time.
An item's newest status update (by ``at``; the later in the document on a tie) sets
its health and status, as a weekly update does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.alignment import COMMITMENTS, HEALTHS, PRIORITY_NAMES, STATUSES, TEAM_KINDS
from app.clock import utcnow
from app.fields import (
    DESCRIPTION_MAX,
    EMAIL_MAX,
    KEY_HINT,
    KEY_MAX,
    KEY_PATTERN,
    NAME_MAX,
    OWNER_MAX,
    PERIOD_NAME_MAX,
    PERSON_WEEKS_MAX,
    SLUG_HINT,
    SLUG_MAX,
    SLUG_PATTERN,
    TITLE_MAX,
)
from app.plan_io.fields import INVALID, Record, json_type, quoted
from app.plan_io.problems import PlanError, Problem
from app.weeks import iso_week

FORMAT = "roadmap-plan/1"

TOP_KEYS = ("format", "periods", "teams", "items", "dependencies", "status_updates")
TOP_REQUIRED = ("format", "periods", "teams", "items", "dependencies")
PERIOD_KEYS = ("name", "start", "end")
TEAM_KEYS = ("slug", "name", "kind", "capacity")
TEAM_REQUIRED = ("slug", "name", "kind")
CAPACITY_KEYS = ("default", "periods")
ITEM_KEYS = (
    "key",
    "team",
    "title",
    "description",
    "priority",
    "start",
    "end",
    "estimate",
    "status",
    "health",
    "owner",
    "created_at",
)
ITEM_REQUIRED = ("key", "team", "title", "priority")
DEPENDENCY_KEYS = ("dependent", "dependency", "needed_by", "commitment")
DEPENDENCY_REQUIRED = ("dependent", "dependency")
UPDATE_KEYS = ("item", "week", "health", "status", "progress", "note", "author", "at")
UPDATE_REQUIRED = ("item", "at", "health")


@dataclass
class Plan:
    """A valid plan, as rows ready to store (names and keys still as references)."""

    periods: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    dependencies: list[dict[str, Any]] = field(default_factory=list)
    status_updates: list[dict[str, Any]] = field(default_factory=list)


def validate_plan(data: Any, *, now: datetime | None = None) -> list[Problem]:
    """Every problem of the document; an empty list when it can be imported."""
    return _Validator(data, now or utcnow()).run()[1]


def parse_plan(data: Any, *, now: datetime | None = None) -> Plan:
    """The document as a ``Plan``; raises ``PlanError`` with every problem otherwise.

    ``now`` (naive UTC) is the ``created_at`` of items that give none."""
    plan, problems = _Validator(data, now or utcnow()).run()
    if problems:
        raise PlanError(problems)
    return plan


class _Validator:
    def __init__(self, data: Any, now: datetime):
        self.data = data
        self.now = now
        self.problems: list[Problem] = []
        self.plan = Plan()
        self.period_names: set[str] = set()
        self.period_rank: dict[str, int] = {}
        self.team_slugs: set[str] = set()
        self.item_status: dict[str, Any] = {}

    def run(self) -> tuple[Plan, list[Problem]]:
        if not isinstance(self.data, dict):
            kind = json_type(self.data)
            self.problems.append(Problem("$", f"a plan must be a JSON object, got {kind}"))
            return self.plan, self.problems
        Record.open(self.data, "", self.problems, allowed=TOP_KEYS, required=TOP_REQUIRED)
        fmt = self.data.get("format")
        if "format" in self.data and fmt != FORMAT:
            shown = quoted(fmt) if isinstance(fmt, str) else json_type(fmt)
            self.problems.append(
                Problem("format", f"unsupported format {shown} (expected {quoted(FORMAT)})")
            )
        self._periods(self._list("periods"))
        self._teams(self._list("teams"))
        self._items(self._list("items"))
        self._dependencies(self._list("dependencies"))
        self._status_updates(self._list("status_updates"))
        if not self.problems:
            self._apply_newest_updates()
        return self.plan, self.problems

    def _list(self, key: str) -> list:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.problems.append(Problem(key, f"must be an array, got {json_type(value)}"))
            return []
        return value

    def _periods(self, entries: list) -> None:
        first_index: dict[str, int] = {}
        dated: list[tuple[Any, Any, str, int]] = []
        for i, entry in enumerate(entries):
            path = f"periods[{i}]"
            r = Record.open(entry, path, self.problems, allowed=PERIOD_KEYS, required=PERIOD_KEYS)
            if r is None:
                continue
            name = r.text("name", max_length=PERIOD_NAME_MAX)
            start, end = r.date("start"), r.date("end")
            if name is not INVALID:
                folded = name.casefold()  # as the admin pages compare period names
                if folded in first_index:
                    r.problem(
                        "name",
                        f"duplicate period {quoted(name)} (also periods[{first_index[folded]}])",
                    )
                else:
                    first_index[folded] = i
                self.period_names.add(name)
            if start is not INVALID and end is not INVALID:
                if start > end:
                    r.problem("end", f"{end.isoformat()} is before the start {start.isoformat()}")
                elif name is not INVALID:
                    dated.append((start, end, name, i))
            self.plan.periods.append({"name": name, "start_date": start, "end_date": end})
        dated.sort()
        latest_end, latest_name = None, ""
        for start, end, name, i in dated:
            if latest_end is not None and start <= latest_end:
                self.problems.append(
                    Problem(f"periods[{i}].start", f"overlaps period {quoted(latest_name)}")
                )
            if latest_end is None or end > latest_end:
                latest_end, latest_name = end, name
        self.period_rank = {name: rank for rank, (_, _, name, _) in enumerate(dated)}

    def _period_ref(self, r: Record, key: str) -> Any:
        name = r.text(key, max_length=PERIOD_NAME_MAX, default=None, nullable=True)
        if name and name not in self.period_names:
            r.problem(key, f"unknown period {quoted(name)}")
            return INVALID
        return name

    def _teams(self, entries: list) -> None:
        first_index: dict[str, int] = {}
        for i, entry in enumerate(entries):
            path = f"teams[{i}]"
            r = Record.open(entry, path, self.problems, allowed=TEAM_KEYS, required=TEAM_REQUIRED)
            if r is None:
                continue
            slug = r.text("slug", max_length=SLUG_MAX, pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT)
            if slug is not INVALID:
                if slug in first_index:
                    r.problem(
                        "slug", f"duplicate team {quoted(slug)} (also teams[{first_index[slug]}])"
                    )
                else:
                    first_index[slug] = i
                self.team_slugs.add(slug)
            default, overrides = self._capacity(r)
            self.plan.teams.append(
                {
                    "slug": slug,
                    "name": r.text("name", max_length=NAME_MAX),
                    "kind": r.choice("kind", TEAM_KINDS),
                    "default_capacity": default,
                    "capacities": overrides,
                }
            )

    def _capacity(self, team: Record) -> tuple[Any, dict[str, Any]]:
        raw = team.object("capacity")
        if not raw:
            return None, {}
        r = Record.open(raw, f"{team.path}.capacity", self.problems, allowed=CAPACITY_KEYS)
        default = r.number("default", PERSON_WEEKS_MAX, default=None, nullable=True)
        periods = r.object("periods")
        overrides: dict[str, Any] = {}
        if periods:
            by_period = Record(periods, f"{r.path}.periods", self.problems)
            for name, value in periods.items():
                if name not in self.period_names:
                    by_period.problem(name, f"unknown period {quoted(name)}")
                overrides[name] = by_period.check_number(name, value, PERSON_WEEKS_MAX)
        return default, overrides

    def _items(self, entries: list) -> None:
        first_index: dict[str, int] = {}
        now = self.now
        for i, entry in enumerate(entries):
            path = f"items[{i}]"
            r = Record.open(entry, path, self.problems, allowed=ITEM_KEYS, required=ITEM_REQUIRED)
            if r is None:
                continue
            key = r.text("key", max_length=KEY_MAX, pattern=KEY_PATTERN, pattern_hint=KEY_HINT)
            team = r.text("team", max_length=SLUG_MAX)
            if team and team not in self.team_slugs:
                r.problem("team", f"unknown team {quoted(team)}")
            priority = r.choice("priority", PRIORITY_NAMES)
            start, end = self._period_ref(r, "start"), self._period_ref(r, "end")
            known = start is not INVALID and end is not INVALID
            if known and (start is None) != (end is None):
                missing = "end" if end is None else "start"
                r.problem(missing, "give both start and end, or neither (backlog)")
            elif known and start and end:
                rank = self.period_rank
                if start in rank and end in rank and rank[start] > rank[end]:
                    r.problem(
                        "end", f"period {quoted(end)} is before the start period {quoted(start)}"
                    )
            status = r.choice("status", STATUSES, default="proposed")
            if key is not INVALID:
                if key in first_index:
                    r.problem(
                        "key", f"duplicate item key {quoted(key)} (also items[{first_index[key]}])"
                    )
                else:
                    first_index[key] = i
                    self.item_status[key] = status
            self.plan.items.append(
                {
                    "key": key,
                    "team": team,
                    "title": r.text("title", max_length=TITLE_MAX),
                    "description": r.text(
                        "description", max_length=DESCRIPTION_MAX, default="", blank=True
                    ),
                    "priority": PRIORITY_NAMES.index(priority) if priority else INVALID,
                    "start": start,
                    "end": end,
                    "estimate": r.number("estimate", PERSON_WEEKS_MAX, default=None, nullable=True),
                    "status": status,
                    "health": r.choice("health", HEALTHS, default="on_track"),
                    "owner": r.text("owner", max_length=OWNER_MAX, default=None, nullable=True),
                    "created_at": r.datetime("created_at", default=now),
                }
            )

    def _item_ref(self, r: Record, key: str) -> Any:
        value = r.text(key, max_length=KEY_MAX)
        if value and value not in self.item_status:
            r.problem(key, f"unknown item {quoted(value)}")
            return INVALID
        return value

    def _dependencies(self, entries: list) -> None:
        first_index: dict[tuple[str, str], int] = {}
        for i, entry in enumerate(entries):
            path = f"dependencies[{i}]"
            r = Record.open(
                entry, path, self.problems, allowed=DEPENDENCY_KEYS, required=DEPENDENCY_REQUIRED
            )
            if r is None:
                continue
            dependent, dependency = self._item_ref(r, "dependent"), self._item_ref(r, "dependency")
            if dependent and dependency:
                pair = (dependent, dependency)
                if dependent == dependency:
                    r.problem(
                        "dependency", f"an item cannot depend on itself ({quoted(dependent)})"
                    )
                elif pair in first_index:
                    self.problems.append(
                        Problem(
                            path,
                            f"duplicate of dependencies[{first_index[pair]}] "
                            f"({dependent} needs {dependency})",
                        )
                    )
                else:
                    first_index[pair] = i
            self.plan.dependencies.append(
                {
                    "dependent": dependent,
                    "dependency": dependency,
                    "needed_by": self._period_ref(r, "needed_by"),
                    "commitment": r.choice("commitment", COMMITMENTS, default="requested"),
                }
            )

    def _status_updates(self, entries: list) -> None:
        for i, entry in enumerate(entries):
            path = f"status_updates[{i}]"
            r = Record.open(
                entry, path, self.problems, allowed=UPDATE_KEYS, required=UPDATE_REQUIRED
            )
            if r is None:
                continue
            item = self._item_ref(r, "item")
            at = r.datetime("at")
            status = r.choice("status", STATUSES, default=self.item_status.get(item, INVALID))
            self.plan.status_updates.append(
                {
                    "item": item,
                    "week": r.week("week", default=iso_week(at) if at else INVALID),
                    "health": r.choice("health", HEALTHS),
                    "status": status,
                    "progress": r.integer("progress", 0, 100, default=None, nullable=True),
                    "note": r.text("note", default="", blank=True),
                    "author": r.text("author", max_length=EMAIL_MAX, default=None, nullable=True),
                    "at": at,
                }
            )

    def _apply_newest_updates(self) -> None:
        """Each item takes the health and status of its newest update, by ``at`` (the
        later in the document on a tie), as the weekly form sets them; an update
        without a status has its item's own, so only its health changes the item."""
        newest: dict[str, dict[str, Any]] = {}
        for update in self.plan.status_updates:
            latest = newest.get(update["item"])
            if latest is None or update["at"] >= latest["at"]:
                newest[update["item"]] = update
        for item in self.plan.items:
            update = newest.get(item["key"])
            if update is not None:
                item["health"], item["status"] = update["health"], update["status"]
