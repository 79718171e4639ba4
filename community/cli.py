"""`flask community …`: the young specialists and their mentors, for a service's start-of-year check."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.i18n import local_today

community_cli = AppGroup("community", help="The methodological service's registries.")


@community_cli.command("young-specialists")
def young_specialists_command():
    """List teachers with at most three years of experience and their current mentors."""
    from community.queries import young_specialists

    rows = young_specialists(local_today())
    for row in rows:
        mentors = ", ".join(m.full_name for m in row.mentors) or "-"
        click.echo(f"{row.teacher.full_name}\t{row.experience}\t{mentors}")
    click.echo(f"{len(rows)} young specialists, {sum(1 for r in rows if not r.mentors)} without a mentor.")
