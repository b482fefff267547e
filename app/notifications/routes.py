"""The notification pages. Unsubscribing takes one click from a mail: the link
shows what it stops, with a button; a mail client's one-click POST (RFC 8058,
``List-Unsubscribe=One-Click``) stops it at once, with no session or form token."""

from __future__ import annotations

from flask import abort, render_template

from app.extensions import csrf, db
from app.models import NOTIFICATION_EVENTS, User
from app.notifications import bp
from app.notifications.preferences import read_unsubscribe_token, set_channel


def _subscription(token: str) -> tuple[User, str]:
    found = read_unsubscribe_token(token)
    user = None if found is None else db.session.get(User, found[0])
    if user is None:
        abort(404)
    return user, found[1]


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    user, event = _subscription(token)
    return render_template(
        "notifications/unsubscribe.html",
        user=user,
        event=NOTIFICATION_EVENTS[event],
        token=token,
        done=False,
    )


@bp.route("/unsubscribe/<token>", methods=["POST"])
@csrf.exempt
def unsubscribe_now(token: str):
    user, event = _subscription(token)
    set_channel(user.id, event, "off")
    return render_template(
        "notifications/unsubscribe.html",
        user=user,
        event=NOTIFICATION_EVENTS[event],
        token=token,
        done=True,
    )
