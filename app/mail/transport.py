"""Handing a message to the mail server that MAIL_URL names, with smtplib.

``smtp://user:pass@host:587`` speaks STARTTLS when the server offers it (plain
otherwise, and then a password goes only to a server on this machine);
``smtps://host:465`` is TLS from the first byte. The user and password are
URL-decoded. Every step waits at most TIMEOUT seconds. Without MAIL_URL the
message is written to the log (logger ``app.mail``) instead.
"""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app

TIMEOUT = 10  # seconds, for the connection and for each answer of the server
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


class MailURLError(ValueError):
    """MAIL_URL does not name a mail server this app can use."""


@dataclass(frozen=True, slots=True)
class MailServer:
    host: str
    port: int
    tls: bool  # smtps: TLS from the start; else STARTTLS when offered
    username: str | None = None
    password: str | None = None

    @property
    def local(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_mail_url(url: str) -> MailServer:
    """The server of a MAIL_URL; MailURLError says what is wrong with it (never
    showing its password)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise MailURLError(f"MAIL_URL is not a valid URL: {exc}") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise MailURLError(
            f"MAIL_URL must start with smtp:// or smtps://, not {parts.scheme or '(none)'}://"
        )
    if not parts.hostname:
        raise MailURLError("MAIL_URL names no host (smtp://host:port)")
    return MailServer(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        tls=parts.scheme == "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def deliver(message: EmailMessage) -> None:
    """Send ``message`` by MAIL_URL, or write it to the log without it. Raises
    MailURLError, smtplib.SMTPException or OSError (TimeoutError too) when the
    server cannot be used or refuses it."""
    url = current_app.config.get("MAIL_URL")
    if not url:
        write_to_log(message)
        return
    send(parse_mail_url(url), message)


def send(server: MailServer, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    if server.tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    with smtp:
        smtp.ehlo()
        encrypted = server.tls
        if not encrypted and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
            encrypted = True
        if server.username:
            if not (encrypted or server.local):
                raise smtplib.SMTPNotSupportedError(
                    f"{server.host} offers no STARTTLS: the password is not sent unencrypted "
                    "(use smtps:// or a server with STARTTLS)"
                )
            smtp.login(server.username, server.password or "")
        smtp.send_message(message)


def write_to_log(message: EmailMessage) -> None:
    """The message's headers and its plain-text part, as one log record: what
    `make run` shows instead of sending. A warning outside development and tests,
    where a mail that is only logged is likely a mistake."""
    app = current_app
    level = logging.INFO if app.debug or app.testing else logging.WARNING
    log = app.logger.getChild("mail")  # "app.mail", under the app's logger and its handler
    headers = "".join(f"{name}: {value}\n" for name, value in message.items())
    body = message.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    log.log(level, "MAIL_URL is not set; the mail is not sent:\n%s\n%s", headers, text)
