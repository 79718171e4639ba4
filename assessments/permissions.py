"""Permissions the assessments plugin adds, and its per-object rules."""

from lms.i18n import _l
from lms.users.permissions import has_permission, perm

PERMISSIONS = (
    perm("assessments.view", {"teacher", "tutor", "staff", "admin"}, _l("See diagnostics and routes")),
    perm("assessments.take", {"teacher"}, _l("Take deficit diagnostics")),
    perm("assessments.view_results", {"tutor", "staff", "admin"},
         _l("See the diagnostic results and answers of the teachers one supports")),
    perm("assessments.manage", {"staff", "admin"}, _l("Edit the competency framework and the item bank")),
    perm("assessments.score", {"tutor", "staff", "admin"},
         _l("Score the practical tasks of the teachers one supports by their rubric")),
    perm("assessments.routes", {"tutor", "staff", "admin"},
         _l("Build, review, approve and track the individual routes of the teachers one supports")),
    perm("assessments.catalogue", {"staff", "admin"},
         _l("Say what each activity of the route catalogue covers, with its hours and prerequisites")),
)


def supports(tutor, teacher_id: int) -> bool:
    """A tutor supports the members of the groups they lead."""
    from sqlalchemy import select

    from courses.models import Enrolment, Group
    from lms.extensions import db

    return db.session.scalar(select(Enrolment.id).join(Group, Group.id == Enrolment.group_id).where(
        Group.tutor_id == tutor.id, Enrolment.user_id == teacher_id,
        Enrolment.status.in_(("enrolled", "waiting", "applied"))).limit(1)) is not None


def can_see_attempt(user, attempt) -> bool:
    """The teacher themself; staff and the head; a tutor for the teachers they support."""
    if attempt.user_id == user.id or has_permission(user, "assessments.manage"):
        return True
    return has_permission(user, "assessments.view_results") and supports(user, attempt.user_id)


def can_score(user, work) -> bool:
    """Staff and the head score any practical work; a tutor, that of the teachers they support."""
    if not has_permission(user, "assessments.score"):
        return False
    return has_permission(user, "assessments.manage") or supports(user, work.user_id)


def can_see_work(user, work) -> bool:
    return work.user_id == user.id or can_score(user, work)



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


TEMPLATE_RULES = {"can_score": can_score, "can_tutor_route": can_tutor_route}
