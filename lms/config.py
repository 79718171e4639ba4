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
    #: Not sent with requests other sites start (like the session cookie): no cross-site request is signed in.
    REMEMBER_COOKIE_SAMESITE = "Lax"

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    #: Failed sign-in attempts allowed for one account from one client address (Flask-Limiter syntax):
    #: someone mistyping, or guessing from one place, is stopped there and nowhere else.
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    #: Failed attempts allowed for one account from all addresses together: slower, against guessing from many
    #: places; ten wrong passwords from elsewhere leave its owner free to sign in.
    LOGIN_ACCOUNT_RATE_LIMIT = "30 per hour;200 per day"
    #: Failed attempts allowed from one address over all accounts: high, as a school's teachers often share
    #: the one address of its router.
    LOGIN_ADDRESS_RATE_LIMIT = "100 per minute;1000 per hour"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    #: Redis away (a restart): count in each worker's memory meanwhile rather than refuse every sign-in.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

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
    #: A report file with more rows than this is built by a background job the person follows (RQ with Redis).
    REPORTS_INLINE_ROWS = 5000
    #: «Фамилия Имя Отчество» of the head of the methodological service, who signs the ИОМ; empty: the one active
    #: account with the head's role (admin), when there is exactly one.
    SERVICE_HEAD = ""

    #: Scheme, host and port people reach the service at; every link in an e-mail starts with it
    #: (never with the Host header of the request). Required in production.
    BASE_URL = "http://127.0.0.1:5000"

    #: LTI 1.3: the prefix of pylti1p3's own cookies (state, launch session); distinct per install on one host.
    LTI_COOKIE_PREFIX = "metodist-lti"
    #: Clock skew allowed on a platform's id_token exp/iat, seconds (small: the IMS guidance).
    LTI_LEEWAY_SECONDS = 30
    #: A longer id_token is refused unread.
    LTI_MAX_TOKEN_BYTES = 64 * 1024
    #: How long a used nonce is remembered (longer than any id_token lives).
    LTI_NONCE_TTL = 24 * 3600
    #: How long a platform's JWKS is cached; an unknown key id refetches it at once.
    LTI_JWKS_CACHE_SECONDS = 600
    #: Timeout of every call to a platform (JWKS, tokens, scores), seconds.
    LTI_HTTP_TIMEOUT = 10

    #: Dynamic registrations one address may start (each makes an inactive platform for staff to check).
    LTI_REGISTRATION_RATE_LIMIT = "10 per hour"
    #: Waits between tries of a score passback, seconds: RQ schedules these …
    LTI_PASSBACK_BACKOFF = [10, 60, 300]
    #: … and without Redis the request that earned the score makes the tries itself while a person waits:
    #: by default one try (at most two calls of LTI_HTTP_TIMEOUT each); a failed one waits in the log for
    #: staff to resend. Retries that nobody waits for need the RQ worker.
    LTI_PASSBACK_INLINE_BACKOFF: list[float] = []
    #: As a platform: how long an access token we issue to an external tool lives, seconds.
    LTI_PLATFORM_TOKEN_TTL = 3600

    #: Trust X-Forwarded-For / -Proto from this many proxies (0 = no reverse proxy).
    PROXY_COUNT = 0
    #: Addresses or networks ("127.0.0.1", "10.0.0.0/8") the nearest proxy connects from; X-Forwarded-For from
    #: any other peer is ignored. Empty: any peer (then only the proxy may be able to reach the app).
    PROXY_TRUSTED_ADDRESSES: list[str] = []


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
