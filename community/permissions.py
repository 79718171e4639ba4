"""Permissions the community plugin adds, and its per-object rules: a teacher sees their own records, an
association's leader manages that association, staff and the head manage everything."""

from __future__ import annotations

from lms.i18n import _l
from lms.users.permissions import has_permission, perm

PERMISSIONS = (
    perm("community.view", {"teacher", "tutor", "staff", "admin"},
         _l("See associations and your own participation in the service's work")),
    perm("community.join", {"teacher"}, _l("Join methodological associations")),
    perm("community.manage", {"staff", "admin"},
         _l("Run every association, its members and meetings, and the mentoring register")),
    perm("community.view_mentoring", {"tutor", "staff", "admin"},
         _l("See the mentoring register and young specialists")),
    perm("community.visit_lessons", {"tutor", "staff", "admin"},
         _l("Record lesson visits with their protocol and recommendations")),
    perm("community.send_appeals", {"teacher"}, _l("Send written appeals about the support received")),
    perm("community.handle_appeals", {"staff", "admin"}, _l("Register and answer teachers' appeals")),
    perm("community.take_part", {"teacher"},
         _l("Register for network events, apply to contests and submit best practice")),
    perm("community.review_practice", {"tutor", "staff", "admin"}, _l("Review and publish best practice")),
)


def can_manage(user, _obj=None) -> bool:
    return has_permission(user, "community.manage")


def can_lead(user, details) -> bool:
    """Staff, or the association's leader: edits members and meetings."""
    return can_manage(user) or (details is not None and details.leader_id == user.id
                                and has_permission(user, "community.view"))


def can_view_association(user, details) -> bool:
    """Every signed-in role sees the list and an association's page (to join it); its meetings' minutes
    are for members, the leader and staff (see :func:`can_see_meetings`)."""
    return has_permission(user, "community.view")


def can_see_meetings(user, details, member_ids) -> bool:
    return can_lead(user, details) or user.id in member_ids or has_permission(user, "community.view_mentoring")


def can_see_meeting(user, meeting) -> bool:
    """A meeting's page and minutes: the association's leader, its members, those present, staff and tutors."""
    from community.queries import details_of, is_member

    if can_lead(user, details_of(meeting.association_id)) or has_permission(user, "community.view_mentoring"):
        return True
    return is_member(meeting.association_id, user.id) or any(a.user_id == user.id for a in meeting.attendance)


def can_edit_meeting(user, meeting) -> bool:
    from community.queries import details_of

    return can_lead(user, details_of(meeting.association_id))


def can_manage_mentoring(user, _obj=None) -> bool:
    return has_permission(user, "community.manage")


def can_see_pair(user, pair) -> bool:
    """The mentor, the mentee, tutors, staff and the head."""
    return user.id in (pair.mentor_id, pair.mentee_id) or has_permission(user, "community.view_mentoring")


def can_record_pair_meeting(user, pair) -> bool:
    """The mentor keeps the record of the pair's meetings; staff may correct it."""
    return user.id == pair.mentor_id or can_manage_mentoring(user)


def can_see_visit(user, visit) -> bool:
    """The visited teacher, whoever visited, and those who record visits."""
    return user.id in (visit.teacher_id, visit.visitor_id) or has_permission(user, "community.visit_lessons")


def can_edit_visit(user, visit) -> bool:
    return can_manage(user) or (user.id == visit.visitor_id and has_permission(user, "community.visit_lessons"))


def can_see_appeal(user, appeal) -> bool:
    return user.id == appeal.teacher_id or has_permission(user, "community.handle_appeals")


def can_see_material(user, participant) -> bool:
    """A speaker's material: everyone signed in who may see events."""
    return has_permission(user, "community.view")


def can_see_practice(user, practice) -> bool:
    """Published practices are open to all signed in; others to their author and reviewers."""
    return (practice.status == "published" and has_permission(user, "community.view")) \
        or user.id == practice.author_id or has_permission(user, "community.review_practice")


TEMPLATE_RULES = {"community_can_edit_visit": can_edit_visit, "community_can_lead": can_lead,
                  "community_can_manage": can_manage,
                  "community_can_see_pair": can_see_pair, "community_can_record_pair_meeting": can_record_pair_meeting}
