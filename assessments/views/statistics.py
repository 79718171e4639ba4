"""Staff's item statistics of the bank: answers, exposure, facility, discrimination and parameters per competency."""

from flask import abort, render_template, request
from sqlalchemy import select

from assessments import queries
from assessments.blueprint import bp
from assessments.items import ITEM_TYPES
from assessments.models import Framework
from assessments.services import calibration
from lms.extensions import db
from lms.i18n import _l
from lms.users.permissions import permission_required
from lms.web import arg_id

FLAGS = {"easy": _l("too easy"), "hard": _l("too hard"), "weak": _l("weak discrimination"),
         "negative": _l("negative discrimination")}
STATUSES = {"live": _l("live"), "pilot": _l("pilot")}
SOURCES = {"expert": _l("expert"), "calibration": _l("calibration")}


@bp.route("/bank/statistics")
@permission_required("assessments.manage")
def bank_statistics():
    framework_id = request.args.get("framework", type=arg_id)
    query = select(Framework)
    query = query.where(Framework.id == framework_id) if framework_id else query.where(Framework.current.is_(True))
    framework = db.session.scalars(query.order_by(Framework.id.desc()).limit(1)).first()
    if framework_id and framework is None:
        abort(404)
    competencies = calibration.item_statistics(framework) if framework else []
    return render_template("assessments/statistics.html", framework=framework, competencies=competencies,
                           versions=queries.framework_versions(), item_types=ITEM_TYPES, flags=FLAGS,
                           statuses=STATUSES, sources=SOURCES, min_responses=calibration.MIN_RESPONSES)
