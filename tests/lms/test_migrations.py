"""The migration history builds exactly the tables the models declare, and can be walked both ways."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from lms import create_app
from lms.config import normalise_database_url
from lms.extensions import db
from tests.conftest import PG_URL, app_config, reset_postgres_schema


def _diff(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    """The run's database was built by `flask db upgrade`; autogenerate must find nothing to add."""
    assert _diff(db.engine) == []


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    """On a database of its own: every migration's downgrade works, and upgrading again agrees."""
    if PG_URL:
        schema = "migration_roundtrip"
        reset_postgres_schema(PG_URL, schema)
        separator = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    else:
        url = "sqlite:///" + str(tmp_path / "roundtrip.sqlite3")
    app = create_app(app_config(url))
    with app.app_context():
        flask_migrate.upgrade()
        assert "lms_user" in inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert _diff(db.engine) == []
        db.engine.dispose()
    if PG_URL:
        engine = create_engine(normalise_database_url(PG_URL))
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


def test_every_constraint_and_index_name_fits_postgresql():
    """PostgreSQL cuts identifiers at 63 bytes; a cut name would not match what the migrations drop."""
    from lms import create_app as build  # noqa: F401  (imports every plugin's models through the factory)

    long_names = []
    for table in db.metadata.tables.values():
        for item in (*table.constraints, *table.indexes):
            name = str(item.name) if item.name else ""
            if len(name.encode()) > 63:
                long_names.append(name)
    assert not long_names


def test_insert_or_ignore_says_whether_it_inserted(app):
    """The first insert of a unique fact reports True, a repeat False, on SQLite and PostgreSQL alike."""
    from lms.models.sql import insert_or_ignore
    from lms.users.models import Subject

    assert insert_or_ignore(Subject, name="Астрономия") is True
    assert insert_or_ignore(Subject, name="Астрономия") is False


def test_lock_rows_changes_nothing_and_makes_a_second_locker_wait(app_factory):
    """A locked row keeps its data (updated_at, version); another transaction locking it waits for the commit."""
    import threading
    import time

    from lms.models.sql import lock_rows
    from lms.users.models import User
    from tests.factories import make_user

    app = app_factory()
    with app.app_context():
        user = make_user("tutor", email="locked@example.org")
        db.session.commit()
        user_id, before = user.id, (user.updated_at, user.version)
        lock_rows(User, user_id, None)
        db.session.commit()
        db.session.expire_all()
        assert (db.session.get(User, user_id).updated_at, db.session.get(User, user_id).version) == before
    locked, waited = threading.Event(), []

    def first():
        with app.app_context():
            lock_rows(User, user_id)
            locked.set()
            time.sleep(0.5)
            db.session.commit()
            db.session.remove()

    def second():
        with app.app_context():
            locked.wait(5)
            started = time.monotonic()
            lock_rows(User, user_id)
            waited.append(time.monotonic() - started)
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert waited and waited[0] >= 0.3
