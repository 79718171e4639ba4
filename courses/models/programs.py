"""The catalogue: programmes, their ordered modules with prerequisites, lessons, and lesson progress."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.choices import DELIVERY_MODES, MODULE_FORMS, PROGRAMME_STATUSES
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow
from lms.models.sql import check_constraint

module_prerequisite = Table(
    "courses_module_prerequisite",
    db.metadata,
    Column("module_id", ForeignKey("courses_module.id", ondelete="CASCADE"), primary_key=True),
    Column("required_id", ForeignKey("courses_module.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(TimestampMixin, VersionedMixin, db.Model):
    """A long-term programme such as «IT-школа»: ordered modules, published to teachers when ready."""

    __tablename__ = "courses_programme"
    __table_args__ = (CheckConstraint(check_constraint("status", PROGRAMME_STATUSES), name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short unique code used in orders and exports: «IT-SCHOOL».
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: One paragraph for the catalogue card.
    summary: Mapped[str] = mapped_column(String(600), default="")
    #: Sanitised HTML (lms.richtext).
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")

    modules: Mapped[list[Module]] = relationship(
        back_populates="programme", order_by="(Module.position, Module.id)", cascade="all, delete-orphan")

    @property
    def total_hours(self) -> int:
        return sum(module.hours for module in self.modules)

    def __str__(self) -> str:
        return self.title


class Module(TimestampMixin, VersionedMixin, db.Model):
    """A part of a programme with its hours, form and delivery; may require earlier modules."""

    __tablename__ = "courses_module"
    __table_args__ = (
        CheckConstraint(check_constraint("form", MODULE_FORMS), name="known_form"),
        CheckConstraint(check_constraint("delivery", DELIVERY_MODES), name="known_delivery"),
        CheckConstraint("hours > 0 AND hours <= 500", name="hours_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("courses_programme.id", ondelete="CASCADE"), index=True)
    #: Order inside the programme (ties broken by id).
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Academic hours (академические часы).
    hours: Mapped[int]
    form: Mapped[str] = mapped_column(String(20))
    delivery: Mapped[str] = mapped_column(String(10))
    #: Share of the group's held sessions of this module a teacher must attend to complete it, percent.
    min_attendance: Mapped[int] = mapped_column(default=75)

    programme: Mapped[Programme] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="(Lesson.position, Lesson.id)", cascade="all, delete-orphan")
    prerequisites: Mapped[list[Module]] = relationship(
        secondary=module_prerequisite,
        primaryjoin=lambda: Module.id == module_prerequisite.c.module_id,
        secondaryjoin=lambda: Module.id == module_prerequisite.c.required_id,
        order_by=lambda: (Module.position, Module.id),
    )

    def __str__(self) -> str:
        return self.title


class Lesson(TimestampMixin, VersionedMixin, db.Model):
    """Self-paced material of a module: sanitised rich text, an optional embedded video."""

    __tablename__ = "courses_lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("courses_module.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    #: Sanitised HTML (lms.richtext).
    body: Mapped[str] = mapped_column(Text, default="")
    #: A video page on an allowed host (LMS_VIDEO_HOSTS), shown embedded.
    video_url: Mapped[Optional[str]] = mapped_column(String(500))
    #: Required lessons count towards module completion; optional ones are extra reading.
    required: Mapped[bool] = mapped_column(default=True)
    minutes: Mapped[Optional[int]]

    module: Mapped[Module] = relationship(back_populates="lessons")
    files: Mapped[list[LessonFile]] = relationship(back_populates="lesson", order_by="LessonFile.id",
                                                   cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class LessonProgress(db.Model):
    """A teacher marked a lesson studied; one row per teacher and lesson, so a repeat changes nothing."""

    __tablename__ = "courses_lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unique (user_id, lesson_id) index also serves lookups by user.
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("courses_lesson.id", ondelete="CASCADE"), index=True)
    studied_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonFile(db.Model):
    """A file attached to a lesson (handouts, templates, presentations), stored through lms.storage."""

    __tablename__ = "courses_lesson_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("courses_lesson.id", ondelete="CASCADE"), index=True)
    file_key: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson: Mapped[Lesson] = relationship(back_populates="files")
