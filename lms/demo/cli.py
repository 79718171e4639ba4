"""`flask demo load`: idempotent demo data of the core and every loaded plugin."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from lms.demo import data
from lms.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--in-production", is_flag=True,
              help="Load even with LMS_ENV=production (creates accounts with a published password).")
def load_command(in_production: bool):
    """Create the demo municipality, schools, people (and plugins' data); safe to run again."""
    if current_app.config["ENV_NAME"] == "production" and not in_production:
        raise click.ClickException("Refusing to load demo accounts (password published in the README) into a "
                                   "production database; pass --in-production to do it anyway.")
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
