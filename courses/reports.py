"""What courses contributes to the service's indicators: held consultations (targeted support), the groups run
by order (programmes delivered), the programme and tutor filters, and a tutor's scope (those they support)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import String, cast, func, literal, select

from courses.membership import STANDING, supported_ids
from courses.models import ConsultationBooking, ConsultationSlot, Enrolment, Group, Programme
from lms.extensions import db
from lms.i18n import _, _l
from lms.reports.filters import TeacherFilter, register_scope, register_teacher_filter
from lms.reports.indicators import Evidence, register_evidence
from lms.reports.sql import local_date


def _ref(prefix: str, column):
    return literal(prefix).concat(cast(column, String))


def consultations_held():
    return (select(ConsultationBooking.teacher_id.label("teacher_id"),
                   local_date(ConsultationSlot.starts_at).label("occurred_on"),
                   literal("consultation").label("kind"), _ref("booking:", ConsultationBooking.id).label("ref"))
            .join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.slot_id)
            .where(ConsultationBooking.status == "held"))


def describe_consultations(refs: list[str]) -> dict[str, str]:
    from lms.i18n import format_datetime

    ids = [int(r.split(":")[1]) for r in refs]
    rows = db.session.execute(select(ConsultationBooking.id, ConsultationBooking.topic, ConsultationSlot.starts_at)
                              .join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.slot_id)
                              .where(ConsultationBooking.id.in_(ids))).all()
    return {f"booking:{i}": _("%(when)s: %(topic)s", when=format_datetime(at), topic=topic) for i, topic, at in rows}


def groups_run():
    """A programme counts once it has a group approved by order; each member is a row (so filters by school or
    association count the programmes their teachers studied)."""
    return (select(Enrolment.user_id.label("teacher_id"),
                   func.coalesce(Group.starts_on, Group.order_date).label("occurred_on"),
                   literal("group").label("kind"), _ref("programme:", Group.programme_id).label("ref"))
            .join(Group, Group.id == Enrolment.group_id)
            .where(Group.status.in_(("approved", "finished")), Enrolment.status == "enrolled",
                   func.coalesce(Group.starts_on, Group.order_date).is_not(None)))


def describe_programmes(refs: list[str]) -> dict[str, str]:
    ids = [int(r.split(":")[1]) for r in refs]
    return {f"programme:{i}": title for i, title in db.session.execute(
        select(Programme.id, Programme.title).where(Programme.id.in_(ids))).all()}


def _programme_choices() -> list[tuple[int, str]]:
    return db.session.execute(select(Programme.id, Programme.title).order_by(Programme.title)).all()


def _programme_teachers(programme_id: int):
    return (select(Enrolment.user_id).join(Group, Group.id == Enrolment.group_id)
            .where(Group.programme_id == programme_id, Enrolment.status.in_(STANDING)))


def _tutor_choices() -> list[tuple[int, str]]:
    from courses.queries import tutor_choices

    return tutor_choices()


def _tutor_scope(user):
    return supported_ids(user.id) if user.has_role("tutor") else None


def init_app(app: Flask) -> None:
    register_evidence(app, Evidence("targeted_support", "consultation", _l("Consultation held"), consultations_held,
                                    describe_consultations))
    register_evidence(app, Evidence("programmes_delivered", "group", _l("Group approved by order"), groups_run,
                                    describe_programmes))
    register_teacher_filter(app, TeacherFilter("programme", _l("Programme"), _programme_choices,
                                               _programme_teachers))
    register_teacher_filter(app, TeacherFilter("tutor", _l("Tutor"), _tutor_choices, supported_ids))
    register_scope(app, _tutor_scope)
