"""The notification pages: the inbox (newest first, a page at a time; opening a
notification marks it read), the unread count in the top navigation, and each
person's channel per event on the account page. Unsubscribing takes one click
from a mail: the link shows what it stops, with a button; a mail client's
one-click POST (RFC 8058, ``List-Unsubscribe=One-Click``) stops it at once, with
no session or form token."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth import routes as auth_routes
from app.extensions import csrf, db
from app.models import NOTIFICATION_EVENTS, User
from app.notifications import bp, inbox
from app.notifications.forms import InboxQuery, MarkReadForm, PreferencesForm
from app.notifications.preferences import (
    PreferenceError,
    preferences_of,
    read_unsubscribe_token,
    set_channel,
)
from app.web import local_url


@bp.app_context_processor
def _unread() -> dict:
    """``unread_notifications()`` for the top navigation: one indexed, bounded
    COUNT, made at most once per request and only where a page shows it."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = inbox.unread_count(current_user.id)
        return g.unread_notifications

    return {"unread_notifications": unread_notifications, "unread_shown": inbox.UNREAD_SHOWN}


# The inbox


@bp.route("/notifications")
@login_required
def inbox_page():
    query = InboxQuery(request.args)
    if not query.validate():
        abort(400, "“before” is the id of a notification: a whole number from 1.")
    page = inbox.page_of(current_user.id, before=query.before.data)
    return render_template(
        "notifications/inbox.html",
        page=page,
        before=query.before.data,
        form=MarkReadForm(formdata=None),
    )


@bp.route("/notifications/<int:note_id>/read", methods=["POST"])
@login_required
def open_note(note_id: int):
    """Mark one's notification read and go to the page it is about."""
    note = inbox.note_of(current_user.id, note_id)
    if note is None:
        abort(404)
    if not MarkReadForm().validate_on_submit():
        abort(400)
    inbox.mark_read(note)
    return redirect(local_url(note.url) or url_for(".inbox_page"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    if not MarkReadForm().validate_on_submit():
        abort(400)
    marked = inbox.mark_all_read(current_user.id)
    if marked:
        flash(f"Marked {marked:,} notification{'s' if marked != 1 else ''} read.", "success")
    return redirect(url_for(".inbox_page"))


# Choosing what reaches you (on the account page)


@bp.route("/account/notifications", methods=["POST"])
@login_required
def save_preferences():
    """Each event's channel, all saved or (a bad value anywhere) none."""
    form = PreferencesForm()
    if form.validate_on_submit():
        current = preferences_of(current_user.id)
        try:
            for field in form.events():
                if field.data != current[field.name]:
                    set_channel(current_user.id, field.name, field.data)
        except PreferenceError as error:
            form[field.name].errors.append(str(error))
        else:
            flash("Your notification choices are saved.", "success")
            return redirect(url_for("auth.account") + "#notifications")
    return auth_routes.account_page(notifications_form=form, status=400)


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
