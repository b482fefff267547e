"""`flask tokens`: personal access tokens for the API from the command line."""

import click
from sqlalchemy import func, select

from app.auth import tokens as operations
from app.cli import BadInput
from app.extensions import db
from app.models import TOKEN_SCOPES, User


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise BadInput(f"No account has the e-mail {email!r}.")
    return user


@click.group("tokens")
def tokens() -> None:
    """Make, list and revoke access tokens for the API."""


@tokens.command("create")
@click.option("--email", required=True, help="The account the token acts as.")
@click.option("--name", default="command line", show_default=True, help="What it is for.")
@click.option(
    "--scope",
    type=click.Choice(TOKEN_SCOPES),
    default="read",
    show_default=True,
    help="read, or write to change the plan too (never beyond the account's role).",
)
@click.option(
    "--expires-days", type=int, default=None, help="Days until it expires; default never."
)
def create_token(email: str, name: str, scope: str, expires_days: int | None) -> None:
    """Make a token and print it alone on standard output (it is shown once)."""
    user = _user(email)
    try:
        made = operations.create_token(user, name=name, scope=scope, expires_days=expires_days)
    except operations.TokenError as error:
        raise BadInput(str(error)) from error
    db.session.commit()
    click.echo(made.token)


@tokens.command("list")
@click.option("--email", required=True, help="Whose tokens.")
def list_tokens(email: str) -> None:
    """The account's tokens that are not revoked: id, name, scope, last use, expiry."""
    for t in operations.tokens_of(_user(email)):
        used = t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never used"
        expires = t.expires_at.strftime("%Y-%m-%d") if t.expires_at else "no expiry"
        click.echo(f"{t.id}\t{t.prefix}…\t{t.scope}\t{used}\t{expires}\t{t.name}")


@tokens.command("revoke")
@click.option("--email", required=True, help="Whose token.")
@click.option("--id", "token_id", type=int, required=True, help="The token's id (see list).")
def revoke_token(email: str, token_id: int) -> None:
    """Revoke one token: it is refused from now on."""
    if not operations.revoke_token(_user(email), token_id):
        raise BadInput(f"{email} has no live token {token_id}.")
    db.session.commit()
    click.echo(f"Revoked token {token_id}.")
