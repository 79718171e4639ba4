"""The Metodist core: create_app builds the application from config, extensions and plugins."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from lms.config import CONFIGS, BaseConfig, development_secret_key, normalise_database_url
from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
from lms.web import IdConverter

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application.

    :param test_config: a mapping that overrides every other source of settings (tests).
    """
    app = Flask(__name__, instance_relative_config=True)
    # Every <int:…> in a URL is an id or a small number: a larger one matches no route (404) instead of
    # reaching a query, where PostgreSQL refuses it and SQLite overflows.
    app.url_map.converters["int"] = IdConverter
    configure(app, test_config)
    configure_extensions(app)
    register_core(app)
    from lms.plugins import load_plugins

    load_plugins(app, list(app.config["PLUGINS"]))
    configure_templates(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    """Class defaults, then instance/config.py, then LMS_* variables, then the test mapping."""
    env = os.environ.get("LMS_ENV", "production")
    if env not in CONFIGS:
        raise RuntimeError(f"LMS_ENV must be one of {', '.join(CONFIGS)}, not {env!r}")
    app.config.from_object(CONFIGS["testing" if test_config is not None else env])
    app.config["ENV_NAME"] = "testing" if test_config is not None else env
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("LMS")
    else:
        app.config.from_mapping(test_config)

    url = app.config.get("DATABASE_URL") or (os.environ.get("DATABASE_URL") if test_config is None else None)
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "metodist.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}

    if env == "production" and test_config is None:
        if not app.config.get("SECRET_KEY"):
            raise RuntimeError("Set LMS_SECRET_KEY (or SECRET_KEY in instance/config.py) in production")
        if app.config["BASE_URL"] == BaseConfig.BASE_URL:
            raise RuntimeError("Set LMS_BASE_URL to the address people reach the service at "
                               "(https://metodist.example.ru): links in e-mails are built on it")
        if not app.config.get("REDIS_URL"):
            app.logger.warning("LMS_REDIS_URL is not set: each worker keeps its own login rate limits")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = development_secret_key(app.instance_path)

    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")


def configure_extensions(app: Flask) -> None:
    from lms import errors, inputs, security
    from lms.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    security.init_app(app)
    inputs.init_app(app)
    errors.init_app(app)


def register_core(app: Flask) -> None:
    from lms import models
    from lms.auth import views as auth
    from lms.demo.cli import demo_cli
    from lms.main import views as main
    from lms.notifications import views as notifications
    from lms.orgs import views as orgs
    from lms.reports import views as reports
    from lms.users import views as users
    from lms.users.cli import users_cli
    from lms.users.permissions import CORE_PERMISSIONS, register_permissions

    models.import_all()
    register_permissions(app, CORE_PERMISSIONS)
    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(users.bp, url_prefix="/admin/users")
    app.register_blueprint(orgs.bp, url_prefix="/admin/orgs")
    app.register_blueprint(reports.bp, url_prefix="/reports")
    app.register_blueprint(notifications.bp, url_prefix="/notifications")
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    from lms import lti

    lti.init_app(app)


def configure_templates(app: Flask) -> None:
    from lms import i18n
    from lms.main.nav import CORE_NAV
    from lms.plugins import nav_items
    from lms.users import choices
    from lms.users.permissions import TEMPLATE_RULES, has_permission

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["today"] = i18n.local_today
    app.jinja_env.filters.update(
        date=i18n.format_date, datetime=i18n.format_datetime, number=i18n.format_number,
        time=i18n.format_time, day=i18n.format_weekday_date,
    )
    app.jinja_env.globals.update(TEMPLATE_RULES)
    app.jinja_env.globals.update(label=choices.label, choices=choices)
    menu = nav_items(app, CORE_NAV)

    @app.context_processor
    def inject_access():
        from flask_login import current_user

        from lms.notifications.services import unread_count

        user = current_user._get_current_object()  # every page asks it a dozen times: resolve the proxy once

        def can(name: str) -> bool:
            return has_permission(user, name)

        def shown(item) -> bool:
            wanted = item.permission
            return wanted is None or any(can(name) for name in ((wanted,) if isinstance(wanted, str) else wanted))

        signed_in = user.is_authenticated
        visible = [item for item in menu if shown(item)] if signed_in else []
        return {"can": can, "nav": visible, "nav_current": _current_entry(visible), "locale": str(i18n.get_locale()),
                "unread": unread_count(user) if signed_in else 0}

    def _current_entry(items) -> str | None:
        """The menu entry the page belongs to: the longest entry address the page's path starts with."""
        from flask import request, url_for

        best, best_href = None, ""
        for item in items:
            href = url_for(item.endpoint)
            if (request.path == href or (href != "/" and request.path.startswith(href))) and \
                    (best is None or len(href) > len(best_href)):
                best, best_href = item.endpoint, href
        return best
