"""Reproducing a race in one thread: another request's row is committed just before our INSERT reaches the database."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from lms.extensions import db


@contextmanager
def committed_first(table, **values):
    """While active, the first INSERT into ``table`` is preceded by another connection committing ``values`` there.

    That is what two simultaneous requests do: both find no row, and the other one's insert wins.
    Yields a list that holds True once the other row went in.
    """
    fired: list[bool] = []
    prefix = f"INSERT INTO {table.name} ("

    def sneak_in(conn, cursor, statement, parameters, context, executemany):
        if fired or not statement.startswith(prefix):
            return
        fired.append(True)
        with db.engine.connect() as other:
            other.execute(table.insert().values(**values))
            other.commit()

    event.listen(db.engine, "before_cursor_execute", sneak_in)
    try:
        yield fired
    finally:
        event.remove(db.engine, "before_cursor_execute", sneak_in)
