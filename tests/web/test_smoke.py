import pytest


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data
    assert b'name="password"' in response.data


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("admin", "/roadmap"),
        ("planner", "/roadmap"),
        ("contributor", "/status/my-week"),
        ("viewer", "/dashboard"),
    ],
)
def test_home_is_each_roles_own_page(client, login, make_user, role, home):
    login(make_user(role))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == home
