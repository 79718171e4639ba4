"""Staff recalculate the bank's item parameters from the statistics page: a background job of the core's
(``lms.reports.jobs``) runs the calibration ``flask assessments calibrate`` runs and leaves a spreadsheet of it."""

from __future__ import annotations

from assessments.models import Framework
from assessments.services import calibration
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, format_datetime, local_today
from lms.models.sql import lock_rows
from lms.reports import exports, jobs
from lms.reports.files import XLSX, File
from lms.reports.models import ExportJob

KIND = "calibration"


def latest(framework: Framework) -> ExportJob | None:
    """The framework's last recalculation, whoever started it."""
    return jobs.latest(KIND, str(framework.id))


def start(framework: Framework, viewer, *, seen: int) -> ExportJob:
    """Queue a recalculation of ``framework``; ``seen`` is the id of the last one the page showed (0: none).

    A double click sends the same form twice: the second finds a recalculation newer than its page and is
    refused, as is any start while one is still under way. Two at the same moment are put in line by the
    framework's row lock, so the second sees the first's job.
    """
    lock_rows(Framework, framework.id)
    last = latest(framework)
    running = jobs.unfinished(KIND, str(framework.id))
    if running is not None:
        raise ServiceError(_("A recalculation of these parameters is already under way (started %(when)s): its "
                             "result will appear on this page.", when=format_datetime(running.created_at)))
    if last is not None and last.id != seen:
        raise ServiceError(_("The parameters were already recalculated after this page was opened (%(when)s): "
                             "see the result below before starting again.", when=format_datetime(last.created_at)))
    return jobs.start(viewer, KIND, str(framework.id), "xlsx", {"min_responses": calibration.MIN_RESPONSES})


def build(key: str, fmt: str, args: dict, viewer) -> File | None:
    """The job's work: calibrate, write the new parameter versions (the job commits them) and tabulate them."""
    framework = db.session.get(Framework, int(key)) if key.isdigit() else None
    if framework is None or fmt != "xlsx":
        return None
    report = calibration.calibrate(framework, min_responses=int(args.get("min_responses") or calibration.MIN_RESPONSES),
                                   user=viewer)
    outcomes = {"calibrated": _("new parameters"), "anchor": _("anchor: kept"), "skipped": _("skipped")}
    reasons = {"no_responses": _("no answers"), "too_few_responses": _("too few answers"),
               "not_converged": _("the estimation did not converge"), "at_bound": _("the estimate stopped at a bound")}
    rows = []
    for part in report.competencies:
        for item in part.items:
            before, after = item.before or (None, None), item.after or (None, None)
            rows.append((f"{part.code} {part.title}", item.code, str(outcomes.get(item.outcome, item.outcome)),
                         str(reasons.get(item.reason, item.reason)), item.n, *before, *after))
    columns = [_("Competency"), _("Code"), _("Outcome"), _("Reason"), _("Answers"), _("a before"), _("b before"),
               _("a after"), _("b after")]
    subtitle = _("Questions with at least %(n)s answers get new parameters; %(written)s were written.",
                 n=report.min_responses, written=report.written)
    data = exports.table_xlsx(str(_("Recalculation of item parameters")), subtitle, columns, rows)
    counted = [item for part in report.competencies for item in part.items]
    summary = {"written": report.written, "items": len(counted),
               "skipped": sum(1 for item in counted if item.outcome == "skipped"),
               "correlation": report.correlation}
    return File(data, f"calibration-{framework.code}-{local_today():%Y%m%d}.xlsx", XLSX, summary=summary)
