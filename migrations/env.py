"""Alembic environment.

Runs inside the Flask app (`flask db upgrade`, which hands over the app's engine)
or on a connection given in `config.attributes["connection"]` (the migration tests).
"""

import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

import app.models  # noqa: F401  (registers every table on the metadata)
from app.extensions import db

config = context.config
if config.config_file_name is not None and not config.attributes.get("connection"):
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

target_metadata = db.metadata
CONFIGURE_ARGS = {"render_as_batch": True, "compare_type": True}


def _skip_empty_revisions(context, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        process_revision_directives=_skip_empty_revisions,
        **CONFIGURE_ARGS,
    )
    with _foreign_keys_off(connection), context.begin_transaction():
        context.run_migrations()


@contextmanager
def _foreign_keys_off(connection):
    """SQLite: a batch migration rebuilds a table (copy, drop, rename), and with
    foreign keys on, the drop deletes every row that refers to the table (ON DELETE
    CASCADE): every dependency and status update of the plan, for a change to
    ``item``. The keys are off while migrating (the pragma does nothing inside a
    transaction, so it is set before one begins) and checked after."""
    if connection.dialect.name != "sqlite":
        yield
        return
    if connection.in_transaction():
        connection.commit()
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.commit()
        raw.execute("PRAGMA foreign_keys=ON")
    broken = raw.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows that refer to nothing: {broken[:5]}")


def run_migrations_offline() -> None:
    from flask import current_app

    url = str(current_app.extensions["migrate"].db.engine.url).replace("%", "%%")
    context.configure(
        url=url, target_metadata=target_metadata, literal_binds=True, **CONFIGURE_ARGS
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    if given is None:
        from flask import current_app

        given = current_app.extensions["migrate"].db.engine
    with given.connect() as connection:
        _run(connection)
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
