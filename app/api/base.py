"""What every resource of the API shares: signing in by token, the rate limit,
ETags with ``If-Match``, cursor pagination and refusing in problem+json."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app, g, request, url_for
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError

from app.auth.tokens import record_use, token_of
from app.errors import Refused
from app.extensions import csrf, db, limiter
from app.permissions import can

BEARER = "Bearer "


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[len(BEARER) :].strip() if header.startswith(BEARER) else None


def token_key() -> str:
    """The rate limit's key: the token (hashed), or the address without one."""
    token = _bearer()
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "address:" + (request.remote_addr or "?")


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _authenticate() -> None:
    """Every API request acts as the user of its token, never a browser session."""
    record = token_of(_bearer())
    if record is None:
        abort(
            401,
            message="Send a valid access token: Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    user = record.user
    user.token_scope = record.scope
    user.session_token = None
    g._login_user = user
    g.api_token = record
    g.after_transaction = [lambda: record_use(record.id, record.last_used_at)]


def api_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> Blueprint:
    """A resource's blueprint: token sign-in, the per-token rate limit, no CSRF
    (no cookie signs an API request in)."""
    blp = Blueprint(name, import_name, url_prefix=url_prefix, description=description)
    blp.before_request(_authenticate)
    limiter.shared_limit(_api_limit, scope="api", key_func=token_key)(blp)
    csrf.exempt(blp)
    return blp


def allow(action: str, obj: Any = None) -> None:
    """403 in problem+json unless the token's user may do ``action`` (app.permissions)."""
    user = g._login_user
    if can(user, action, obj):
        return
    if action != "view" and getattr(user, "token_scope", None) == "read":
        abort(403, message="This token can only read: make a write token to change the plan.")
    abort(403, message=f"Your role ({user.role}) may not do this here.")


def changes_something(body: dict[str, Any], fields: str) -> None:
    """422 for a change that names no field (an empty or missing body)."""
    if not body:
        abort(422, message=f"Send {fields}: nothing was changed.", errors=[
            {"field": None, "message": f"no field to change; send {fields}"}
        ])  # fmt: skip


def refuse(error: Refused, status: int = 422) -> None:
    abort(status, message=str(error), errors=error.errors())


# -- ETags -----------------------------------------------------------------------------


def etag_of(kind: str, ident: Any, version: int) -> str:
    return f'"{kind}-{ident}-v{version}"'


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": "The ETag of what you read (from its GET or the last change's answer).",
}


def guarded(blp: Blueprint, stale: Any = None) -> Callable:
    """Document an operation that needs If-Match: the header, 428, and 412 (its
    body a ``stale`` schema, Problem by default)."""

    def decorate(view: Callable) -> Callable:
        from app.api.schemas import Problem

        view = blp.alt_response(428, schema=Problem, description="If-Match was not sent.")(view)
        view = blp.alt_response(
            412, schema=stale or Problem, description="Changed since: `current` is what it is now."
        )(view)
        return blp.doc(parameters=[IF_MATCH])(view)

    return decorate


def check_if_match(current: str, representation: Callable[[], dict[str, Any]]) -> None:
    """A change needs ``If-Match`` with the current ETag: 428 without it, 412 (with
    the current representation in ``current``) when it names an older version."""
    # Weak tags match too (a proxy that compresses answers weakens their ETags),
    # which is safe: an ETag here names a version, whatever its encoding.
    tags = request.if_match
    if not tags or (not tags.as_set(include_weak=True) and not tags.star_tag):
        abort(
            428,
            message=f"Send If-Match: {current} (the ETag of what you read) to change it.",
        )
    if tags.star_tag or tags.contains_weak(current.strip('"')):
        return
    abort(
        412,
        message="It was changed after you read it: nothing was saved. "
        "Read it again (its current version is in `current`) and retry.",
        current=representation(),
        headers={"ETag": current},
    )


# -- Pagination ------------------------------------------------------------------------


def encode_cursor(position: Sequence[Any]) -> str:
    text = "\x1f".join(str(p) for p in position)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, parts: int) -> list[str] | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = None
    values = None if text is None else text.split("\x1f")
    if values is None or len(values) != parts:
        _not_a_cursor()
    return values


def _not_a_cursor() -> None:
    abort(400, message="The cursor is not one this API gave.", errors=[
        {"field": "cursor", "message": "not a cursor from a `next` link"}
    ])  # fmt: skip


def page_by_id(query: Any, id_column: Any, args: dict[str, Any]) -> dict[str, Any]:
    """A page of ``query`` (ordered by ``id_column``) after the cursor of ``args``:
    ``{"data": rows, "next": url or None}``."""
    after = decode_cursor(args["cursor"], 1)
    if after is not None:
        if not after[0].isdigit():
            _not_a_cursor()
        query = query.where(id_column > int(after[0]))
    rows = list(db.session.scalars(query.limit(args["limit"] + 1)))
    return page(rows, args["limit"], lambda row: (row.id,))


def page(rows: list[Any], limit: int, position: Callable[[Any], Sequence[Any]]) -> dict[str, Any]:
    """``{"data": rows[:limit], "next": url or None}`` from ``limit + 1`` rows."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if more:
        args = request.args.to_dict()
        args["cursor"] = encode_cursor(position(rows[-1]))
        next_url = url_for(request.endpoint, **(request.view_args or {}), **args, _external=False)
    return {"data": rows, "next": next_url}


def validation_error(error: ValidationError) -> None:
    abort(422, messages={"json": error.messages})
