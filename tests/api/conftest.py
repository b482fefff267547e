"""Fixtures of the API tests: users with access tokens, and a client that sends
them."""

import pytest

from app.auth.tokens import create_token


class TokenClient:
    """The test client, sending ``Authorization: Bearer <token>`` with each request."""

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.token = token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def open(self, method: str, path: str, headers=None, **kwargs):
        return self.client.open(path, method=method, headers=self._headers(headers), **kwargs)

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.open("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.open("PATCH", path, **kwargs)

    def put(self, path, **kwargs):
        return self.open("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.open("DELETE", path, **kwargs)


@pytest.fixture
def api_as(client, make_user):
    """`api_as(role, teams=(), scope="write")`: a new user of that role with a token:
    ``(TokenClient, user)``."""

    def make(role: str, teams=(), scope: str = "write", email: str | None = None):
        user = make_user(role, teams=teams, email=email)
        made = create_token(user, name="tests", scope=scope)
        return TokenClient(client, made.token), user

    return make


@pytest.fixture
def planner_api(api_as):
    return api_as("planner")[0]


@pytest.fixture
def viewer_api(api_as):
    return api_as("viewer")[0]
