"""The password policy, after NIST SP 800-63B (section 5.1.1.2): a password is long
enough and is not one that an attacker tries first.

`password_problem()` is the one place that decides. Everything that sets a password
goes through it: `User.set_password`, and so the admin user form, `flask users
create` and the account page.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
# The shortest e-mail name (the part before the @) that a password may not contain
# (a password holds one or two letters of anything).
SHORTEST_CONTAINED_NAME = 3
# Runs along the alphabet, the digits and the keyboard's rows and columns.
RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "!@#$%^&*()_+",
)
_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits, symbols and spaces at either end
_SEPARATORS = " -_."


class WeakPassword(ValueError):
    """A password the policy refuses; the message says why."""

    field = "password"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _is_run(text: str) -> bool:
    return any(text in run or text in run[::-1] for run in RUNS)


def _repeated_unit(text: str) -> str | None:
    """The shortest piece that `text` repeats, such as "abc" in "abcabcabcabc"."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return None


def _guess(text: str) -> str | None:
    """How an attacker would guess `text`, or None."""
    common = common_passwords()
    if text in common:
        return "That password is one of the 10,000 most common passwords"
    if _is_run(text):
        return "That password is a run of letters, digits or keys in a row"
    for cut in range(1, len(text)):
        if text[:cut].rstrip(_SEPARATORS) in common and text[cut:].lstrip(_SEPARATORS) in common:
            return "That password joins two of the most common passwords"
    return None


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` may not be the password of the account `email`, or None."""
    if len(password) < MIN_LENGTH:
        return f"Passwords need at least {MIN_LENGTH} characters."
    lowered = password.lower()
    name = email.rpartition("@")[0].lower() if "@" in email else email.lower()
    if len(name) >= SHORTEST_CONTAINED_NAME and name in lowered:
        return (
            f'A password may not contain the name of its e-mail address ("{name}"); choose another.'
        )
    guess = _guess_with_extras(lowered)
    return f"{guess}; choose another." if guess else None


def _guess_with_extras(text: str) -> str | None:
    """`_guess`, also seeing through digits or symbols around the password and through
    a repeated piece."""
    guess = _guess(text)
    if guess:
        return guess
    core = _AROUND.sub("", text)
    if core and core != text and (guess := _guess(core)):
        return f"{guess} with digits or symbols added"
    unit = _repeated_unit(text)
    if unit is not None and (len(unit) <= 4 or _guess(_AROUND.sub("", unit) or unit)):
        return f'That password repeats "{unit}"'
    return None


def check_password(password: str, email: str = "") -> None:
    """Raise WeakPassword when the policy refuses `password` for the account `email`."""
    problem = password_problem(password, email)
    if problem is not None:
        raise WeakPassword(problem)
