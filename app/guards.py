"""The checks every request passes before any other code reads it.

Refused with 400, before CSRF, the rate limits or a view look at the request:
- a NUL character in the path, the query string, a header or a form field's name
  (PostgreSQL text cannot hold it); a NUL in a form field's value is the form's to
  report, next to the field (see app.forms);
- a JSON body that is not valid JSON, is nested more than MAX_JSON_DEPTH deep,
  holds a number out of range (1e999), or holds a NUL character or an unpaired
  surrogate escape anywhere.
A whole number in the URL beyond 64 bits names no row: 404.

JSON is parsed once, here, by `SafeJSONProvider` (request.get_json() then returns
the same value), which also keeps a deep body from exhausting the stack.
"""

from __future__ import annotations

import json
import math

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

from app.forms import INT_LIMIT

MAX_JSON_DEPTH = 64


class JSONTooDeep(ValueError):
    pass


def json_depth(value) -> int:
    """How deep the arrays and objects of a parsed JSON value nest, counted no
    further than one past MAX_JSON_DEPTH (enough to refuse it)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend(
                    (child, depth + 1) for child in value if isinstance(child, list | dict)
                )
    return deepest


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:40]} is out of range")
    return number


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


class SafeJSONProvider(DefaultJSONProvider):
    """JSON reading that refuses what Python's json module would accept but nothing
    here can use: NaN and Infinity, numbers that overflow to infinity, and nesting
    deep enough to exhaust the stack. Every failure is a ValueError, which
    request.get_json() turns into a 400."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_float", _finite)
        kwargs.setdefault("parse_constant", _no_constant)
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise JSONTooDeep("nested too deep") from None
        if json_depth(value) > MAX_JSON_DEPTH:
            raise JSONTooDeep(f"nested more than {MAX_JSON_DEPTH} deep")
        return value


def unstorable_text(value) -> str | None:
    """What in a parsed JSON value no text column can hold, or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return "a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "an unpaired surrogate escape (such as \\ud800)"
        return None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = unstorable_text(key) or unstorable_text(item)
        if found:
            return found
    return None


def _refuse(where: str, what: str = "a NUL character") -> None:
    abort(400, description=f"The request's {where} contains {what}, which cannot be saved.")


def check_request() -> None:
    if "\x00" in request.path:
        _refuse("address")
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            _refuse(f'query parameter "{name.replace(chr(0), "")}"')
    for name, value in request.headers.items():
        if "\x00" in name or "\x00" in value:
            _refuse(f'header "{name.replace(chr(0), "")}"')
    if any("\x00" in name for name in request.form):
        _refuse("form field names")
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and abs(value) > INT_LIMIT:
            abort(404)
    if request.is_json and request.get_data(cache=True):
        try:
            body = request.get_json()
        except BadRequest:
            abort(
                400,
                description=(
                    "The request body is not JSON that can be read: it must be valid JSON, "
                    f"nested at most {MAX_JSON_DEPTH} deep, with numbers in range."
                ),
            )
        found = unstorable_text(body)
        if found:
            _refuse("JSON body", found)


def guard_requests(app: Flask) -> None:
    """Check every request first: before CSRF and the rate limits read it."""
    app.json = SafeJSONProvider(app)
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
