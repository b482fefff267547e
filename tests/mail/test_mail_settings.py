"""MAIL_URL as a mail server, and absolute links at BASE_URL."""

import pytest

from app.mail import absolute_url
from app.mail.transport import MailServer, MailURLError, parse_mail_url


@pytest.mark.parametrize(
    ("url", "server"),
    [
        (
            "smtp://us%40er:p%3Ass%2Fw@mail.internal:587",
            MailServer("mail.internal", 587, False, "us@er", "p:ss/w"),
        ),
        (
            "smtps://mailer:secret@mail.internal",
            MailServer("mail.internal", 465, True, "mailer", "secret"),
        ),
        ("smtp://127.0.0.1:2525", MailServer("127.0.0.1", 2525, False)),
        ("smtp://mail.internal", MailServer("mail.internal", 587, False)),
    ],
)
def test_a_mail_url_names_a_server(url, server):
    assert parse_mail_url(url) == server


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://x", "MAIL_URL must start with smtp:// or smtps://, not ftp://"),
        ("mail.internal:587", "MAIL_URL must start with smtp:// or smtps://"),
        ("smtp://:587", "MAIL_URL names no host"),
        ("smtp://user:secret@mail.internal:port", "MAIL_URL is not a valid URL"),
    ],
)
def test_a_bad_mail_url_says_what_is_wrong_without_the_password(url, error):
    with pytest.raises(MailURLError) as raised:
        parse_mail_url(url)
    assert str(raised.value).startswith(error)
    assert "secret" not in str(raised.value)


def test_only_a_server_on_this_machine_may_get_a_password_unencrypted():
    assert MailServer("127.0.0.1", 25, False).local and MailServer("localhost", 25, False).local
    assert not MailServer("mail.internal", 25, False).local


def test_links_are_absolute_at_base_url(app, monkeypatch):
    with app.app_context():
        assert absolute_url("status.digest") == "http://127.0.0.1:5000/status/digest"
        monkeypatch.setitem(app.config, "BASE_URL", "https://roadmap.example.com/tracker/")
        assert absolute_url("status.digest", week="2026-W47") == (
            "https://roadmap.example.com/tracker/status/digest?week=2026-W47"
        )
