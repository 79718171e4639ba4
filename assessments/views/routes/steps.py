"""A route's steps: add a catalogue activity, change dates and hours, drop, mark done, open an LTI module."""

from flask import abort, flash, redirect
from flask_login import current_user

from assessments.blueprint import bp
from assessments.forms import RouteActionForm, StepChangeForm, StepForm
from assessments.models import Activity, Route, RouteStep
from assessments.permissions import can_tutor_route
from assessments.services.routes import external, workflow
from assessments.views.routes.actions import _form_errors, again
from assessments.views.routes.common import activity_choices, can_edit, goal_choices, route_url
from lms.forms import ActionForm
from lms.i18n import _
from lms.models.mixins import utcnow
from lms.users.permissions import permission_required
from lms.web import get_or_404, save


@bp.route("/routes/<int:route_id>/steps", methods=["POST"])
@permission_required("assessments.view")
def step_add(route_id: int):
    route = get_or_404(Route, route_id, can_edit)
    form = StepForm()
    form.activity_id.choices = activity_choices()
    form.closes.choices = goal_choices(route)
    if not form.validate_on_submit():
        return again(route, "step", form)
    activity = get_or_404(Activity, form.activity_id.data)
    if save(form, lambda: workflow.add_step(route, current_user, version=form.version_value(), activity=activity,
                                            starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                            hours=form.hours.data, closes=form.closes.data, now=utcnow()),
            versioned=route) is None:
        return again(route, "step", form)
    flash(_("The step has been added."), "success")
    return redirect(route_url(route))


def _step(step_id: int, rule) -> RouteStep:
    return get_or_404(RouteStep, step_id, lambda user, s: rule(user, s.route))


@bp.route("/routes/steps/<int:step_id>/change", methods=["POST"])
@permission_required("assessments.view")
def step_change(step_id: int):
    step = _step(step_id, can_edit)
    form = StepChangeForm()
    if form.validate_on_submit() and save(form, lambda: workflow.change_step(
            step, current_user, version=form.version_value(), starts_on=form.starts_on.data,
            ends_on=form.ends_on.data, hours=form.hours.data, now=utcnow()), versioned=step.route):
        flash(_("The step has been changed."), "success")
        return redirect(route_url(step.route))
    return again(step.route, f"change-{step.id}", form)


@bp.route("/routes/steps/<int:step_id>/drop", methods=["POST"])
@permission_required("assessments.view")
def step_drop(step_id: int):
    step = _step(step_id, can_edit)
    route = step.route
    form = RouteActionForm()
    if form.validate_on_submit() and save(form, lambda: workflow.drop_step(
            step, current_user, version=form.version_value(), now=utcnow()), versioned=route):
        flash(_("The step has been taken out of the route."), "success")
    else:
        _form_errors(form)
    return redirect(route_url(route))


@bp.route("/routes/steps/<int:step_id>/done", methods=["POST"])
@permission_required("assessments.routes")
def step_done(step_id: int):
    step = _step(step_id, can_tutor_route)
    form = RouteActionForm()
    if form.validate_on_submit() and save(form, lambda: workflow.mark_done(
            step, current_user, version=form.version_value(), evidence=form.text.data, now=utcnow()),
            versioned=step.route):
        flash(_("The step is marked done."), "success")
        return redirect(route_url(step.route))
    return again(step.route, f"done-{step.id}", form)


@bp.route("/routes/steps/<int:step_id>/open", methods=["POST"])
@permission_required("assessments.view")
def step_open(step_id: int):
    """The teacher opens the step's external module: off to the tool's login, over LTI 1.3."""
    step = _step(step_id, lambda user, route: route.user_id == user.id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    address = save(form, lambda: external.launch(step, current_user))
    return redirect(address) if address else redirect(route_url(step.route))
