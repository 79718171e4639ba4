"""What a teacher has completed: modules by their rules, programmes, and the certificates issued."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.models.programs import Module, Programme
from lms.extensions import db
from lms.models.mixins import utcnow
from lms.users.models import User


class ModuleCompletion(db.Model):
    __tablename__ = "courses_module_completion"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("courses_module.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship()


class Certificate(db.Model):
    """Issued once per teacher and programme; anyone can check it by its code without signing in."""

    __tablename__ = "courses_certificate"
    __table_args__ = (UniqueConstraint("user_id", "programme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("courses_programme.id"))
    #: Registration number: programme id, year of issue, teacher id (ids never change; codes may).
    number: Mapped[str] = mapped_column(String(60), unique=True)
    #: The secret part of the public verification address.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    hours: Mapped[int]
    #: Name, programme title and dates as printed: the certificate stays as issued if they change later.
    holder_name: Mapped[str] = mapped_column(String(320))
    programme_title: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date]
    finished_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    programme: Mapped[Programme] = relationship()
