"""Choosing what reaches you, on the account page: one choice per event, all saved
at once, or (a bad value anywhere) nothing saved."""

import re
from html import unescape

from sqlalchemy import func, select

from app.models import NOTIFICATION_EVENTS, NotificationPreference
from app.notifications.preferences import default_channel, preferences_of, set_channel

CHANNEL_LABELS = {
    "inbox": "In the app",
    "email": "In the app and by e-mail at once",
    "daily": "In the app and in one e-mail a day",
    "off": "Off",
}


def _chosen(page: str, event: str) -> str:
    select_html = re.search(rf'<select[^>]*name="{event}"[^>]*>(.*?)</select>', page, re.S)
    assert select_html, f"no select for {event}"
    return re.search(r'<option selected value="([^"]+)"', select_html.group(1)).group(1)


def _form(**changes) -> dict[str, str]:
    """Every event at its default, but for ``changes``."""
    return {**{event: default_channel(event) for event in NOTIFICATION_EVENTS}, **changes}


def test_the_account_page_offers_a_channel_for_each_event(db, as_user):
    client, user = as_user("viewer")
    set_channel(user.id, "conflict_opened", "daily")
    page = client.get("/account").get_data(as_text=True)
    section = unescape(page[page.index('id="notifications"') :])
    for label in NOTIFICATION_EVENTS.values():
        assert label in section
    for value, label in CHANNEL_LABELS.items():
        assert f'value="{value}">{label}</option>' in section
    assert _chosen(page, "conflict_opened") == "daily"
    assert _chosen(page, "weekly_digest") == "email"  # its default
    assert _chosen(page, "request_received") == "inbox"
    assert 'action="/account/notifications"' in section


def test_the_choices_are_saved_together(db, as_user):
    client, user = as_user("contributor")
    response = client.post(
        "/account/notifications",
        data=_form(request_received="email", needed_moved="off", weekly_digest="daily"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account#notifications"
    db.session.expire_all()
    chosen = preferences_of(user.id)
    assert (chosen["request_received"], chosen["needed_moved"], chosen["weekly_digest"]) == (
        "email",
        "off",
        "daily",
    )
    # only what differs from the default is written: the defaults can still change
    assert db.session.scalar(select(func.count()).select_from(NotificationPreference)) == 3
    page = client.get("/account").get_data(as_text=True)
    assert "Your notification choices are saved." in page
    assert _chosen(page, "needed_moved") == "off"


def test_a_bad_value_is_a_form_error_and_changes_nothing(db, as_user):
    client, user = as_user("viewer")
    set_channel(user.id, "conflict_resolved", "off")
    response = client.post(
        "/account/notifications",
        data=_form(request_received="email", conflict_resolved="inbox", needed_at_risk="pigeon"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error"' in page and "Not a valid choice" in page
    assert _chosen(page, "request_received") == "email"  # what was sent, shown again
    db.session.expire_all()
    rows = db.session.scalars(select(NotificationPreference)).all()
    assert [(r.event, r.channel) for r in rows] == [("conflict_resolved", "off")]


def test_a_post_that_leaves_an_event_out_changes_nothing(db, as_user):
    client, user = as_user("viewer")
    form = _form(request_received="off")
    del form["weekly_digest"]
    assert client.post("/account/notifications", data=form).status_code == 400
    assert client.post("/account/notifications", json=[1]).status_code == 400
    nul = {**form, "weekly_digest": "email", "request_received": "a\x00"}
    assert client.post("/account/notifications", data=nul).status_code == 400
    db.session.expire_all()
    assert preferences_of(user.id)["request_received"] == "inbox"
    assert db.session.scalar(select(func.count()).select_from(NotificationPreference)) == 0
