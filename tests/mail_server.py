"""A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread of its own) that keeps
what it receives."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """What the server got: one envelope per mail, and each as a parsed message."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def free_port() -> int:
    """A port nothing listens on (the kernel's pick of a free one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port: int | None = None):
    """``with smtp_server() as (inbox, url):`` an SMTP server on 127.0.0.1 (no
    STARTTLS, no AUTH) while in the block, and the MAIL_URL that names it."""
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port or free_port(), server_hostname="mail.test"
    )
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()
