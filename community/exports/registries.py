"""The sheet of each community registry: the list page's own query, with the filter read by the page's parser."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from community import choices, filters
from community.exports.xlsx import MAX_ROWS, Sheet
from community.models import Contest, NetworkEvent
from community.queries import (
    appeal_rows,
    application_rows,
    association_rows,
    contest_rows,
    event_rows,
    material_rows,
    mentor_register,
    pair_rows,
    participant_rows,
    plan_item_rows,
    practice_rows,
    school_status_rows,
    subject_choices,
    visit_rows,
    young_specialists,
)
from lms.extensions import db
from lms.i18n import _
from lms.users.choices import label
from lms.web import arg_id


def associations_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.associations(args, viewer=viewer)
    rows = db.session.execute(association_rows(**chosen.values).limit(MAX_ROWS))
    header = [_("Name"), _("Kind"), _("Level"), _("Leader"), _("Works from"), _("Works until"), _("Members")]
    return Sheet(_("Associations"), header, [
        [a.name, label(choices.ASSOCIATION_KINDS, d.kind if d else "mo"),
         a.school.short_name if a.school else _("Municipal"), d.leader.full_name if d and d.leader else "",
         d.starts_on if d else None, d.ends_on if d else None, members] for a, d, members in rows],
        chosen.describe())


def pairs_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.pairs(args)
    pairs = db.session.scalars(pair_rows(**chosen.values).limit(MAX_ROWS))
    header = [_("Mentor"), _("Mentee"), _("Form of mentoring"), _("From"), _("Until"), _("Status"), _("Goals"),
              _("Outcome")]
    return Sheet(_("Mentoring pairs"), header, [
        [p.mentor.full_name, p.mentee.full_name, label(choices.MENTORING_FORMS, p.form), p.starts_on, p.ends_on,
         label(choices.PAIR_STATUSES, p.status), p.goals, p.outcome] for p in pairs], chosen.describe())


def mentors_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    header = [_("Full name"), _("School"), _("Current pairs"), _("All pairs"), _("Category «teacher-mentor»")]
    return Sheet(_("Register of mentors"), header, [
        [r.mentor.full_name, r.mentor.profile.school.short_name if r.mentor.profile and r.mentor.profile.school
         else "", r.active, r.total, _("yes") if r.category_mentor else ""] for r in mentor_register(today)],
        filters.no_filter())


def young_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    header = [_("Full name"), _("School"), _("Experience, years"), _("Mentor")]
    return Sheet(_("Young specialists"), header, [
        [r.teacher.full_name, r.teacher.profile.school.short_name if r.teacher.profile.school else "",
         r.experience, ", ".join(m.full_name for m in r.mentors)] for r in young_specialists(today)],
        filters.no_filter())


def visits_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.visits(args)
    visits = db.session.scalars(visit_rows(**chosen.values).limit(MAX_ROWS))
    header = [_("Date"), _("Teacher"), _("Class and subject"), _("Kind"), _("Visitor"), _("Purpose of the visit"),
              _("Recommendations")]
    return Sheet(_("Lesson visits"), header, [
        [v.visited_on, v.teacher.full_name, v.lesson, label(choices.VISIT_KINDS, v.kind), v.visitor.full_name,
         v.purpose, v.recommendations] for v in visits], chosen.describe())


def appeals_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.appeals(args, today=today)
    appeals = db.session.scalars(appeal_rows(**chosen.values).limit(MAX_ROWS))
    header = [_("Received on"), _("Teacher"), _("Subject"), _("Answer due"), _("Status"), _("Answer"),
              _("The complaint is")]
    upheld = {True: _("justified"), False: _("not justified"), None: ""}
    return Sheet(_("Appeals"), header, [
        [a.received_on, a.teacher.full_name, a.subject, a.due_on, label(choices.APPEAL_STATUSES, a.status),
         a.answer, upheld[a.upheld]] for a in appeals], chosen.describe())


def events_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.events(args)
    rows = db.session.execute(event_rows(**chosen.values).options(selectinload(NetworkEvent.participants))
                              .limit(MAX_ROWS))
    header = [_("Date"), _("Title"), _("Kind"), _("Places"), _("Participants"), _("Attended"), _("Speakers"),
              _("Status")]
    return Sheet(_("Network events"), header, [
        [e.held_on, e.title, label(choices.EVENT_KINDS, e.kind), e.capacity, registered,
         sum(1 for p in e.participants if p.attended), sum(1 for p in e.participants if p.role == "speaker"),
         label(choices.MEETING_STATUSES, e.status)] for e, registered in rows], chosen.describe())


def participants_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    """The participants and speakers of the listed events, or of the one event the page names."""
    chosen = filters.events(args)
    event = db.session.get(NetworkEvent, args.get("event", type=arg_id) or 0)
    if event is not None:
        chosen.notes.append(f"{_('Network event')}: {event.title}")
    people = db.session.scalars(participant_rows(**chosen.values, event_id=event and event.id).limit(MAX_ROWS))
    header = [_("Date"), _("Network event"), _("Participant"), _("Role"), _("Topic of the talk"), _("Attended")]
    return Sheet(_("Participants of events"), header, [
        [p.event.held_on, p.event.title, p.user.full_name, label(choices.PARTICIPANT_ROLES, p.role), p.topic,
         _("yes") if p.attended else ""] for p in people], chosen.describe())


def contests_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.period(args)
    rows = db.session.execute(contest_rows(**chosen.values).limit(MAX_ROWS)).all()
    header = [_("Title"), _("Applications until"), _("Stages"), _("Applications")]
    return Sheet(_("Contests"), header, [
        [c.title, c.applications_until, "; ".join(s.get("title", "") for s in c.stages or []), count]
        for c, count in rows], chosen.describe())


def applications_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    """The applications and results of the listed contests, or of the one contest the page names."""
    chosen = filters.period(args)
    contest = db.session.get(Contest, args.get("contest", type=arg_id) or 0)
    if contest is not None:
        chosen.notes.append(f"{_('Contest')}: {contest.title}")
    applications = db.session.scalars(application_rows(**chosen.values, contest_id=contest and contest.id)
                                      .limit(MAX_ROWS))
    header = [_("Contest"), _("Teacher"), _("Submitted on"), _("Nominated by the school"),
              _("Theme of the contest work"), _("Status"), _("Result")]
    return Sheet(_("Applications and results"), header, [
        [a.contest.title, a.teacher.full_name, a.submitted_on, _("yes") if a.nominated_by_school else "", a.theme,
         label(choices.APPLICATION_STATUSES, a.status), label(choices.CONTEST_RESULTS, a.result) if a.result else ""]
        for a in applications], chosen.describe())


def plans_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    """Every item of the listed plans, one a row, under its plan and the plan's approval."""
    chosen = filters.period(args)
    items = db.session.scalars(plan_item_rows(**chosen.values).limit(MAX_ROWS))
    header = [_("Work plan"), _("Approved by"), _("Protocol No."), _("Date of the decision"), _("What"), _("When"),
              _("Responsible"), _("Form"), _("Target audience"), _("Status")]
    return Sheet(_("Work plan"), header, [
        [i.plan.title, i.plan.approved_by_body, i.plan.protocol_number, i.plan.approved_on, i.what, i.due_on,
         i.responsible, i.form, i.audience, label(choices.PLAN_ITEM_STATUSES, i.status)] for i in items],
        chosen.describe())


