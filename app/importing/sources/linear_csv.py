"""Linear's CSV export (Settings, Import / Export, Export CSV), in both of the
shapes it has had: 30 columns, and 34 with the relations (``Blocked by`` among
them). Columns are read by name, so either shape, and a reordered one, reads."""

from __future__ import annotations

from app.importing.issues import Issue, Read, UploadedFile
from app.importing.sources.csv_files import rows
from app.plan_io.problems import Problem

REQUIRED = ("ID", "Team", "Title")


def read(file: UploadedFile, read: Read, problems: list[Problem]) -> None:
    _header, found = rows(file, read, REQUIRED)
    for row in found:
        where = f"{file.name} line {row.line}"
        key = row.first("ID")
        team = row.first("Team")
        if key is None or team is None:
            problems.append(Problem(where, f"no {'ID' if key is None else 'Team'}"))
            continue
        completed, canceled = row.first("Completed"), row.first("Canceled")
        category = "done" if completed else None
        needs = [
            other.strip()
            for value in row.all("Blocked by")
            for other in value.split(",")
            if other.strip()
        ]
        cells = {column: values[0] for column, values in row.cells.items()}
        read.issues.append(
            Issue(
                source="linear",
                key=key,
                where=f"{where} ({key})",
                project=key.rpartition("-")[0] or team,
                project_name=team,
                title=row.first("Title"),
                description=row.first("Description") or "",
                priority=row.first("Priority"),
                status=row.first("Status"),
                status_category=category,
                resolution="Canceled" if canceled else None,
                created=row.first("Created"),
                due=row.first("Due Date"),
                owner=row.first("Assignee"),
                needs=needs,
                fields=cells,
            )
        )
