"""The inbox: a person's notifications newest first, fifty a page by keyset (as
quick with ten thousand as with ten), opened (and so read) one by one or all
marked read at once; the unread count in the top navigation."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, text

from app.clock import utcnow
from app.models import Notification
from app.notifications.inbox import PAGE_SIZE
from app.notifications.notify import Note, notify
from app.web import ID_MAX


@pytest.fixture
def make_notes(db):
    """``make_notes(user, count, read=False)``: that many notifications, the newest
    last (title "Note <n>", page /items/PAY-<n>), in one INSERT."""

    def make(user, count, read=False, start=1):
        now = utcnow()
        rows = [
            {
                "user_id": user.id,
                "event": "request_received",
                "key": f"test:{n}",
                "title": f"Note {n}",
                "body": f"Line of note {n}",
                "url": f"/items/PAY-{n}",
                "created_at": now - timedelta(minutes=count - n),
                "read_at": now if read else None,
                "mail_daily": False,
            }
            for n in range(start, start + count)
        ]
        db.session.execute(insert(Notification), rows)
        db.session.flush()

    return make


def _titles(page: str) -> list[str]:
    return re.findall(r'<button type="submit" class="open">([^<]+)</button>', page)


def _badge(page: str) -> str | None:
    found = re.search(r'class="inbox-link"[^>]*>Inbox(?: <span class="count"[^>]*>([^<]*))?', page)
    assert found, "no Inbox link in the navigation"
    return found.group(1)


def test_the_inbox_shows_ones_own_notifications_newest_first(db, as_user, make_user, make_notes):
    client, user = as_user("viewer")
    make_notes(user, 3)
    make_notes(make_user("viewer"), 1, start=9)  # someone else's
    page = client.get("/notifications")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert _titles(body) == ["Note 3", "Note 2", "Note 1"]
    assert "Line of note 3" in body and "Note 9" not in body
    stamp = utcnow().strftime("%Y-%m-%d %H:%M")
    assert f"{stamp} UTC" in body and body.count("· unread") == 3
    assert "Older" not in body


def test_fifty_a_page_and_older_ones_behind_a_link(db, as_user, make_notes):
    client, user = as_user("viewer")
    make_notes(user, PAGE_SIZE * 2 + 5)
    first = client.get("/notifications").get_data(as_text=True)
    titles = _titles(first)
    assert len(titles) == PAGE_SIZE and titles[0] == "Note 105" and titles[-1] == "Note 56"
    older = re.search(r'href="(/notifications\?before=\d+)" rel="next">Older', first).group(1)
    second = client.get(older).get_data(as_text=True)
    assert _titles(second)[0] == "Note 55" and len(_titles(second)) == PAGE_SIZE
    assert 'href="/notifications">Newest' in second
    last = re.search(r'href="([^"]+)" rel="next"', second).group(1)
    third = client.get(last).get_data(as_text=True)
    assert _titles(third) == [f"Note {n}" for n in (5, 4, 3, 2, 1)]
    assert "Older" not in third


def test_a_page_costs_the_same_for_ten_thousand_notifications_as_for_ten(
    db, as_user, make_user, make_notes, count_queries
):
    client, few = as_user("viewer")
    make_notes(few, 10)
    with count_queries() as small:
        assert client.get("/notifications").status_code == 200
    client, many = as_user("viewer")
    make_notes(many, 10_000, start=100)
    with count_queries() as large:
        page = client.get("/notifications?before=5000")
    assert page.status_code == 200 and len(_titles(page.get_data(as_text=True))) == PAGE_SIZE
    assert large.n == small.n
    if db.engine.dialect.name == "sqlite":  # the page walks the (user_id, id) index
        plan = " ".join(
            str(row[-1])
            for row in db.session.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT * FROM notification WHERE user_id = :u "
                    "AND id < :b ORDER BY id DESC LIMIT 51"
                ),
                {"u": many.id, "b": 5000},
            )
        )
        assert "ix_notification_inbox" in plan and "TEMP B-TREE" not in plan


@pytest.mark.parametrize("before", ["0", "-1", str(ID_MAX + 1), "9" * 30, "abc", "1e3", "%00"])
def test_a_bad_before_is_refused(db, as_user, before):
    client, _user = as_user("viewer")
    assert client.get(f"/notifications?before={before}").status_code == 400


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(db, as_user):
    client, user = as_user("viewer")
    notify([user], Note("request_received", "request:7", "Checkout asks", "/items/PAY-7"))
    [note] = db.session.scalars(select(Notification)).all()
    assert client.get("/notifications").status_code == 200
    db.session.refresh(note)
    assert note.read_at is None  # a GET writes nothing
    response = client.post(f"/notifications/{note.id}/read")
    assert response.status_code == 302 and response.headers["Location"] == "/items/PAY-7"
    db.session.refresh(note)
    assert note.read_at is not None
    page = client.get("/notifications").get_data(as_text=True)
    assert "· read" in page and "· unread" not in page


def test_a_notification_whose_page_is_not_on_this_site_goes_back_to_the_inbox(
    db, as_user, make_notes
):
    client, user = as_user("viewer")
    make_notes(user, 1)
    note = db.session.scalar(select(Notification))
    note.url = "//evil.example.com/x"
    response = client.post(f"/notifications/{note.id}/read")
    assert response.headers["Location"] == "/notifications"


def test_someone_elses_notification_is_not_found_and_stays_unread(
    db, as_user, make_user, make_notes
):
    other = make_user("viewer")
    make_notes(other, 1)
    note = db.session.scalar(select(Notification))
    client, _me = as_user("admin")
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert client.post(f"/notifications/{ID_MAX + 1}/read").status_code == 404
    assert client.post("/notifications/-1/read").status_code == 404
    db.session.refresh(note)
    assert note.read_at is None


def test_mark_all_read_marks_only_ones_own(db, as_user, make_user, make_notes):
    other = make_user("viewer")
    make_notes(other, 2)
    client, user = as_user("viewer")
    make_notes(user, 3, start=10)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Mark all read" in page
    response = client.post("/notifications/read", follow_redirects=True)
    assert "Marked 3 notifications read." in response.get_data(as_text=True)
    unread = dict(
        db.session.execute(
            select(Notification.user_id, func.count())
            .where(Notification.read_at.is_(None))
            .group_by(Notification.user_id)
        ).all()
    )
    assert unread == {other.id: 2}
    assert "Mark all read" not in client.get("/notifications").get_data(as_text=True)


def test_the_navigation_counts_unread_notifications(db, as_user, make_notes):
    client, user = as_user("viewer")
    assert _badge(client.get("/account").get_data(as_text=True)) is None  # nothing when 0
    make_notes(user, 2, read=True)
    make_notes(user, 3, start=10)
    page = client.get("/account").get_data(as_text=True)
    assert _badge(page) == "3"
    assert '<span class="visually-hidden"> unread</span>' in page
    make_notes(user, 150, start=100)
    assert _badge(client.get("/roadmap").get_data(as_text=True)) == "99+"


def test_the_unread_count_is_one_query_however_many_wait(db, as_user, make_notes, count_queries):
    client, user = as_user("viewer")
    with count_queries() as none_unread:
        client.get("/account")
    make_notes(user, 500)
    with count_queries() as many_unread:
        client.get("/account")
    assert many_unread.n == none_unread.n


def test_signed_out_the_inbox_asks_to_sign_in(db, client):
    response = client.get("/notifications")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
