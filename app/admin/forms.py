"""Admin forms check the shape of the input; app.admin.operations checks the rules."""

from wtforms import (
    DateField,
    EmailField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from app.admin.operations import FIRST_YEAR, LAST_YEAR
from app.fields import EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PERIOD_NAME_MAX, PERSON_WEEKS_MAX
from app.forms import FlaskForm, strip
from app.models.webhook import URL_MAX

ROLE_CHOICES = [
    SelectChoice("viewer", "Viewer: reads the roadmap and the dashboards"),
    SelectChoice("contributor", "Contributor: updates the status of their teams' items"),
    SelectChoice("planner", "Planner: plans quarters and resolves conflicts"),
    SelectChoice("admin", "Admin: everything, including accounts, teams and periods"),
]
KIND_CHOICES = [SelectChoice("platform", "Platform team"), SelectChoice("product", "Product team")]


def _slug(value):
    return value.strip().lower() if isinstance(value, str) else value


class _UserFields(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=NAME_MAX)])
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])
    teams = SelectMultipleField("Teams", coerce=int)


class NewUserForm(_UserFields):
    email = EmailField(
        "E-mail", filters=[strip], validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)]
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class EditUserForm(_UserFields):
    password = PasswordField("New password", validators=[Optional(), Length(max=PASSWORD_MAX)])


class _TeamFields(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=NAME_MAX)])
    kind = SelectField("Kind", choices=KIND_CHOICES, validators=[DataRequired()])
    default_capacity = FloatField(
        "Default capacity (person-weeks per period)",
        validators=[Optional(), NumberRange(min=0, max=PERSON_WEEKS_MAX)],
    )
    chat_channel_url = URLField(
        "Chat channel (incoming webhook URL)",
        filters=[strip],
        validators=[Optional(), Length(max=URL_MAX)],
    )


class NewTeamForm(_TeamFields):
    slug = StringField("Slug", filters=[_slug], validators=[DataRequired()])


class EditTeamForm(_TeamFields):
    pass


class PeriodForm(FlaskForm):
    name = StringField(
        "Name", filters=[strip], validators=[DataRequired(), Length(max=PERIOD_NAME_MAX)]
    )
    start_date = DateField("Start", validators=[InputRequired()])
    end_date = DateField("End", validators=[InputRequired()])


class QuartersForm(FlaskForm):
    year = IntegerField(
        "Year", validators=[InputRequired(), NumberRange(min=FIRST_YEAR, max=LAST_YEAR)]
    )
