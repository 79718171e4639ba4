"""Column mixins shared by models of every package."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    """Naive UTC now: every timestamp is stored in UTC and shown in the service's time zone."""
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: an UPDATE whose row changed since it was read fails instead of overwriting.

    Edit forms carry ``version`` so a second tab's stale save is refused with a clear message: the
    service calls :func:`check_version` first, and the database's version check catches the race left.
    """

    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


def check_version(obj: VersionedMixin | None, version: int | None, message: str) -> None:
    """The optimistic-lock check every service runs before it changes a versioned object.

    :param obj: the object being changed; None when the call creates one (nothing to be stale).
    :param version: the ``version`` the user's form was opened on (a view passes
        ``form.version_value()``, which is -1 for a missing or garbled one, so it always checks). None
        means the caller has no form, a script, the demo loader or a signal receiver acting on the current
        state, and nothing is checked.
    :param message: the translated text telling the user what changed and what saving again will do.
    :raises ConflictError: someone saved the object after the form was opened.
    """
    from lms.errors import ConflictError  # here: lms.errors -> lms.i18n imports utcnow from this module

    if obj is not None and version is not None and version != obj.version:
        raise ConflictError(message)
