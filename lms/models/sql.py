"""SQL helpers that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db


def check_constraint(column: str, vocabulary) -> str:
    """SQL for a CHECK constraint keeping ``column`` inside ``vocabulary`` (its keys: the stored codes)."""
    return f"{column} IN (" + ", ".join(f"'{code}'" for code in vocabulary) + ")"


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


def lock_rows(model, *ids) -> None:
    """Hold the write lock of ``model``'s rows ``ids`` until the transaction ends, so a check made next
    (is the room free? has the teacher completed every module?) cannot be raced by a parallel request.

    PostgreSQL locks the rows (SELECT … FOR NO KEY UPDATE): another transaction locking one of them
    waits until this one ends and then reads what it wrote. (Not FOR UPDATE: that would also wait for
    the KEY SHARE locks every INSERT referring to the row takes, and two transactions that had each
    inserted such a row before locking it would deadlock.) SQLite has no row locks but lets one writer in
    at a time, and takes that lock only at a transaction's first write: an UPDATE that changes nothing
    takes it here, before the check instead of at the INSERT after it. Rows are locked in key order,
    so two requests locking the same rows never deadlock.
    """
    keys = sorted({key for key in ids if key is not None})
    if not keys:
        return
    table = model.__table__
    (primary_key,) = table.primary_key.columns
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(primary_key).where(primary_key.in_(keys)).order_by(primary_key).with_for_update(key_share=True)
        )
        return
    # Columns with an onupdate (updated_at) are set to themselves too, or the no-op would touch them.
    unchanged = {
        column.name: column for column in table.columns if column is primary_key or column.onupdate is not None
    }
    db.session.execute(update(table).where(primary_key.in_(keys)).values(unchanged))


def load_locked(model, ident, *options):
    """``model``'s row ``ident`` re-read with ``options`` (what the caller reads next), its write lock held as
    ``lock_rows`` holds it: on PostgreSQL in the same statement (FOR NO KEY UPDATE OF its table only, so
    the eager-loading outer joins may stay), on SQLite after the no-op UPDATE that takes the lock. None when
    there is no such row.

    A row already read this way in this transaction is not read again: nobody else can have changed it since,
    so a view that loads the row locked for its access check spares the service it calls a second read.
    """
    read = _read_locked()
    if (model, ident) in read:
        return db.session.get(model, ident)
    table = model.__table__
    (primary_key,) = table.primary_key.columns
    statement = (select(model).where(primary_key == ident).options(*options)
                 .execution_options(populate_existing=True))
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(key_share=True, of=table)
    else:
        lock_rows(model, ident)
    row = db.session.execute(statement).unique().scalar_one_or_none()
    if row is not None:
        _read_locked().add((model, ident))  # the statement may have begun the transaction: ask again
    return row


def _read_locked() -> set:
    """The (model, key) rows ``load_locked`` has read in the session's current transaction."""
    session = db.session()
    transaction = session.get_transaction()
    if "read_locked" not in session.info or session.info["read_locked_in"] is not transaction:
        # A new transaction (or none yet): the locks of the last one ended with it.
        session.info["read_locked_in"], session.info["read_locked"] = transaction, set()
    return session.info["read_locked"]


#: Primary keys are 32-bit on PostgreSQL: a larger number in a URL names nothing (and must not reach the driver).
MAX_ID = 2**31 - 1


def valid_id(value) -> int | None:
    """``value`` when it can be a primary key, else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID else None


def parse_id(value) -> int:
    """``value`` (text from a form or a query string, or an int) as a primary key; ValueError when no row
    can have it, so form coercion and ``request.args.get(type=…)`` treat it like any unreadable value."""
    number = valid_id(int(value)) if len(str(value)) <= 12 else None
    if number is None:
        raise ValueError(value)
    return number
