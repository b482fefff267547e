"""Helpers of the weekly status tests: dates around today, status updates, and
the weekly form read from a page as a browser would send it."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from app.clock import utcnow
from app.models import StatusUpdate
from app.weeks import iso_week


def add_update(db, item, *, days_ago=0.0, health=None, status=None, note="", author=None, **kw):
    at = kw.pop("at", None) or utcnow() - timedelta(days=days_ago)
    update = StatusUpdate(
        item_id=item.id,
        week=iso_week(at),
        health=health or item.health,
        status=status or item.status,
        note=note,
        author=author,
        at=at,
        **kw,
    )
    db.session.add(update)
    db.session.flush()
    return update


def stale_keys(page: str) -> set[str]:
    """The keys of the items that a weekly page marks stale."""
    return set(re.findall(r'class="badge badge-stale" title="([A-Z]+-\d+)', page))


class _FormReader(HTMLParser):
    """The fields of the weekly form as a browser would send them (no button)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._inside = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "data-week-form" in a:
            self._inside = True
        if not self._inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox"):
            self.fields[name] = a.get("value", "")
        elif tag == "input" and name and "checked" in a:
            self.fields[name] = a.get("value", "y")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a["value"]
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None


class WeekPage:
    """The weekly form of a page, to change rows by item key and send back."""

    def __init__(self, html: str):
        reader = _FormReader()
        reader.feed(html)
        self.fields = reader.fields
        self.rows = {
            value: name.removesuffix("-key")
            for name, value in self.fields.items()
            if name.startswith("rows-") and name.endswith("-key")
        }

    def set(self, key: str, **values) -> WeekPage:
        prefix = self.rows[key]
        for name, value in values.items():
            if name == "no_change":
                if value:
                    self.fields[f"{prefix}-no_change"] = "y"
                else:
                    self.fields.pop(f"{prefix}-no_change", None)
            else:
                self.fields[f"{prefix}-{name}"] = str(value)
        return self

    def data(self, button: str = "save") -> dict[str, str]:
        return {**self.fields, button: "y"}
