import hashlib
from functools import cache

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash

from app.auth import bp, operations, tokens
from app.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    NewTokenForm,
    RevokeTokenForm,
    SignOutEverywhereForm,
)
from app.auth.operations import AccountError
from app.extensions import db, limiter, login_manager
from app.forms import refused
from app.models import User
from app.notifications.forms import PreferencesForm
from app.notifications.preferences import preferences_of
from app.web import local_url

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"

FAILED_LOGINS_PER_MINUTE = "10/minute"
LONGEST_KEY = 254  # an e-mail address; longer keys are hashed


@cache
def _nobody() -> User:
    """A stand-in account, so that an unknown e-mail costs the same hashing time."""
    return User(password_hash=generate_password_hash("no account has this password"))


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return operations.user_of_session(token)


def _failed(response) -> bool:
    return request.method == "POST" and response.status_code != 302


def _submitted_email() -> str:
    """The e-mail a sign-in names, read as the form reads it: a form field, or a key
    of a JSON object (the first of a list, as Flask-WTF takes it). Anything else
    (another JSON value, a body that does not parse) is named by its text, so that
    no two accounts ever share a key."""
    if not request.is_json:
        value = request.form.get("email")
    else:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            body = None
        if body is None:
            value = "#" + hashlib.sha256(request.get_data()).hexdigest()
        else:
            value = MultiDict(body).get("email") if isinstance(body, dict) else body
    if value is None:
        return ""
    text = value.strip().lower() if isinstance(value, str) else f"({type(value).__name__}){value}"
    return text if len(text) <= LONGEST_KEY else "#" + hashlib.sha256(text.encode()).hexdigest()


def _account_key() -> str:
    return "account:" + _submitted_email()


def _sign_in(user: User, remember: bool) -> None:
    """Start a session of `user` in this browser (see app.auth.operations)."""
    operations.start_session(user)
    login_user(user, remember=remember)


def stay_signed_in(user: User) -> None:
    """After the signed-in user's sessions were all ended (their password changed),
    give this browser a new one, remembered if the old one was."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    _sign_in(user, remember=remember_cookie in request.cookies)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(FAILED_LOGINS_PER_MINUTE, methods=["POST"], deduct_when=_failed)
@limiter.limit(
    FAILED_LOGINS_PER_MINUTE, key_func=_account_key, methods=["POST"], deduct_when=_failed
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        password_ok = (user or _nobody()).check_password(form.password.data)
        if user is not None and user.active and password_ok:
            _sign_in(user, remember=form.remember.data)
            return redirect(local_url(request.args.get("next")) or url_for("main.home"))
        flash("That e-mail and password do not match an active account.", "error")
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: this browser's session ends for good, a copy of its cookies included."""
    operations.end_session(current_user.session_token)
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


# The account page


def account_page(
    password_form: ChangePasswordForm | None = None,
    token_form: NewTokenForm | None = None,
    new_token: tokens.NewToken | None = None,
    notifications_form: PreferencesForm | None = None,
    status: int = 200,
):
    sessions = operations.live_sessions(current_user)
    return render_template(
        "auth/account.html",
        password_form=password_form or ChangePasswordForm(),
        everywhere_form=SignOutEverywhereForm(),
        sessions=sessions,
        this_session=next(
            (s for s in sessions if operations.is_session(s, current_user.session_token)), None
        ),
        token_form=token_form or NewTokenForm(formdata=None),
        revoke_form=RevokeTokenForm(),
        tokens=tokens.tokens_of(current_user),
        new_token=new_token,
        is_expired=tokens.is_expired,
        notifications_form=notifications_form
        or PreferencesForm(formdata=None, data=preferences_of(current_user.id)),
    ), status


def _password_key() -> str:
    return f"password:{current_user.id}"


@bp.route("/account")
@login_required
def account():
    return account_page()


@bp.route("/account/password", methods=["POST"])
@login_required
@limiter.limit(FAILED_LOGINS_PER_MINUTE, key_func=_password_key, deduct_when=_failed)
def change_password():
    """Change one's own password: every session ends, and this browser gets a new one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            operations.change_own_password(
                user, current=form.current_password.data, new=form.new_password.data
            )
        except AccountError as error:
            refused(form, error)
        else:
            stay_signed_in(user)
            flash(
                "Your password is changed. Every other browser signed in to your account "
                "is signed out.",
                "success",
            )
            return redirect(url_for(".account"))
    return account_page(form, status=400)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of the signed-in user, this browser's included."""
    if not SignOutEverywhereForm().validate_on_submit():
        return account_page(status=400)
    operations.end_all_sessions(current_user)
    logout_user()
    flash("You are signed out in every browser, this one included.", "info")
    return redirect(url_for(".login"))
