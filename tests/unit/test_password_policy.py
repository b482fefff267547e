"""The password policy: long enough, not a common password or a thin disguise of
one, and not the account's own e-mail name."""

import pytest

from app.auth.passwords import MIN_LENGTH, common_passwords, password_problem


def test_the_shipped_list_holds_ten_thousand_common_passwords():
    common = common_passwords()
    assert len(common) == 10_000
    assert {"password", "123456", "qwerty", "iloveyou", "1qaz2wsx3edc"} <= common
    assert all(p == p.lower() and p.strip() == p and p for p in common)


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery",
        "roadmap-demo-2027",
        "Tr0ub4dor&3-staple",
        "Xk9#mQ2!Xk9#mQ2!",
        "83920174659302",
        "twelve-chars",
    ],
)
def test_good_passwords_pass(password):
    assert password_problem(password, "ana.lopez@example.com") is None


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("eleven-char", f"at least {MIN_LENGTH} characters"),
        ("1qaz2wsx3edc", "one of the 10,000 most common passwords"),
        ("QWERTY123456", "one of the 10,000 most common passwords"),
        ("password1234!", "most common passwords with digits or symbols added"),
        ("!!Sunshine2027", "most common passwords with digits or symbols added"),
        ("qwertyuiopasdf", "a run of letters, digits or keys in a row"),
        ("abcdefghijklm", "a run of letters, digits or keys in a row"),
        ("987654321098", "a run of letters, digits or keys in a row"),
        ("dragon-monkey", "joins two of the most common passwords"),
        ("passwordpassword", "joins two of the most common passwords"),
        ("aaaaaaaaaaaa", 'repeats "a"'),
        ("abc1abc1abc1", 'repeats "abc1"'),
    ],
)
def test_guessable_passwords_are_refused_with_the_reason(password, reason):
    problem = password_problem(password, "ana.lopez@example.com")
    assert problem is not None
    assert reason in problem
    assert problem.endswith("choose another.") or problem.startswith("Passwords need")


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("ana.lopez@example.com", "ana.lopez@example.com"),
        ("ANA.LOPEZ-is-here", "ana.lopez@example.com"),
        ("my-Ana.Lopez-2027", "Ana.Lopez@Example.com"),
        ("a-long-passphrase-for-bob", "bob@example.com"),
    ],
)
def test_a_password_may_not_hold_the_emails_name(password, email):
    problem = password_problem(password, email)
    assert problem is not None
    assert "the name of its e-mail address" in problem


def test_the_email_name_check_is_case_insensitive_and_says_the_name():
    problem = password_problem("Planner-of-Quarters", "planner@example.com")
    assert problem == (
        'A password may not contain the name of its e-mail address ("planner"); choose another.'
    )


def test_a_one_or_two_letter_email_name_may_appear_in_a_password():
    assert password_problem("a-perfectly-fine-phrase", "a@example.com") is None
    assert password_problem("al-is-a-fine-phrase", "al@example.com") is None
