"""What a change to the plan did to its conflicts: which went away, which appeared,
and a sentence for the person who made the change.

``diff_conflicts`` compares by fingerprint. ``compare`` also pairs a conflict that
went away with one that appeared for the same cause (the same dependency, or the
same team and period), which a fingerprint alone reads as one resolved and one
new: a schedule violation that is now one period late instead of two, a team
still over capacity but by less, is reported as changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from .analysis import Analysis
from .conflict import Conflict
from .text import capped_list, percent, plural, type_words

TEAM_PERIOD_TYPES = frozenset({"over_capacity", "platform_contention"})


def diff_conflicts(
    before: Iterable[Conflict], after: Iterable[Conflict]
) -> tuple[list[Conflict], list[Conflict]]:
    """``(resolved, new)``: the conflicts only before, and only after, by fingerprint,
    each in its own analysis's order."""
    before = list(before)
    after = list(after)
    seen_before = {c.fingerprint for c in before}
    seen_after = {c.fingerprint for c in after}
    # An edit changes few conflicts: the lists are read again only when some did.
    gone, came = seen_before - seen_after, seen_after - seen_before
    resolved = [c for c in before if c.fingerprint in gone] if gone else []
    new = [c for c in after if c.fingerprint in came] if came else []
    return resolved, new


def _cause(conflict: Conflict) -> tuple:
    if conflict.type in TEAM_PERIOD_TYPES:
        return (conflict.type, tuple(conflict.teams[:1]), conflict.period)
    return (conflict.type, tuple(conflict.items))


def _utilisation(analysis: Analysis, conflict: Conflict) -> float | None:
    if not conflict.team_ids or conflict.period_index is None:
        return None
    try:
        return analysis.ledger.cell(conflict.team_ids[0], conflict.period_index).utilisation
    except (IndexError, KeyError):
        return None


def _team_name(analysis: Analysis, conflict: Conflict) -> str:
    slug = conflict.teams[0] if conflict.teams else ""
    for team in analysis.snapshot.teams:
        if team.slug == slug:
            return team.name
    return slug


def conflict_label(
    conflict: Conflict,
    analysis: Analysis | None = None,
    focus: Collection[str] = (),
    *,
    load: bool = True,
) -> str:
    """A few words for a conflict: ``schedule violation with PAY-1`` (the items other
    than those in ``focus``), ``over capacity for Checkout in 2027 Q3 (112%)`` (the
    team's load from ``analysis``, unless ``load`` is false)."""
    words = type_words(conflict.type)
    if conflict.type in TEAM_PERIOD_TYPES:
        team = _team_name(analysis, conflict) if analysis else ", ".join(conflict.teams[:1])
        label = f"{words} for {team}"
        if conflict.period:
            label += f" in {conflict.period}"
        ratio = _utilisation(analysis, conflict) if analysis and load else None
        return f"{label} ({percent(ratio)})" if ratio is not None else label
    others = [key for key in conflict.items if key not in focus]
    if others and len(others) < len(conflict.items):
        return f"{words} with {capped_list(others, 3)}"
    return f"{words} of {capped_list(conflict.items, 3)}"


@dataclass(frozen=True, slots=True)
class ConflictChanges:
    """The conflicts a change resolved, added, and changed (same cause, new facts)."""

    before: Analysis
    after: Analysis
    resolved: list[Conflict]
    new: list[Conflict]
    changed: list[tuple[Conflict, Conflict]]

    @property
    def any(self) -> bool:
        return bool(self.resolved or self.new or self.changed)

    def _resolved_label(self, old: Conflict, focus: Collection[str]) -> str:
        was, now = _utilisation(self.before, old), _utilisation(self.after, old)
        if old.type in TEAM_PERIOD_TYPES and was is not None and now is not None:
            label = conflict_label(old, self.before, focus, load=False)
            return f"{label} (was {percent(was)}, now {percent(now)})"
        return conflict_label(old, self.before, focus)

    def _changed_label(self, old: Conflict, new: Conflict, focus: Collection[str]) -> str:
        label = conflict_label(new, self.after, focus, load=False)
        was, now = _utilisation(self.before, old), _utilisation(self.after, new)
        if new.type in TEAM_PERIOD_TYPES and was is not None and now is not None:
            return f"{label} ({percent(was)} → {percent(now)})"
        if old.severity != new.severity:
            return f"{label} ({old.severity} → {new.severity})"
        return label

    def text(self, focus: Collection[str] = (), limit: int = 4) -> str:
        """``resolved 2 conflicts (schedule violation with PAY-1, ...); new: over
        capacity for Checkout in 2027 Q3 (112%); changed: ...``."""
        parts = []
        if self.resolved:
            labels = [self._resolved_label(c, focus) for c in self.resolved]
            count = plural(len(labels), "conflict")
            parts.append(f"resolved {count} ({capped_list(labels[:limit], limit, len(labels))})")
        if self.new:
            labels = [conflict_label(c, self.after, focus) for c in self.new]
            parts.append(f"new: {capped_list(labels[:limit], limit, len(labels))}")
        if self.changed:
            labels = [self._changed_label(old, new, focus) for old, new in self.changed]
            parts.append(f"changed: {capped_list(labels[:limit], limit, len(labels))}")
        return "; ".join(parts) if parts else "no conflict appeared or went away"


def compare(
    before: Analysis, after: Analysis, types: Collection[str] | None = None
) -> ConflictChanges:
    """The conflicts (of ``types``, default all) that differ between two analyses."""

    def chosen(conflicts: Sequence[Conflict]) -> list[Conflict]:
        return [c for c in conflicts if types is None or c.type in types]

    resolved, new = diff_conflicts(chosen(before.conflicts), chosen(after.conflicts))
    waiting = {}
    for conflict in new:
        waiting.setdefault(_cause(conflict), conflict)
    changed = []
    for conflict in resolved:
        match = waiting.pop(_cause(conflict), None)
        if match is not None:
            changed.append((conflict, match))
    paired_old = {id(old) for old, _ in changed}
    paired_new = {id(new) for _, new in changed}
    return ConflictChanges(
        before,
        after,
        [c for c in resolved if id(c) not in paired_old],
        [c for c in new if id(c) not in paired_new],
        changed,
    )
