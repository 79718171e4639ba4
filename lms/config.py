"""Configuration classes; instance/config.py and LMS_* environment variables override them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class BaseConfig:
    """Safe defaults shared by every environment."""

    #: Plugins loaded by create_app, in order; their ``requires`` must come earlier or be listed.
    PLUGINS: list[str] = ["courses", "assessments", "community"]

    SECRET_KEY: str | None = None
    #: Database URL; empty means the SQLite file ``instance/metodist.sqlite3``.
    DATABASE_URL: str | None = None
    #: Redis for rate limits (and later LTI nonces, cache, jobs); empty means in-process memory.
    REDIS_URL: str | None = None

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Europe/Moscow"
    LANGUAGES = ["ru", "en"]

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    #: A signed-in session ends after this many seconds (a working day), or with the browser.
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    #: "Remember me on this device" keeps a person signed in this long.
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    REMEMBER_COOKIE_NAME = "remember_token"

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    #: Failed login attempts allowed per client address (Flask-Limiter syntax).
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True

    #: werkzeug hashing method for passwords.
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 8
    #: Lifetime of a password-reset link, seconds.
    PASSWORD_RESET_MAX_AGE = 24 * 3600

    #: "log" writes messages to the application log; "smtp" sends them.
    MAIL_BACKEND = "log"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Metodist <noreply@localhost>"

    #: Largest request body accepted (uploads and imports), bytes.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    IMPORT_MAX_ROWS = 5000
    #: Where uploaded files are kept (a shared volume in a cluster); empty means instance/uploads.
    UPLOAD_DIR: str | None = None
    #: Largest single uploaded file, bytes.
    UPLOAD_MAX_BYTES = 8 * 1024 * 1024

    #: Scheme, host and port people reach the service at; every link in an e-mail starts with it
    #: (never with the Host header of the request). Required in production.
    BASE_URL = "http://127.0.0.1:5000"

    #: Trust X-Forwarded-For / -Proto from this many proxies (0 = no reverse proxy).
    PROXY_COUNT = 0


class DevelopmentConfig(BaseConfig):
    """`make run` on a laptop: plain HTTP on 127.0.0.1."""

    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class ProductionConfig(BaseConfig):
    """Behind a TLS-terminating reverse proxy."""

    PROXY_COUNT = 1


class TestingConfig(BaseConfig):
    """The pytest suite."""

    TESTING = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast; the suite hashes hundreds of passwords


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def normalise_database_url(url: str) -> str:
    """Map the URLs people paste (``postgres://``, ``postgresql://``) onto the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def development_secret_key(instance_path: str) -> str:
    """A random key kept in instance/ so development sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    os.chmod(path, 0o600)
    return key
