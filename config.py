"""Configuration from environment variables.

`Config` is production; `DevelopmentConfig` is what `make run` uses; `TestingConfig`
is what the test suite uses. The app refuses to start in production without a
real SECRET_KEY.
"""

import os
import re
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SQLITE = f"sqlite:///{BASE_DIR / 'instance' / 'roadmap.db'}"
DEFAULT_MAIL_FROM = "Roadmap alignment <roadmap@localhost>"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKLY = re.compile(r"([a-z]+)\s+(\d{1,2}):(\d{2})")
_DAILY = re.compile(r"(\d{1,2}):(\d{2})")


def _clock_time(hour: str, minute: str, text: str) -> time:
    if int(hour) > 23 or int(minute) > 59:
        raise ValueError(f"{text!r} is not a time of day (00:00 to 23:59)")
    return time(int(hour), int(minute))


def parse_weekly(text: str) -> tuple[int, time]:
    """``"Thursday 10:00"`` (a day's name or its first three letters, 24-hour time)
    as (weekday, Monday being 0; time of day). A ValueError that says what is wrong."""
    match = _WEEKLY.fullmatch(text.strip().lower())
    days = [day for day in DAYS if match and len(match[1]) >= 3 and day.startswith(match[1])]
    if not match or len(days) != 1:
        raise ValueError(f'{text!r} is not a day and a time: write it like "Thursday 10:00"')
    return DAYS.index(days[0]), _clock_time(match[2], match[3], text)


def parse_daily(text: str) -> time:
    """``"08:00"`` as a time of day; a ValueError that says what is wrong."""
    match = _DAILY.fullmatch(text.strip())
    if not match:
        raise ValueError(f'{text!r} is not a time of day: write it like "08:00"')
    return _clock_time(match[1], match[2], text)


def parse_zone(name: str) -> ZoneInfo:
    """An IANA time zone (``Europe/Berlin``); a ValueError for anything else."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name!r} is not a time zone: write one like Europe/Berlin") from exc


def _checked_env(name: str, default: str, parse) -> str:
    """The variable (else the default) once ``parse`` accepts it: a bad value stops
    the app at startup, saying which variable is wrong."""
    raw = (os.environ.get(name) or "").strip() or default
    try:
        parse(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name}: {exc}") from exc
    return raw


def _database_url(url: str) -> str:
    # A plain postgresql:// URL would pick psycopg2; this app ships psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    DEBUG = False
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Requests per access token, across the whole API (Flask-Limiter's notation).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT") or "600/minute"
    UPDATE_CADENCE_DAYS = _int_env("UPDATE_CADENCE_DAYS", 7)
    # How long a process may reuse its analysis of an unchanged plan (0: never).
    ANALYSIS_REUSE_SECONDS = _int_env("ANALYSIS_REUSE_SECONDS", 600)
    # Jobs (app.jobs): "rq" with REDIS_URL, else "thread" (a thread of the app process).
    JOB_RUNNER = os.environ.get("JOB_RUNNER") or None
    JOB_QUEUE = os.environ.get("JOB_QUEUE") or "roadmap"
    # Let webhooks go to loopback and private addresses (a receiver on this machine).
    WEBHOOK_ALLOW_PRIVATE_HOSTS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_HOSTS", "") in ("1", "true")
    # Mail (app.mail): smtp://user:pass@host:587 (STARTTLS) or smtps://host:465 (TLS);
    # unset, each mail is written to the log instead.
    MAIL_URL = os.environ.get("MAIL_URL") or None
    MAIL_FROM = os.environ.get("MAIL_FROM") or DEFAULT_MAIL_FROM
    # The address people reach the app at, for the links in mails.
    BASE_URL = os.environ.get("BASE_URL") or DEFAULT_BASE_URL
    # When the weekly notifications go out (app.notifications.schedule), in the
    # organisation's time zone (an IANA name).
    ORG_TIMEZONE = _checked_env("ORG_TIMEZONE", "UTC", parse_zone)
    REMINDER_AT = _checked_env("REMINDER_AT", "Thursday 10:00", parse_weekly)
    NUDGE_AT = _checked_env("NUDGE_AT", "Friday 10:00", parse_weekly)
    DIGEST_AT = _checked_env("DIGEST_AT", "Monday 08:00", parse_weekly)
    DAILY_MAIL_AT = _checked_env("DAILY_MAIL_AT", "08:00", parse_daily)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024


class DevelopmentConfig(Config):
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    API_RATE_LIMIT = "100000/minute"  # tests that count set their own
    ANALYSIS_REUSE_SECONDS = 0
    JOB_RUNNER = "manual"
    WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    MAIL_URL = None
    MAIL_FROM = DEFAULT_MAIL_FROM
    BASE_URL = DEFAULT_BASE_URL
    ORG_TIMEZONE = "UTC"
    REMINDER_AT = "Thursday 10:00"
    NUDGE_AT = "Friday 10:00"
    DIGEST_AT = "Monday 08:00"
    DAILY_MAIL_AT = "08:00"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
