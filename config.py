"""Configuration from environment variables.

`Config` is production; `DevelopmentConfig` is what `make run` uses; `TestingConfig`
is what the test suite uses. The app refuses to start in production without a
real SECRET_KEY.
"""

import os
from pathlib import Path

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
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
