"""Signing per the Standard Webhooks specification: a secret is ``whsec_`` and the
base64 of random bytes (the key); a delivery is signed by the base64 HMAC-SHA256,
with the key, of ``"<webhook-id>.<webhook-timestamp>.<body>"``, sent as
``webhook-signature: v1,<signature>``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
KEY_BYTES = 24


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def verify(
    secret: str, header: dict[str, str], body: bytes, now: int, tolerance: int = 300
) -> bool:
    """Whether a delivery's headers sign ``body`` (what a receiver checks; see
    docs/webhooks.md): one of the space-separated ``v1,`` signatures matches, and
    the timestamp is within ``tolerance`` seconds of ``now``."""
    message_id = header["webhook-id"]
    timestamp = int(header["webhook-timestamp"])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, message_id, timestamp, body)
    return any(
        hmac.compare_digest(expected, candidate)
        for candidate in header["webhook-signature"].split()
    )
