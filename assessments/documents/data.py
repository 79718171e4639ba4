"""What an ИОМ document shows, as plain frozen data a service fills: the renderers never touch the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ResultRow:
    """One competency of the diagnostic: the measured level against the target, and where it came from."""

    code: str
    competency: str
    level: int
    level_name: str
    target: int
    deficit: bool
    p_deficit: float  # posterior probability that the level is below the target, 0..1
    self_level: int | None
    evidence: str


@dataclass(frozen=True)
class TaskRow:
    """A task of the route and the deficit it answers (section 3: задача ↔ дефицит)."""

    deficit: str
    task: str


@dataclass(frozen=True)
class PlanRow:
    """One step of the plan: the ten columns of the core table; ``mark`` is the tutor's completion note."""

    number: int
    deficit: str
    task: str
    content: str
    form: str
    organiser: str
    hours: float
    start: date | None
    end: date | None
    result_form: str
    mark: str


@dataclass(frozen=True)
class Totals:
    """The figures derived from the plan; shares are 0..1, ``on_time_share`` is None while nothing is due."""

    hours: float
    hours_by_form: tuple[tuple[str, float], ...]
    weeks: int
    pace: float  # planned hours per week
    actual_pace: float | None
    done_share: float
    on_time_share: float | None
    closure: tuple[tuple[str, str], ...]  # (deficit, status text)


@dataclass(frozen=True)
class RepeatRow:
    """One competency of the repeated diagnostic: before → after, and whether the change is real."""

    code: str
    competency: str
    before: int
    after: int
    delta: float
    beyond_error: bool  # the change exceeds the measurement error
    closed: bool  # the deficit is closed: the target is reached


@dataclass(frozen=True)
class RouteDocument:
    """Everything the ИОМ form shows, text already in the reader's language."""

    teacher: str  # «Фамилия Имя Отчество»
    position: str
    subjects: str
    school: str
    municipality: str
    experience_years: int | None
    category: str
    tutor: str | None
    mentor: str | None
    period_start: date
    period_end: date
    status: str
    diagnostic_date: date
    diagnostic_instrument: str
    results: tuple[ResultRow, ...]
    strengths: tuple[str, ...]
    goal: str
    tasks: tuple[TaskRow, ...]
    plan: tuple[PlanRow, ...]
    totals: Totals
    repeat: tuple[RepeatRow, ...] | None  # None: the repeated diagnostic has not been taken yet
    repeat_date: date | None
    conclusion: str
    approved_by: str | None
    approved_on: date | None
    generated_on: date
    head: str | None = None  # the head of the methodological service, who signs last


@dataclass(frozen=True)
class GroupRouteRow:
    """One teacher's route in a group summary (the spreadsheet a methodologist hands on)."""

    teacher: str
    school: str
    tutor: str | None
    status: str
    period_start: date
    period_end: date
    deficits: int
    steps: int
    done: int
    overdue: int
    hours: float
    hours_done: float
    last_activity: date | None
    closed_deficits: int
