"""`flask digest`: the weekly digest, ready to paste into chat or an e-mail."""

from __future__ import annotations

import click

from app.cli import BadInput
from app.clock import utcnow
from app.status.digest import FORMATS, to_markdown, to_text
from app.status.digest_data import load_digest
from app.weeks import WeekError


@click.command("digest")
@click.option("--week", metavar="YYYY-Www", help="The ISO week, e.g. 2027-W05. Default: this week.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True)
def digest_command(week: str | None, fmt: str) -> None:
    """Print the weekly digest: per team, health changes, items that became stale,
    conflicts new and resolved since the previous week's snapshot, and what needs
    a decision. Exits 2 on a bad week."""
    try:
        digest = load_digest(week and week.strip(), utcnow())
    except WeekError as error:
        raise BadInput(f"--week: {error}") from error
    click.echo(to_markdown(digest) if fmt == "markdown" else to_text(digest), nl=False)
