"""`flask assessments …`: loading the competency framework, item statistics and calibration of the bank."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from assessments.models import Framework
from assessments.services import calibration
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


#: The report in English: an operator's tool, read next to logs, not a teacher-facing page.
REASONS = {"no_responses": "no answers", "too_few_responses": "too few answers",
           "not_converged": "the estimation did not converge", "at_bound": "the estimate stopped at a bound"}


def _framework(code: str | None) -> Framework:
    """The current version of ``code`` (its newest if none is current); without a code, the one current version."""
    query = select(Framework).order_by(Framework.current.desc(), Framework.id.desc())
    found = list(db.session.scalars(query.where(Framework.code == code) if code else
                                    query.where(Framework.current.is_(True))))
    if not found:
        raise click.ClickException(f"No framework {code}." if code else "No current framework: load one first.")
    if not code and len({f.code for f in found}) > 1:
        raise click.ClickException("Several frameworks are current; choose one with --framework CODE.")
    return found[0]


@assessments_cli.command("calibrate")
@click.option("--framework", "code", metavar="CODE", help="Framework code (default: the current framework).")
@click.option("--min-responses", default=calibration.MIN_RESPONSES, show_default=True, type=click.IntRange(min=1),
              help="Answers an item needs to get new parameters.")
@click.option("--dry-run", is_flag=True, help="Compute and report; write nothing.")
def calibrate_command(code: str | None, min_responses: int, dry_run: bool):
    """Estimate new 2PL parameter versions of the bank and the competencies' correlation from finished attempts."""
    framework = _framework(code)
    report = calibration.calibrate(framework, min_responses=min_responses, dry_run=dry_run)
    click.echo(f"Calibration of {report.framework}, items with at least {min_responses} answers"
               + (" (dry run: nothing is written)." if dry_run else "."))
    for part in report.competencies:
        head = f"{part.code} {part.title}: {part.n_persons} attempts"
        if part.converged is None:
            click.echo(f"{head}; nothing to calibrate.")
        else:
            scale = f"{len(part.of('anchor'))} anchors keep the scale" if part.anchored else "reference cohort N(0, 1)"
            state = f"converged in {part.iterations} iterations" if part.converged else \
                f"NOT converged after {part.iterations} iterations"
            click.echo(f"{head}; {scale}; ability mean {part.latent_mean:.2f}, SD {part.latent_sd:.2f}; {state}.")
        for item in part.items:
            if item.outcome == "calibrated":
                before = f"a {item.before[0]:.2f} b {item.before[1]:+.2f}" if item.before else "none"
                click.echo(f"  calibrated {item.code:<16} n={item.n:<6} {before} -> "
                           f"a {item.after[0]:.2f} b {item.after[1]:+.2f}")
            elif item.outcome == "anchor":
                click.echo(f"  anchor     {item.code:<16} n={item.n:<6} a {item.before[0]:.2f} b {item.before[1]:+.2f}")
            else:
                click.echo(f"  skipped    {item.code:<16} n={item.n:<6} {REASONS[item.reason]}")
    if report.correlation is not None:
        click.echo(f"Competency correlation: {report.correlation_before:.2f} -> {report.correlation:.2f} "
                   f"({report.correlation_persons} attempts, {report.correlation_pairs} pairs of competencies).")
        off = [v for i, row in enumerate(report.matrix) for j, v in enumerate(row) if i < j]
        if off:
            click.echo(f"Correlation matrix of {len(report.matrix)} competencies (each pair shrunk towards it by "
                       f"its sample): pairs from {min(off):.2f} to {max(off):.2f}"
                       + ("." if dry_run else "; stored as the framework's current version."))
    else:
        click.echo(f"Competency correlation stays {report.correlation_before:.2f}: "
                   f"{report.correlation_persons} attempts answered two or more competencies "
                   f"({calibration.MIN_CORRELATION_PERSONS} needed, with {calibration.MIN_PAIR_PERSONS} per pair).")
    if dry_run:
        db.session.rollback()
        return
    db.session.commit()
    click.echo(f"Written: {report.written} new parameter versions.")


@assessments_cli.command("item-stats")
@click.option("--framework", "code", metavar="CODE", help="Framework code (default: the current framework).")
def item_stats_command(code: str | None):
    """Print answers, exposure, facility, discrimination, parameters and flags of every live and pilot item."""
    framework = _framework(code)
    click.echo(f"{framework.code} {framework.version}")
    for part in calibration.item_statistics(framework):
        kr20 = "-" if part.reliability is None else f"{part.reliability:.2f}"
        sem = "-" if part.sem is None else f"{part.sem:.2f}"
        click.echo(f"\n{part.competency.code} {part.competency.title}: {part.n} attempts, KR-20 {kr20}, SEM {sem}")
        if not part.items:
            continue
        click.echo(f"  {'code':<16} {'type':<16} {'status':<7} {'n':>6} {'expo%':>6} {'facil%':>6} {'discr':>6} "
                   f"{'a':>5} {'b':>6} {'source':<11} flags")
        for row in part.items:
            s, p = row.stats, row.parameters
            click.echo(f"  {row.item.code:<16} {row.item.type:<16} {row.item.status:<7} {s.n_responses:>6} "
                       f"{_cell(row.exposure, 100, '.0f'):>6} {_cell(s.facility, 100, '.0f'):>6} "
                       f"{_cell(s.discrimination, 1, '.2f'):>6} {_cell(p and p.a, 1, '.2f'):>5} "
                       f"{_cell(p and p.b, 1, '+.2f'):>6} {(p.source if p else '-'):<11} {','.join(s.flags)}")


def _cell(value: float | None, scale: float, spec: str) -> str:
    return "-" if value is None else format(value * scale, spec)
