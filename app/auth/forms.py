from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional

from app.auth.tokens import LONGEST_LIFETIME_DAYS
from app.fields import EMAIL_MAX, NAME_MAX, PASSWORD_MAX
from app.forms import FlaskForm, strip


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField("Keep me signed in")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired(),
            EqualTo("new_password", message="The two new passwords differ."),
        ],
    )


class SignOutEverywhereForm(FlaskForm):
    """A button: end every session of the signed-in user."""


class NewTokenForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=NAME_MAX)])
    scope = RadioField(
        "Access",
        choices=[
            SelectChoice("read", "Read the plan"),
            SelectChoice("write", "Read and change the plan"),
        ],
        default="read",
        validators=[DataRequired()],
    )
    expires_days = IntegerField(
        "Expires after (days)",
        validators=[Optional(), NumberRange(min=1, max=LONGEST_LIFETIME_DAYS)],
    )


class RevokeTokenForm(FlaskForm):
    """A button: revoke one of one's own tokens."""
