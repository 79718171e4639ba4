"""Saving a checked import in one flush: every row or none."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.users.importing.checking import ImportReport, ImportRow
from lms.users.models import User, UserRole
from lms.users.services import apply_profile, build_user, get_or_create_subjects, touch


def apply(report: ImportReport, actor: User | None = None) -> ImportReport:
    """Save every checked row; call only when ``report.ok``. The caller commits once (or rolls back).

    :raises ServiceError: another request took one of the e-mails after the file was checked.
    """
    if not report.ok:
        raise ValueError("apply() called on a report with errors")
    subjects = {s.name: s for s in get_or_create_subjects([n for row in report.rows for n in row.profile.subjects])}
    created, updated = [], []
    try:
        with db.session.no_autoflush:  # one flush for the whole file, not one per row
            for row in report.rows:
                if row.existing is None:
                    created.append(build_user(email=row.email, last_name=row.last_name, first_name=row.first_name,
                                              middle_name=row.middle_name, phone=row.phone, roles={"teacher"},
                                              profile=row.profile, subjects=subjects))
                else:
                    updated.append(_update(row, subjects))
            db.session.flush()
    except IntegrityError as exc:
        raise ServiceError(_("Someone added some of these teachers while the file was being imported. "
                             "Nothing was imported; upload the file again.")) from exc
    app = current_app._get_current_object()
    for user in created:
        signals.user_created.send(app, user=user, actor=actor)
    report.created, report.updated = len(created), len(updated)
    signals.teachers_imported.send(app, created=created, updated=updated, actor=actor)
    return report


def _update(row: ImportRow, subjects: dict) -> User:
    user = row.existing
    user.last_name, user.first_name, user.middle_name = row.last_name, row.first_name, row.middle_name
    user.phone = row.phone or user.phone
    if not user.has_role("teacher"):
        user.roles.append(UserRole(role="teacher"))
    apply_profile(user, row.profile, subjects)
    touch(user)
    return user
