"""Side effects that must follow a commit (e-mail, jobs): queued in the unit of work, run when it commits,
dropped with whatever part of it rolls back."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lms.extensions import db

_KEY = "lms.outbox"


def after_commit(effect: Callable[[], None]) -> None:
    """Run ``effect`` once the current transaction commits; never if it (or the savepoint it was queued in)
    rolls back. Services call this instead of sending anything themselves.

    The effect runs with the application context of the commit, after the data is visible to everyone. The
    committed session takes no more statements there: an effect that reads or writes the database uses a
    session of its own (a ``Session(db.engine)``, or a new app context). A failure is logged and does not undo
    the commit, which has happened.
    """
    session = db.session()
    transaction = session.get_transaction()
    if transaction is None:  # nothing begun yet: the effect belongs to the transaction about to start
        transaction = session.begin()
    transaction = session.get_nested_transaction() or transaction
    session.info.setdefault(_KEY, []).append((transaction, effect))


def pending() -> int:
    """How many effects wait for the current transaction's commit (for tests)."""
    return len(db.session().info.get(_KEY, ()))


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    queued = session.info.get(_KEY)
    if queued:
        session.info[_KEY] = [(t, e) for t, e in queued if not _within(t, previous_transaction)]


@event.listens_for(Session, "after_commit")
def _run_committed(session: Session) -> None:
    # after_commit fires for the outermost transaction only: everything queued, savepoints included, is now durable.
    queued = session.info.pop(_KEY, None)
    for _transaction, effect in queued or ():
        try:
            effect()
        except Exception:  # noqa: BLE001 - the commit stands; the person is told by the failure's own channel
            current_app.logger.exception("A side effect after commit failed")
