from functools import cache
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.auth import bp
from app.auth.forms import LoginForm
from app.extensions import db, limiter, login_manager
from app.models import User

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"

FAILED_LOGINS_PER_MINUTE = "10/minute"


@cache
def _nobody() -> User:
    """A stand-in account, so that an unknown e-mail costs the same hashing time."""
    return User(password_hash=generate_password_hash("no account has this password"))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _failed(response) -> bool:
    return request.method == "POST" and response.status_code != 302


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.home")


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
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash("That e-mail and password do not match an active account.", "error")
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
