"""Fixtures of the API tests: a planner's and a viewer's token clients (``api_as``
and TokenClient are in tests/conftest.py)."""

import pytest


@pytest.fixture
def planner_api(api_as):
    return api_as("planner")[0]


@pytest.fixture
def viewer_api(api_as):
    return api_as("viewer")[0]
