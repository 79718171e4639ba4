"""Page-level queries of associations, meetings, mentoring and the teacher's own participation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from community.choices import YOUNG_SPECIALIST_YEARS
from community.models import AssociationDetails, Meeting, MeetingAttendance, Membership, MentoringPair
from lms.extensions import db
from lms.orgs.models import MethodAssociation
from lms.users.models import TeacherProfile, User, UserRole, fold
from lms.web import Page, paginate

PAGE_SIZE = 50


def details_of(association_id: int) -> AssociationDetails | None:
    return db.session.get(AssociationDetails, association_id)


def is_member(association_id: int, user_id: int) -> bool:
    return db.session.scalar(select(Membership.id).where(Membership.association_id == association_id,
                                                         Membership.user_id == user_id)) is not None


@dataclass
class AssociationRow:
    association: MethodAssociation
    details: AssociationDetails | None
    members: int

    @property
    def kind(self) -> str:
        return self.details.kind if self.details else "mo"


def text_matches(q: str, *columns):
    """The community lists' search of a name or a title: SQLite folds only ASCII, so the text is matched as
    typed and with a capital first letter."""
    text = q.strip()
    return or_(*(column.contains(variant, autoescape=True) for column in columns
                 for variant in dict.fromkeys((text, text.capitalize()))))


def period_meets_year(starts_on, ends_on, year: int):
    """A record whose period ``starts_on``…``ends_on`` takes in at least one day of the calendar ``year``."""
    return (starts_on <= date(year, 12, 31)) & (ends_on >= date(year, 1, 1))


def association_rows(*, q: str | None, kind: str | None, level: str | None, active_only: bool) -> Select:
    """The directory's associations with the service's details and member counts (the list and its export)."""
    members = (select(func.count(Membership.id)).where(Membership.association_id == MethodAssociation.id)
               .correlate(MethodAssociation).scalar_subquery())
    stmt = (select(MethodAssociation, AssociationDetails, members.label("members"))
            .outerjoin(AssociationDetails, AssociationDetails.association_id == MethodAssociation.id)
            .options(joinedload(MethodAssociation.school), joinedload(MethodAssociation.municipality),
                     joinedload(AssociationDetails.leader))
            .order_by(MethodAssociation.name, MethodAssociation.id))
    if q:
        stmt = stmt.where(text_matches(q, MethodAssociation.name))
    if kind == "mo":
        stmt = stmt.where(or_(AssociationDetails.kind.is_(None), AssociationDetails.kind == "mo"))
    elif kind:
        stmt = stmt.where(AssociationDetails.kind == kind)
    if level == "school":
        stmt = stmt.where(MethodAssociation.school_id.is_not(None))
    elif level == "municipal":
        stmt = stmt.where(MethodAssociation.school_id.is_(None))
    if active_only:
        stmt = stmt.where(MethodAssociation.is_active.is_(True))
    return stmt


def association_list(*, q: str | None, kind: str | None, level: str | None, active_only: bool, page: int):
    """One page of the directory's associations with the service's details and member counts."""
    stmt = association_rows(q=q, kind=kind, level=level, active_only=active_only)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return Page([AssociationRow(a, d, n) for a, d, n in rows], page=max(page, 1), per_page=PAGE_SIZE, total=total)


def members_of(association_id: int) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).join(Membership.user).where(Membership.association_id == association_id)
        .options(joinedload(Membership.user).selectinload(User.profile).joinedload(TeacherProfile.school))
        .order_by(User.last_name, User.first_name, User.id)))


def meetings_of(association_id: int) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).where(Meeting.association_id == association_id)
        .options(selectinload(Meeting.attendance)).order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def meeting_with_sheet(meeting_id: int) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        selectinload(Meeting.attendance).joinedload(MeetingAttendance.user), joinedload(Meeting.association)))


def teacher_choices() -> list[tuple[int, str]]:
    """Active teachers, by surname, for the selects of members, mentees and leaders."""
    rows = db.session.execute(select(User.id, User.last_name, User.first_name, User.middle_name)
                              .where(User.active.is_(True), User.roles.any(UserRole.role == "teacher"))
                              .order_by(User.last_name, User.first_name, User.id))
    return [(r.id, " ".join(p for p in (r.last_name, r.first_name, r.middle_name) if p)) for r in rows]


def people_choices() -> list[tuple[int, str]]:
    """Active teachers and tutors: leaders and mentors may be either."""
    rows = db.session.execute(select(User.id, User.last_name, User.first_name, User.middle_name)
                              .where(User.active.is_(True), User.roles.any(UserRole.role.in_(("teacher", "tutor"))))
                              .order_by(User.last_name, User.first_name, User.id))
    return [(r.id, " ".join(p for p in (r.last_name, r.first_name, r.middle_name) if p)) for r in rows]


# --- the teacher's own participation --------------------------------------------------------------------------

@dataclass
class Participation:
    memberships: list[Membership]
    led: list[AssociationDetails]
    meetings: list[Meeting]  # held meetings of their associations, newest first
    attended: set[int]  # ids of those they were present at
    as_mentee: list[MentoringPair]
    as_mentor: list[MentoringPair]


def participation(user_id: int) -> Participation:
    memberships = list(db.session.scalars(
        select(Membership).where(Membership.user_id == user_id).options(joinedload(Membership.association))
        .join(Membership.association).order_by(MethodAssociation.name)))
    led = list(db.session.scalars(select(AssociationDetails).where(AssociationDetails.leader_id == user_id)
                                  .options(joinedload(AssociationDetails.association))))
    attended = set(db.session.scalars(select(MeetingAttendance.meeting_id).where(MeetingAttendance.user_id == user_id)))
    association_ids = [m.association_id for m in memberships]
    meetings = list(db.session.scalars(
        select(Meeting).where(Meeting.status == "held",
                              or_(Meeting.association_id.in_(association_ids), Meeting.id.in_(attended)))
        .options(joinedload(Meeting.association)).order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(100)))
    pairs = list(db.session.scalars(
        select(MentoringPair).where(or_(MentoringPair.mentor_id == user_id, MentoringPair.mentee_id == user_id))
        .options(joinedload(MentoringPair.mentor), joinedload(MentoringPair.mentee),
                 selectinload(MentoringPair.meetings))
        .order_by(MentoringPair.starts_on.desc())))
    return Participation(memberships, led, meetings, attended, [p for p in pairs if p.mentee_id == user_id],
                         [p for p in pairs if p.mentor_id == user_id])


# --- mentoring ------------------------------------------------------------------------------------------------

def pair_rows(*, q: str | None, form: str | None, status: str | None) -> Select:
    mentor, mentee = User.__table__.alias("mentor"), User.__table__.alias("mentee")
    stmt = (select(MentoringPair).join(mentor, mentor.c.id == MentoringPair.mentor_id)
            .join(mentee, mentee.c.id == MentoringPair.mentee_id)
            .options(joinedload(MentoringPair.mentor), joinedload(MentoringPair.mentee))
            .order_by(MentoringPair.starts_on.desc(), MentoringPair.id.desc()))
    if q:
        for word in fold(q).split():
            stmt = stmt.where(or_(mentor.c.search_text.contains(word, autoescape=True),
                                  mentee.c.search_text.contains(word, autoescape=True)))
    if form:
        stmt = stmt.where(MentoringPair.form == form)
    if status:
        stmt = stmt.where(MentoringPair.status == status)
    return stmt


def pair_list(*, q: str | None, form: str | None, status: str | None, page: int):
    return paginate(pair_rows(q=q, form=form, status=status), page=max(page, 1), per_page=PAGE_SIZE)


def mentors_of(teacher_id: int, since: date | None, until: date | None) -> list[User]:
    """The teacher's mentors in pairs (not ended early) whose period meets ``since``…``until``."""
    stmt = (select(User).join(MentoringPair, MentoringPair.mentor_id == User.id)
            .where(MentoringPair.mentee_id == teacher_id, MentoringPair.status != "ended")
            .order_by(MentoringPair.starts_on))
    if since is not None:
        stmt = stmt.where(MentoringPair.ends_on >= since)
    if until is not None:
        stmt = stmt.where(MentoringPair.starts_on <= until)
    return list(dict.fromkeys(db.session.scalars(stmt)))


