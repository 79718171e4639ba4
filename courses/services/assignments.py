"""A module's practical tasks and their rubrics (the work handed in for them: :mod:`courses.services.works`)."""

from __future__ import annotations

from typing import Optional

from courses.models import AssignmentTask, Module
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version
from lms.richtext import clean_html


def parse_rubric(text: str) -> list[dict]:
    """«Criterion — max points» per line («Цель урока сформулирована — 2») into the rubric list."""
    rubric = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, points = line.rpartition("—") if "—" in line else line.rpartition("-")
        try:
            maximum = int(points.strip())
        except ValueError:
            maximum = 0
        if not sep or not name.strip() or not 1 <= maximum <= 100:
            raise ServiceError(_("Line %(n)d of the rubric: write «criterion — points» with 1 to 100 points.",
                                 n=number), field="rubric")
        rubric.append({"name": name.strip()[:200], "max": maximum})
    if not rubric:
        raise ServiceError(_("The rubric needs at least one criterion."), field="rubric")
    return rubric


def save_task(module: Module, task: Optional[AssignmentTask], *, version: int | None, title: str,
              instructions: str, rubric_text: str, pass_points: int) -> AssignmentTask:
    check_version(task, version, _("Someone else changed this while you were editing it, so your changes were not "
                                   "saved. Check the current text; saving this form again will replace it."))
    rubric = parse_rubric(rubric_text)
    if not 0 <= pass_points <= sum(c["max"] for c in rubric):
        raise ServiceError(_("The pass mark must be between 0 and the rubric's maximum."), field="pass_points")
    if task is None:
        task = AssignmentTask(module_id=module.id)
        db.session.add(task)
    task.title, task.instructions, task.rubric, task.pass_points = title.strip(), clean_html(instructions), rubric, \
        pass_points
    db.session.flush()
    return task
