def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data
    assert b'name="password"' in response.data


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_home_lists_teams_and_items(client, login, make_user, make_team, make_period, make_item):
    period = make_period(year=2026, quarter=4)
    team = make_team("pay", name="Payments Platform")
    make_item(team, title="Tokenised cards API", start=period)
    login(make_user("viewer"))
    response = client.get("/")
    assert response.status_code == 200
    assert b"Payments Platform" in response.data
    assert b"Tokenised cards API" in response.data
