"""The weekly update form: one row per active item. The form checks each field's
shape; app.status.operations checks the rules between fields and items."""

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.alignment import HEALTHS, STATUSES
from app.alignment.text import health_word, status_word
from app.fields import KEY_MAX, STATUS_NOTE_MAX, too_long
from app.forms import FlaskForm, Form, strip

HEALTH_CHOICES = [SelectChoice(value, health_word(value).capitalize()) for value in HEALTHS]
STATUS_CHOICES = [SelectChoice(value, status_word(value).capitalize()) for value in STATUSES]
PROGRESS_MESSAGE = "Progress is a whole number from 0 to 100."


class PercentField(IntegerField):
    """A whole percentage, or empty; anything else gets one plain message."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        self.data = int(text) if text.isascii() and text.isdigit() else None
        if text and self.data is None:
            raise ValueError(PROGRESS_MESSAGE)


class RowForm(Form):
    key = HiddenField("Item", validators=[DataRequired(), Length(max=KEY_MAX)])
    # What the page showed when it was loaded: the id of the item's newest update
    # (0 if none), its health, status and progress. A row whose item has moved on
    # since then is reported instead of saved.
    last_update_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    was_health = HiddenField(validators=[AnyOf(HEALTHS)])
    was_status = HiddenField(validators=[AnyOf(STATUSES)])
    was_progress = PercentField(widget=HiddenInput(), validators=[Optional()])
    health = SelectField("Health", choices=HEALTH_CHOICES)
    status = SelectField("Status", choices=STATUS_CHOICES)
    progress = PercentField(
        "Progress %", validators=[Optional(), NumberRange(0, 100, message=PROGRESS_MESSAGE)]
    )
    note = TextAreaField(
        "Note",
        filters=[strip],
        validators=[Length(max=STATUS_NOTE_MAX, message=too_long("note", STATUS_NOTE_MAX))],
    )
    no_change = BooleanField("No change")


class WeekForm(FlaskForm):
    submission = HiddenField(validators=[DataRequired(), Length(min=8, max=36)])
    rows = FieldList(FormField(RowForm), max_entries=2000)
    save = SubmitField("Save changes")
    save_all = SubmitField("Save, and confirm every other row as unchanged")


class TeamChoiceForm(FlaskForm):
    """Planners and admins: the team to fill in for (sent with GET)."""

    class Meta:
        csrf = False

    team = SelectField("Team", validators=[DataRequired()])
