"""The weekly digest, built from plain data and written as markdown or plain text.

Per team: items whose health changed in the week, items that became stale in it,
conflicts new and resolved since the previous week's snapshot (under every team
they involve), and what needs a decision: open critical and high conflicts, and
dependencies that committed work rests on without the providing team's
commitment (uncommitted_dependency). A conflict that needs a decision is listed
once, under the team that holds it: the providing team of an uncommitted
dependency, else the team of the conflict's first item (for over capacity and
platform contention, the team whose capacity it is).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.alignment.text import health_word, type_words

DECISION_SEVERITIES = ("critical", "high")
LIST_LIMIT = 8
FORMATS = ("markdown", "text")


@dataclass(frozen=True, slots=True)
class HealthChange:
    team_id: int
    key: str
    title: str
    before: str | None  # None: the item's first update
    after: str
    note: str
    author: str | None


@dataclass(frozen=True, slots=True)
class StaleItem:
    team_id: int
    key: str
    message: str  # the stale_status conflict's


@dataclass(frozen=True, slots=True)
class ConflictLine:
    """A conflict as the digest shows it: from the analysis or a weekly snapshot."""

    fingerprint: str
    type: str
    severity: str
    state: str
    teams: tuple[str, ...]
    message: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> ConflictLine:
        return cls(
            data["fingerprint"],
            data.get("type", ""),
            data.get("severity", ""),
            data.get("state", "open"),
            tuple(data.get("teams", ())),
            data.get("message", ""),
        )

    @property
    def needs_decision(self) -> bool:
        return self.state == "open" and (
            self.severity in DECISION_SEVERITIES or self.type == "uncommitted_dependency"
        )

    @property
    def holder(self) -> str | None:
        """The slug of the team that is to decide."""
        if self.type == "uncommitted_dependency" and len(self.teams) > 1:
            return self.teams[1]
        return self.teams[0] if self.teams else None


@dataclass(slots=True)
class TeamDigest:
    slug: str
    name: str
    health_changes: list[HealthChange] = field(default_factory=list)
    became_stale: list[StaleItem] = field(default_factory=list)
    new_conflicts: list[ConflictLine] = field(default_factory=list)
    resolved_conflicts: list[ConflictLine] = field(default_factory=list)
    needs_decision: list[ConflictLine] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        return not (
            self.health_changes
            or self.became_stale
            or self.new_conflicts
            or self.resolved_conflicts
            or self.needs_decision
        )


@dataclass(slots=True)
class Digest:
    week: str
    previous_week: str
    generated_at: datetime
    compared: bool  # whether a snapshot of the previous week was there to compare with
    conflicts_from: str  # where this week's conflicts come from, in words
    teams: list[TeamDigest]

    @property
    def reporting(self) -> list[TeamDigest]:
        return [team for team in self.teams if not team.quiet]

    @property
    def quiet(self) -> list[TeamDigest]:
        return [team for team in self.teams if team.quiet]

    @property
    def intro(self) -> list[str]:
        when = self.generated_at.strftime("%Y-%m-%d %H:%M")
        lines = [f"Generated {when} UTC. Conflicts: {self.conflicts_from}."]
        if self.compared:
            lines.append(f"New and resolved conflicts are compared with {self.previous_week}.")
        else:
            lines.append(
                f"No snapshot of the previous week ({self.previous_week}) to compare with, "
                "so no conflict is listed as new or resolved."
            )
        return lines


def _known(slugs: tuple[str, ...], teams: dict[str, TeamDigest]) -> list[str]:
    return [slug for slug in dict.fromkeys(slugs) if slug in teams]


def build_digest(
    *,
    week: str,
    previous_week: str,
    generated_at: datetime,
    teams: list[tuple[int, str, str]],
    health_changes: list[HealthChange],
    became_stale: list[StaleItem],
    conflicts: list[ConflictLine],
    conflicts_from: str,
    previous: list[ConflictLine] | None,
) -> Digest:
    """`teams` as (id, slug, name); `previous` is None without a snapshot of the
    previous week, and then nothing is called new or resolved."""
    by_id = {team_id: TeamDigest(slug, name) for team_id, slug, name in teams}
    by_slug = {digest.slug: digest for digest in by_id.values()}
    for change in health_changes:
        by_id[change.team_id].health_changes.append(change)
    for item in became_stale:
        by_id[item.team_id].became_stale.append(item)
    current = {c.fingerprint for c in conflicts}
    before = None if previous is None else {c.fingerprint for c in previous}
    for conflict in conflicts:
        if conflict.needs_decision and conflict.holder in by_slug:
            by_slug[conflict.holder].needs_decision.append(conflict)
        if before is not None and conflict.fingerprint not in before:
            for slug in _known(conflict.teams, by_slug):
                by_slug[slug].new_conflicts.append(conflict)
    for conflict in previous or ():
        if conflict.fingerprint not in current:
            for slug in _known(conflict.teams, by_slug):
                by_slug[slug].resolved_conflicts.append(conflict)
    ordered = sorted(by_id.values(), key=lambda team: team.name.lower())
    return Digest(week, previous_week, generated_at, previous is not None, conflicts_from, ordered)


# Writing it out


def _plain(text: str) -> str:
    return text


def _escape(text: str) -> str:
    """Keep titles, notes and messages from turning into markdown markup."""
    for char in "\\`*_<":
        text = text.replace(char, "\\" + char)
    return text


def _change_line(change: HealthChange, esc) -> str:
    moved = (
        f"first update: {health_word(change.after)}"
        if change.before is None
        else f"{health_word(change.before)} → {health_word(change.after)}"
    )
    line = f"{change.key} {esc(change.title)}: {moved}"
    if change.author:
        line += f" (by {esc(change.author)})"
    return f"{line}: “{esc(change.note)}”" if change.note else line


def _conflict_line(conflict: ConflictLine, esc) -> str:
    return f"[{conflict.severity}] {type_words(conflict.type)}: {esc(conflict.message)}"


def team_sections(team: TeamDigest, compared: bool, esc=_plain) -> list[tuple[str, list[str]]]:
    """(heading, lines) of one team's part of the digest, empty sections left out;
    `esc` escapes the text that comes from people and the plan."""
    found = [
        ("Health changed", [_change_line(c, esc) for c in team.health_changes]),
        ("Became stale", [esc(s.message) for s in team.became_stale]),
    ]
    if compared:
        found.append(("New conflicts", [_conflict_line(c, esc) for c in team.new_conflicts]))
        found.append(
            ("Resolved conflicts", [_conflict_line(c, esc) for c in team.resolved_conflicts])
        )
    found.append(("Needs a decision", [_conflict_line(c, esc) for c in team.needs_decision]))
    return [(heading, _capped(lines)) for heading, lines in found if lines]


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= LIST_LIMIT:
        return lines
    return [*lines[:LIST_LIMIT], f"and {len(lines) - LIST_LIMIT} more"]


def _quiet_line(digest: Digest) -> list[str]:
    if not digest.quiet:
        return []
    return ["", f"Nothing to report: {', '.join(team.name for team in digest.quiet)}."]


def to_markdown(digest: Digest) -> str:
    out = [f"# Weekly digest {digest.week}", "", *(f"_{line}_" for line in digest.intro)]
    for team in digest.reporting:
        out += ["", f"## {_escape(team.name)} ({team.slug})"]
        for heading, lines in team_sections(team, digest.compared, _escape):
            out += ["", f"**{heading}**", *(f"- {line}" for line in lines)]
    return "\n".join([*out, *_quiet_line(digest)]) + "\n"


def to_text(digest: Digest) -> str:
    title = f"Weekly digest {digest.week}"
    out = [title, "=" * len(title), *digest.intro]
    for team in digest.reporting:
        heading = f"{team.name} ({team.slug})"
        out += ["", heading, "-" * len(heading)]
        for name, lines in team_sections(team, digest.compared):
            out += [f"{name}:", *(f"  - {line}" for line in lines)]
    return "\n".join([*out, *_quiet_line(digest)]) + "\n"
