"""`flask tokens create|list|revoke`: the token alone on stdout, refusals with
exit code 2 and nothing written."""

import pytest
from sqlalchemy import select

from app.models import AccessToken


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_create_prints_the_token_alone_and_it_signs_in(cli, client, make_user, db):
    user = make_user("planner", email="ana@example.com")
    result = cli("tokens", "create", "--email", "ana@example.com", "--scope", "write",
                 "--name", "sync", "--expires-days", "30")  # fmt: skip
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("rt_") and "\n" not in token
    response = client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    listed = cli("tokens", "list", "--email", "ana@example.com")
    assert "sync" in listed.stdout and token not in listed.stdout
    record = db.session.scalar(select(AccessToken).where(AccessToken.user_id == user.id))
    revoked = cli("tokens", "revoke", "--email", "ana@example.com", "--id", str(record.id))
    assert revoked.exit_code == 0
    response = client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "nobody@example.com"], "No account has the e-mail 'nobody@example.com'."),
        (["--email", "ana@example.com", "--expires-days", "0"], "A token expires after"),
        (["--email", "ana@example.com", "--name", " "], "A token needs a name"),
    ],
)
def test_create_refuses_with_exit_code_2_and_makes_nothing(cli, make_user, db, args, message):
    make_user("planner", email="ana@example.com")
    result = cli("tokens", "create", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert db.session.scalar(select(AccessToken.id)) is None


def test_revoking_an_unknown_token_is_refused(cli, make_user):
    make_user("planner", email="ana@example.com")
    result = cli("tokens", "revoke", "--email", "ana@example.com", "--id", "999")
    assert result.exit_code == 2
