"""E-mail: an outbox of mails (app.mail.outbox), each sent by a job after the
commit that queued it, through the server that MAIL_URL names (app.mail.transport),
as plain text and HTML (app.mail.message). Without MAIL_URL mails are written to
the log. See docs/notifications.md."""

from app.mail.message import absolute_url
from app.mail.outbox import queue_mail, send_due, send_mail

__all__ = ["absolute_url", "queue_mail", "send_due", "send_mail"]
