"""What every area's views decide the same way: whether a request wants JSON
back, whether a URL it names is a safe place to send the browser to, and which
numbers in a path can be ids."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from werkzeug.routing import IntegerConverter

# The largest id a table holds: PostgreSQL's `integer` (SQLite's is wider).
ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number beyond any id does not match the
    route (404), rather than reaching the database, which refuses it."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def wants_json() -> bool:
    """JSON for the API's paths and for a request whose Accept header prefers it
    (the roadmap's JavaScript); a page for everything else."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def local_url(target: str | None, under: str = "/") -> str | None:
    """``target`` when it is a path on this site under ``under`` (its query kept),
    else None: never another host, whatever the spelling (``//host``,
    ``/\\host``, white space or control characters that browsers drop)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(under):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
