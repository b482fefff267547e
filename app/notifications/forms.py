"""The forms of the notification pages: the inbox's paging and buttons, and each
person's channel per event on the account page."""

from __future__ import annotations

from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.forms import FlaskForm, Form
from app.models import NOTIFICATION_EVENTS
from app.web import ID_MAX

# What each channel does, as a person chooses it.
CHANNEL_CHOICES = [
    SelectChoice("inbox", "In the app"),
    SelectChoice("email", "In the app and by e-mail at once"),
    SelectChoice("daily", "In the app and in one e-mail a day"),
    SelectChoice("off", "Off"),
]


class InboxQuery(Form):
    """``?before=<id>``: the page of notifications older than that one."""

    before = IntegerField(validators=[Optional(), NumberRange(min=1, max=ID_MAX)])


class MarkReadForm(FlaskForm):
    """A button: mark one notification, or all of them, read."""


class PreferencesForm(FlaskForm):
    """One choice of channel per event, named by the event (``request_received``).
    Every event is sent, as a browser sends every select of the form."""

    def events(self):
        return [self[event] for event in NOTIFICATION_EVENTS]


for _event, _label in NOTIFICATION_EVENTS.items():
    setattr(
        PreferencesForm,
        _event,
        SelectField(_label, choices=CHANNEL_CHOICES, validators=[InputRequired()]),
    )
