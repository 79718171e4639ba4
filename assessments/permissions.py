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


TEMPLATE_RULES = {"can_score": can_score}
