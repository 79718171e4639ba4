"""Timetables: a group's sessions (planned by staff), everyone's own week, rooms, and the ICS feed."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from courses import queries
from courses.blueprint import bp
from courses.forms import RoomForm, SessionMoveForm, SessionPlanForm
from courses.models import Group, Room, ScheduledSession
from courses.permissions import can_view_group
from courses.services import calendar
from courses.services import schedule as service
from lms.extensions import db
from lms.forms import FIRST_YEAR, LAST_YEAR, ActionForm, options
from lms.i18n import _, local_date, local_today, to_local
from lms.models.mixins import utcnow
from lms.users.permissions import has_permission, permission_required
from lms.web import download, get_or_404, paginate, save


def _week_start(raw: str | None) -> date:
    """The Monday of ``?week=`` (any day of that week), or of this week for a missing, unreadable or
    far-off date (near the ends of the calendar the week's bounds would overflow)."""
    today = local_today()
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        day = today
    return day - timedelta(days=day.weekday())


@bp.route("/schedule/")
@permission_required("courses.view")
def my_schedule():
    monday = _week_start(request.args.get("week"))
    since, _end = service.local_day_bounds(monday)
    until, _end = service.local_day_bounds(monday + timedelta(days=7))
    entries = calendar.timetable(current_user, since, until)
    days = [(day, list(items)) for day, items in groupby(entries, key=lambda e: local_date(e.starts_at))]
    token = calendar.feed_token(current_user)
    db.session.commit()  # the feed address is created on first visit
    return render_template("courses/schedule/mine.html", days=days, monday=monday, timedelta=timedelta,
                           feed_url=url_for("courses.calendar_feed", token=token, _external=True),
                           action_form=ActionForm())


@bp.route("/schedule/feed/renew", methods=["POST"])
@permission_required("courses.view")
def renew_feed():
    if ActionForm().validate_on_submit():
        calendar.feed_token(current_user, renew=True)
        db.session.commit()
        flash(_("A new calendar address has been made; the old one no longer works."), "success")
    return redirect(url_for("courses.my_schedule"))


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    """Public by design (calendar apps cannot sign in): the unguessable token is the key."""
    user = calendar.user_for_token(token)
    if user is None:
        abort(404)
    now = utcnow()
    entries = calendar.timetable(user, now - timedelta(days=60), now + timedelta(days=240))
    # Inline and kept five minutes: a phone's calendar polls this address, it is not a one-off download.
    return download(calendar.ics(entries, _("Metodist: %(name)s", name=user.short_name)), f"{token}.ics",
                    "text/calendar", attachment=False, cache="private, max-age=300")


def _room_and_tutor_choices(form) -> None:
    form.room_id.choices = options(((r.id, r.name) for r in db.session.scalars(select(Room).order_by(Room.name))),
                                   blank=_("online"))
    if hasattr(form, "tutor_id"):
        form.tutor_id.choices = options(queries.tutor_choices(), blank="—")


@bp.route("/groups/<int:group_id>/schedule", methods=["GET", "POST"])
@permission_required("courses.view_groups")
def group_schedule(group_id: int):
    group = get_or_404(Group, group_id, can_view_group)
    form = SessionPlanForm()
    form.module_id.choices = options((m.id, m.title) for m in group.programme.modules)
    _room_and_tutor_choices(form)
    if request.method == "GET":
        form.tutor_id.data = group.tutor_id
    if request.method == "POST":
        if not has_permission(current_user, "courses.manage_groups"):
            abort(403)
        if form.validate_on_submit():
            plan = service.SessionPlan(
                module_id=form.module_id.data, first_day=form.first_day.data, starts=form.starts.data,
                minutes=form.minutes.data, weeks=form.weeks.data, room_id=form.room_id.data,
                online_url=form.online_url.data, tutor_id=form.tutor_id.data, topic=form.topic.data or "")
            result = save(form, lambda: service.plan_series(group, plan))
            if result is not None:
                sessions, warnings = result
                flash(_("Sessions planned: %(n)d.", n=len(sessions)), "success")
                for warning in warnings:
                    flash(warning, "warning")
                return redirect(url_for("courses.group_schedule", group_id=group.id))
    page = paginate(select(ScheduledSession).where(ScheduledSession.group_id == group.id)
                    .options(joinedload(ScheduledSession.module), joinedload(ScheduledSession.room),
                             joinedload(ScheduledSession.tutor))
                    .order_by(ScheduledSession.starts_at, ScheduledSession.id))
    return render_template("courses/schedule/group.html", group=group, page=page, form=form,
                           action_form=ActionForm())


@bp.route("/sessions/<int:session_id>/move", methods=["GET", "POST"])
@permission_required("courses.manage_groups")
def session_move(session_id: int):
    item = get_or_404(ScheduledSession, session_id)
    local = to_local(item.starts_at)
    form = SessionMoveForm(data={"version": item.version, "day": local.date(), "starts": local.time(),
                                 "minutes": int((item.ends_at - item.starts_at).total_seconds() // 60),
                                 "room_id": item.room_id, "online_url": item.online_url}
                           if request.method == "GET" else None)
    _room_and_tutor_choices(form)
    if form.validate_on_submit():
        result = save(form, lambda: service.move(
            item, version=form.version_value(), day=form.day.data, starts=form.starts.data,
            minutes=form.minutes.data, room_id=form.room_id.data, online_url=form.online_url.data), versioned=item)
        if result is not None:
            flash(_("The session has moved; its participants have been notified."), "success")
            for warning in result[1]:
                flash(warning, "warning")
            return redirect(url_for("courses.group_schedule", group_id=item.group_id))
    return render_template("courses/schedule/move.html", form=form, session=item)


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@permission_required("courses.manage_groups")
def session_cancel(session_id: int):
    item = get_or_404(ScheduledSession, session_id)
    form = ActionForm()
    if form.validate_on_submit() and not item.cancelled and save(form, lambda: service.cancel(item)):
        flash(_("The session is cancelled; its participants have been notified."), "success")
    return redirect(url_for("courses.group_schedule", group_id=item.group_id))


@bp.route("/rooms/")
@permission_required("courses.view_groups")
def rooms():
    monday = _week_start(request.args.get("week"))
    since, _end = service.local_day_bounds(monday)
    until, _end = service.local_day_bounds(monday + timedelta(days=7))
    items = db.session.scalars(select(Room).order_by(Room.name)).all()
    sessions = db.session.scalars(select(ScheduledSession).where(
        ScheduledSession.room_id.is_not(None), ScheduledSession.cancelled.is_(False),
        ScheduledSession.starts_at < until, ScheduledSession.ends_at > since)
        .options(joinedload(ScheduledSession.group), joinedload(ScheduledSession.module))
        .order_by(ScheduledSession.starts_at)).all()
    by_room = {room.id: [s for s in sessions if s.room_id == room.id] for room in items}
    return render_template("courses/schedule/rooms.html", rooms=items, by_room=by_room, monday=monday,
                           timedelta=timedelta)


@bp.route("/rooms/new", methods=["GET", "POST"])
@bp.route("/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@permission_required("courses.manage_groups")
def room_edit(room_id: int | None = None):
    room = get_or_404(Room, room_id) if room_id else None
    form = RoomForm(data={"name": room.name, "capacity": room.capacity, "opens": room.opens, "closes": room.closes,
                          "weekdays": [int(d) for d in room.weekdays]} if room and request.method == "GET" else None)
    if form.validate_on_submit() and save(form, lambda: service.save_room(
            room, name=form.name.data, capacity=form.capacity.data, opens=form.opens.data, closes=form.closes.data,
            weekdays="".join(str(d) for d in sorted(form.weekdays.data)))):
        flash(_("The room has been saved."), "success")
        return redirect(url_for("courses.rooms"))
    return render_template("courses/schedule/room_edit.html", form=form, room=room)
