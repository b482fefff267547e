"""What every source reads its files into: ``Issue`` records in one neutral shape,
and the text, date and number readings the sources share.

A source never decides a priority, a status, a period or a team: it records what
the file says (names, dates as written, raw estimates); ``app.importing.build``
turns issues into a plan with the mapping. A file a source cannot read raises
``ImportError_`` listing every problem, as ``flask plan import`` lists its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.guards import MAX_JSON_DEPTH, json_depth
from app.plan_io.fields import parse_datetime
from app.plan_io.problems import PlanError, Problem

SOURCE_NAMES = {"jira": "Jira", "linear": "Linear", "github": "GitHub"}
# One file of a source may be this large (the web page and the CLI alike).
FILE_MAX_BYTES = 64 * 1024 * 1024


class ImportProblems(PlanError):
    """Files, a mapping or a plan that cannot be imported: every problem listed."""


@dataclass
class Link:
    """One link of an issue to another, as the issue's side reads it."""

    other: str  # the other issue's key
    direction: str  # "inward" | "outward": which side of the link type this issue reads
    type_name: str = ""
    inward: str | None = None  # the type's phrases, when the source gives them
    outward: str | None = None


@dataclass
class Version:
    name: str
    release: str | None = None  # as written
    start: str | None = None


@dataclass
class Issue:
    """One issue as its source gives it; ``where`` locates it for messages."""

    source: str
    key: str
    where: str
    project: str  # Jira project key, Linear team, GitHub repository
    project_name: str = ""
    title: Any = None
    description: str = ""
    priority: str | None = None
    status: str | None = None
    status_category: str | None = None  # Jira's new | indeterminate | done
    resolution: str | None = None
    created: str | None = None
    due: str | None = None
    versions: list[Version] = field(default_factory=list)
    owner: str | None = None
    links: list[Link] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # keys this issue needs, directly
    url: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # for the mapping's custom fields


@dataclass
class Read:
    """What the files of one import gave: issues, and notes worth showing."""

    source: str
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class UploadedFile:
    name: str
    data: bytes


def decode_text(name: str, data: bytes, *, legacy: bool) -> tuple[str, str | None]:
    """The text of a file and a note when it was not UTF-8. UTF-8 (with or without a
    byte order mark) and UTF-16 with one are read as they are; with ``legacy`` (a CSV
    export), other bytes are read as Windows-1252, and the note says so; else a
    problem names the first byte that is not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            raise ImportProblems(
                [Problem(name, "not UTF-16 text despite its byte order mark")]
            ) from None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        where = f"byte 0x{data[exc.start]:02x} on line {line}"
        if not legacy:
            raise ImportProblems([Problem(name, f"not UTF-8 text: {where}")]) from None
        text = data.decode("cp1252", errors="replace")
        return text, f"{name} is not UTF-8 ({where}): read as Windows-1252; check the names"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def load_json(name: str, data: bytes) -> Any:
    """The parsed JSON of a file, or ``ImportProblems`` saying why not."""
    text, _ = decode_text(name, data, legacy=False)
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise ImportProblems([Problem(name, msg)]) from None
    except RecursionError:
        raise ImportProblems(
            [Problem(name, "its arrays or objects are nested too deeply")]
        ) from None
    except ValueError as exc:
        raise ImportProblems([Problem(name, f"not valid JSON: {exc}")]) from None
    if json_depth(value) > MAX_JSON_DEPTH:
        msg = f"its arrays or objects are nested more than {MAX_JSON_DEPTH} deep"
        raise ImportProblems([Problem(name, msg)])
    return value


def text(value: Any) -> str | None:
    """A JSON or CSV value as text: None when empty or not text."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def named(value: Any, *names: str) -> str | None:
    """``value[name]`` for the first name that holds text, when value is an object;
    the value itself when it is text."""
    if isinstance(value, dict):
        for name in names:
            found = text(value.get(name))
            if found is not None:
                return found
        return None
    return text(value)


_JIRA_CSV_DATES = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%y",
    "%d/%b/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
# Linear writes JavaScript's Date.toString(): "Mon Jan 15 2024 10:20:30 GMT+0000 (...)"
_JS_DATE = re.compile(
    r"[A-Z][a-z]{2} ([A-Z][a-z]{2} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})"
)


def parse_moment(value: str | None) -> datetime | None:
    """A date and time as any of the sources write one, as naive UTC; None when it is
    none of them. A date alone is its midnight."""
    if not value:
        return None
    value = value.strip()
    found = parse_datetime(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    if found is not None:
        return found
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    js = _JS_DATE.match(value)
    if js:
        try:
            moment = datetime.strptime(f"{js[1]} {js[2]}", "%b %d %Y %H:%M:%S %z")
        except ValueError:
            return None
        return parse_datetime(moment.isoformat())
    for pattern in _JIRA_CSV_DATES:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def parse_day(value: str | None) -> date | None:
    moment = parse_moment(value)
    return moment.date() if moment else None


def number(value: Any) -> float | None:
    """A finite number from JSON or CSV text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            result = float(value)
        except OverflowError:
            return None
    elif isinstance(value, str) and value.strip():
        try:
            result = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return result if result == result and abs(result) != float("inf") else None
