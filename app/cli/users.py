"""`flask users`: accounts from the command line, such as the first admin."""

import sys

import click

from app.admin import operations
from app.admin.operations import AdminError
from app.audit import acting_as
from app.cli import BadInput
from app.extensions import db


@click.group("users")
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True, help="The e-mail address the user signs in with.")
@click.option(
    "--role", required=True, metavar="ROLE", help="admin, planner, contributor or viewer."
)
@click.option(
    "--team",
    "team_slugs",
    multiple=True,
    metavar="SLUG",
    help="A team the user belongs to; repeat for several. Contributors need one.",
)
@click.option("--name", default="", help="The user's name as shown to others.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking.",
)
def create_user(
    email: str, role: str, team_slugs: tuple[str, ...], name: str, password_stdin: bool
) -> None:
    """Create an account. Asks for the password twice, hidden, unless --password-stdin."""
    try:
        teams = operations.teams_by_slug(team_slugs)
        operations.check_new_user(email=email, role=role, teams=teams, name=name)
    except AdminError as error:
        raise BadInput(str(error)) from error
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with acting_as(None, "cli"):
        try:
            user = operations.create_user(
                email=email, role=role, password=password, teams=teams, name=name
            )
        except AdminError as error:
            raise BadInput(str(error)) from error
        db.session.commit()
    click.echo(f"Created the account {user.email} ({user.role}).")
