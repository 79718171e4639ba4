"""Route workflow actions: plan again, send for review, return, approve, propose a change, complete, reassign."""

from flask import abort, flash, redirect
from flask_login import current_user
from sqlalchemy import select

from assessments.blueprint import bp
from assessments.forms import ReassignForm, RouteActionForm, RouteSettingsForm
from assessments.models import Route
from assessments.permissions import can_tutor_route, can_view_route
from assessments.services.routes import builder, proposals, workflow
from assessments.views.routes.common import can_edit, fill_settings, route_url, settings_from
from assessments.views.routes.pages import route_page
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import utcnow
from lms.users.models import User, UserRole
from lms.users.permissions import permission_required
from lms.web import get_or_404, save


def _form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


@bp.route("/routes/<int:route_id>/plan", methods=["POST"])
@permission_required("assessments.view")
def route_plan(route_id: int):
    """Plan the draft again with new settings (period, weekly hours, delivery, chosen competencies)."""
    route = get_or_404(Route, route_id, can_edit)
    form = RouteSettingsForm()
    fill_settings(form, route.user_id)
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(route_url(route))
    settings = settings_from(form)
    if not can_tutor_route(current_user, route):
        settings.competency_ids = None

    def plan():
        workflow.check_route_version(route, form.version_value())
        return builder.build(route.user, current_user, settings, utcnow())

    planned = save(form, plan)
    if planned is not None:
        from assessments.views.routes.messages import plan_messages

        for text, category in plan_messages(planned):
            flash(text, category)
    return redirect(route_url(route))


def again(route: Route, box: str, form):
    """The route's page after a refused form, with what was typed back in its box; the fields' own errors are
    shown at them, the hidden ones' above."""
    for name in ("csrf_token", "version"):
        for error in form.errors.get(name, ()):
            flash(error, "error")
    return route_page(db.session.get(Route, route.id), typed={box: form}, status=400)


def _act(route_id: int, rule, action, done: str, box: str):
    """One workflow action with a text; when it is refused, the page again with the text still in ``box``."""
    route = get_or_404(Route, route_id, rule)
    form = RouteActionForm()
    if form.validate_on_submit() and save(form, lambda: action(route, form), versioned=route) is not None:
        flash(done, "success")
        return redirect(route_url(route))
    return again(route, box, form)


@bp.route("/routes/<int:route_id>/submit", methods=["POST"])
@permission_required("assessments.view")
def route_submit(route_id: int):
    return _act(route_id, can_edit, lambda r, f: workflow.submit(
        r, current_user, version=f.version_value(), note=f.text.data, now=utcnow()),
        _("The route has been sent to the tutor for review."), "submit")


@bp.route("/routes/<int:route_id>/return", methods=["POST"])
@permission_required("assessments.routes")
def route_return(route_id: int):
    return _act(route_id, can_tutor_route, lambda r, f: workflow.return_for_rework(
        r, current_user, version=f.version_value(), comment=f.text.data, now=utcnow()),
        _("The route has been returned to the teacher with your comment."), "return")


@bp.route("/routes/<int:route_id>/approve", methods=["POST"])
@permission_required("assessments.routes")
def route_approve(route_id: int):
    route = get_or_404(Route, route_id, can_tutor_route)
    form = RouteActionForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(route_url(route))
    outcomes = save(form, lambda: workflow.approve(route, current_user, version=form.version_value(), now=utcnow()),
                    versioned=route)
    if outcomes is not None:
        from assessments.views.routes.messages import approval_messages

        for text, category in approval_messages(outcomes):
            flash(text, category)
    return redirect(route_url(route))


@bp.route("/routes/<int:route_id>/propose", methods=["POST"])
@permission_required("assessments.take")
def route_propose(route_id: int):
    return _act(route_id, lambda user, r: r.user_id == user.id, lambda r, f: proposals.propose(
        r, current_user, version=f.version_value(), note=f.text.data, now=utcnow()),
        _("Your proposal has been sent to the tutor."), "propose")


@bp.route("/routes/<int:route_id>/proposal/<decision>", methods=["POST"])
@permission_required("assessments.routes")
def route_answer_proposal(route_id: int, decision: str):
    if decision not in ("accept", "decline"):
        abort(404)
    accepted = decision == "accept"
    return _act(route_id, can_tutor_route, lambda r, f: proposals.answer_proposal(
        r, current_user, version=f.version_value(), accepted=accepted, reply=f.text.data, now=utcnow()),
        _("The teacher has been told you accept the proposal.") if accepted
        else _("The teacher has been told why you decline the proposal."), "reply")


@bp.route("/routes/<int:route_id>/complete", methods=["POST"])
@permission_required("assessments.routes")
def route_complete(route_id: int):
    return _act(route_id, can_tutor_route, lambda r, f: workflow.complete(
        r, current_user, version=f.version_value(), conclusion=f.text.data, now=utcnow()),
        _("The route is completed."), "complete")


@bp.route("/routes/<int:route_id>/reassign", methods=["POST"])
@permission_required("assessments.catalogue")
def route_reassign(route_id: int):
    route = get_or_404(Route, route_id, can_view_route)
    form = ReassignForm()
    tutors = db.session.scalars(select(UserRole.user_id).where(UserRole.role == "tutor"))
    form.tutor_id.choices = [(0, "")] + [(tutor_id, "") for tutor_id in tutors]
    if not form.validate_on_submit():
        abort(400)
    tutor = db.session.get(User, form.tutor_id.data) if form.tutor_id.data else None
    if save(form, lambda: workflow.reassign(route, current_user, tutor, now=utcnow())) is not None:
        flash(_("The teacher's route now has a new tutor."), "success")
    return redirect(route_url(route))
