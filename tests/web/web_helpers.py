"""Reading what the web tests get back: a page's text, and rows counted."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.models import AuditEvent


def text_of(response) -> str:
    """The page's text without tags and with whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"').strip()


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_count(db) -> int:
    return count(db, AuditEvent)
