"""`flask periods`: planning periods from the command line."""

import click

from app.admin import operations
from app.admin.operations import AdminError
from app.audit import acting_as
from app.cli import BadInput
from app.extensions import db


@click.group("periods")
def periods() -> None:
    """Manage planning periods."""


@periods.command("create")
@click.option(
    "--year", type=int, required=True, help="Create YEAR Q1 to YEAR Q4, the calendar quarters."
)
def create_periods(year: int) -> None:
    """Create the four quarters of a year; none if any would clash with an existing period."""
    with acting_as(None, "cli"):
        try:
            quarters = operations.create_quarters(year)
        except AdminError as error:
            raise BadInput(str(error)) from error
        db.session.commit()
    for quarter in quarters:
        click.echo(f"Created {quarter.name}: {quarter.start_date} to {quarter.end_date}.")
