"""Command-line groups, added to `flask --app wsgi ...`."""

from flask import Flask


def register_cli(app: Flask) -> None:
    commands: list = []
    for command in commands:
        app.cli.add_command(command)
