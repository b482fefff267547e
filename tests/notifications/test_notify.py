"""notify(): each person by their channel, one event once, a team's chat channel,
and the one-click unsubscribe of a mail."""

import pytest
from sqlalchemy import func, select

from app.models import ChatMessage, Notification, NotificationPreference, OutgoingMail
from app.notifications.notify import Note, notify
from app.notifications.preferences import (
    PreferenceError,
    read_unsubscribe_token,
    set_channel,
    unsubscribe_token,
)

NOTE = Note("request_received", "request:1", "Checkout asks Payments for PAY-7", "/items/PAY-7")


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_by_default_a_notification_goes_to_the_inbox_only(db, make_user):
    user = make_user("contributor")
    assert notify([user], NOTE) == 1
    [row] = db.session.scalars(select(Notification)).all()
    assert (row.user_id, row.title, row.url, row.read_at) == (
        user.id,
        NOTE.title,
        "/items/PAY-7",
        None,
    )
    assert _count(db, OutgoingMail) == 0


def test_each_channel_does_what_it_says(db, make_user):
    inbox, email, daily, off = (make_user("contributor") for _ in range(4))
    set_channel(email.id, NOTE.event, "email")
    set_channel(daily.id, NOTE.event, "daily")
    set_channel(off.id, NOTE.event, "off")
    assert notify([inbox, email, daily, off], NOTE) == 3
    rows = {n.user_id: n for n in db.session.scalars(select(Notification))}
    assert set(rows) == {inbox.id, email.id, daily.id}
    assert rows[daily.id].mail_daily and not rows[inbox.id].mail_daily
    [mail] = db.session.scalars(select(OutgoingMail)).all()
    assert mail.recipient == email.email and mail.subject == NOTE.title
    assert "http://" in mail.text and "/items/PAY-7" in mail.html
    assert mail.unsubscribe_url and "/unsubscribe/" in mail.unsubscribe_url


def test_one_event_reaches_a_person_once(db, make_user):
    user = make_user("contributor")
    set_channel(user.id, NOTE.event, "email")
    assert notify([user], NOTE) == 1
    assert notify([user], NOTE) == 0
    assert _count(db, Notification) == 1 and _count(db, OutgoingMail) == 1


def test_a_deactivated_person_is_left_out(db, make_user):
    user = make_user("contributor")
    user.active = False
    assert notify([user], NOTE) == 0


def test_a_teams_chat_channel_gets_it_once(db, make_team, make_user, queued):
    team = make_team("pay")
    team.chat_channel_url = "https://chat.example.com/hooks/pay"
    quiet = make_team("chk", kind="product")
    notify([make_user("contributor")], NOTE, teams=[team, quiet])
    notify([], NOTE, teams=[team])
    [message] = db.session.scalars(select(ChatMessage)).all()
    assert message.team_id == team.id and "PAY-7" in message.text
    assert message.url == team.chat_channel_url


def test_a_bad_choice_is_refused(db, make_user):
    user = make_user("viewer")
    with pytest.raises(PreferenceError):
        set_channel(user.id, "no_such_event", "email")
    with pytest.raises(PreferenceError):
        set_channel(user.id, NOTE.event, "pigeon")
    assert _count(db, NotificationPreference) == 0


def test_an_unsubscribe_token_names_its_person_and_event(app, make_user):
    user = make_user("viewer")
    token = unsubscribe_token(user.id, "weekly_digest")
    assert read_unsubscribe_token(token) == (user.id, "weekly_digest")
    assert read_unsubscribe_token(token[:-2] + "xx") is None
    assert read_unsubscribe_token("\x00") is None


def test_the_unsubscribe_link_asks_and_the_one_click_post_stops_the_mails(db, client, make_user):
    user = make_user("viewer")
    token = unsubscribe_token(user.id, "weekly_digest")
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and "The weekly digest" in page.get_data(as_text=True)
    assert _count(db, NotificationPreference) == 0  # a GET changes nothing
    done = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    db.session.expire_all()
    [choice] = db.session.scalars(select(NotificationPreference)).all()
    assert (choice.user_id, choice.event, choice.channel) == (user.id, "weekly_digest", "off")


def test_a_forged_unsubscribe_link_is_not_found(db, client):
    assert client.get("/unsubscribe/forged").status_code == 404
    assert client.post("/unsubscribe/forged").status_code == 404
