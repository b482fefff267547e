"""The sources an import reads: one module each. ``read_files(kind, files)`` picks
the module by the CLI's name for it (``jira``, ``jira-csv``, ``linear-csv``,
``github``)."""

from __future__ import annotations

from app.importing.issues import ImportProblems, Read, UploadedFile
from app.plan_io.problems import Problem

KINDS = {
    "jira": ("jira", "Jira issues (JSON from the REST API)"),
    "jira-csv": ("jira", "Jira CSV export"),
    "linear-csv": ("linear", "Linear CSV export"),
    "github": ("github", "GitHub issues (JSON from the REST API)"),
}


def read_files(kind: str, files: list[UploadedFile]) -> Read:
    """The issues of every file; ``ImportProblems`` with every problem of every file."""
    from app.importing.sources import github, jira_csv, jira_json, linear_csv

    reader = {
        "jira": jira_json.read,
        "jira-csv": jira_csv.read,
        "linear-csv": linear_csv.read,
        "github": github.read,
    }[kind]
    read = Read(KINDS[kind][0])
    problems: list[Problem] = []
    if not files:
        raise ImportProblems([Problem("files", "give at least one file to import")])
    for file in files:
        try:
            reader(file, read, problems)
        except ImportProblems as exc:
            problems.extend(exc.problems)
    seen: dict[str, str] = {}
    for issue in read.issues:
        if issue.key in seen:
            problems.append(
                Problem(issue.where, f"{issue.key} appears twice (also {seen[issue.key]})")
            )
        else:
            seen[issue.key] = issue.where
    if problems:
        raise ImportProblems(problems)
    if not read.issues:
        raise ImportProblems([Problem("files", "the files hold no issues")])
    return read
