"""The app factory: configuration sources, plugins on and off, and no database work at start-up."""

from __future__ import annotations

import sys
import types

import pytest
from flask import Blueprint
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lms import create_app
from lms.config import normalise_database_url
from lms.plugins import Plugin, PluginError
from tests.conftest import Client, app_config


def test_default_plugins_are_loaded_in_order(app):
    assert [p.name for p in app.extensions["lms.plugins"]] == ["courses", "assessments", "community"]
    assert "courses.home" in app.view_functions and "assessments.home" in app.view_functions
    assert "courses.manage_catalogue" in app.extensions["lms.permissions"]


def test_core_boots_and_serves_without_plugins(app_factory, database_url):
    app = app_factory(PLUGINS=[])
    assert app.extensions["lms.plugins"] == []
    assert not any(rule.endpoint.startswith(("courses.", "assessments.", "community."))
                   for rule in app.url_map.iter_rules())
    with app.app_context():
        from lms.extensions import db
        from tests.factories import make_user

        make_user("teacher", email="solo@example.org")
        db.session.commit()
    client = Client(app.test_client())
    assert client.login("solo@example.org").status_code == 302
    page = client.get("/")
    assert page.status_code == 200 and "/courses/" not in page.text
    assert client.get("/courses/").status_code == 404


def test_a_plugin_whose_requirement_is_missing_is_refused(database_url):
    with pytest.raises(PluginError, match="requires courses"):
        create_app(app_config(database_url, PLUGINS=["assessments"]))


def test_unknown_and_malformed_plugins_are_refused(database_url, monkeypatch):
    with pytest.raises(PluginError, match="cannot be imported"):
        create_app(app_config(database_url, PLUGINS=["no_such_plugin"]))
    fake = types.ModuleType("mismatched_plugin")
    fake.plugin = Plugin(name="other", blueprint=Blueprint("other", __name__), url_prefix="/x")
    monkeypatch.setitem(sys.modules, "mismatched_plugin", fake)
    with pytest.raises(PluginError, match="must both equal the package name"):
        create_app(app_config(database_url, PLUGINS=["mismatched_plugin"]))


def test_create_app_sends_no_sql(database_url):
    statements = []

    def record(*args):
        statements.append(args[2])

    event.listen(Engine, "before_cursor_execute", record)
    try:
        create_app(app_config(database_url))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert statements == []


def test_environment_overrides_config(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_ENV", "development")
    monkeypatch.setenv("LMS_SECRET_KEY", "from-env")
    monkeypatch.setenv("LMS_DATABASE_URL", "postgres://u:p@db.internal/metodist")
    monkeypatch.setenv("LMS_REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("LMS_PLUGINS", '["courses"]')
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/metodist"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert [p.name for p in app.extensions["lms.plugins"]] == ["courses"]
    assert app.config["SESSION_COOKIE_SECURE"] is False  # development serves plain HTTP


def test_plain_database_url_is_the_fallback(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "development")
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@y/z")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://x@y/z"


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "development")
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + app.instance_path + "/metodist.sqlite3"


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="LMS_SECRET_KEY"):
        create_app()
    monkeypatch.setenv("LMS_SECRET_KEY", "s3cret")
    with pytest.raises(RuntimeError, match="LMS_BASE_URL"):
        create_app()
    monkeypatch.setenv("LMS_BASE_URL", "https://metodist.example.ru")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["PROXY_COUNT"] == 1


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "staging")
    with pytest.raises(RuntimeError, match="LMS_ENV"):
        create_app()


@pytest.mark.parametrize("given, expected", [
    ("postgres://a/b", "postgresql+psycopg://a/b"),
    ("postgresql://a/b", "postgresql+psycopg://a/b"),
    ("postgresql+psycopg://a/b", "postgresql+psycopg://a/b"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_url_normalisation(given, expected):
    assert normalise_database_url(given) == expected


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    from lms.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_error_pages_are_translated(client, people):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Страница не найдена" in page.text
