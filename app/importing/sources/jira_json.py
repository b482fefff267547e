"""Jira issues as the REST API returns them, v2 and v3 alike: a search response
(``{"issues": [...]}``, a page per file), a JSON array of issues, or one issue.

v3 gives ``description`` (and any rich text field) in the Atlassian Document Format;
``flatten_adf`` turns it into plain text, paragraphs on their own lines."""

from __future__ import annotations

import re
from typing import Any

from app.importing.issues import Issue, Link, Read, UploadedFile, Version, load_json, named, text
from app.plan_io.fields import json_type
from app.plan_io.problems import Problem

FIELDS = (
    "project", "summary", "description", "priority", "status", "resolution", "resolutiondate",
    "created", "duedate", "fixVersions", "timeoriginalestimate", "assignee", "issuelinks",
)  # fmt: skip

_BLOCKS = {"paragraph", "heading", "blockquote", "codeBlock", "listItem", "tableRow", "panel",
           "rule", "mediaSingle", "taskItem", "decisionItem"}  # fmt: skip


def flatten_adf(node: Any) -> str:
    """The text of an Atlassian Document Format node (or a plain string)."""
    if isinstance(node, str):
        return node
    parts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):  # a block's end
            parts.append(current)
            continue
        if not isinstance(current, dict):
            continue
        kind = current.get("type")
        if kind == "text" and isinstance(current.get("text"), str):
            parts.append(current["text"])
        elif kind == "hardBreak":
            parts.append("\n")
        elif kind in ("mention", "emoji", "status", "date", "inlineCard"):
            attrs = current.get("attrs") if isinstance(current.get("attrs"), dict) else {}
            shown = attrs.get("text") or attrs.get("shortName") or attrs.get("url") or ""
            parts.append(str(shown))
        elif kind in ("listItem", "taskItem"):
            parts.append("- ")
        children = current.get("content")
        if kind in _BLOCKS:
            stack.append("\n")
        if isinstance(children, list):
            stack.extend(reversed(children))
    lines = [line.rstrip() for line in "".join(parts).split("\n")]
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()


def issue_list(name: str, data: Any, problems: list[Problem]) -> list[tuple[str, Any]]:
    """(path, issue) pairs of a search response, an array of issues or one issue."""
    if isinstance(data, dict) and isinstance(data.get("issues"), list):
        return [(f"{name}: issues[{i}]", issue) for i, issue in enumerate(data["issues"])]
    if isinstance(data, list):
        return [(f"{name}: [{i}]", issue) for i, issue in enumerate(data)]
    if isinstance(data, dict) and "key" in data:
        return [(name, data)]
    problems.append(
        Problem(
            name,
            f'not Jira issues: expected a search response with "issues", an array of '
            f"issues or one issue, got {json_type(data)}",
        )
    )
    return []


def read(file: UploadedFile, read: Read, problems: list[Problem]) -> None:
    data = load_json(file.name, file.data)
    for where, raw in issue_list(file.name, data, problems):
        issue = parse_issue(raw, where, problems)
        if issue is not None:
            read.issues.append(issue)


def parse_issue(raw: Any, where: str, problems: list[Problem]) -> Issue | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, f"an issue must be an object, got {json_type(raw)}"))
        return None
    key = text(raw.get("key"))
    fields = raw.get("fields")
    if key is not None and key not in where:
        where = f"{where} ({key})"
    if key is None or not isinstance(fields, dict):
        missing = "key" if key is None else "fields"
        problems.append(Problem(where, f"not a Jira issue: no {missing}"))
        return None
    project = fields.get("project")
    project_key = named(project, "key") or key.rpartition("-")[0] or key
    status = fields.get("status") if isinstance(fields.get("status"), dict) else {}
    category = status.get("statusCategory") if isinstance(status, dict) else None
    description = fields.get("description")
    versions = []
    for version in fields.get("fixVersions") or []:
        if isinstance(version, dict) and named(version, "name"):
            versions.append(
                Version(
                    named(version, "name"),
                    named(version, "releaseDate"),
                    named(version, "startDate"),
                )
            )
    links = []
    for link in fields.get("issuelinks") or []:
        if not isinstance(link, dict) or not isinstance(link.get("type"), dict):
            continue
        kind = link["type"]
        for side, direction in (("inwardIssue", "inward"), ("outwardIssue", "outward")):
            other = named(link.get(side), "key")
            if other:
                links.append(
                    Link(
                        other,
                        direction,
                        named(kind, "name") or "",
                        named(kind, "inward"),
                        named(kind, "outward"),
                    )
                )
    self_url = text(raw.get("self"))
    url = None
    if self_url and "/rest/api/" in self_url:
        url = f"{self_url.split('/rest/api/')[0]}/browse/{key}"
    return Issue(
        source="jira",
        key=key,
        where=where,
        project=project_key,
        project_name=named(project, "name") or project_key,
        title=fields.get("summary"),
        description=flatten_adf(description) if isinstance(description, dict | str) else "",
        priority=named(fields.get("priority"), "name"),
        status=named(status, "name"),
        status_category=named(category, "key"),
        resolution=named(fields.get("resolution"), "name"),
        created=text(fields.get("created")),
        due=text(fields.get("duedate")),
        versions=versions,
        owner=named(fields.get("assignee"), "displayName", "name"),
        links=links,
        url=url,
        fields=fields,
    )
