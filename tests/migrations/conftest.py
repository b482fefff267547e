"""pytest-alembic runs against a database of its own: a temporary SQLite file, or a
throwaway PostgreSQL database next to TEST_DATABASE_URL's."""

import os
import uuid

import pytest
from pytest_alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import BASE_DIR, _database_url


@pytest.fixture
def alembic_config():
    return Config(config_options={"script_location": str(BASE_DIR / "migrations")})


@pytest.fixture
def alembic_engine(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        engine = create_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        engine.dispose()
        return
    server = make_url(_database_url(url))
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(server.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
