"""SQL helpers that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db


def insert_or_ignore(model, **values) -> bool:
    """INSERT a row unless one with the same unique key exists; True when this call inserted it.

    Atomic in the database (ON CONFLICT DO NOTHING), so two requests racing to record the same fact
    (a double click, a second tab) leave one row and no error. No SAVEPOINT is needed, which matters
    on SQLite, where the driver's SAVEPOINT handling would commit the surrounding transaction.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING says whether a row went in; rowcount is not reported (-1) for this statement on psycopg.
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(*model.__table__.primary_key)
    return db.session.execute(statement).first() is not None