def school_statuses_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.period(args)
    statuses = db.session.scalars(school_status_rows(**chosen.values).limit(MAX_ROWS))
    header = [_("School"), _("Status"), _("Theme"), _("From"), _("Until"), _("Basis (order, decision)")]
    return Sheet(_("Schools' statuses"), header, [
        [s.school.short_name, label(choices.SCHOOL_STATUS_KINDS, s.kind), s.theme, s.starts_on, s.ends_on, s.basis]
        for s in statuses], chosen.describe())


def library_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.library(args, subject_choices())
    materials = db.session.scalars(material_rows(**chosen.values).limit(MAX_ROWS))
    header = [_("Title"), _("Kind"), _("Description"), _("Competency"), _("Subject"), _("Level of education"),
              _("Link"), _("File")]
    return Sheet(_("Library of materials"), header, [
        [m.title, label(choices.MATERIAL_KINDS, m.kind), m.description, m.competency,
         m.subject.name if m.subject else "", label(choices.SCHOOL_LEVELS, m.level) if m.level else "",
         m.link or "", m.file_name or ""] for m in materials], chosen.describe())


def practices_sheet(args: MultiDict, *, today: date, viewer) -> Sheet:
    chosen = filters.practices(args, viewer=viewer)
    practices = db.session.scalars(practice_rows(**chosen.values).limit(MAX_ROWS))
    header = [_("Title"), _("Author"), _("Subject"), _("What the practice is and what it gives"),
              _("Link to the materials"), _("Status")]
    return Sheet(_("Bank of best practice"), header, [
        [p.title, p.author.full_name, p.subject.name if p.subject else "", p.summary, p.link or "",
         label(choices.PRACTICE_STATUSES, p.status)] for p in practices], chosen.describe())


#: name → (permission, sheet builder)
EXPORTS = {
    "associations": ("community.manage", associations_sheet),
    "pairs": ("community.view_mentoring", pairs_sheet),
    "mentors": ("community.view_mentoring", mentors_sheet),
    "young-specialists": ("community.view_mentoring", young_sheet),
    "visits": ("community.visit_lessons", visits_sheet),
    "appeals": ("community.handle_appeals", appeals_sheet),
    "events": ("community.manage", events_sheet),
    "event-participants": ("community.manage", participants_sheet),
    "contests": ("community.manage", contests_sheet),
    "contest-applications": ("community.manage", applications_sheet),
    "plans": ("community.manage", plans_sheet),
    "school-statuses": ("community.manage", school_statuses_sheet),
    "library": ("community.view", library_sheet),  # the library is open to everyone signed in
    "practices": ("community.view", practices_sheet),  # published ones; those in review for reviewers only
}
