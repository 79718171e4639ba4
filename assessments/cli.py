"""`flask assessments …`: loading the competency framework."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from assessments.services import framework as frameworks
from lms.errors import ServiceError
from lms.extensions import db

assessments_cli = AppGroup("assessments", help="Competency framework, item bank and diagnostics.")


@assessments_cli.command("load-framework")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--not-current", is_flag=True, help="Load the version without making it the one new diagnostics use.")
def load_framework_command(path: Path, not_current: bool):
    """Add a framework version from a JSON file (e.g. assessments/data/framework_ict_v1.json)."""
    try:
        framework = frameworks.load(frameworks.read(path.read_bytes()), make_current=not not_current)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Loaded {framework.code} {framework.version}: {len(framework.domains)} domains, "
               f"{sum(len(d.competencies) for d in framework.domains)} competencies.")
