"""GitHub issues as the REST API returns them (``gh api --paginate --slurp``: an
array of pages, each an array of issues; a plain array reads too), each with the
issues that block it under ``blocked_by`` (what
``/repos/{owner}/{repo}/issues/{number}/dependencies/blocked_by`` returns; see
docs/import.md). Pull requests are left out. An item is keyed ``<REPO>-<number>``
in upper case; its team is its repository."""

from __future__ import annotations

import re
from typing import Any

from app.importing.issues import Issue, Read, UploadedFile, Version, load_json, named, text
from app.plan_io.fields import json_type
from app.plan_io.problems import Problem

_REPO = re.compile(r"/repos/([^/]+)/([^/]+)/?$")
_ISSUE_URL = re.compile(r"github\.com/([^/]+)/([^/]+)/issues/(\d+)")
_PRIORITY_LABEL = re.compile(r"(?:priority[:/ ]*)?(p[0-3]|urgent|high|medium|low)", re.IGNORECASE)


def _issues(name: str, data: Any, problems: list[Problem]) -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        return [(name, data)]
    if not isinstance(data, list):
        problems.append(
            Problem(name, f"not GitHub issues: expected an array, got {json_type(data)}")
        )
        return []
    found = []
    for i, entry in enumerate(data):
        if isinstance(entry, list):  # a page of --slurp
            found.extend((f"{name}: [{i}][{j}]", issue) for j, issue in enumerate(entry))
        else:
            found.append((f"{name}: [{i}]", entry))
    return found


def _repository(issue: dict) -> tuple[str, str] | None:
    match = _REPO.search(text(issue.get("repository_url")) or "")
    if match:
        return match[1], match[2]
    url = _ISSUE_URL.search(text(issue.get("html_url")) or "")
    return (url[1], url[2]) if url else None


def key_of(repo: str, number: Any) -> str:
    return f"{repo}-{number}".upper()


def read(file: UploadedFile, read: Read, problems: list[Problem]) -> None:
    data = load_json(file.name, file.data)
    for where, raw in _issues(file.name, data, problems):
        if not isinstance(raw, dict):
            problems.append(Problem(where, f"an issue must be an object, got {json_type(raw)}"))
            continue
        if raw.get("pull_request"):
            continue
        number = raw.get("number")
        repo = _repository(raw)
        if not isinstance(number, int) or isinstance(number, bool) or repo is None:
            problems.append(Problem(where, "not a GitHub issue: no number or repository_url"))
            continue
        owner, name = repo
        key = key_of(name, number)
        state = text(raw.get("state")) or "open"
        reason = text(raw.get("state_reason"))
        labels = [named(label, "name") for label in raw.get("labels") or []]
        priority = next(
            (label for label in labels if label and _PRIORITY_LABEL.fullmatch(label)), None
        )
        needs = []
        for blocker in raw.get("blocked_by") or []:
            if isinstance(blocker, dict):
                other = _repository(blocker)
                if other and isinstance(blocker.get("number"), int):
                    needs.append(key_of(other[1], blocker["number"]))
            elif isinstance(blocker, int) and not isinstance(blocker, bool):
                needs.append(key_of(name, blocker))
            elif isinstance(blocker, str):
                match = _ISSUE_URL.search(blocker) or re.fullmatch(
                    r"([^/\s]+)/([^#\s]+)#(\d+)", blocker
                )
                if match:
                    needs.append(key_of(match[2], match[3]))
        milestone = raw.get("milestone")
        versions = []
        if isinstance(milestone, dict) and named(milestone, "title"):
            versions.append(Version(named(milestone, "title"), named(milestone, "due_on")))
        category = "done" if state == "closed" else "new"
        read.issues.append(
            Issue(
                source="github",
                key=key,
                where=f"{where} ({key})",
                project=name.upper(),
                project_name=f"{owner}/{name}",
                title=raw.get("title"),
                description=raw.get("body") if isinstance(raw.get("body"), str) else "",
                priority=priority,
                status=state,
                status_category=category,
                resolution="Won't Do" if reason == "not_planned" else None,
                created=text(raw.get("created_at")),
                versions=versions,
                owner=named(raw.get("assignee"), "login"),
                needs=needs,
                url=text(raw.get("html_url")),
                fields={"labels": labels},
            )
        )
