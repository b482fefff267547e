"""Errors as ``application/problem+json`` (RFC 9457), with a field-by-field
``errors`` list: every refusal the API makes, whatever raised it."""

from __future__ import annotations

from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Server error",
}


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages: Any, path: str = "") -> list[dict[str, str]]:
    """webargs/marshmallow messages (``{"json": {"title": ["..."]}}``) as a list."""
    if isinstance(messages, dict):
        found: list[dict[str, str]] = []
        for key, value in messages.items():
            if not path and key in ("json", "query", "headers", "form", "files", "view_args"):
                found.extend(_flatten(value, "" if key == "json" else f"{key}:"))
                continue
            name = f"{path}.{key}" if path and not path.endswith(":") else f"{path}{key}"
            found.extend(_flatten(value, name))
        return found
    if isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            return [{"field": path or None, "message": m} for m in messages]
        return [e for m in messages for e in _flatten(m, path)]
    return [{"field": path or None, "message": str(messages)}]


def from_http_exception(exc: HTTPException) -> Response:
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors")
    if errors is None and "messages" in data:
        errors = _flatten(data["messages"])
    detail = data.get("message") or exc.description or TITLES.get(exc.code or 500, "Error")
    if exc.code == 422 and "messages" in data and not data.get("message"):
        detail = "The request's input is not valid: see errors."
    if exc.code == 429:
        detail = f"Too many requests with this token: at most {exc.description}. Wait and retry."
    headers = dict(data.get("headers") or {})
    response = exc.get_response()
    for name in ("Allow", "Retry-After", "WWW-Authenticate"):
        if name in response.headers and name not in headers:
            headers[name] = response.headers[name]
    extra = {k: v for k, v in data.items() if k in ("current",)}
    return problem(exc.code or 500, str(detail), errors or [], headers, **extra)
