"""Personal access tokens on the account page: make one (shown once), see when
each was last used, revoke it."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from app.auth import bp, tokens
from app.auth.forms import NewTokenForm, RevokeTokenForm
from app.auth.routes import account_page
from app.forms import refused


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    """A new token for the signed-in user. It is shown in this answer only: never
    stored, never put in a cookie or a flash message."""
    form = NewTokenForm()
    if form.validate_on_submit():
        try:
            made = tokens.create_token(
                current_user._get_current_object(),
                name=form.name.data,
                scope=form.scope.data,
                expires_days=form.expires_days.data,
            )
        except tokens.TokenError as error:
            refused(form, error)
        else:
            return account_page(new_token=made, status=201)
    return account_page(token_form=form, status=400)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if not RevokeTokenForm().validate_on_submit():
        return account_page(status=400)
    if tokens.revoke_token(current_user, token_id):
        flash("The token is revoked: scripts using it are refused from now on.", "info")
    else:
        flash("That token was already revoked.", "info")
    return redirect(url_for(".account") + "#tokens")
