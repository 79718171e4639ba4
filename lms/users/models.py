"""User accounts, their roles, and the teacher's profile an ИОМ header is built from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin
from lms.orgs.models import MethodAssociation, School
from lms.users.choices import ROLES

_ROLE_CHECK = "role IN (" + ", ".join(f"'{code}'" for code in ROLES) + ")"


class User(UserMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "lms_user"
    #: The directory lists people by surname: the index serves its ORDER BY … LIMIT without a sort.
    __table_args__ = (Index("ix_lms_user_sort_name", "last_name", "first_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: None until the person sets a password through a one-time link (imported teachers).
    password_hash: Mapped[Optional[str]] = mapped_column(String(255))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    #: Отчество; optional, as not every name has one.
    middle_name: Mapped[Optional[str]] = mapped_column(String(100))
    phone: Mapped[Optional[str]] = mapped_column(String(30))
    #: Deactivated users keep their history but cannot sign in.
    active: Mapped[bool] = mapped_column(default=True)
    #: Interface language chosen by the user; None follows the service default.
    locale: Mapped[Optional[str]] = mapped_column(String(5))
    last_login_at: Mapped[Optional[datetime]]
    #: Bumped when the password changes, so issued reset links and other sessions stop working.
    password_changed_at: Mapped[Optional[datetime]]
    #: Lower-cased «фамилия имя отчество e-mail», kept by a mapper event: SQLite's lower() and
    #: LIKE fold only ASCII, so Cyrillic search needs the folding done in Python.
    search_text: Mapped[str] = mapped_column(String(600), default="", index=True)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        # selectin: every request checks permissions, so roles are always needed with the user.
    )
    profile: Mapped[Optional[TeacherProfile]] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False,
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    #: The token of the server-side session this request runs in (lms.auth.sessions); not a column.
    session_token = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookies: the session's token, never the user's id, so signing out
        ends the session for every copy of them."""
        if not self.session_token:
            raise RuntimeError("No session is open for this user: call lms.auth.sessions.open_session first")
        return self.session_token

    @property
    def role_codes(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, role: str) -> bool:
        return role in self.role_codes

    @property
    def full_name(self) -> str:
        """«Фамилия Имя Отчество»."""
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        """«Фамилия И. О.»."""
        initials = " ".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


def fold(text: str) -> str:
    """Lower case and ё → е, the way people type names into a search box."""
    return text.lower().replace("ё", "е")


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _refresh_search_text(mapper, connection, user: User) -> None:
    user.search_text = fold(f"{user.full_name} {user.email}")


class UserRole(db.Model):
    __tablename__ = "lms_user_role"
    __table_args__ = (CheckConstraint(_ROLE_CHECK, name="known_role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")


class Subject(db.Model):
    """A school subject or direction a teacher teaches (Математика, Информатика, …)."""

    __tablename__ = "lms_subject"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    def __str__(self) -> str:
        return self.name


teacher_subject = Table(
    "lms_teacher_subject",
    db.metadata,
    Column("profile_id", ForeignKey("lms_teacher_profile.user_id", ondelete="CASCADE"), primary_key=True),
    Column("subject_id", ForeignKey("lms_subject.id", ondelete="CASCADE"), primary_key=True),
)


class TeacherProfile(TimestampMixin, db.Model):
    """Work details of a teacher (or of a tutor): everything an ИОМ header needs besides the name."""

    __tablename__ = "lms_teacher_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_school.id"), index=True)
    #: Code from lms.users.choices.POSITIONS.
    position: Mapped[Optional[str]] = mapped_column(String(40))
    #: Code from lms.users.choices.CATEGORIES.
    qualification_category: Mapped[str] = mapped_column(String(20), default="none")
    category_assigned_on: Mapped[Optional[date]]
    #: Teaching experience in whole years as of ``experience_as_of`` (ИМЦ databases record it so).
    experience_years: Mapped[Optional[int]]
    experience_as_of: Mapped[Optional[date]]
    association_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_method_association.id"), index=True)

    user: Mapped[User] = relationship(back_populates="profile")
    school: Mapped[Optional[School]] = relationship()
    association: Mapped[Optional[MethodAssociation]] = relationship()
    subjects: Mapped[list[Subject]] = relationship(secondary=teacher_subject, order_by=Subject.name)

    def experience_on(self, day: date) -> Optional[int]:
        """Whole years of teaching experience on ``day``, counting on from the recorded figure."""
        if self.experience_years is None:
            return None
        if self.experience_as_of is None or day <= self.experience_as_of:
            return self.experience_years
        years = day.year - self.experience_as_of.year
        if (day.month, day.day) < (self.experience_as_of.month, self.experience_as_of.day):
            years -= 1
        return self.experience_years + years
