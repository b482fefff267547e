from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.fields import EMAIL_MAX, PASSWORD_MAX
from app.forms import FlaskForm


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
