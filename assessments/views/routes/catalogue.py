"""The route catalogue for staff: activities with what they cover, and the deficits nothing covers."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments import queries
from assessments.blueprint import bp
from assessments.choices import ACTIVITY_FORMS, ACTIVITY_KINDS, DELIVERY, RESULT_FORMS
from assessments.forms import ActivityForm
from assessments.models import Activity, ActivityCoverage, Framework
from assessments.services.routes import catalogue as service
from assessments.views.routes.messages import gap_reason
from lms import references
from lms.extensions import db
from lms.forms import SelectChoice, options
from lms.i18n import _
from lms.lti.models import LtiTool
from lms.users.models import User, UserRole
from lms.users.permissions import permission_required
from lms.web import get_or_404, paginate, save


@bp.route("/catalogue/")
@permission_required("assessments.catalogue")
def catalogue():
    page = paginate(select(Activity).order_by(Activity.kind, Activity.title, Activity.id).options(
        selectinload(Activity.coverage).selectinload(ActivityCoverage.competency),
        selectinload(Activity.prerequisites)))
    return render_template("assessments/routes/catalogue.html", page=page, gaps=queries.catalogue_gaps(),
                           gap_reason=gap_reason, kinds=ACTIVITY_KINDS, forms=ACTIVITY_FORMS)


@bp.route("/catalogue/new", methods=["GET", "POST"])
@bp.route("/catalogue/<int:activity_id>/edit", methods=["GET", "POST"])
@permission_required("assessments.catalogue")
def activity_edit(activity_id: int | None = None):
    activity = get_or_404(Activity, activity_id) if activity_id else None
    form = ActivityForm(obj=activity if request.method == "GET" and activity else None)
    _choices(form, activity)
    if request.method == "GET" and activity is not None:
        form.coverage.data = service.coverage_text(activity)
        form.prerequisite_ids.data = [p.id for p in activity.prerequisites]
        form.version.data = activity.version
        if activity.organiser_kind:
            form.organiser_ref.data = references.value_of(activity.organiser_kind, activity.organiser_id)
        form.lti_custom.data = "\n".join(f"{k}={v}" for k, v in (activity.lti_custom or {}).items())
    framework = db.session.scalar(select(Framework).where(Framework.current.is_(True)))
    if form.validate_on_submit():
        def action():
            data = service.ActivityData(
                kind=form.kind.data, title=form.title.data, hours=form.hours.data, form=form.form.data,
                delivery=form.delivery.data, description=form.description.data, organiser=form.organiser.data,
                organiser_ref=form.organiser_ref.data or "",
                result_form=form.result_form.data, url=form.url.data or None, module_id=form.module_id.data,
                session_id=form.session_id.data, tutor_id=form.tutor_id.data, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, capacity=form.capacity.data, active=form.active.data,
                coverage=service.parse_coverage(form.coverage.data or "", framework),
                prerequisite_ids=form.prerequisite_ids.data, lti_tool_id=form.lti_tool_id.data,
                lti_target_link_uri=form.lti_target_link_uri.data or None, lti_custom=form.custom_params(),
                lti_pass_percent=form.lti_pass_percent.data or 100)
            return service.save_activity(activity, data, version=form.version_value() if activity else None)

        saved = save(form, action, versioned=activity)
        if saved is not None:
            flash(_("The activity has been saved."), "success")
            return redirect(url_for("assessments.catalogue"))
    return render_template("assessments/routes/activity_edit.html", form=form, activity=activity)


def _choices(form, activity) -> None:
    from courses import api as courses_api

    form.kind.choices = options(ACTIVITY_KINDS.items())
    form.form.choices = options(ACTIVITY_FORMS.items())
    form.delivery.choices = options(DELIVERY.items())
    form.result_form.choices = options(RESULT_FORMS.items())
    form.organiser_ref.choices = [SelectChoice("", _("None: the organiser written above"))] + [
        SelectChoice(value, title) for value, title in references.choices("organiser")]
    form.module_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(ident, title) for ident, title in courses_api.module_choices()]
    form.tutor_id.choices = [SelectChoice("", _("The route's tutor"))] + [
        SelectChoice(u.id, u.full_name) for u in db.session.scalars(
            select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "tutor")
            .order_by(User.last_name))]
    form.lti_tool_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(t.id, t.name) for t in db.session.scalars(select(LtiTool).order_by(LtiTool.name))]
    form.prerequisite_ids.choices = [SelectChoice(a.id, a.title) for a in db.session.scalars(
        select(Activity).where(Activity.id != (activity.id if activity else -1)).order_by(Activity.title))]