@dataclass
class MentorRow:
    mentor: User
    active: int
    total: int
    category_mentor: bool  # holds the qualification category «педагог-наставник»


def mentor_register(today: date) -> list[MentorRow]:
    """The register of mentors: everyone who mentors in a pair, and teachers of the category «педагог-
    наставник», with their current and total pairs."""
    active = func.sum(((MentoringPair.status == "active") & (MentoringPair.starts_on <= today)
                       & (MentoringPair.ends_on >= today)).cast(db.Integer))
    counts = {row.mentor_id: (int(row.active or 0), row.total) for row in db.session.execute(
        select(MentoringPair.mentor_id, active.label("active"), func.count(MentoringPair.id).label("total"))
        .group_by(MentoringPair.mentor_id))}
    category = set(db.session.scalars(select(TeacherProfile.user_id)
                                      .where(TeacherProfile.qualification_category == "mentor")))
    people = db.session.scalars(select(User).where(User.id.in_(set(counts) | category))
                                .options(selectinload(User.profile).joinedload(TeacherProfile.school))
                                .order_by(User.last_name, User.first_name, User.id))
    return [MentorRow(u, *counts.get(u.id, (0, 0)), u.id in category) for u in people]


@dataclass
class YoungSpecialist:
    teacher: User
    experience: int
    mentors: list[User]


def young_specialists(today: date) -> list[YoungSpecialist]:
    """Teachers whose experience today is at most three years (from their profile), with their current mentors.

    Experience only grows, so the recorded figure bounds the query in SQL; the exact figure on ``today`` is
    counted on from the date it was recorded.
    """
    teachers = list(db.session.scalars(
        select(User).join(User.profile)
        .where(User.active.is_(True), User.roles.any(UserRole.role == "teacher"),
               TeacherProfile.experience_years <= YOUNG_SPECIALIST_YEARS)
        .options(selectinload(User.profile).joinedload(TeacherProfile.school))
        .order_by(User.last_name, User.first_name, User.id)))
    teachers = [t for t in teachers if (t.profile.experience_on(today) or 0) <= YOUNG_SPECIALIST_YEARS]
    mentors: dict[int, list[User]] = {}
    for pair in db.session.scalars(select(MentoringPair).where(
            MentoringPair.mentee_id.in_([t.id for t in teachers]), MentoringPair.status == "active",
            MentoringPair.starts_on <= today, MentoringPair.ends_on >= today)
            .options(joinedload(MentoringPair.mentor))):
        mentors.setdefault(pair.mentee_id, []).append(pair.mentor)
    return [YoungSpecialist(t, t.profile.experience_on(today) or 0, mentors.get(t.id, [])) for t in teachers]
