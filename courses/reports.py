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
    """The programme's title and the groups it ran with their orders («Группа 1, order No. 12 of 10.09.2026»):
    the order is the evidence the seed names, so the drill-down shows it."""
    from lms.i18n import format_date

    ids = [int(r.split(":")[1]) for r in refs]
    groups: dict[int, list[str]] = {}
    for programme_id, name, number, on in db.session.execute(
            select(Group.programme_id, Group.name, Group.order_number, Group.order_date)
            .where(Group.programme_id.in_(ids), Group.status.in_(("approved", "finished")))
            .order_by(Group.programme_id, Group.name, Group.id)):
        order = _("order No. %(number)s of %(date)s", number=number or "—", date=format_date(on) if on else "—")
        groups.setdefault(programme_id, []).append(f"{name}, {order}")
    return {f"programme:{i}": "; ".join([title, *groups.get(i, [])]) for i, title in db.session.execute(
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
    register_reports(app)


def consultation_journal(filters, viewer, page: int):
    """The registration sheet of consultations: date, tutor, teacher, school, topic, outcome (held or not, the
    tutor's notes), newest first, paged (page 0: every row, for the files)."""
    from sqlalchemy.orm import aliased

    from courses.choices import BOOKING_STATUSES
    from lms.i18n import format_datetime
    from lms.orgs.models import School
    from lms.reports.filters import teachers
    from lms.reports.registry import ReportTable
    from lms.users.choices import label
    from lms.users.models import TeacherProfile, User

    tutor, teacher = aliased(User), aliased(User)
    day = local_date(ConsultationSlot.starts_at)
    stmt = (select(ConsultationSlot.starts_at, tutor, teacher, School.short_name, ConsultationBooking.topic,
                   ConsultationBooking.status, ConsultationBooking.outcome_notes)
            .select_from(ConsultationBooking)
            .join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.slot_id)
            .join(tutor, tutor.id == ConsultationSlot.tutor_id)
            .join(teacher, teacher.id == ConsultationBooking.teacher_id)
            .outerjoin(TeacherProfile, TeacherProfile.user_id == teacher.id)
            .outerjoin(School, School.id == TeacherProfile.school_id)
            .where(ConsultationBooking.status.in_(("held", "no_show")), day >= filters.start, day <= filters.end,
                   ConsultationBooking.teacher_id.in_(teachers(filters, viewer))))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    stmt = stmt.order_by(ConsultationSlot.starts_at.desc(), ConsultationBooking.id.desc())
    per_page = 100
    if page:
        stmt = stmt.offset((page - 1) * per_page).limit(per_page)
    rows = [(format_datetime(at), t.full_name, p.full_name, school or "", topic, label(BOOKING_STATUSES, status),
             notes) for at, t, p, school, topic, status, notes in db.session.execute(stmt)]
    return ReportTable([_("Date"), _("Tutor"), _("Teacher"), _("School"), _("Topic"), _("Outcome"), _("Notes")],
                       rows, total=total, per_page=per_page)


def attendance_funnel(filters, viewer, page: int):
    """Members of groups with sessions in the period → came to at least one → completed a module → received a
    certificate, in the period."""
    from sqlalchemy import distinct

    from courses.models import AttendanceMark, Certificate, ModuleCompletion, ScheduledSession
    from lms.reports.filters import teachers
    from lms.reports.registry import ReportTable

    who = teachers(filters, viewer)
    day = local_date(ScheduledSession.starts_at)
    in_period = (day >= filters.start, day <= filters.end, ScheduledSession.cancelled.is_(False))
    members = (select(Enrolment.user_id).join(ScheduledSession, ScheduledSession.group_id == Enrolment.group_id)
               .where(Enrolment.status == "enrolled", Enrolment.user_id.in_(who), *in_period))
    came = (select(AttendanceMark.user_id).join(ScheduledSession, ScheduledSession.id == AttendanceMark.session_id)
            .where(AttendanceMark.status.in_(("present", "late")), AttendanceMark.user_id.in_(who), *in_period))
    completed_day = local_date(ModuleCompletion.completed_at)
    completed = select(ModuleCompletion.user_id).where(ModuleCompletion.user_id.in_(who),
                                                       completed_day >= filters.start, completed_day <= filters.end)
    issued_day = local_date(Certificate.issued_at)
    certified = select(Certificate.user_id).where(Certificate.user_id.in_(who), issued_day >= filters.start,
                                                  issued_day <= filters.end)
    stages = [(_("In a group with sessions"), members), (_("Came to a session"), came),
              (_("Completed a module"), completed), (_("Received a certificate"), certified)]
    counts = db.session.execute(select(*[select(func.count(distinct(s.subquery().c.user_id))).scalar_subquery()
                                         for _label, s in stages])).one()
    first = counts[0] or 0
    rows = [(text, int(n), f"{round(100 * n / first)} %" if first else "—")
            for (text, _s), n in zip(stages, counts, strict=True)]
    return ReportTable([_("Stage"), _("Teachers"), _("Share of the first stage")], rows)


def _funnel_chart(table, fmt: str = "svg") -> bytes:
    from lms.reports import charts

    return charts.horizontal_bars([r[0] for r in table.rows], [r[1] for r in table.rows], fmt=fmt)


def register_reports(app: Flask) -> None:
    from lms.reports.registry import Report, register_report

    register_report(app, Report("courses.consultations", _l("Consultation journal"), "reports.indicators",
                                consultation_journal, _l("The registration sheet: date, tutor, teacher, school, topic, "
                                                         "outcome")))
    register_report(app, Report("courses.attendance_funnel", _l("From group to certificate"), "reports.indicators",
                                attendance_funnel, _l("How many members of groups come, complete modules and "
                                                      "receive certificates"), _funnel_chart))
