"""Jira Cloud, live: ``/rest/api/3/search/jql`` page by page (``nextPageToken``).

Credentials come from the environment: ``JIRA_EMAIL`` and ``JIRA_TOKEN`` (an API
token, sent as basic authentication), or ``JIRA_TOKEN`` alone (a bearer token: a
personal access token of Jira Data Center). A 429 answer is retried after its
``Retry-After`` seconds (at most RETRIES times); a 401 or 403 says that the
credentials were refused. Each page is parsed as a file of the ``jira`` source.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from app import clock
from app.importing.issues import ImportProblems, Read
from app.importing.sources.jira_json import FIELDS, issue_list, parse_issue
from app.plan_io.problems import Problem

PAGE_SIZE = 100
RETRIES = 5
RETRY_AFTER_MAX = 120  # seconds: a longer wait is refused, not slept
TIMEOUT = 30
SEARCH_PATH = "/rest/api/3/search/jql"


def _headers(env: Mapping[str, str]) -> dict[str, str]:
    token = (env.get("JIRA_TOKEN") or "").strip()
    email = (env.get("JIRA_EMAIL") or "").strip()
    if not token:
        raise ImportProblems(
            [Problem("JIRA_TOKEN", "set JIRA_TOKEN (and JIRA_EMAIL for Jira Cloud) first")]
        )
    if email:
        basic = base64.b64encode(f"{email}:{token}".encode()).decode()
        auth = f"Basic {basic}"
    else:
        auth = f"Bearer {token}"
    return {"Authorization": auth, "Accept": "application/json"}


def fetch(
    url: str,
    jql: str,
    *,
    env: Mapping[str, str],
    fields: tuple[str, ...] = FIELDS,
    sleep: Callable[[float], None] = clock.sleep,
    progress: Callable[[int], None] | None = None,
) -> Read:
    """Every issue that ``jql`` finds on the Jira site at ``url``."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImportProblems(
            [Problem("--url", f"{url!r} is not an http(s) address of a Jira site")]
        )
    base = url.strip().rstrip("/")
    headers = _headers(env)
    read = Read("jira")
    problems: list[Problem] = []
    token: str | None = None
    page = 0
    while True:
        query = {"jql": jql, "fields": ",".join(fields), "maxResults": str(PAGE_SIZE)}
        if token:
            query["nextPageToken"] = token
        body = _get(f"{base}{SEARCH_PATH}?{urllib.parse.urlencode(query)}", headers, sleep)
        name = f"page {page + 1}"
        for where, raw in issue_list(name, body, problems):
            issue = parse_issue(raw, where, problems)
            if issue is not None:
                if issue.url is None:
                    issue.url = f"{base}/browse/{issue.key}"
                read.issues.append(issue)
        if progress is not None:
            progress(len(read.issues))
        token = body.get("nextPageToken") if isinstance(body, dict) else None
        page += 1
        if not token or (isinstance(body, dict) and body.get("isLast") is True):
            break
    if problems:
        raise ImportProblems(problems)
    return read


def _get(address: str, headers: dict[str, str], sleep: Callable[[float], None]) -> Any:
    for _attempt in range(RETRIES + 1):
        request = urllib.request.Request(address, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            with error:  # its connection, closed whatever is raised
                wait = _answered(error)
            sleep(wait)
            continue
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise _refused(f"cannot reach Jira ({reason})") from None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _refused("Jira's answer is not JSON: is --url the site's address?") from None
    raise _refused(f"Jira kept limiting requests (429) after {RETRIES} retries")


def _answered(error: urllib.error.HTTPError) -> float:
    """The seconds to wait after a 429; any other error answer raises."""
    if error.code == 429:
        wait = _retry_after(error.headers.get("Retry-After"))
        if wait is None:
            raise _refused("Jira is limiting requests (429) for longer than we wait")
        return wait
    if error.code in (401, 403):
        raise _refused(
            f"Jira refused the credentials ({error.code}): check JIRA_EMAIL and "
            "JIRA_TOKEN, and that the token may browse these projects"
        )
    if error.code == 400:
        detail = _jira_errors(error.read())
        raise _refused(f"Jira refused the query (400){detail}")
    raise _refused(f"Jira answered {error.code} {error.reason}")


def _retry_after(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else 1.0
    except ValueError:
        seconds = 1.0
    if seconds != seconds or seconds < 0:
        return 1.0
    return None if seconds > RETRY_AFTER_MAX else seconds


def _jira_errors(raw: bytes) -> str:
    try:
        body = json.loads(raw.decode("utf-8"))
        messages = [str(m) for m in body.get("errorMessages", [])]
    except (UnicodeDecodeError, ValueError, AttributeError, RecursionError):
        return ""
    return f": {'; '.join(messages)}" if messages else ""


def _refused(message: str) -> ImportProblems:
    return ImportProblems([Problem("jira", message)])
