"""Editing the catalogue (programmes, modules, lessons) and recording what a teacher has studied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flask import current_app
from sqlalchemy import func, select

from courses.choices import DELIVERY_MODES, MODULE_FORMS
from courses.models import Lesson, LessonFile, LessonProgress, Module, Programme
from courses.services import completion
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version, utcnow
from lms.models.sql import insert_or_ignore
from lms.richtext import clean_html, video_embed_url
from lms.storage import store


def _changed() -> str:
    """What a stale form is told (translated when raised, in the user's language)."""
    return _("Someone else changed this while you were editing it, so your changes were not saved. Check "
             "the current text; saving this form again will replace it.")


def save_programme(programme: Optional[Programme], *, version: int | None, code: str, title: str,
                   summary: str, description: str) -> Programme:
    """Create (``programme`` None) or update a programme; codes are unique, descriptions sanitised."""
    check_version(programme, version, _changed())
    code = code.strip().upper()
    clash = db.session.scalar(select(Programme).where(Programme.code == code))
    if clash is not None and clash is not programme:
        raise ServiceError(_("Another programme already has the code %(code)s.", code=code), field="code")
    if programme is None:
        programme = Programme(status="draft")
        db.session.add(programme)
    programme.code, programme.title, programme.summary = code, title.strip(), summary.strip()
    programme.description = clean_html(description)
    db.session.flush()
    return programme


def set_programme_status(programme: Programme, status: str) -> Programme:
    """Publish (teachers see it), archive (hidden, history kept) or return to draft.

    :raises ServiceError: publishing a programme without modules.
    """
    if status == "published" and not programme.modules:
        raise ServiceError(_("A programme without modules cannot be published."))
    programme.status = status
    db.session.flush()
    return programme


@dataclass
class ModuleData:
    title: str
    description: str
    hours: int
    form: str
    delivery: str
    prerequisite_ids: list[int]
    min_attendance: int = 75


def save_module(programme: Programme, module: Optional[Module], *, version: int | None, data: ModuleData) -> Module:
    """Create a module at the end of ``programme`` or update one; prerequisites come from the same
    programme and may not form a cycle."""
    check_version(module, version, _changed())
    if data.form not in MODULE_FORMS or data.delivery not in DELIVERY_MODES:
        raise ServiceError(_("Unknown form or delivery mode."))
    if not 0 < data.hours <= 500:
        raise ServiceError(_("Hours must be between 1 and 500."), field="hours")
    if module is None:
        last = db.session.scalar(select(func.max(Module.position)).where(Module.programme_id == programme.id))
        module = Module(programme=programme, position=(last or 0) + 1)
        db.session.add(module)
    module.title, module.description = data.title.strip(), clean_html(data.description)
    module.hours, module.form, module.delivery = data.hours, data.form, data.delivery
    module.min_attendance = max(0, min(100, data.min_attendance))
    module.prerequisites = _prerequisites(programme, module, data.prerequisite_ids)
    db.session.flush()
    return module


def _prerequisites(programme: Programme, module: Module, ids: list[int]) -> list[Module]:
    chosen = [m for m in programme.modules if m.id in set(ids)]
    if len(chosen) != len(set(ids)):
        raise ServiceError(_("A prerequisite must be a module of the same programme."), field="prerequisite_ids")
    if any(m is module for m in chosen) or (module.id is not None and _reaches(chosen, module)):
        raise ServiceError(_("These prerequisites would make a circle: a module cannot require itself, "
                             "directly or through others."), field="prerequisite_ids")
    return chosen


def _reaches(start: list[Module], target: Module) -> bool:
    seen, stack = set(), list(start)
    while stack:
        current = stack.pop()
        if current is target:
            return True
        if current.id not in seen:
            seen.add(current.id)
            stack.extend(current.prerequisites)
    return False


def move_module(module: Module, direction: int) -> Module:
    """Swap ``module`` with its neighbour above (-1) or below (+1); positions are renumbered 1…n."""
    modules = list(module.programme.modules)
    index = modules.index(module)
    other = index + direction
    if 0 <= other < len(modules):
        modules[index], modules[other] = modules[other], modules[index]
    for position, item in enumerate(modules, start=1):
        item.position = position
    db.session.flush()
    return module


def save_lesson(module: Module, lesson: Optional[Lesson], *, version: int | None, title: str, body: str,
                video_url: str | None, required: bool, minutes: int | None) -> Lesson:
    """Create a lesson at the end of ``module`` or update one; the body is sanitised."""
    check_version(lesson, version, _changed())
    if video_url and video_embed_url(video_url) is None:
        raise ServiceError(_("Only YouTube, Rutube and VK Video links can be embedded."), field="video_url")
    if lesson is None:
        last = db.session.scalar(select(func.max(Lesson.position)).where(Lesson.module_id == module.id))
        lesson = Lesson(module=module, position=(last or 0) + 1)
        db.session.add(lesson)
    lesson.title, lesson.body = title.strip(), clean_html(body)
    lesson.video_url, lesson.required, lesson.minutes = (video_url or None), required, minutes
    db.session.flush()
    return lesson


def mark_studied(user, lesson: Lesson) -> LessonProgress:
    """Record that ``user`` studied ``lesson``; a second mark (double click, second tab) returns the first."""
    if insert_or_ignore(LessonProgress, user_id=user.id, lesson_id=lesson.id, studied_at=utcnow()):
        signals.lesson_studied.send(current_app._get_current_object(), user=user, lesson=lesson)
    completion.evaluate(user, lesson.module)
    return db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id))


def attach_file(lesson: Lesson, upload) -> LessonFile:
    """Attach an uploaded file to a lesson (type, content and size checked by lms.storage)."""
    stored = store(upload, f"lessons-{lesson.id}")
    attached = LessonFile(lesson_id=lesson.id, file_key=stored.key, file_name=stored.original_name, size=stored.size)
    db.session.add(attached)
    db.session.flush()
    return attached


def remove_file(attached: LessonFile) -> LessonFile:
    """Detach a file; the stored copy stays until storage is cleaned, so a running download completes."""
    db.session.delete(attached)
    db.session.flush()
    return attached
