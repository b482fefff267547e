"""The preview as text, for ``flask import --dry-run`` (the Import page shows the
same ``Preview`` as HTML)."""

from __future__ import annotations

from app.importing.operations import Preview

LISTED = 20


def preview_lines(preview: Preview) -> list[str]:
    draft = preview.draft
    lines = [f"{draft.issue_count:,} issues read from {draft.source}.", "", "Teams:"]
    for team in draft.teams:
        state = "exists" if team.exists else "new"
        lines.append(
            f"  {team.slug:<20} {team.name} ({state}, {team.issues:,} items): {team.reason}"
        )
    lines.append("")
    lines.append(
        "Periods: " + (", ".join(draft.used_periods) or "none (every item in the backlog)")
    )
    if draft.new_periods:
        lines.append("  to create: " + ", ".join(p["name"] for p in draft.new_periods))
    lines.append("")
    if draft.plan is not None:
        lines.append(
            f"Items: {len(preview.create):,} to create, {len(preview.update):,} to update, "
            f"{len(preview.leave):,} unchanged."
        )
        for key, changes in list(preview.update.items())[:LISTED]:
            said = "; ".join(f"{name} {old!r} -> {new!r}" for name, (old, new) in changes.items())
            lines.append(f"  {key}: {said}")
        if len(preview.update) > LISTED:
            lines.append(f"  ... and {len(preview.update) - LISTED:,} more")
        lines.append(
            f"Dependencies: {len(preview.dependencies_create):,} to create, "
            f"{preview.dependencies_leave:,} unchanged, "
            f"{len(preview.dependencies_remove):,} to remove."
        )
        for dependent, dependency in preview.dependencies_remove[:LISTED]:
            lines.append(f"  no longer in the source, removed: {dependent} needs {dependency}")
        if len(preview.dependencies_remove) > LISTED:
            lines.append(f"  ... and {len(preview.dependencies_remove) - LISTED:,} more")
        if preview.gone:
            shown = ", ".join(preview.gone[:LISTED])
            more = f" and {len(preview.gone) - LISTED:,} more" if len(preview.gone) > LISTED else ""
            lines.append(f"No longer in the source (kept, not deleted): {shown}{more}")
    if draft.unknown:
        lines.append("")
        lines.append("Unmapped values:")
        for section, names in draft.unknown.items():
            lines.append(f"  {section}: {', '.join(repr(n) for n in names)}")
    if draft.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  {note}" for note in draft.notes)
    if preview.analysed:
        lines.append("")
        lines.append(
            f"Conflicts the plan would show after the import: {preview.conflicts_total:,} "
            f"({preview.conflicts_new:,} new)"
        )
        for kind, n in preview.conflict_counts.items():
            lines.append(f"  {kind:<24} {n:,}")
        if preview.worst:
            lines.append("The worst:")
            for conflict in preview.worst:
                items = ", ".join(conflict["items"])
                new = " (new)" if conflict["new"] else ""
                lines.append(f"  {conflict['severity']:<8} {conflict['type']}: {items}{new}")
                lines.append(f"           {conflict['message']}")
        fresh = [c for c in preview.worst_new if c not in preview.worst]
        if fresh:
            lines.append("The worst of those the import brings:")
            for conflict in fresh:
                items = ", ".join(conflict["items"])
                lines.append(f"  {conflict['severity']:<8} {conflict['type']}: {items}")
                lines.append(f"           {conflict['message']}")
    if draft.problems:
        lines.append("")
        lines.append(
            f"Problems ({len(draft.problems):,}): nothing can be imported until they are fixed"
        )
        lines.extend(f"  {problem}" for problem in draft.problems)
    return lines
