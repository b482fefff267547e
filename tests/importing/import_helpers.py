"""The import tests' source files (fixtures/, built from the documented shapes of
Jira's, Linear's and GitHub's exports and APIs), as paths or as uploads."""

from __future__ import annotations

from pathlib import Path

from app.importing.issues import UploadedFile

FIXTURES = Path(__file__).parent / "fixtures"
JIRA_FILES = ("jira_v2_search.json", "jira_v3_page2.json", "jira_single_issue.json")


def uploaded(*names: str) -> list[UploadedFile]:
    return [UploadedFile(name, (FIXTURES / name).read_bytes()) for name in names]


def paths(*names: str) -> list[str]:
    return [str(FIXTURES / name) for name in names]
