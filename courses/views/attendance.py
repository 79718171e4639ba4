"""Attendance: the tutor's sheet, self check-in by code or QR, meeting reports, a group's summary."""

from __future__ import annotations

from datetime import timedelta

import segno
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from courses.blueprint import bp
from courses.choices import ATTENDANCE_STATUSES
from courses.forms import CheckInForm, MeetingReportForm
from courses.models import AttendanceChange, AttendanceMark, Group, ScheduledSession
from courses.permissions import can_mark_attendance, can_view_group
from courses.services import attendance as service
from courses.services.schedule import local_day_bounds
from lms.extensions import db, limiter
from lms.forms import ActionForm
from lms.i18n import _, _n, to_local
from lms.mail import absolute_url
from lms.models.mixins import utcnow
from lms.users.permissions import permission_required
from lms.web import get_or_404, save


def _session(session_id: int) -> ScheduledSession:
    return get_or_404(ScheduledSession, session_id, can_mark_attendance)


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@permission_required("courses.mark_attendance")
def attendance_sheet(session_id: int):
    session = _session(session_id)
    form = ActionForm()
    people = service.members(session)
    chosen: dict[int, str] = {}
    if form.validate_on_submit():
        marks = {}
        for user in people:
            status = request.form.get(f"status-{user.id}")
            if status:
                if status not in ATTENDANCE_STATUSES:
                    abort(400)
                marks[user.id] = status
        seen = {user.id: request.form.get(f"seen-{user.id}", "") for user in people}
        changed = save(form, lambda: service.save_sheet(session, marks, current_user, seen=seen,
                                                         reason=request.form.get("reason", "")[:300]))
        if changed is not None:
            if changed:
                flash(_n("Attendance saved: %(num)d mark changed.", "Attendance saved: %(num)d marks changed.",
                         changed), "success")
            else:
                flash(_("The marks already are as on the sheet: nothing needed changing."), "info")
            return redirect(url_for("courses.attendance_sheet", session_id=session.id))
        chosen = service.changed_rows(marks, seen)  # shown again, so a refused save loses nothing typed
    return _sheet_page(session, people, form, chosen)


def _sheet_page(session, people, form, chosen: dict, report_form: MeetingReportForm | None = None):
    """The sheet; a refused report import comes back with its message at the file field."""
    marks = {m.user_id: m for m in db.session.scalars(select(AttendanceMark).where(
        AttendanceMark.session_id == session.id))}
    history = db.session.scalars(select(AttendanceChange).where(AttendanceChange.session_id == session.id)
                                 .options(joinedload(AttendanceChange.user), joinedload(AttendanceChange.changed_by))
                                 .order_by(AttendanceChange.changed_at.desc(), AttendanceChange.id.desc())).all()
    return render_template("courses/attendance/sheet.html", session=session, people=people, marks=marks,
                           tokens={user_id: service.mark_token(mark) for user_id, mark in marks.items()},
                           chosen=chosen, history=history, form=form,
                           report_form=report_form or MeetingReportForm(formdata=None), now=utcnow())


@bp.route("/sessions/<int:session_id>/attendance/all-present", methods=["POST"])
@permission_required("courses.mark_attendance")
def attendance_all_present(session_id: int):
    session = _session(session_id)
    form = ActionForm()
    if form.validate_on_submit() and save(form, lambda: service.mark_all_present(session, current_user)) is not None:
        flash(_("Everyone not yet marked is marked present."), "success")
    return redirect(url_for("courses.attendance_sheet", session_id=session.id))


