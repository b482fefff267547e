"""pytest-alembic runs against a database of its own: a temporary SQLite file, or a
throwaway PostgreSQL database next to TEST_DATABASE_URL's."""

import pytest
from pytest_alembic.config import Config
from sqlalchemy import create_engine

from config import BASE_DIR


@pytest.fixture
def alembic_config():
    return Config(config_options={"script_location": str(BASE_DIR / "migrations")})


@pytest.fixture
def alembic_engine(scratch_database):
    with scratch_database("migrations") as url:
        engine = create_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()
