"""The tutor's caseload of teachers and routes, filterable and sortable; staff choose any tutor's."""

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from assessments.blueprint import bp
from assessments.choices import ROUTE_STATUSES
from assessments.services.routes.caseload import ATTENTION, SORTS
from assessments.services.routes.caseload import caseload as load
from lms.extensions import db
from lms.i18n import local_today
from lms.users.models import User, UserRole
from lms.users.permissions import has_permission, permission_required
from lms.web import arg_id, paginate


@bp.route("/routes/caseload")
@permission_required("assessments.routes")
def caseload():
    everyone = has_permission(current_user, "assessments.catalogue")
    tutor_id = request.args.get("tutor", type=arg_id) if everyone else None
    status = request.args.get("status") if request.args.get("status") in (*ROUTE_STATUSES, "none") else None
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "attention"
    attention_only = request.args.get("attention") == "1"
    cases = load(current_user, everyone=everyone, today=local_today(), tutor_id=tutor_id, status=status,
                 attention_only=attention_only, sort=sort)
    tutors = list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == "tutor", User.active.is_(True)).order_by(User.last_name))) if everyone else []
    from courses import api as courses_api

    groups = courses_api.running_groups(None if everyone else current_user.id)
    # Sorted by what needs attention, which only Python knows: the list is cut after sorting.
    return render_template("assessments/routes/caseload.html", page=paginate(cases), everyone=everyone, tutors=tutors,
                           groups=groups,
                           tutor_id=tutor_id, status=status, sort=sort, attention_only=attention_only,
                           statuses=ROUTE_STATUSES, sorts=SORTS, attention_codes=ATTENTION)
