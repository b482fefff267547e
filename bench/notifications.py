"""Notifications, on a database of their own:

- inbox_s: GET /notifications (its first page, the unread count in the navigation
  included) for a user with ``notifications`` notifications, and inbox_older_s a
  page from the middle of them (``?before=``), medians over ``runs`` requests;
- mails_per_minute: mails queued then sent one job after another through a real
  SMTP server on 127.0.0.1 (aiosmtpd, accepting everything), the send jobs' whole
  work (claim, compose, SMTP conversation, record) timed.

    python -m bench.notifications [--notifications 10000] [--mails 200] [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT, bench_user, signed_in_client

INBOX_USER = "bench-inbox@example.com"


def _app(database_url: str, **settings):
    from app.extensions import db
    from bench.harness import bench_app

    app = bench_app(database_url, **settings)
    with app.app_context():
        db.create_all()
    return app


def inbox_seconds(app, notifications: int, runs: int) -> dict:
    from sqlalchemy import insert, select

    from app.clock import utcnow
    from app.extensions import db
    from app.models import Notification

    with app.app_context():
        user = bench_user(INBOX_USER, "contributor")
        now = utcnow()
        rows = [
            {
                "user_id": user.id,
                "event": "request_received",
                "key": f"bench:{n}",
                "title": f"Checkout asks Payments Platform for PAY-{n} (needed by 2027 Q1)",
                "body": "CHK-1 'One-click checkout' of Checkout needs it.",
                "url": f"/items/PAY-{n}",
                "created_at": now,
                "read_at": None if n % 3 else now,
                "mail_daily": False,
            }
            for n in range(notifications)
        ]
        db.session.execute(insert(Notification), rows)
        db.session.commit()
        ids = list(db.session.scalars(select(Notification.id).order_by(Notification.id)))
        middle = ids[len(ids) // 2]
    client = signed_in_client(app, INBOX_USER, "contributor")

    def median(url: str) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
        return statistics.median(times)

    median("/notifications")  # warm
    return {
        "notifications": notifications,
        "inbox_s": round(median("/notifications"), 4),
        "inbox_older_s": round(median(f"/notifications?before={middle}"), 4),
    }


def mails_per_minute(database_url: str, mails: int) -> dict:
    from aiosmtpd.controller import Controller

    from app.extensions import db
    from app.mail.outbox import queue_mail, send_mail
    from app.models import OutgoingMail

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    with socket.socket() as probe:  # a free port, as the kernel picks one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = _app(database_url, MAIL_URL=f"smtp://127.0.0.1:{port}")
        with app.app_context():
            for n in range(mails):
                queue_mail(
                    f"bench:{n}",
                    f"person{n}@example.com",
                    f"Weekly update 2026-W49: {n % 7} items still to update",
                    "Your team has not posted its update.\n" * 20,
                    "<p>Your team has not posted its update.</p>" * 20,
                    unsubscribe_url="http://127.0.0.1:5000/unsubscribe/x",
                )
            db.session.commit()
            ids = list(db.session.scalars(db.select(OutgoingMail.id)))
            started = time.perf_counter()
            sent = sum(bool(send_mail(mail_id)) for mail_id in ids)
            seconds = time.perf_counter() - started
    finally:
        controller.stop()
    if sent != mails or Sink.received != mails:
        raise RuntimeError(f"sent {sent}, the server got {Sink.received}, of {mails}")
    return {"mails": mails, "mails_per_minute": round(mails / seconds * 60)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.notifications")
    parser.add_argument("--notifications", type=int, default=10000)
    parser.add_argument("--mails", type=int, default=200)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("[sqlite] inbox ...", file=sys.stderr, flush=True)
        app = _app(f"sqlite:///{Path(tmp) / 'inbox.db'}")
        result = inbox_seconds(app, args.notifications, args.runs)
        print("[sqlite] mail ...", file=sys.stderr, flush=True)
        result |= mails_per_minute(f"sqlite:///{Path(tmp) / 'mail.db'}", args.mails)
    out = ROOT / "bench" / "results" / "notifications.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
