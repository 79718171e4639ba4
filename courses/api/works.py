"""courses.api, practical work scored by a rubric: what other plugins' tasks hand in, review and show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.extensions import db
from lms.users.models import User


@dataclass(frozen=True)
class WorkContext:
    """What a work is for, as the inbox and the review page show it: a line naming the task, the page it links
    to (an endpoint and its values), and an optional note for the reviewer."""

    where: str
    endpoint: str | None = None
    args: dict | None = None
    note: str = ""


def register_work_source(app, source: str, describe) -> None:
    """Say how to show the works of a task source: ``describe(works)`` returns {work id: WorkContext}."""
    app.extensions.setdefault("courses.work_sources", {})[source] = describe


def find_work(user_id: int, source: str, ref: str):
    """The teacher's work for one task of a source (``courses.models.Work``: ``status``, ``rounds``, ``total``,
    ``max_points``), or None."""
    from courses.services import works

    return works.find(user_id, source, ref)


def works_of(source: str, refs) -> dict[str, object]:
    """The works of a source's tasks, by ref."""
    from courses.models import Work

    refs = list(refs)
    if not refs:
        return {}
    return {w.ref: w for w in db.session.scalars(select(Work).where(Work.source == source, Work.ref.in_(refs)))}


def work_refs(source: str, ending_with) -> set[str]:
    """The refs of the source's works that end in one of the given texts (a source's refs name their parts)."""
    from sqlalchemy import or_

    from courses.models import Work

    endings = list(ending_with)
    if not endings:
        return set()
    return set(db.session.scalars(select(Work.ref).where(Work.source == source, or_(
        *[Work.ref.like(f"%{ending}") for ending in endings]))))


def hand_in_work(user: User, *, source: str, ref: str, title: str, rubric: list[dict], text: str,
                 link: str | None, upload, now: datetime):
    """Hand in (or hand in again after a return) the teacher's work for a source's task; the review arrives as
    :data:`lms.signals.work_reviewed`. Raises ServiceError as ``courses.services.works.hand_in``."""
    from courses.services import works

    return works.hand_in(user, source=source, ref=ref, title=title, rubric=rubric, text=text, link=link,
                         upload=upload, now=now)


def review_work(work, reviewer: User, *, scores: list[int], decision: str, comment: str, now: datetime):
    """Review a work as a tutor would from the inbox (demo data, imports): ``decision`` is ``accepted`` or
    ``returned``. Raises ServiceError as ``courses.services.works.review``."""
    from courses.services import works

    return works.review(work, reviewer, version=None, scores=scores, comment=comment, decision=decision, now=now)


def work_form():
    """The form a teacher hands work in with (text, link, file)."""
    from courses.forms import WorkForm

    return WorkForm()
