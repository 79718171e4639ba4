"""Fixtures: one migrated database per run (SQLite, or PostgreSQL via LMS_TEST_DATABASE_URL), a fresh app per test."""

from __future__ import annotations

import contextvars
import os
import re
import tempfile
from contextlib import contextmanager, suppress

import flask_migrate
import pytest
from flask.globals import _cv_app
from redis.exceptions import RedisError
from sqlalchemy import create_engine, event, text

from lms import create_app
from lms.config import normalise_database_url
from lms.extensions import db, limiter
from tests.browser import browser, live_server  # noqa: F401  (fixtures for the browser tests)
from tests.factories import PASSWORD, make_school, make_user

PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_report_header(config):
    if PG_URL:
        return f"database: PostgreSQL ({PG_URL})"
    return "database: SQLite (set LMS_TEST_DATABASE_URL to run the suite on PostgreSQL too)"


def app_config(url: str, **overrides) -> dict:
    config = {"SECRET_KEY": "test-secret-key", "DATABASE_URL": url,
              # One folder per test run: `make test` runs its SQLite and PostgreSQL passes side by side.
              "UPLOAD_DIR": os.path.join(tempfile.gettempdir(), f"metodist-test-uploads-{os.getpid()}")}
    config.update(overrides)
    return config


def reset_postgres_schema(url: str, schema: str = "public") -> None:
    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def migrate_to_head(url: str) -> None:
    app = create_app(app_config(url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The run's database, built by the migrations (never by create_all), as deployments build it."""
    if PG_URL:
        reset_postgres_schema(PG_URL)
        url = PG_URL
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "metodist-test.sqlite3")
    migrate_to_head(url)
    return url


def _wipe() -> None:
    tables = db.metadata.sorted_tables
    with db.engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":  # what TRUNCATE … RESTART IDENTITY did, without its ~1 s per test
            conn.execute(text("SELECT setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s "
                              "JOIN pg_depend d ON d.objid = s.seqrelid AND d.deptype IN ('a', 'i') "
                              "JOIN pg_class t ON t.oid = d.refobjid "
                              "WHERE t.relnamespace = 'public'::regnamespace"))


@pytest.fixture
def app_factory(database_url):
    """Build an app on the run's database with extra settings; rows are wiped after the test."""
    built = []

    def build(**overrides):
        app = create_app(app_config(database_url, **overrides))
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context(), suppress(RedisError):
            # A test may point the limits at a Redis that is away on purpose: nothing to reset there.
            limiter.reset()
            db.session.remove()
            db.engine.dispose()
    if built:
        with built[0].app_context():
            _wipe()
            db.engine.dispose()


@pytest.fixture(scope="session")
def shared_app(database_url):
    """The default app, built once: building one (its URL map, its templates compiled on first use) cost each
    test more than most of them spend testing. Tests needing other settings or a second app use app_factory."""
    app = create_app(app_config(database_url))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(shared_app, app_factory):
    # The limiter is one object for every app of the run, counting in the storage of the app built last (a
    # test may have pointed it at a Redis that is away on purpose): point it back at the shared app's.
    limiter.init_app(shared_app)
    with shared_app.app_context():
        yield shared_app
        limiter.reset()
        db.session.remove()
        _wipe()


def isolated(call, *args, **kwargs):
    """Run a test-client call in its own app context, as a real request runs.

    Tests hold an app context for their own database work; Flask would reuse it for the
    client's requests, sharing ``g`` (the signed-in user) and the database session with the test.
    """

    def run():
        _cv_app.set(None)
        return call(*args, **kwargs)

    return contextvars.copy_context().run(run)


class Client:
    """The Flask test client plus what a browser does for us: CSRF tokens and signing in."""

    def __init__(self, client):
        self.raw = client

    def get(self, url, **kwargs):
        return isolated(self.raw.get, url, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/auth/login", follow_redirects=True)
        match = CSRF_RE.search(page.text)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:  # not setdefault: that would fetch a token every time
            data["csrf_token"] = self.csrf_token()
        return isolated(self.raw.post, url, data=data, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        return self.post("/auth/login", {"email": email, "password": password})

    def logout(self):
        return self.post("/auth/logout")


@pytest.fixture
def client(app) -> Client:
    return Client(app.test_client())


@pytest.fixture
def people(app) -> dict:
    """One committed account per role, plus a teacher with a full profile at a school."""
    return make_people()


def make_people() -> dict:
    """The ``people`` fixture's rows, for fixtures of a wider scope (tests/lms/test_access.py)."""
    school = make_school()
    result = {
        "teacher": make_user("teacher", email="teacher@example.org", school=school, position="teacher",
                             qualification_category="first", experience_years=10, subjects=["Информатика"]),
        "tutor": make_user("tutor", email="tutor@example.org"),
        "staff": make_user("staff", email="staff@example.org"),
        "admin": make_user("admin", email="admin@example.org"),
        "school": school,
    }
    db.session.commit()
    return result


@pytest.fixture
def login_as(app, people):
    """``login_as("tutor")`` → a Client signed in as that role's account."""

    def login(role: str) -> Client:
        client = Client(app.test_client())
        response = client.login(people[role].email)
        assert response.status_code == 302, response.text
        return client

    return login


@pytest.fixture
def count_queries(app):
    """``with count_queries() as n: …`` then ``n()`` is the number of SQL statements sent."""

    @contextmanager
    def counter():
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counter


@pytest.fixture
def page_cost(count_queries):
    """``page_cost(client, url)``: SQL statements one successful GET of ``url`` sends."""

    def cost(client, url: str) -> int:
        with count_queries() as n:
            assert client.get(url).status_code == 200
        return n()

    return cost
