"""Fixtures shared by the route tests."""

import pytest


@pytest.fixture
def admin(as_user):
    """A signed-in admin."""
    _client, user = as_user("admin", email="root@example.com")
    return user
