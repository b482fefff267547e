"""Planning forms check the shape of the input; the operations check the rules.

Period, team and item choices are filled in by the views from the database.
"""

from flask import request
from wtforms import (
    FloatField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.alignment import HEALTHS, PRIORITY_NAMES, STATUSES
from app.alignment.text import health_word, status_word
from app.fields import DESCRIPTION_MAX, NOTE_MAX, OWNER_MAX, PERSON_WEEKS_MAX, TITLE_MAX
from app.forms import INT_LIMIT, FlaskForm, strip

PRIORITY_CHOICES = [
    SelectChoice(n, f"{name}{' (highest)' if n == 0 else ' (lowest)' if n == 3 else ''}")
    for n, name in enumerate(PRIORITY_NAMES)
]
# A new item starts at P2, not at the top of the list: P0 is for the few items that
# everything else yields to, and an item filed at P0 by default would rank itself
# above its own dependencies' work (priority inversions) until someone noticed.
NEW_ITEM_PRIORITY = 2
STATUS_CHOICES = [SelectChoice(s, status_word(s)) for s in STATUSES]
HEALTH_CHOICES = [SelectChoice(h, health_word(h)) for h in HEALTHS]
ANSWER_CHOICES = [
    SelectChoice("committed", "Commit: our team will deliver it"),
    SelectChoice("declined", "Decline: our team will not deliver it"),
]


def optional_id(value):
    """A select's value as an id, or None for the empty choice; a number that no
    id can be (beyond 64 bits) is not a choice."""
    if value is None or value == "" or value == "None":
        return None
    number = int(value)
    if abs(number) > INT_LIMIT:
        raise ValueError("not an id")
    return number


def form_for(form_class, **loaded):
    """A GET shows the form filled with `loaded`; a POST reads only what was sent,
    so that a version is never taken from the stored row instead of the user's page."""
    if request.method == "POST":
        return form_class()
    return form_class(data=loaded)


def _version_field():
    return IntegerField("Version", widget=HiddenInput(), validators=[InputRequired()])


class _ItemFields(FlaskForm):
    title = StringField(
        "Title", filters=[strip], validators=[DataRequired(), Length(max=TITLE_MAX)]
    )
    description = TextAreaField(
        "Description", filters=[strip], validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, coerce=int)
    start = SelectField("Start period", coerce=optional_id)
    end = SelectField("End period", coerce=optional_id)
    estimate = FloatField(
        "Estimate (person-weeks)", validators=[Optional(), NumberRange(min=0, max=PERSON_WEEKS_MAX)]
    )
    status = SelectField("Status", choices=STATUS_CHOICES)
    health = SelectField("Health", choices=HEALTH_CHOICES)
    owner = StringField("Owner", filters=[strip], validators=[Optional(), Length(max=OWNER_MAX)])

    def offer_periods(self, periods) -> None:
        choices = [SelectChoice("", "Backlog (no period)")] + [
            SelectChoice(period.id, period.name) for period in periods
        ]
        self.start.choices = choices
        self.end.choices = choices


class NewItemForm(_ItemFields):
    team = SelectField("Team", coerce=optional_id, validators=[InputRequired()])


class EditItemForm(_ItemFields):
    version = _version_field()


class VersionForm(FlaskForm):
    """The confirmation of an action on a row, as loaded at `version`."""

    version = _version_field()


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search items by key or title", filters=[strip])


class _NeededByField(FlaskForm):
    needed_by = SelectField("Needed by", coerce=optional_id)

    def offer_periods(self, periods) -> None:
        self.needed_by.choices = [SelectChoice("", "The needing item's start period (default)")] + [
            SelectChoice(period.id, period.name) for period in periods
        ]


class AddDependencyForm(_NeededByField):
    other = SelectField("Item", coerce=optional_id, validators=[InputRequired()])


class EditDependencyForm(_NeededByField):
    version = _version_field()


class AnswerForm(VersionForm):
    commitment = RadioField("Answer", choices=ANSWER_CHOICES, validators=[InputRequired()])
    note = TextAreaField("Note", filters=[strip], validators=[Optional(), Length(max=NOTE_MAX)])
