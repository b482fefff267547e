"""A mail of the outbox as the message that goes out, and absolute links for it."""

from __future__ import annotations

from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app

from app.clock import utcnow
from app.models import OutgoingMail


def sender() -> str:
    return current_app.config["MAIL_FROM"]


def new_message_id() -> str:
    """A Message-ID in the domain of MAIL_FROM, made once per mail."""
    domain = parseaddr(sender())[1].rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def compose(mail: OutgoingMail) -> EmailMessage:
    """Plain text and HTML as alternatives, dated now; with an unsubscribe URL, the
    one-click unsubscribe headers of RFC 8058."""
    message = EmailMessage()
    message["From"] = sender()
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow().replace(tzinfo=UTC))
    message["Message-ID"] = mail.message_id
    if mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def absolute_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` at BASE_URL, in a request or not."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
