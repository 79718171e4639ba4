"""`flask demo load`: idempotent demo data of the core and every loaded plugin."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from lms.demo import data
from lms.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def load_command():
    """Create the demo municipality, schools, people (and plugins' data); safe to run again."""
    objects = data.load()
    for plugin in current_app.extensions.get("lms.plugins", []):
        if plugin.demo_loader is not None:
            plugin.demo_loader(objects)
    db.session.commit()
    click.echo(f"Demo data ready. Every demo account's password is: {data.DEMO_PASSWORD}")
    click.echo(f"  admin (head of service): {objects['admin'].email}")
    click.echo(f"  staff (distance-learning centre): {objects['staff'].email}")
    for tutor in objects["tutors"]:
        click.echo(f"  tutor: {tutor.email}  {tutor.full_name}")
    teachers = objects["teachers"]
    click.echo(f"  teachers ({len(teachers)}): {teachers[0].email}, {teachers[1].email} … {teachers[-1].email}")
