"""The competency framework: versions, domains, competencies with six anchored levels, mappings and targets."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow

#: Schemes a competency is mapped to, by id: 544н's ICT triad, DigCompEdu and UNESCO ICT-CFT v3.
MAPPING_SCHEMES = ("ps544", "digcompedu", "unesco")
LEVELS = range(1, 7)


class Framework(TimestampMixin, db.Model):
    """One version of a framework. Versions are never edited into each other: results keep theirs."""

    __tablename__ = "assessments_framework"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The version new diagnostics use by default; one per code.
    current: Mapped[bool] = mapped_column(default=False)
    #: Correlation of any two competencies in the population: the engine's prior for a pair the
    #: current :class:`FrameworkCorrelation` does not cover (or before calibration has estimated one).
    correlation: Mapped[float] = mapped_column(default=0.5)

    levels: Mapped[list[FrameworkLevel]] = relationship(order_by="FrameworkLevel.number", cascade="all, delete-orphan")
    domains: Mapped[list[Domain]] = relationship(
        back_populates="framework", order_by="(Domain.position, Domain.id)", cascade="all, delete-orphan")
    competencies: Mapped[list[Competency]] = relationship(order_by="Competency.id", viewonly=True)  # file order

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class FrameworkCorrelation(db.Model):
    """One version of the correlation matrix of a framework's competencies, as calibration estimated it.

    Never edited: a new estimate is a new row and the old one stops being current, and an attempt keeps
    the version it started with, so its session is rebuilt with the same prior to the end.
    """

    __tablename__ = "assessments_framework_correlation"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessments_framework.id", ondelete="CASCADE"),
                                              index=True)
    #: The competencies the rows and columns stand for, in order.
    competency_ids: Mapped[list[int]] = mapped_column(JSON)
    #: Positive definite, ones on the diagonal: pairs estimated from few people are pulled towards ``common``.
    matrix: Mapped[list[list[float]]] = mapped_column(JSON)
    common: Mapped[float] = mapped_column()
    persons: Mapped[int] = mapped_column(default=0)
    #: What the estimate rests on, e.g. «калибровка 03.12.2026, 640 попыток».
    sample: Mapped[str] = mapped_column(String(300), default="")
    current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FrameworkLevel(db.Model):
    """The name and general anchor of one of the six levels."""

    __tablename__ = "assessments_framework_level"
    __table_args__ = (CheckConstraint("number BETWEEN 1 AND 6", name="number_range"),)

    framework_id: Mapped[int] = mapped_column(ForeignKey("assessments_framework.id", ondelete="CASCADE"),
                                              primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(600), default="")
    #: Where the level starts on the ability scale (logits); None for level 1, which has no floor.
    threshold: Mapped[Optional[float]] = mapped_column()


class Domain(db.Model):
    """A group of competencies, e.g. «Цифровое оценивание и данные»."""

    __tablename__ = "assessments_domain"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessments_framework.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    framework: Mapped[Framework] = relationship(back_populates="domains")
    competencies: Mapped[list[Competency]] = relationship(
        back_populates="domain", order_by="(Competency.position, Competency.id)", cascade="all, delete-orphan")


class Competency(TimestampMixin, VersionedMixin, db.Model):
    """One measured competency: its own scale, its six level descriptors and its mappings."""

    __tablename__ = "assessments_competency"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Kept beside domain_id so «the competencies of version X» is one indexed lookup.
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessments_framework.id", ondelete="CASCADE"), index=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("assessments_domain.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    domain: Mapped[Domain] = relationship(back_populates="competencies")
    framework: Mapped[Framework] = relationship()
    levels: Mapped[list[CompetencyLevel]] = relationship(
        order_by="CompetencyLevel.number", cascade="all, delete-orphan")
    mappings: Mapped[list[CompetencyMapping]] = relationship(
        order_by="(CompetencyMapping.scheme, CompetencyMapping.ref)", cascade="all, delete-orphan")

    def descriptor(self, number: int) -> str:
        return next((level.descriptor for level in self.levels if level.number == number), "")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CompetencyLevel(db.Model):
    """What a teacher does at one level of one competency (a behaviour anchor)."""

    __tablename__ = "assessments_competency_level"
    __table_args__ = (CheckConstraint("number BETWEEN 1 AND 6", name="number_range"),)

    competency_id: Mapped[int] = mapped_column(ForeignKey("assessments_competency.id", ondelete="CASCADE"),
                                               primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    descriptor: Mapped[str] = mapped_column(Text)


class CompetencyMapping(db.Model):
    """A competency's correspondence to a component of another framework, by that framework's id."""

    __tablename__ = "assessments_competency_mapping"
    __table_args__ = (CheckConstraint("scheme IN ('ps544', 'digcompedu', 'unesco')", name="known_scheme"),)

    competency_id: Mapped[int] = mapped_column(ForeignKey("assessments_competency.id", ondelete="CASCADE"),
                                               primary_key=True)
    scheme: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref: Mapped[str] = mapped_column(String(120), primary_key=True)


class TargetLevel(VersionedMixin, db.Model):
    """The level a position and qualification category must reach; below it is a deficit."""

    __tablename__ = "assessments_target_level"
    __table_args__ = (
        UniqueConstraint("framework_id", "position", "category"),
        CheckConstraint("level BETWEEN 1 AND 6", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessments_framework.id", ondelete="CASCADE"))
    position: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column()
