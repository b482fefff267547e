"""Forms of the dashboard area: the conflict filters and the snapshot chosen for
slippage (read from the query string), and the decision about a conflict."""

from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.alignment import CONFLICT_TYPES, SEVERITIES
from app.alignment.text import type_label
from app.fields import NOTE_MAX
from app.forms import FlaskForm, Form, strip

STATE_FILTERS = (
    ("", "Any state"),
    ("unaccepted", "Open or acknowledged"),
    ("open", "Open"),
    ("acknowledged", "Acknowledged"),
    ("accepted", "Accepted risk"),
)


class _Choice(SelectField):
    """A select that names the value it refuses: ``refusal`` with {value} in it, or
    'There is no <label> "<value>" to choose.'"""

    def __init__(self, label=None, validators=None, refusal: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.refusal = refusal or f'There is no {str(label).lower()} "{{value}}" to choose.'

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.refusal.format(value=self.data)) from None


class ConflictFilterForm(Form):
    """The filters in the conflict list's URL: ?type=&severity=&team=&period=&state=
    &page=, and format=csv to download what they select."""

    type = _Choice(
        "Type",
        choices=[SelectChoice("", "Any type")]
        + [SelectChoice(t, type_label(t)) for t in CONFLICT_TYPES],
        validators=[Optional()],
    )
    severity = _Choice(
        "Severity",
        choices=[SelectChoice("", "Any severity")]
        + [SelectChoice(s, s.capitalize()) for s in SEVERITIES],
        validators=[Optional()],
    )
    team = _Choice("Team", validators=[Optional()])
    period = _Choice("Period", validators=[Optional()])
    state = _Choice(
        "State",
        choices=[SelectChoice(v, label) for v, label in STATE_FILTERS],
        validators=[Optional()],
    )
    page = IntegerField(
        "Page",
        validators=[Optional(), NumberRange(min=1, message="Page numbers start at 1.")],
    )
    format = _Choice(
        "Format",
        choices=[SelectChoice("", "Web page"), SelectChoice("csv", "CSV")],
        validators=[Optional()],
    )

    def offer(self, teams: list[tuple[str, str]], periods: list[str]) -> None:
        self.team.choices = [SelectChoice("", "Any team")] + [
            SelectChoice(slug, name) for slug, name in teams
        ]
        self.period.choices = [SelectChoice("", "Any period")] + [
            SelectChoice(name) for name in periods
        ]

    def filters(self) -> dict[str, str | None]:
        return {
            name: (self[name].data or None)
            for name in ("type", "severity", "team", "period", "state")
        }


class DecisionForm(FlaskForm):
    state = RadioField(
        "Decision",
        choices=[
            SelectChoice("acknowledged", "Acknowledge: we know, and we are on it"),
            SelectChoice("accepted", "Accept the risk: we will live with it"),
        ],
        validators=[InputRequired(message="Choose to acknowledge or to accept the risk.")],
    )
    note = TextAreaField(
        "Note (required)",
        filters=[strip],
        validators=[
            DataRequired(message="Say why in a note: it is what others will read."),
            Length(max=NOTE_MAX),
        ],
    )
    next = HiddenField()


class WithdrawForm(FlaskForm):
    next = HiddenField()


class SinceForm(Form):
    since = _Choice(
        "Compared with the snapshot of",
        validators=[Optional()],
        refusal='No snapshot was taken in the week "{value}": choose one of those listed.',
    )
