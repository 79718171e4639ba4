"""Route pages: the teacher's own route (or building it), building one for a teacher, the route itself."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.blueprint import bp
from assessments.choices import ACTIVITY_FORMS, GOAL_STATUSES, RESULT_FORMS, ROUTE_STATUSES, STEP_STATUSES
from assessments.forms import (
    ReassignForm,
    RouteActionForm,
    RouteSettingsForm,
    StepChangeForm,
    StepForm,
)
from assessments.models import Route, RouteEvent, RouteGoal, RouteStep
from assessments.permissions import can_tutor_route, can_tutor_teacher, can_view_route
from assessments.services.routes import builder, workflow
from assessments.services.routes.places import step_places
from assessments.services.routes.progress import progress, step_attendance
from assessments.views.routes.common import (
    activity_choices,
    can_edit,
    fill_settings,
    goal_choices,
    route_url,
    settings_from,
)
from assessments.views.routes.messages import event_label, gap_reason
from lms.extensions import db
from lms.forms import SelectChoice
from lms.i18n import _, local_today
from lms.models.mixins import utcnow
from lms.users.models import User, UserRole
from lms.users.permissions import has_permission, permission_required
from lms.web import get_or_404, save


@bp.route("/routes/")
@permission_required("assessments.view")
def routes_home():
    if has_permission(current_user, "assessments.routes"):
        return redirect(url_for("assessments.caseload"))
    return redirect(url_for("assessments.route_mine"))


@bp.route("/routes/mine", methods=["GET", "POST"])
@permission_required("assessments.take")
def route_mine():
    """The teacher's route in work (or their latest one); without one, the form that builds it."""
    route = db.session.scalar(select(Route).where(Route.user_id == current_user.id)
                              .order_by(Route.open_key.is_(None), Route.created_at.desc()).limit(1))
    if route is not None and route.open_key is not None:
        return redirect(route_url(route))
    return _build_page(current_user, latest=route)


@bp.route("/routes/new/<int:user_id>", methods=["GET", "POST"])
@permission_required("assessments.routes")
def route_new(user_id: int):
    teacher = get_or_404(User, user_id, lambda user, t: t.has_role("teacher") and can_tutor_teacher(user, t.id))
    existing = db.session.scalar(select(Route).where(Route.open_key == str(teacher.id)))
    if existing is not None:
        # Its page plans it again with a form that knows the route's version: nobody's edits are lost.
        flash(_("%(name)s already has a route in work; change it or plan it again here.", name=teacher.full_name),
              "info")
        return redirect(route_url(existing))
    return _build_page(teacher, latest=None)


def _build_page(teacher, latest):
    form = RouteSettingsForm()
    fill_settings(form, teacher.id)
    tutoring = teacher.id != current_user.id
    if form.validate_on_submit():
        tutor_id = current_user.id if tutoring and current_user.has_role("tutor") else _tutor_of(teacher)
        route = save(form, lambda: builder.build(teacher, current_user, settings_from(form) if tutoring else
                                                 _own(settings_from(form)), utcnow(), tutor_id=tutor_id))
        if route is not None:
            _report_plan(route)
            return redirect(route_url(route))
    framework = builder.framework_for(teacher.id)
    return render_template("assessments/routes/new.html", form=form, teacher=teacher, latest=latest,
                           tutoring=tutoring, framework=framework)


def _own(settings):
    settings.competency_ids = None  # a teacher's route follows their diagnosed deficits; tutors may choose
    return settings


def _tutor_of(teacher) -> int | None:
    from courses import api as courses_api

    return courses_api.tutor_of(teacher.id)


def _report_plan(route: Route) -> None:
    from assessments.views.routes.messages import plan_messages

    for text, category in plan_messages(route):
        flash(text, category)


@bp.route("/routes/<int:route_id>")
@permission_required("assessments.view")
def route(route_id: int):
    return route_page(get_or_404(Route, route_id, can_view_route))


def route_page(item: Route, *, typed: dict | None = None, status: int = 200):
    """The route's page; ``typed`` (box → posted RouteActionForm) puts a refused action's text back in its box."""
    db.session.scalar(select(Route).where(Route.id == item.id).options(
        selectinload(Route.steps).selectinload(RouteStep.activity),
        selectinload(Route.goals).selectinload(RouteGoal.competency),
        selectinload(Route.events).selectinload(RouteEvent.user)))
    tutoring, editing = can_tutor_route(current_user, item), can_edit(current_user, item)
    settings = RouteSettingsForm(formdata=None)
    fill_settings(settings, item.user_id, item)
    typed = typed or {}
    step_form = typed.get("step") or StepForm(formdata=None, data={"version": item.version,
                                                                   "starts_on": item.period_start,
                                                                   "ends_on": item.period_end})
    step_form.activity_id.choices = activity_choices() if editing else []
    step_form.closes.choices = goal_choices(item) if editing else []
    reassign = None
    if has_permission(current_user, "assessments.catalogue") and item.status != "completed":
        reassign = ReassignForm(formdata=None, data={"tutor_id": item.tutor_id or 0})
        reassign.tutor_id.choices = [SelectChoice(0, _("Nobody"))] + [SelectChoice(u.id, u.full_name) for u in (
            db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                               .where(UserRole.role == "tutor", User.active.is_(True)).order_by(User.last_name)))]
    attendance = step_attendance(item)
    places = step_places(item, utcnow())
    preview = None
    if tutoring and item.status == "review":
        preview = [(o, workflow.booking_text(o)) for o in workflow.approval_preview(item)]
    return render_template(
        "assessments/routes/route.html", route=item, preview=preview, attendance=attendance, places=places,
        progress=progress(item, local_today()), tutoring=tutoring,
        editing=editing, mine=item.user_id == current_user.id, settings=settings, step_form=step_form,
        action=RouteActionForm(formdata=None, data={"version": item.version}), reassign=reassign,
        change_form=StepChangeForm, route_statuses=ROUTE_STATUSES, step_statuses=STEP_STATUSES,
        goal_statuses=GOAL_STATUSES, forms=ACTIVITY_FORMS, result_forms=RESULT_FORMS, event_label=event_label,
        gap_reason=gap_reason, typed=typed), status
