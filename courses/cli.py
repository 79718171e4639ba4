"""`flask courses …`: jobs the courses plugin needs run on a schedule."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from courses.models import OfficeHours
from courses.services import consultations
from lms.extensions import db
from lms.i18n import to_local
from lms.models.mixins import utcnow

courses_cli = AppGroup("courses", help="Programmes, groups and consultations.")


@courses_cli.command("generate-slots")
def generate_slots_command():
    """Open the consultation slots of the coming weeks for every active office hours (run daily)."""
    today = to_local(utcnow()).date()
    created = 0
    for hours in db.session.scalars(select(OfficeHours).where(OfficeHours.active.is_(True),
                                                              OfficeHours.valid_until >= today)):
        created += consultations.generate_slots(hours, today)
    db.session.commit()
    click.echo(f"{created} new consultation slot(s).")