@bp.route("/sessions/<int:session_id>/attendance/import", methods=["POST"])
@permission_required("courses.mark_attendance")
def attendance_import(session_id: int):
    session = _session(session_id)
    form = MeetingReportForm()
    if not form.validate_on_submit():
        return _sheet_page(session, service.members(session), ActionForm(formdata=None), {}, form), 400
    result = save(form, lambda: service.import_meeting_report(session, form.file.data.read(), current_user))
    if result is not None:
        flash(_("From the report: %(present)d present, %(absent)d absent; %(kept)d marks made by the tutor, by "
                "check-in or as excused kept.", present=result.count("present"), absent=result.count("absent"),
                kept=len(result.kept)), "success")
        if result.unmatched:
            flash(_("Not found in the group: %(names)s.", names=", ".join(result.unmatched)), "warning")
    elif form.file.errors:  # the service named the file: the page again, the message at it
        return _sheet_page(session, service.members(session), ActionForm(formdata=None), {}, form), 400
    return redirect(url_for("courses.attendance_sheet", session_id=session.id))


@bp.route("/sessions/<int:session_id>/checkin", methods=["GET", "POST"])
@permission_required("courses.mark_attendance")
def checkin_screen(session_id: int):
    """What the tutor shows on the room's screen: the code and a QR leading to the check-in page."""
    session = _session(session_id)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        save(form, lambda: service.open_checkin(session))
        return redirect(url_for("courses.checkin_screen", session_id=session.id))
    active = session.checkin_code and session.checkin_until and session.checkin_until >= utcnow()
    qr = None
    if active:
        link = absolute_url("courses.checkin", code=session.checkin_code)
        qr = segno.make(link, error="m").png_data_uri(scale=8, border=2)
    return render_template("courses/attendance/checkin_screen.html", session=session, active=active, qr=qr,
                           form=form)


def _checkin_limit() -> str:
    return current_app.config["COURSES_CHECKIN_RATE_LIMIT"]


def _checkin_account() -> str:
    # Per account, not per address: six digits must not be guessable by one person from many devices.
    return f"checkin:{current_user.id}"


def _too_many_codes() -> str:
    return _("Too many attempts to enter a code. Please wait a minute and ask the tutor for the current one.")


@bp.route("/checkin", methods=["GET", "POST"])
@permission_required("courses.view")
@limiter.limit(_checkin_limit, methods=["POST"], key_func=_checkin_account, error_message=_too_many_codes,
               deduct_when=lambda response: response.status_code != 302)  # only wrong codes count
def checkin():
    form = CheckInForm(data={"code": request.args.get("code", "")} if request.method == "GET" else None)
    if form.validate_on_submit():
        mark = save(form, lambda: service.check_in(current_user, form.code.data))
        if mark is not None:
            flash(_("You are marked: %(status)s.", status=ATTENDANCE_STATUSES[mark.status]), "success")
            return redirect(url_for("courses.my_schedule"))
    return render_template("courses/attendance/checkin.html", form=form)


@bp.route("/groups/<int:group_id>/attendance")
@permission_required("courses.view_groups")
def group_attendance(group_id: int):
    group = get_or_404(Group, group_id, can_view_group)
    return render_template("courses/attendance/summary.html", group=group, rows=service.group_summary(group))


@bp.route("/today")
@permission_required("courses.mark_attendance")
def tutor_today():
    """A tutor's sessions of today (staff see everyone's), each with its sheet and check-in screen; a session
    still running from last night is today's too (attendance is marked while it runs)."""
    since, until = local_day_bounds(to_local(utcnow()).date())
    stmt = (select(ScheduledSession).where(ScheduledSession.starts_at < until, ScheduledSession.ends_at > since)
            .options(joinedload(ScheduledSession.group), joinedload(ScheduledSession.module),
                     joinedload(ScheduledSession.room)).order_by(ScheduledSession.starts_at))
    sessions = [s for s in db.session.scalars(stmt) if can_mark_attendance(current_user, s)]
    return render_template("courses/attendance/today.html", sessions=sessions, timedelta=timedelta)


@bp.route("/attendance/mine")
@permission_required("courses.apply_to_groups")
def my_attendance():
    """A teacher's own attendance per group: the share that counts for completion, and every session's mark."""
    return render_template("courses/attendance/mine.html", groups=service.teacher_summary(current_user))
