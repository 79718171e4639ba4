"""What LTI platforms may launch from the courses plugin: programmes, modules and lessons."""

from __future__ import annotations

from flask import Flask, url_for
from sqlalchemy import func, select

from courses.models import Lesson, Module, ModuleCompletion, Programme
from lms import signals
from lms.extensions import db
from lms.i18n import _l
from lms.lti.resources import register_resource_kind


def _programme_of(kind: str, ref: int) -> Programme | None:
    if kind == "programme":
        return db.session.get(Programme, ref)
    if kind == "module":
        module = db.session.get(Module, ref)
        return module.programme if module else None
    lesson = db.session.get(Lesson, ref)
    return lesson.module.programme if lesson else None


def _published(kind: str):
    return lambda ref: (programme := _programme_of(kind, ref)) is not None and programme.status == "published"


def _programmes():
    return db.session.execute(select(Programme.id, Programme.title).where(Programme.status == "published")
                              .order_by(Programme.title, Programme.id)).all()


def _modules():
    rows = db.session.execute(select(Module.id, Programme.title, Module.title).join(Module.programme)
                              .where(Programme.status == "published")
                              .order_by(Programme.title, Module.position, Module.id)).all()
    return [(id_, f"{programme} — {title}") for id_, programme, title in rows]


def _lessons():
    rows = db.session.execute(select(Lesson.id, Module.title, Lesson.title).join(Lesson.module).join(Module.programme)
                              .where(Programme.status == "published")
                              .order_by(Programme.title, Module.position, Module.id, Lesson.position, Lesson.id)).all()
    return [(id_, f"{module} — {title}") for id_, module, title in rows]


def _title(model):
    return lambda ref: (item := db.session.get(model, ref)) and item.title or None


def register(app: Flask) -> None:
    """Called from the plugin's init_app."""
    register_resource_kind(app, "programme", _l("Programmes"), _programmes,
                           lambda ref: url_for("courses.programme", programme_id=ref), _title(Programme),
                           _published("programme"))
    # A module has no page of its own: it opens as its programme's page, at the module.
    register_resource_kind(app, "module", _l("Modules"), _modules,
                           lambda ref: url_for("courses.programme", programme_id=db.session.get(Module, ref)
                                               .programme_id) + f"#module-{ref}", _title(Module), _published("module"))
    register_resource_kind(app, "lesson", _l("Lessons"), _lessons,
                           lambda ref: url_for("courses.lesson", lesson_id=ref), _title(Lesson), _published("lesson"))
    signals.module_completed.connect(on_module_completed)
    signals.lesson_studied.connect(on_lesson_studied)
    from courses import api
    from lms.lti.roster import RosterTarget, register_roster_target

    register_roster_target(app, RosterTarget(_l("Into the group"), lambda: [(g.id, g.name) for g in
                                                                            api.running_groups()], api.add_to_group))


def on_lesson_studied(sender, user, lesson, **extra) -> None:
    """A lesson launched from a platform scores 100 % once the teacher has studied it."""
    from lms.lti.passback import queue_score

    queue_score(user.id, "lesson", lesson.id, 1.0)


def on_module_completed(sender, user, module, **extra) -> None:
    """A completed module scores 100 % on its own links, and its programme's links get the share done."""
    from lms.lti.passback import queue_score

    queue_score(user.id, "module", module.id, 1.0)
    modules = [m.id for m in module.programme.modules]
    done = db.session.scalar(select(func.count()).select_from(ModuleCompletion).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.module_id.in_(modules)))
    queue_score(user.id, "programme", module.programme_id, done / len(modules))
