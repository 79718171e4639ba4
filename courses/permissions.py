"""Permissions the courses plugin adds, and its per-object rules."""

from lms.i18n import _l
from lms.users.permissions import has_permission, perm

PERMISSIONS = (
    perm("courses.view", {"teacher", "tutor", "staff", "admin"}, _l("See the programmes catalogue")),
    perm("courses.manage_catalogue", {"staff", "admin"}, _l("Edit programmes, modules and lessons")),
    perm("courses.study", {"teacher"}, _l("Mark lessons studied and complete programmes for a certificate")),
    perm("courses.book_consultation", {"teacher"}, _l("Book individual consultations")),
    perm("courses.hold_consultations", {"tutor"}, _l("Publish office hours and record consultations")),
    perm("courses.view_consultations", {"staff", "admin"}, _l("See all consultations and tutors' notes")),
    perm("courses.apply_to_groups", {"teacher"}, _l("Apply to join a study group")),
    perm("courses.view_groups", {"tutor", "staff", "admin"}, _l("See study groups and their lists")),
    perm("courses.manage_groups", {"staff", "admin"}, _l("Form groups, decide applications, assign modules")),
    perm("courses.approve_groups", {"admin"}, _l("Approve group lists by order")),
    perm("courses.mark_attendance", {"tutor", "staff", "admin"}, _l("Mark attendance of sessions")),
    perm("courses.review_assignments", {"tutor", "staff", "admin"}, _l("Review teachers' practical work")),
)


def can_view_programme(user, programme) -> bool:
    """Published programmes are open to every signed-in role; drafts and archives to catalogue editors."""
    return programme.status == "published" or has_permission(user, "courses.manage_catalogue")


def can_edit_catalogue(user, _obj=None) -> bool:
    return has_permission(user, "courses.manage_catalogue")


def is_booking_tutor(user, booking) -> bool:
    """The tutor whose slot was booked: records the outcome and may cancel at any time."""
    return booking.slot.tutor_id == user.id and has_permission(user, "courses.hold_consultations")


def can_cancel_booking(user, booking) -> bool:
    return booking.teacher_id == user.id or is_booking_tutor(user, booking)


def can_edit_office_hours(user, hours) -> bool:
    return hours.tutor_id == user.id and has_permission(user, "courses.hold_consultations")


def can_view_group(user, group) -> bool:
    """Staff and the head see every group; a tutor sees the groups they lead."""
    return has_permission(user, "courses.manage_groups") or (
        group.tutor_id == user.id and has_permission(user, "courses.view_groups"))


def can_withdraw(user, enrolment) -> bool:
    """Staff take anyone out; a teacher may withdraw their own application or place."""
    return has_permission(user, "courses.manage_groups") or enrolment.user_id == user.id


def can_mark_attendance(user, session) -> bool:
    """The session's tutor or the group's tutor; staff and the head for corrections."""
    return has_permission(user, "courses.manage_groups") or (
        has_permission(user, "courses.mark_attendance") and user.id in (session.tutor_id, session.group.tutor_id))


def can_review(user, work) -> bool:
    """Staff and the head review any work; a tutor, that of the teachers they support (a course assignment:
    through a group of its programme)."""
    if has_permission(user, "courses.manage_groups"):
        return True
    if not has_permission(user, "courses.review_assignments"):
        return False
    from courses.services.works import reviewable

    return reviewable(user, work)


def can_see_work(user, work) -> bool:
    return work.user_id == user.id or can_review(user, work)


TEMPLATE_RULES = {"can_view_programme": can_view_programme, "can_edit_catalogue": can_edit_catalogue,
                  "can_cancel_booking": can_cancel_booking, "is_booking_tutor": is_booking_tutor,
                  "can_view_group": can_view_group, "can_withdraw": can_withdraw,
                  "can_mark_attendance": can_mark_attendance, "can_review": can_review}
