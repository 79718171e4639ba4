"""Municipalities, schools (образовательные организации) and methodological associations."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin


class Municipality(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "lms_municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: ОКТМО code, when the service reports to the region by it.
    oktmo: Mapped[Optional[str]] = mapped_column(String(11))

    schools: Mapped[list[School]] = relationship(back_populates="municipality", order_by="School.name")

    def __str__(self) -> str:
        return self.name


class School(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "lms_school"
    __table_args__ = (UniqueConstraint("municipality_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("lms_municipality.id"), index=True)
    #: Full official name, e.g. «Муниципальное бюджетное общеобразовательное учреждение …».
    name: Mapped[str] = mapped_column(String(300))
    #: The name people use: «МБОУ СОШ № 5».
    short_name: Mapped[str] = mapped_column(String(120))
    #: The ИМЦ's own code or the school's ИНН; unique when given, used to match import rows.
    code: Mapped[Optional[str]] = mapped_column(String(20), unique=True)
    address: Mapped[Optional[str]] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship(back_populates="schools")

    def __str__(self) -> str:
        return self.short_name


class MethodAssociation(TimestampMixin, VersionedMixin, db.Model):
    """A methodological association (МО): municipal when ``school_id`` is empty, else a school's own."""

    __tablename__ = "lms_method_association"
    __table_args__ = (UniqueConstraint("municipality_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("lms_municipality.id"), index=True)
    school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_school.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship()
    school: Mapped[Optional[School]] = relationship()

    def __str__(self) -> str:
        return self.name
