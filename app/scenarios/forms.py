"""Scenario forms: create, rename, copy, switch, compare (read from the query
string), auto-schedule, settling a clash, and the item form as a scenario holds it."""

from __future__ import annotations

from wtforms import (
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.fields import PERSON_WEEKS_MAX
from app.forms import FlaskForm, Form, strip
from app.models.scenario import SCENARIO_NAME_MAX
from app.planning.forms import PRIORITY_CHOICES, STATUS_CHOICES, optional_id

LIVE = "live"
PIN_CHOICES = [
    SelectChoice("in_progress", "Items in progress keep their periods"),
    SelectChoice("committed", "Committed and in-progress items keep their periods"),
    SelectChoice("none", "Every item may move"),
]

KEEP_CHOICES = [
    SelectChoice("live", "the live value"),
    SelectChoice("scenario", "the scenario's value"),
]


def _name_field(label: str = "Name"):
    return StringField(
        label,
        filters=[strip],
        validators=[DataRequired(), Length(max=SCENARIO_NAME_MAX)],
    )


def scenario_choices(scenarios, exclude=None) -> list[SelectChoice]:
    """The live plan, then each scenario (but ``exclude``) by name."""
    return [SelectChoice(LIVE, "The live plan")] + [
        SelectChoice(str(s.id), f"Scenario {s.name}") for s in scenarios if s is not exclude
    ]


class CreateForm(FlaskForm):
    name = _name_field()
    source = SelectField("Start from", default=LIVE, validators=[InputRequired()])


class ConfirmForm(FlaskForm):
    """A button that does one thing (switch into a scenario, back to the live plan):
    its CSRF token, and where to go next."""

    next = HiddenField()


class VersionForm(FlaskForm):
    """A change of a scenario as loaded at ``version`` (delete, apply, auto-schedule):
    refused when someone changed the scenario since."""

    version = IntegerField("Version", widget=HiddenInput(), validators=[InputRequired()])


class RenameForm(VersionForm):
    name = _name_field("New name")


class CopyForm(VersionForm):
    name = _name_field("Name of the copy")


class ResolveForm(VersionForm):
    """Settle clashes of the scenario as loaded at ``version``: keep the live value
    or the scenario's, for each ``target`` sent (one button per clash, or one for
    every clash the page lists). A target that is no clash now is refused by the
    operation, in words."""

    keep = SelectField("Keep", choices=KEEP_CHOICES, validators=[InputRequired()])
    target = SelectMultipleField("Clashes", validate_choice=False, validators=[DataRequired()])


class CompareForm(Form):
    """``?against=live`` (the default) or ``?against=<scenario id>``."""

    against = SelectField("Compare with", default=LIVE, validators=[Optional()])


class AutoscheduleForm(VersionForm):
    pin = SelectField("Pinned", choices=PIN_CHOICES, default="in_progress")
    horizon = SelectField("Latest period", validators=[Optional()])

    def offer(self, period_names) -> None:
        self.horizon.choices = [SelectChoice("", "The plan's last period")] + [
            SelectChoice(name, name) for name in period_names
        ]


class ScenarioItemForm(FlaskForm):
    """The item form in a scenario: the fields a scenario can change."""

    team = SelectField("Team", coerce=optional_id, validators=[DataRequired()])
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, coerce=int)
    start = SelectField("Start period", coerce=optional_id)
    end = SelectField("End period", coerce=optional_id)
    estimate = FloatField(
        "Estimate (person-weeks)", validators=[Optional(), NumberRange(min=0, max=PERSON_WEEKS_MAX)]
    )
    status = SelectField("Status", choices=STATUS_CHOICES)
    # the item's version in the scenario (app.scenarios.edits.edit_version)
    version = IntegerField("Version", widget=HiddenInput(), validators=[InputRequired()])

    def offer(self, periods, teams) -> None:
        choices = [SelectChoice("", "Backlog (no period)")] + [
            SelectChoice(period.id, period.name) for period in periods
        ]
        self.start.choices = choices
        self.end.choices = choices
        self.team.choices = [SelectChoice(t.id, f"{t.name} ({t.kind})") for t in teams]
