"""Typed reads of the fields of one JSON object, noting problems instead of raising.

Every read returns the parsed value, or ``INVALID`` when the field is wrong (a
problem has been noted then), so that later checks can skip it instead of
reporting the same mistake twice.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, date, datetime
from typing import Any

from app.plan_io.problems import Problem
from app.weeks import parse_week


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


INVALID: Any = _Invalid()
_ABSENT = object()

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?", re.ASCII
)
# Characters no text column can store: NUL (PostgreSQL text cannot hold it) and the
# lone surrogates that a JSON escape such as "\ud800" decodes to (not Unicode text).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def quoted(text: str) -> str:
    """``text`` as a JSON string, control characters and lone surrogates escaped."""
    shown = json.dumps(text, ensure_ascii=False)
    return json.dumps(text) if _SURROGATE.search(shown) else shown


def unstorable(text: str) -> str:
    """Why ``text``, holding a NUL or a lone surrogate, cannot be stored."""
    found = _UNSTORABLE.search(text)
    escape = f"\\u{ord(found.group()):04x}"
    if found.group() == "\x00":
        return f"must not contain a NUL character ({escape})"
    return f"must not contain a lone surrogate ({escape}): it is not Unicode text"


def shown_number(value: int | float) -> str:
    """A number as a message shows it, a very long one cut short."""
    text = str(value)
    return text if len(text) <= 24 else f"{text[:12]}... ({len(text)} digits)"


def member_path(path: str, key: str) -> str:
    """``path.key``, or ``path["odd key"]`` when the key is not a plain name."""
    if key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{quoted(key)}]"


def parse_date(text: str) -> date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 date and time as naive UTC; no offset means UTC already."""
    if not _DATETIME.fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):  # OverflowError: the offset leaves years 1-9999
        return None
    return moment


def parse_ascii_week(text: str) -> str | None:
    """An ISO week (``2027-W05``) written in ASCII digits."""
    return parse_week(text) if text.isascii() else None


class Record:
    """One JSON object at ``path`` whose fields are read with problems noted."""

    __slots__ = ("data", "path", "problems")

    def __init__(self, data: dict, path: str, problems: list[Problem]):
        self.data = data
        self.path = path
        self.problems = problems

    @classmethod
    def open(
        cls,
        value: Any,
        path: str,
        problems: list[Problem],
        *,
        allowed: Collection[str],
        required: Iterable[str] = (),
    ) -> Record | None:
        """The object at ``path``, after checking it is one, has its required keys
        and no others; None when it is not an object."""
        if not isinstance(value, dict):
            problems.append(Problem(path, f"must be an object, got {json_type(value)}"))
            return None
        for key in required:
            if key not in value:
                problems.append(Problem(member_path(path, key), "missing"))
        for key in value:
            if key not in allowed:
                expected = ", ".join(allowed)
                problems.append(
                    Problem(member_path(path, str(key)), f"unknown key (expected: {expected})")
                )
        return cls(value, path, problems)

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(member_path(self.path, key), message))

    def _refuse(self, key: str, message: str) -> Any:
        """Note a problem with the field; INVALID."""
        self.problem(key, message)
        return INVALID

    def _absent(self, key: str, value: Any, default: Any, nullable: bool) -> Any:
        """What a field that is absent (``_ABSENT``) or null reads as. Absent: the
        default, else INVALID (``open`` noted it missing). Null: None when
        ``nullable``, else a problem."""
        if value is _ABSENT:
            return default if default is not _ABSENT else INVALID
        return None if nullable else self._refuse(key, "must not be null")

    def text(
        self,
        key: str,
        *,
        max_length: int | None = None,
        default: Any = _ABSENT,
        nullable: bool = False,
        blank: bool = False,
        pattern: re.Pattern | None = None,
        pattern_hint: str = "",
    ) -> Any:
        value = self.data.get(key, _ABSENT)
        if value is _ABSENT or value is None:
            return self._absent(key, value, default, nullable)
        if not isinstance(value, str):
            return self._refuse(key, f"must be a string, got {json_type(value)}")
        if "\x00" in value or (not value.isascii() and _SURROGATE.search(value)):
            return self._refuse(key, unstorable(value))
        if not blank and not value.strip():
            return self._refuse(key, "must not be empty")
        if max_length is not None and len(value) > max_length:
            return self._refuse(key, f"longer than {max_length} characters ({len(value)})")
        if pattern is not None and not pattern.fullmatch(value):
            return self._refuse(key, f"{quoted(value)} is not valid: {pattern_hint}")
        return value

    def choice(self, key: str, choices: Collection[str], *, default: Any = _ABSENT) -> Any:
        value = self.data.get(key, _ABSENT)
        if value is _ABSENT or value is None:
            return self._absent(key, value, default, False)
        if not isinstance(value, str) or value not in choices:
            shown = quoted(value) if isinstance(value, str) else json_type(value)
            return self._refuse(key, f"{shown} is not one of {', '.join(choices)}")
        return value

    def number(
        self, key: str, high: float, *, default: Any = _ABSENT, nullable: bool = False
    ) -> Any:
        """A number from 0 to ``high``."""
        value = self.data.get(key, _ABSENT)
        if value is _ABSENT or value is None:
            return self._absent(key, value, default, nullable)
        return self.check_number(key, value, high)

    def check_number(self, key: str, value: Any, high: float) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self._refuse(key, f"must be a number, got {json_type(value)}")
        # math.isfinite would overflow on a huge int; comparing an int never does
        if (isinstance(value, float) and not math.isfinite(value)) or not 0 <= value <= high:
            return self._refuse(
                key, f"must be a number from 0 to {high:,}, got {shown_number(value)}"
            )
        return value

    def integer(
        self, key: str, low: int, high: int, *, default: Any = _ABSENT, nullable: bool = False
    ) -> Any:
        value = self.data.get(key, _ABSENT)
        if value is _ABSENT or value is None:
            return self._absent(key, value, default, nullable)
        if isinstance(value, bool) or not isinstance(value, int):
            shown = shown_number(value) if isinstance(value, int | float) else repr(value)
            return self._refuse(key, f"must be a whole number, got {json_type(value)} {shown}")
        if not low <= value <= high:
            return self._refuse(key, f"must be between {low} and {high}, got {shown_number(value)}")
        return value

    def _parsed(self, key: str, default: Any, parse: Callable[[str], Any], expected: str) -> Any:
        value = self.data.get(key, _ABSENT)
        if value is _ABSENT or value is None:
            return self._absent(key, value, default, False)
        if not isinstance(value, str):
            return self._refuse(key, f"must be a string ({expected}), got {json_type(value)}")
        parsed = parse(value)
        if parsed is None:
            return self._refuse(key, f"{quoted(value)} is not {expected}")
        return parsed

    def date(self, key: str) -> Any:
        return self._parsed(key, _ABSENT, parse_date, "a date (YYYY-MM-DD)")

    def datetime(self, key: str, *, default: Any = _ABSENT) -> Any:
        return self._parsed(key, default, parse_datetime, "a date and time (YYYY-MM-DDTHH:MM:SSZ)")

    def week(self, key: str, *, default: Any = _ABSENT) -> Any:
        return self._parsed(key, default, parse_ascii_week, "an ISO week (YYYY-Www)")

    def object(self, key: str, *, nullable: bool = True) -> Any:
        """A nested object's raw dict (None when absent or null)."""
        value = self.data.get(key, _ABSENT)
        if value is _ABSENT or value is None:
            return self._absent(key, value, None, nullable)
        if not isinstance(value, dict):
            return self._refuse(key, f"must be an object, got {json_type(value)}")
        return value
