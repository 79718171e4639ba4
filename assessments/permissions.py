"""Permissions the assessments plugin adds, and its per-object rules."""

from lms.i18n import _l
from lms.users.permissions import has_permission, perm

PERMISSIONS = (
    perm("assessments.view", {"teacher", "tutor", "staff", "admin"}, _l("See diagnostics and routes")),
    perm("assessments.take", {"teacher"}, _l("Take deficit diagnostics")),
    perm("assessments.view_results", {"tutor", "staff", "admin"},
         _l("See the diagnostic results and answers of the teachers one supports")),
    perm("assessments.manage", {"staff", "admin"}, _l("Edit the competency framework and the item bank")),
    perm("assessments.routes", {"tutor", "staff", "admin"},
         _l("Build, review, approve and track the individual routes of the teachers one supports")),
    perm("assessments.catalogue", {"staff", "admin"},
         _l("Say what each activity of the route catalogue covers, with its hours and prerequisites")),
)


def supports(tutor, teacher_id: int) -> bool:
    """The product's one rule (``courses.api.supports``): a tutor supports those who stand in the groups they lead."""
    from courses import api as courses_api

    return courses_api.supports(tutor.id, teacher_id)


def can_see_attempt(user, attempt) -> bool:
    """The teacher themself; staff and the head; a tutor for the teachers they support or whose route they tutor
    (whoever may tutor the route reads the results it was built from)."""
    if attempt.user_id == user.id or has_permission(user, "assessments.manage"):
        return True
    if not has_permission(user, "assessments.view_results"):
        return False
    return supports(user, attempt.user_id) or _tutors_route_of(user, attempt.user_id)


def _tutors_route_of(tutor, teacher_id: int) -> bool:
    from sqlalchemy import select

    from assessments.models import Route
    from lms.extensions import db

    return db.session.scalar(select(Route.id).where(Route.user_id == teacher_id, Route.tutor_id == tutor.id)
                             .limit(1)) is not None


def can_tutor_route(user, route) -> bool:
    """Staff and the head for every route; a tutor for routes assigned to them or of teachers they support."""
    if not has_permission(user, "assessments.routes"):
        return False
    if has_permission(user, "assessments.catalogue") or route.tutor_id == user.id:
        return True
    return supports(user, route.user_id)


def can_view_route(user, route) -> bool:
    return route.user_id == user.id or can_tutor_route(user, route)


def can_tutor_teacher(user, teacher_id: int) -> bool:
    if not has_permission(user, "assessments.routes"):
        return False
    return has_permission(user, "assessments.catalogue") or supports(user, teacher_id)


TEMPLATE_RULES = {"can_tutor_route": can_tutor_route}
