"""Command-line groups, added to `flask --app wsgi ...`."""

import click
from flask import Flask


class BadInput(click.ClickException):
    """Input a command refuses: one line, "Error: ...", on stderr, and exit code 2."""

    exit_code = 2


def register_cli(app: Flask) -> None:
    from app.cli.conflicts import conflicts_command
    from app.cli.digest import digest_command
    from app.cli.importing import import_cli
    from app.cli.notify import notify_cli
    from app.cli.periods import periods
    from app.cli.plan import plan_cli
    from app.cli.scenario import scenario_cli
    from app.cli.seed import seed_cli
    from app.cli.snapshot import snapshot_command
    from app.cli.tokens import tokens
    from app.cli.users import users
    from app.cli.worker import worker_command

    commands: list = [
        users,
        periods,
        plan_cli,
        scenario_cli,
        import_cli,
        seed_cli,
        conflicts_command,
        digest_command,
        notify_cli,
        snapshot_command,
        tokens,
        worker_command,
    ]
    for command in commands:
        app.cli.add_command(command)
