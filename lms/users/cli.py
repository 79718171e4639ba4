"""`flask users …`: create accounts, import teachers, deactivate, set passwords."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.errors import ServiceError
from lms.extensions import db
from lms.users import importing, services
from lms.users.choices import ROLES

users_cli = AppGroup("users", help="Manage user accounts.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--last-name", required=True)
@click.option("--first-name", required=True)
@click.option("--middle-name", default=None)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(list(ROLES)),
              help="Repeat for several roles.")
@click.option("--password", default=None, help="Omit to be asked; use --no-password to send a link instead.")
@click.option("--no-password", is_flag=True, help="Create without a password and print a one-time link.")
def create_command(email, last_name, first_name, middle_name, roles, password, no_password):
    """Create a user account."""
    if not no_password and not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email=email, last_name=last_name, first_name=first_name,
                                    middle_name=middle_name, roles=set(roles), password=password or None)
    except ServiceError as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(user.role_codes))}), id {user.id}")
    if no_password:
        click.echo(f"Password link: {_password_link(user)}")


def _password_link(user) -> str:
    from lms.auth.services import send_password_link

    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return send_password_link(user)


@users_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--update", is_flag=True, help="Update teachers whose e-mail is known (else such rows are errors).")
@click.option("--dry-run", is_flag=True, help="Check the file and change nothing.")
def import_command(path: Path, update: bool, dry_run: bool):
    """Import teachers from a CSV or XLSX file: all rows or none."""
    with path.open("rb") as stream:
        try:
            report = importing.parse(stream, path.name, mode="upsert" if update else "create", may_update_staff=True)
        except importing.ImportFileError as exc:
            _fail(str(exc))
    if not report.ok:
        for error in report.errors:
            click.echo(f"row {error.row}: {error.column}: {error.message}", err=True)
        _fail(f"{len(report.errors)} error(s); nothing was imported.")
    if dry_run:
        click.echo(f"The file is correct: {len(report.rows)} row(s) would be imported.")
        return
    try:
        importing.apply(report)
    except ServiceError as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(f"Imported: {report.created} created, {report.updated} updated.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str):
    """Stop a user from signing in (history is kept)."""
    user = services.find_user_by_email(email)
    if user is None:
        _fail(f"No user with e-mail {email}")
    services.deactivate_user(user)
    db.session.commit()
    click.echo(f"Deactivated {user.email}")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_password_command(email: str, password: str):
    """Set a user's password."""
    user = services.find_user_by_email(email)
    if user is None:
        _fail(f"No user with e-mail {email}")
    try:
        services.set_password(user, password)
    except ServiceError as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(f"Password set for {user.email}")
