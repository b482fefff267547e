"""Jira's CSV export ("Export Excel CSV (all fields)"): columns repeat once per
value (``Fix versions``, ``Inward issue link (Blocks)``), and the link columns are
matched by prefix, as each site spells its link types its own way. The export has
no release dates: the mapping's ``[versions]`` gives them."""

from __future__ import annotations

import re

from app.importing.issues import Issue, Link, Read, UploadedFile, Version
from app.importing.sources.csv_files import rows
from app.plan_io.problems import Problem

REQUIRED = ("Issue key", "Summary")
_LINK = re.compile(r"(inward|outward) issue link \((.*)\)", re.IGNORECASE)


def read(file: UploadedFile, read: Read, problems: list[Problem]) -> None:
    _header, found = rows(file, read, REQUIRED)
    for row in found:
        where = f"{file.name} line {row.line}"
        key = row.first("Issue key")
        if key is None:
            problems.append(Problem(where, "no Issue key"))
            continue
        links = []
        for column, value in row.starting("Inward issue link") + row.starting("Outward issue link"):
            match = _LINK.fullmatch(column)
            if match:
                links.extend(
                    Link(other.strip(), match[1].lower(), match[2].strip())
                    for other in value.split(",")
                    if other.strip()
                )
        project = row.first("Project key") or key.rpartition("-")[0] or key
        cells = {column: values[0] for column, values in row.cells.items()}
        read.issues.append(
            Issue(
                source="jira",
                key=key,
                where=f"{where} ({key})",
                project=project,
                project_name=row.first("Project name") or project,
                title=row.first("Summary"),
                description=row.first("Description") or "",
                priority=row.first("Priority"),
                status=row.first("Status"),
                status_category=None,
                resolution=row.first("Resolution"),
                created=row.first("Created"),
                due=row.first("Due date") or row.first("Due Date"),
                versions=[Version(name) for name in row.all("Fix versions")]
                + [Version(name) for name in row.all("Fix Version/s")],
                owner=row.first("Assignee"),
                links=links,
                fields={**cells, "original estimate": row.first("Original estimate")},
            )
        )
