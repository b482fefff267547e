"""`flask users create` and `flask periods create`: success, and every refusal with
exit code 2, a one-line message on stderr and nothing written."""

from datetime import date

import pytest
from sqlalchemy import select
from web_helpers import count

from app.models import AuditEvent, Period, User

PASSWORD = "a-long-enough-password"


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return run


def refused(result, message):
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"Error: {message}"]
    return True


def test_create_a_user_with_the_password_on_stdin(db, cli, make_team):
    pay, chk = make_team("pay"), make_team("chk")
    result = cli(
        "users", "create", "--email", "Dev@Example.com", "--role", "contributor",
        "--team", "pay", "--team", "chk", "--name", "Dee Veloper", "--password-stdin",
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "Created the account dev@example.com (contributor).\n"
    user = db.session.scalar(select(User).where(User.email == "dev@example.com"))
    assert (user.name, user.role, user.active) == ("Dee Veloper", "contributor", True)
    assert user.team_ids == {pay.id, chk.id}
    assert user.check_password(PASSWORD)
    (created,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.entity_id == user.id)
    ).all()
    assert (created.actor_id, created.actor) == (None, "cli")
    assert created.changes["password_hash"] == [None, "(set)"]


def test_the_password_is_asked_twice_and_not_shown(db, cli):
    result = cli(
        "users", "create", "--email", "root@example.com", "--role", "admin",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Password") == 1
    assert "Repeat for confirmation" in result.stdout
    assert PASSWORD not in result.output
    user = db.session.scalar(select(User).where(User.email == "root@example.com"))
    assert user.check_password(PASSWORD)


def test_passwords_that_differ_are_asked_again(db, cli):
    result = cli(
        "users", "create", "--email", "root@example.com", "--role", "admin",
        input=f"{PASSWORD}\nsomething-else-entirely\n{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert count(db, User) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss"],
         "Unknown role 'boss': choose one of admin, planner, contributor, viewer."),
        (["--role", "viewer", "--team", "nope", "--team", "pay"], "Unknown team: nope."),
        (["--role", "contributor"], "A contributor must belong to at least one team."),
        (["--role", "viewer", "--email", "taken@example.com"],
         "An account with the e-mail taken@example.com already exists."),
        (["--role", "viewer", "--email", "TAKEN@example.com"],
         "An account with the e-mail taken@example.com already exists."),
        (["--role", "viewer", "--email", "not-an-address"],
         "'not-an-address' is not a valid e-mail address."),
    ],
)  # fmt: skip
def test_bad_account_details_are_refused_before_the_password_is_asked(
    db, cli, make_team, make_user, args, message
):
    make_team("pay")
    make_user("viewer", email="taken@example.com")
    users, events = count(db, User), count(db, AuditEvent)
    result = cli("users", "create", "--email", "new@example.com", *args)
    assert refused(result, message)
    assert "Password" not in result.stdout
    assert (count(db, User), count(db, AuditEvent)) == (users, events)


def test_a_short_password_is_refused(db, cli):
    result = cli(
        "users", "create", "--email", "new@example.com", "--role", "viewer",
        "--password-stdin", input="eleven-char\n",
    )  # fmt: skip
    assert refused(result, "Passwords need at least 12 characters.")
    assert count(db, User) == 0


def test_an_empty_stdin_is_a_short_password(db, cli):
    result = cli(
        "users", "create", "--email", "new@example.com", "--role", "viewer", "--password-stdin"
    )
    assert refused(result, "Passwords need at least 12 characters.")
    assert count(db, User) == 0


def test_missing_options_are_usage_errors(db, cli):
    result = cli("users", "create", "--role", "viewer")
    assert result.exit_code == 2
    assert "Missing option '--email'" in result.stderr


def test_create_the_quarters_of_a_year(db, cli):
    result = cli("periods", "create", "--year", "2027")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Created 2027 Q1: 2027-01-01 to 2027-03-31.",
        "Created 2027 Q2: 2027-04-01 to 2027-06-30.",
        "Created 2027 Q3: 2027-07-01 to 2027-09-30.",
        "Created 2027 Q4: 2027-10-01 to 2027-12-31.",
    ]
    periods = db.session.scalars(select(Period).order_by(Period.start_date)).all()
    assert [p.name for p in periods] == ["2027 Q1", "2027 Q2", "2027 Q3", "2027 Q4"]
    actors = db.session.scalars(select(AuditEvent.actor).where(AuditEvent.entity == "period"))
    assert list(actors) == ["cli"] * 4


def test_overlapping_quarters_are_refused_and_none_created(db, cli):
    db.session.add(Period(name="Launch", start_date=date(2027, 9, 1), end_date=date(2027, 10, 31)))
    db.session.flush()
    result = cli("periods", "create", "--year", "2027")
    assert refused(
        result,
        "No quarters of 2027 were created: "
        "2027 Q3 would overlap Launch (2027-09-01 to 2027-10-31). "
        "2027 Q4 would overlap Launch (2027-09-01 to 2027-10-31).",
    )
    assert count(db, Period) == 1


def test_a_year_twice_is_refused(db, cli):
    assert cli("periods", "create", "--year", "2027").exit_code == 0
    result = cli("periods", "create", "--year", "2027")
    assert result.exit_code == 2
    assert "A period named 2027 Q1 already exists." in result.stderr
    assert count(db, Period) == 4


@pytest.mark.parametrize("year", ["1969", "2201", "-5"])
def test_a_year_out_of_range_is_refused(db, cli, year):
    result = cli("periods", "create", "--year", year)
    assert refused(result, "The year must be between 1970 and 2200.")
    assert count(db, Period) == 0


def test_a_year_that_is_not_a_number_is_a_usage_error(db, cli):
    result = cli("periods", "create", "--year", "next")
    assert result.exit_code == 2
    assert count(db, Period) == 0
