"""The mapping from a source's names to the plan's: a TOML file (docs/import.md).

``parse_mapping(text)`` reads one (every problem listed, by its TOML path);
``Mapping.to_toml()`` writes one back, with the names an import found, so that the
preview's mapping can be edited and passed back. Where the file is silent the
defaults below apply.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.alignment import COMMITMENTS, PRIORITY_NAMES, STATUSES, TEAM_KINDS
from app.fields import (
    KEY_HINT,
    KEY_MAX,
    KEY_PATTERN,
    NAME_MAX,
    PERSON_WEEKS_MAX,
    SLUG_HINT,
    SLUG_MAX,
    SLUG_PATTERN,
)
from app.importing.issues import ImportProblems, parse_day
from app.plan_io.problems import Problem

DEFAULT_PRIORITIES = {
    "blocker": "P0", "highest": "P0", "p0": "P0",
    "critical": "P1", "high": "P1", "urgent": "P1", "p1": "P1",
    "major": "P2", "medium": "P2", "p2": "P2",
    "minor": "P3", "low": "P3", "trivial": "P3", "lowest": "P3", "no priority": "P3",
    "p3": "P3",
}  # fmt: skip
# A status name -> a Jira status category, when the file gives none.
DEFAULT_CATEGORIES = {
    "open": "new", "reopened": "new", "to do": "new", "todo": "new", "backlog": "new",
    "triage": "new", "selected for development": "new",
    "in progress": "indeterminate", "in review": "indeterminate", "in development": "indeterminate",
    "resolved": "done", "closed": "done", "done": "done",
    "canceled": "cancelled", "cancelled": "cancelled", "duplicate": "cancelled",
}  # fmt: skip
CATEGORIES = ("new", "indeterminate", "done")
CANCELLING_RESOLUTIONS = frozenset(
    ("won't fix", "won't do", "duplicate", "invalid", "incomplete", "cannot reproduce",
     "canceled", "cancelled")
)  # fmt: skip
DEFAULT_NEEDS = ("depends on", "is blocked by", "requires")
# Link types by name, for CSV exports that give only the name: (inward, outward).
DEFAULT_LINK_TYPES = {
    "blocks": ("is blocked by", "blocks"),
    "blocker": ("is blocked by", "blocks"),
    "blocking": ("is blocked by", "blocks"),
    "depends": ("is depended on by", "depends on"),
    "dependency": ("is depended on by", "depends on"),
    "dependent": ("is depended on by", "depends on"),
    "requires": ("is required by", "requires"),
    "required": ("is required by", "requires"),
    "relates": ("relates to", "relates to"),
    "duplicate": ("is duplicated by", "duplicates"),
    "cloners": ("is cloned by", "clones"),
}
PERIOD_SOURCES = ("fixVersions", "duedate")
UNITS = ("seconds", "points", "person-weeks")
DEFAULT_ESTIMATES = {
    "jira": ("timeoriginalestimate", "seconds"),
    "linear": ("Estimate", "points"),
    "github": ("", "points"),
}
# A key prefix leaves room for "-" and a number of up to 6 digits.
KEY_PREFIX_MAX = KEY_MAX - 7
SECTIONS = ("teams", "priorities", "status", "links", "periods", "estimate", "versions", "fields")


@dataclass
class TeamMapping:
    slug: str
    name: str
    kind: str | None = None  # None: inferred
    capacity: float | None = None
    key: str | None = None  # the prefix of its items' keys, instead of the source's


@dataclass
class Mapping:
    source: str = "jira"
    teams: dict[str, TeamMapping] = field(default_factory=dict)
    priorities: dict[str, str] = field(default_factory=dict)  # as written -> P0..P3
    status: dict[str, str] = field(default_factory=dict)  # as written -> a status
    needs: tuple[str, ...] = DEFAULT_NEEDS
    commitment: str = "requested"
    link_types: dict[str, tuple[str, str]] = field(default_factory=dict)
    period_sources: tuple[str, ...] = PERIOD_SOURCES
    start_sources: tuple[str, ...] = ("startDate",)
    length: str = "quarter"
    estimate_field: str = "timeoriginalestimate"
    unit: str = "seconds"
    person_week_seconds: float = 144_000
    points_per_person_week: float = 5
    versions: dict[str, date] = field(default_factory=dict)
    team_field: str | None = None

    # -- lookups ------------------------------------------------------------------
    def priority(self, name: str | None) -> str | None:
        name = name or "No priority"
        folded = {k.casefold(): v for k, v in self.priorities.items()}
        return folded.get(name.casefold()) or DEFAULT_PRIORITIES.get(name.casefold())

    def mapped_status(self, name: str | None) -> str | None:
        if not name:
            return None
        return {k.casefold(): v for k, v in self.status.items()}.get(name.casefold())

    def link_type(self, name: str) -> tuple[str, str] | None:
        folded = {k.casefold(): v for k, v in self.link_types.items()}
        if name.casefold() in folded:
            return folded[name.casefold()]
        simple = "".join(c for c in name.casefold() if c.isalpha())
        return DEFAULT_LINK_TYPES.get(simple) or DEFAULT_LINK_TYPES.get(simple.rstrip("s"))

    def item_key(self, source_key: str) -> str:
        """The plan's key for an issue: its source key, with the prefix a team's
        ``key`` renames (``[teams.LONG-REPOSITORY] key = "REPO"``: LONG-REPOSITORY-7
        is REPO-7)."""
        prefix, dash, rest = source_key.rpartition("-")
        if not dash:
            return source_key
        renamed = self.key_prefixes.get(prefix.upper())
        return f"{renamed}-{rest}" if renamed else source_key

    @property
    def key_prefixes(self) -> dict[str, str]:
        return {name.upper(): team.key for name, team in self.teams.items() if team.key}

    def is_need(self, phrase: str | None) -> bool:
        return bool(phrase) and phrase.casefold().strip() in {p.casefold() for p in self.needs}

    # -- writing ------------------------------------------------------------------
    def to_toml(
        self,
        *,
        unknown: dict[str, list[str]] | None = None,
        seen: dict[str, dict[str, int]] | None = None,
    ) -> str:
        """The mapping as TOML; ``unknown`` names (by section) are written as comments
        to fill in, and the priorities ``seen`` in the files with what they map to."""
        unknown = unknown or {}
        seen = seen or {}
        priorities = dict(self.priorities)
        for name in seen.get("priorities", {}):
            if name not in priorities and self.priority(name):
                priorities[name] = self.priority(name)
        unmapped_status = [
            name for name in seen.get("status", {})
            if self.mapped_status(name) is None and name not in unknown.get("status", [])
        ]  # fmt: skip
        out = [
            f"# The mapping of a {self.source} import (docs/import.md). Edit it and pass it",
            "# back with --mapping FILE, or upload it on the Import page.",
            "",
        ]
        for key, team in sorted(self.teams.items()):
            out.append(f"[teams.{_q(key)}]")
            out.append(f"slug = {_q(team.slug)}")
            if team.name:
                out.append(f"name = {_q(team.name)}")
            if team.kind:
                out.append(f"kind = {_q(team.kind)}  # or {_q(_other_kind(team.kind))}")
            if team.key:
                out.append(f"key = {_q(team.key)}  # its items' key prefix")
            if team.capacity is not None:
                out.append(f"capacity = {_n(team.capacity)}")
            else:
                out.append("# capacity = 40  # person-weeks per period")
            out.append("")
        if self.team_field:
            out += ["[fields]", f"team = {_q(self.team_field)}", ""]
        out.append("[priorities]  # source name -> P0..P3")
        out += [f"{_q(k)} = {_q(v)}" for k, v in sorted(priorities.items())]
        out += [f'# {_q(k)} = "P?"  # unknown: map it' for k in unknown.get("priorities", [])]
        out += ["", "[status]  # source name -> " + "|".join(STATUSES)]
        out += [f"{_q(k)} = {_q(v)}" for k, v in sorted(self.status.items())]
        out += [f'# {_q(k)} = "?"  # unknown: map it' for k in unknown.get("status", [])]
        out += [f"# {_q(k)}: by its status category" for k in sorted(unmapped_status)]
        out += ["", "[links]", f"needs = [{', '.join(_q(p) for p in self.needs)}]"]
        out.append(f'commitment = {_q(self.commitment)}  # or "committed"')
        if self.link_types:
            out.append("")
            out.append("[links.types]  # a CSV link column's type -> its phrases")
            for name, (inward, outward) in sorted(self.link_types.items()):
                out.append(f"{_q(name)} = {{ inward = {_q(inward)}, outward = {_q(outward)} }}")
        for name in unknown.get("link types", []):
            out.append(f'# {_q(name)} = {{ inward = "is blocked by", outward = "blocks" }}')
        out += ["", "[periods]"]
        out.append(f"sources = [{', '.join(_q(s) for s in self.period_sources)}]")
        out.append(f"start = [{', '.join(_q(s) for s in self.start_sources)}]")
        out.append(f"length = {_q(self.length)}")
        out += ["", "[estimate]", f"field = {_q(self.estimate_field)}", f"unit = {_q(self.unit)}"]
        out.append(f"person_week_seconds = {_n(self.person_week_seconds)}")
        out.append(f"points_per_person_week = {_n(self.points_per_person_week)}")
        if self.versions or unknown.get("versions"):
            out += ["", "[versions]  # a fix version without a release date -> its date"]
            out += [f"{_q(k)} = {_q(v.isoformat())}" for k, v in sorted(self.versions.items())]
            out += [f'# {_q(k)} = "YYYY-MM-DD"' for k in unknown.get("versions", [])]
        return "\n".join(out) + "\n"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _other_kind(kind: str) -> str:
    return "product" if kind == "platform" else "platform"


def default_mapping(source: str) -> Mapping:
    field_name, unit = DEFAULT_ESTIMATES.get(source, ("", "points"))
    return Mapping(source=source, estimate_field=field_name, unit=unit)


def parse_mapping(text: str, source: str, *, name: str = "mapping") -> Mapping:
    """The mapping in ``text`` over the source's defaults; ``ImportProblems`` listing
    every problem by TOML path otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportProblems([Problem(name, f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise ImportProblems([Problem(name, "not valid TOML: nested too deeply")]) from None
    problems: list[Problem] = []
    mapping = default_mapping(source)
    reader = _Reader(name, problems)
    for key in data:
        if key not in SECTIONS:
            reader.problem(key, f"unknown section (expected: {', '.join(SECTIONS)})")
    teams = reader.table(data, "teams")
    for key in teams:
        path = f"teams.{key}"
        entry = reader.table(teams, key, path=path)
        for unknown_key in entry:
            if unknown_key not in ("slug", "name", "kind", "capacity", "key"):
                reader.problem(
                    f"{path}.{unknown_key}",
                    "unknown key (expected: slug, name, kind, capacity, key)",
                )
        slug = reader.string(entry, "slug", f"{path}.slug", default=key.lower())
        if slug is not None and (len(slug) > SLUG_MAX or not SLUG_PATTERN.fullmatch(slug)):
            reader.problem(f"{path}.slug", f"{_q(slug)} is not valid: {SLUG_HINT}")
        team_name = reader.string(entry, "name", f"{path}.name", default=None)
        if team_name is not None and len(team_name) > NAME_MAX:
            reader.problem(f"{path}.name", f"longer than {NAME_MAX} characters")
        kind = reader.choice(entry, "kind", f"{path}.kind", TEAM_KINDS)
        capacity = reader.number(entry, "capacity", f"{path}.capacity", PERSON_WEEKS_MAX)
        prefix = reader.string(entry, "key", f"{path}.key", default=None)
        if prefix is not None and (
            len(prefix) > KEY_PREFIX_MAX or not KEY_PATTERN.fullmatch(prefix)
        ):
            reader.problem(
                f"{path}.key",
                f"{_q(prefix)} is not a key prefix: at most {KEY_PREFIX_MAX} characters, "
                f"{KEY_HINT}",
            )
            prefix = None
        mapping.teams[key] = TeamMapping(
            slug or key.lower(), team_name or "", kind, capacity, prefix
        )
    fields_table = reader.table(data, "fields")
    mapping.team_field = reader.string(fields_table, "team", "fields.team", default=None)
    for key, value in reader.table(data, "priorities").items():
        if value not in PRIORITY_NAMES:
            reader.problem(f"priorities.{_q(key)}", f"{_shown(value)} is not one of P0, P1, P2, P3")
        else:
            mapping.priorities[key] = value
    for key, value in reader.table(data, "status").items():
        if value not in STATUSES:
            reader.problem(
                f"status.{_q(key)}", f"{_shown(value)} is not one of {', '.join(STATUSES)}"
            )
        else:
            mapping.status[key] = value
    links = reader.table(data, "links")
    needs = reader.strings(links, "needs", "links.needs")
    if needs is not None:
        mapping.needs = tuple(needs)
    mapping.commitment = (
        reader.choice(links, "commitment", "links.commitment", COMMITMENTS) or "requested"
    )
    types = reader.table(links, "types", path="links.types")
    for type_name in types:
        path = f"links.types.{_q(type_name)}"
        entry = reader.table(types, type_name, path=path)
        inward = reader.string(entry, "inward", f"{path}.inward", default=None)
        outward = reader.string(entry, "outward", f"{path}.outward", default=None)
        if inward and outward:
            mapping.link_types[type_name] = (inward, outward)
        elif entry:
            reader.problem(path, "give both inward and outward")
    periods = reader.table(data, "periods")
    sources = reader.strings(periods, "sources", "periods.sources")
    if sources is not None:
        mapping.period_sources = tuple(sources)
    starts = reader.strings(periods, "start", "periods.start")
    if starts is not None:
        mapping.start_sources = tuple(starts)
    length = reader.string(periods, "length", "periods.length", default="quarter")
    if length != "quarter" and length is not None:
        reader.problem("periods.length", f'{_q(length)}: only "quarter" is supported')
    estimate = reader.table(data, "estimate")
    mapping.estimate_field = (
        reader.string(
            estimate, "field", "estimate.field", default=mapping.estimate_field, blank=True
        )
        or ""
    )
    mapping.unit = reader.choice(estimate, "unit", "estimate.unit", UNITS) or mapping.unit
    seconds = reader.number(estimate, "person_week_seconds", "estimate.person_week_seconds", 10**9)
    if seconds:
        mapping.person_week_seconds = seconds
    points = reader.number(
        estimate, "points_per_person_week", "estimate.points_per_person_week", 10**6
    )
    if points:
        mapping.points_per_person_week = points
    for key, value in reader.table(data, "versions").items():
        day = (
            parse_day(value)
            if isinstance(value, str)
            else value
            if isinstance(value, date)
            else None
        )
        if day is None:
            reader.problem(f"versions.{_q(key)}", f"{_shown(value)} is not a date (YYYY-MM-DD)")
        else:
            mapping.versions[key] = day
    if problems:
        raise ImportProblems(problems)
    return mapping


def _shown(value: Any) -> str:
    return _q(value) if isinstance(value, str) else type(value).__name__


class _Reader:
    def __init__(self, name: str, problems: list[Problem]):
        self.name = name
        self.problems = problems

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(f"{self.name}: {path}", message))

    def table(self, data: dict, key: str, *, path: str | None = None) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(path or key, "must be a table")
            return {}
        return value

    def string(self, data: dict, key: str, path: str, *, default: Any, blank: bool = False) -> Any:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, str) or (not blank and not value.strip()) or "\x00" in value:
            self.problem(path, "must be text")
            return default
        return value.strip()

    def choice(self, data: dict, key: str, path: str, choices: tuple[str, ...]) -> str | None:
        if key not in data:
            return None
        if data[key] not in choices:
            self.problem(path, f"{_shown(data[key])} is not one of {', '.join(choices)}")
            return None
        return data[key]

    def number(self, data: dict, key: str, path: str, high: float) -> float | None:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high:
            self.problem(path, f"must be a number from 0 to {high:,}")
            return None
        return float(value)

    def strings(self, data: dict, key: str, path: str) -> list[str] | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(path, "must be a list of text")
            return None
        return [v.strip() for v in value if v.strip()]
