"""Notifications: what concerns a person reaches them in the app's inbox and, as
they choose per event, by e-mail at once or in one mail a day; a team's chat
channel gets what its members get. ``notify`` (app.notifications.notify) is the
one way in; the pages are the inbox, the account page's preferences and the
one-click unsubscribe."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from app.notifications import routes  # noqa: E402,F401
