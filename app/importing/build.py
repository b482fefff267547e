"""Issues and a mapping in, a plan to import out: the teams (with their kind and
why), the periods (existing, or calendar quarters to create), the items and the
dependencies, as a ``roadmap-plan/1`` document that ``app.plan_io`` validates.

Plain Python on plain data: what the database already holds comes in as
``Existing``. Nothing is guessed silently: an unknown priority or status name, an
unparseable date or an estimate that is not a number is a problem of its item; a
link to an issue outside the import, a link type that is not understood and a
fix version without a date are listed as notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from app.alignment import PRIORITY_NAMES
from app.clock import format_datetime
from app.fields import (
    DESCRIPTION_MAX,
    KEY_MAX,
    OWNER_MAX,
    SLUG_MAX,
    SOURCE_KEY_MAX,
    SOURCE_URL_MAX,
    TITLE_MAX,
)
from app.importing.issues import Issue, Read, number, parse_day, parse_moment
from app.importing.mapping import (
    CANCELLING_RESOLUTIONS,
    DEFAULT_CATEGORIES,
    Mapping,
    TeamMapping,
)
from app.plan_io import FORMAT, Plan, PlanError, Problem, parse_plan

NOTES_MAX = 200  # notes of one kind listed; the rest counted


@dataclass(frozen=True)
class ExistingPeriod:
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class ExistingTeam:
    slug: str
    name: str
    kind: str


@dataclass(frozen=True)
class ExistingItem:
    key: str
    source: str | None
    source_key: str | None


@dataclass
class Existing:
    """What the database holds that an import is built against."""

    periods: list[ExistingPeriod] = field(default_factory=list)
    teams: dict[str, ExistingTeam] = field(default_factory=dict)  # by slug
    items: dict[str, ExistingItem] = field(default_factory=dict)  # by key


@dataclass
class TeamPlan:
    key: str  # the source's name for it
    slug: str
    name: str
    kind: str
    reason: str
    exists: bool
    capacity: float | None = None
    issues: int = 0


@dataclass
class Draft:
    source: str
    mapping: Mapping
    teams: list[TeamPlan] = field(default_factory=list)
    new_periods: list[dict[str, Any]] = field(default_factory=list)
    used_periods: list[str] = field(default_factory=list)
    plan: Plan | None = None
    origin: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # key -> (key, url)
    external: list[tuple[str, str]] = field(default_factory=list)  # (dependent, dependency)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    seen: dict[str, dict[str, int]] = field(default_factory=dict)  # priorities/status: name -> n
    issue_count: int = 0


def quarter_of(day: date) -> tuple[str, date, date]:
    q = (day.month - 1) // 3
    start = date(day.year, 3 * q + 1, 1)
    end = date(day.year + (q == 3), 1 if q == 3 else 3 * q + 4, 1) - timedelta(days=1)
    return f"{day.year} Q{q + 1}", start, end


def slug_for(key: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")[:SLUG_MAX].strip("-")
    return slug if len(slug) >= 2 else (slug + "-team")[:SLUG_MAX]


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class _Builder:
    def __init__(self, read: Read, mapping: Mapping, existing: Existing, now: datetime):
        self.read = read
        self.mapping = mapping
        self.existing = existing
        self.now = now
        self.draft = Draft(read.source, mapping, notes=list(read.notes))
        self.quarters: dict[str, tuple[date, date]] = {}
        self.unknown: dict[str, dict[str, None]] = {}
        self.note_counts: dict[str, int] = {}

    def problem(self, issue: Issue, message: str) -> None:
        self.draft.problems.append(Problem(issue.where, message))

    def note(self, kind: str, message: str) -> None:
        n = self.note_counts[kind] = self.note_counts.get(kind, 0) + 1
        if n <= NOTES_MAX:
            self.draft.notes.append(message)

    def unknown_name(self, section: str, name: str) -> None:
        self.unknown.setdefault(section, {})[name] = None

    def seen(self, section: str, name: str) -> None:
        counts = self.draft.seen.setdefault(section, {})
        counts[name] = counts.get(name, 0) + 1

    # -- one issue at a time ------------------------------------------------------
    def team_key(self, issue: Issue) -> str:
        if self.mapping.team_field:
            value = _field(issue, self.mapping.team_field)
            if isinstance(value, dict):
                value = value.get("name") or value.get("value") or value.get("title")
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, str) and value.strip():
                return value.strip()
        return issue.project

    def period_of(self, issue: Issue, day: date) -> str:
        for period in self.existing.periods:
            if period.start <= day <= period.end:
                return period.name
        name, start, end = quarter_of(day)
        if name in self.quarters:
            return name
        clash = next((p for p in self.existing.periods if p.name == name), None)
        if clash is not None:
            self.problem(
                issue,
                f"{day.isoformat()} falls in the quarter {name}, but the period named "
                f"{name} runs {clash.start} to {clash.end}: add a period for the date",
            )
        self.quarters[name] = (start, end)
        return name

    def day(self, issue: Issue, value: Any, what: str) -> date | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            found = parse_day(value)
            if found is not None:
                return found
        self.problem(issue, f"{what}: {value!r} is not a date")
        return None

    def version_day(self, issue: Issue, which: str) -> date | None:
        days = []
        for version in issue.versions:
            raw = version.release if which == "release" else version.start
            if raw:
                found = self.day(issue, raw, f"fix version {version.name!r}")
            elif which == "release":
                found = self.mapping.versions.get(version.name)
                if found is None:
                    self.unknown_name("versions", version.name)
            else:
                found = None
            if found:
                days.append(found)
        return min(days) if days else None

    def dates(self, issue: Issue) -> tuple[date | None, date | None]:
        end = None
        for source in self.mapping.period_sources:
            if source == "fixVersions":
                end = self.version_day(issue, "release")
            elif source == "duedate":
                end = self.day(issue, issue.due, "due date")
            else:
                end = self.day(issue, _date_text(_field(issue, source)), source)
            if end:
                break
        start = None
        for source in self.mapping.start_sources:
            if source == "startDate":
                start = self.version_day(issue, "start")
            else:
                start = self.day(issue, _date_text(_field(issue, source)), source)
            if start:
                break
        if start and end and start > end:
            start = end
        if start and not end:
            end = start
        return start or end, end

    def status(self, issue: Issue, scheduled: bool) -> str | None:
        if issue.resolution and issue.resolution.casefold() in CANCELLING_RESOLUTIONS:
            return "cancelled"
        mapped = self.mapping.mapped_status(issue.status)
        if mapped:
            return mapped
        category = (issue.status_category or "").casefold()
        if category not in ("new", "indeterminate", "done"):
            # no status at all: new, as the plan format's default (proposed) has it
            category = DEFAULT_CATEGORIES.get((issue.status or "").casefold(), "")
            category = category or ("" if issue.status else "new")
        if category == "new":
            return "committed" if scheduled else "proposed"
        if category == "indeterminate":
            return "in_progress"
        if category in ("done", "cancelled"):
            return category
        name = issue.status or "(none)"
        self.unknown_name("status", name)
        self.problem(issue, f"unknown status {name!r}: map it under [status]")
        return None

    def estimate(self, issue: Issue) -> float | None:
        name = self.mapping.estimate_field
        if not name:
            return None
        raw = _field(issue, name)
        if raw is None or raw == "":
            return None
        value = number(raw)
        if value is None or value < 0:
            self.problem(issue, f"estimate ({name}): {raw!r} is not a number")
            return None
        unit = self.mapping.unit
        if unit == "seconds":
            value /= self.mapping.person_week_seconds
        elif unit == "points":
            value /= self.mapping.points_per_person_week
        return round(value, 2)

    def web_address(self, issue: Issue) -> str | None:
        """The link back to the issue: an http(s) address only (it becomes a link)."""
        if not issue.url:
            return None
        parts = urlsplit(issue.url)
        if parts.scheme in ("http", "https") and parts.netloc and len(issue.url) <= SOURCE_URL_MAX:
            return issue.url
        self.note(
            "links", f"{issue.key}: its address {issue.url[:80]!r} is left out: not a web link"
        )
        return None

    # -- the whole import ---------------------------------------------------------
    def run(self) -> Draft:
        draft, mapping = self.draft, self.mapping
        issues = self.read.issues
        draft.issue_count = len(issues)
        keys = {issue.key for issue in issues}
        team_of: dict[str, str] = {}
        names: dict[str, str] = {}
        items: list[dict[str, Any]] = []
        index: dict[str, Issue] = {}
        for issue in issues:
            team_key = team_of[issue.key] = self.team_key(issue)
            names.setdefault(team_key, issue.project_name or team_key)
            self.seen("priorities", issue.priority or "No priority")
            if issue.status:
                self.seen("status", issue.status)
            priority = mapping.priority(issue.priority)
            if priority is None:
                self.unknown_name("priorities", issue.priority or "")
                self.problem(
                    issue, f"unknown priority {issue.priority!r}: map it under [priorities]"
                )
            created = parse_moment(issue.created) if issue.created else self.now
            if created is None:
                self.problem(issue, f"created: {issue.created!r} is not a date and time")
            start_day, end_day = self.dates(issue)
            start = self.period_of(issue, start_day) if start_day else None
            end = self.period_of(issue, end_day) if end_day else None
            status = self.status(issue, scheduled=end is not None)
            title = issue.title
            if isinstance(title, str) and len(title.strip()) > TITLE_MAX:
                self.note("cut", f"{issue.key}: title cut to {TITLE_MAX} characters")
                title = _cut(title.strip(), TITLE_MAX)
            elif isinstance(title, str):
                title = title.strip()
            description = issue.description if isinstance(issue.description, str) else ""
            if len(description) > DESCRIPTION_MAX:
                self.note("cut", f"{issue.key}: description cut to {DESCRIPTION_MAX:,} characters")
                description = _cut(description, DESCRIPTION_MAX)
            owner = _cut(issue.owner, OWNER_MAX) if issue.owner else None
            key = mapping.item_key(issue.key)
            if len(issue.key) > SOURCE_KEY_MAX:
                self.problem(issue, f"its key is longer than {SOURCE_KEY_MAX} characters")
            items.append(
                {
                    "key": key,
                    "team": team_key,  # replaced by the slug below
                    "title": title,
                    "description": description,
                    "priority": priority or "P3",
                    "start": start,
                    "end": end,
                    "estimate": self.estimate(issue),
                    "status": status or "proposed",
                    "owner": owner,
                    "created_at": format_datetime(created or self.now),
                }
            )
            if items[-1]["title"] is None:
                del items[-1]["title"]  # "title: missing"
            index[issue.key] = issue
            draft.origin[key] = (issue.key, self.web_address(issue))
            held = self.existing.items.get(key)
            if held is not None and (held.source, held.source_key) != (issue.source, issue.key):
                made = f"from {held.source}" if held.source else "made here"
                self.problem(issue, f"the plan has an item {key} already ({made})")

        pairs = self.dependencies(issues, keys)
        teams = self.teams(team_of, names, pairs)
        # from here on, the plan's keys (a team's key prefix renamed by the mapping)
        pairs = [(mapping.item_key(a), mapping.item_key(b)) for a, b in pairs]
        draft.external = [(mapping.item_key(a), mapping.item_key(b)) for a, b in draft.external]
        slug_of = {team.key: team.slug for team in teams}
        for item in items:
            item["team"] = slug_of[item["team"]]
        draft.teams = teams
        for name, bounds in sorted(self.quarters.items(), key=lambda kv: kv[1]):
            draft.new_periods.append({"name": name, "start": bounds[0], "end": bounds[1]})
        draft.used_periods = sorted(
            {p for item in items for p in (item["start"], item["end"]) if p},
            key=self._period_order,
        )
        draft.unknown = {k: list(v) for k, v in self.unknown.items()}
        for kind, n in self.note_counts.items():
            if n > NOTES_MAX:
                draft.notes.append(f"... and {n - NOTES_MAX:,} more like these ({kind})")
        document = self.document(teams, items, pairs)
        # validated even when the issues had problems: every problem listed at once
        try:
            plan = parse_plan(document, now=self.now)
        except PlanError as exc:
            draft.problems.extend(self.located(exc.problems, items))
        else:
            draft.plan = None if draft.problems else plan
        return draft

    def _period_order(self, name: str) -> date:
        for period in self.existing.periods:
            if period.name == name:
                return period.start
        return self.quarters[name][0]

    def dependencies(self, issues: list[Issue], keys: set[str]) -> list[tuple[str, str]]:
        mapping, existing = self.mapping, self.existing
        pairs: dict[tuple[str, str], None] = {}
        for issue in issues:
            found: list[tuple[str, str]] = [(issue.key, other) for other in issue.needs]
            for link in issue.links:
                phrases = (link.inward, link.outward)
                if not (link.inward and link.outward):
                    known = mapping.link_type(link.type_name)
                    if known is None:
                        self.unknown_name("link types", link.type_name)
                        continue
                    phrases = known
                own, other = phrases if link.direction == "inward" else phrases[::-1]
                if mapping.is_need(own):
                    found.append((issue.key, link.other))
                elif mapping.is_need(other):
                    found.append((link.other, issue.key))
            for dependent, dependency in found:
                if dependent == dependency:
                    continue
                outside = dependency if dependent == issue.key else dependent
                if outside in keys:
                    pairs[(dependent, dependency)] = None
                elif mapping.item_key(outside) in existing.items:
                    self.draft.external.append((dependent, dependency))
                else:
                    self.note(
                        "links",
                        f"{issue.key}: its link to {outside} is left out: "
                        f"{outside} is neither in the import nor in the plan",
                    )
        self.draft.external = list(dict.fromkeys(self.draft.external))
        return list(pairs)

    def teams(
        self, team_of: dict[str, str], names: dict[str, str], pairs: list[tuple[str, str]]
    ) -> list[TeamPlan]:
        needed_by: dict[str, set[str]] = {}
        for dependent, dependency in pairs:
            a, b = team_of[dependent], team_of[dependency]
            if a != b:
                needed_by.setdefault(b, set()).add(a)
        counts: dict[str, int] = {}
        for team_key in team_of.values():
            counts[team_key] = counts.get(team_key, 0) + 1
        teams = []
        slugs: dict[str, str] = {}
        for key in sorted(counts):
            given = self.mapping.teams.get(key) or TeamMapping(slug_for(key), "")
            slug = given.slug
            existing = self.existing.teams.get(slug)
            if existing is not None:
                kind, reason = existing.kind, f"{existing.kind}: the team exists and keeps its kind"
                name = existing.name
            elif given.kind:
                kind, reason = given.kind, f"{given.kind}: as the mapping says"
                name = given.name or names[key]
            elif key in needed_by:
                others = ", ".join(sorted(needed_by[key]))
                kind, reason = "platform", f"platform: issues of {others} need its issues"
                name = given.name or names[key]
            else:
                kind, reason = "product", "product: no other team's issues need its issues"
                name = given.name or names[key]
            if slug in slugs:
                self.draft.problems.append(
                    Problem(f"teams.{key}", f"slug {slug!r} is also that of {slugs[slug]}")
                )
            slugs[slug] = key
            teams.append(
                TeamPlan(
                    key, slug, name, kind, reason, existing is not None, given.capacity, counts[key]
                )
            )
            self.mapping.teams.setdefault(key, TeamMapping(slug, name, None, given.capacity))
            self.mapping.teams[key].name = self.mapping.teams[key].name or name
            if not self.mapping.teams[key].kind:
                self.mapping.teams[key].kind = kind
        return teams

    def document(self, teams: list[TeamPlan], items: list[dict], pairs: list[tuple[str, str]]):
        periods = [
            {"name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in self.existing.periods
        ] + [
            {"name": p["name"], "start": p["start"].isoformat(), "end": p["end"].isoformat()}
            for p in self.draft.new_periods
        ]
        team_rows = []
        for team in teams:
            row: dict[str, Any] = {"slug": team.slug, "name": team.name, "kind": team.kind}
            if team.capacity is not None and not team.exists:
                row["capacity"] = {"default": team.capacity}
            team_rows.append(row)
        commitment = self.mapping.commitment
        return {
            "format": FORMAT,
            "periods": periods,
            "teams": team_rows,
            "items": items,
            "dependencies": [
                {"dependent": a, "dependency": b, "commitment": commitment} for a, b in pairs
            ],
        }

    def located(self, problems: list[Problem], items: list[dict]) -> list[Problem]:
        """The validator's problems, by item where an item's field is wrong."""
        found = []
        n_existing = len(self.existing.periods)
        for problem in problems:
            match = re.match(r"items\[(\d+)\]\.?(.*)", problem.path)
            period = re.match(r"periods\[(\d+)\]", problem.path)
            if match and int(match[1]) < len(items):
                issue = self.read.issues[int(match[1])]
                field_name = match[2] or "item"
                message = f"{field_name}: {problem.message}"
                if (
                    field_name == "key"
                    and items[int(match[1])]["key"]
                    and len(items[int(match[1])]["key"]) > KEY_MAX
                ):
                    prefix = issue.key.rpartition("-")[0] or issue.key
                    message += (
                        f": give its items a shorter key prefix in the mapping, "
                        f'[teams."{prefix}"] key = "{_short(prefix)}"'
                    )
                found.append(Problem(issue.where, message))
            elif period and int(period[1]) >= n_existing:
                name = self.draft.new_periods[int(period[1]) - n_existing]["name"]
                found.append(Problem(f"period {name}", problem.message))
            else:
                found.append(problem)
        return found


def _short(prefix: str) -> str:
    """A shorter key prefix to suggest: the initials of its words, else its start."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", prefix) if w]
    initials = "".join(w[0] for w in words).upper()
    return initials if len(words) > 1 and len(initials) >= 2 else prefix[:8].upper()


def _field(issue: Issue, name: str) -> Any:
    if name in issue.fields:
        return issue.fields[name]
    return issue.fields.get(name.casefold())


def _date_text(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("value") or value.get("date")
    return value


def build(read: Read, mapping: Mapping, existing: Existing, now: datetime) -> Draft:
    """The plan that ``read`` gives with ``mapping``, against what exists."""
    return _Builder(read, mapping, existing, now).run()


__all__ = ["PRIORITY_NAMES", "Draft", "Existing", "build"]
