"""Programmes and modules for other plugins (``courses.api``): titles, choices, completions, and the teacher's own
due date for a module that a route sets."""

from __future__ import annotations

from sqlalchemy import Select, select

from courses.models import Module, ModuleCompletion, Programme
from lms.extensions import db
from lms.users.models import User


def programme_title(programme_id: int) -> str | None:
    """The title of a programme of the catalogue (any status), or None when there is no such programme: what a
    record elsewhere (a work-plan item) needs to link to one."""
    programme = db.session.get(Programme, programme_id)
    return programme.title if programme is not None else None


def hold_module_due(module_id: int, teacher: User, due_on, actor: User) -> bool:
    """Make ``due_on`` the teacher's own due date for the module: the date their assignments page, their route and
    its ИОМ then all show. False (nothing changed) for a module that is gone or a date already past."""
    from courses.services.groups import assign_module
    from lms.i18n import local_today

    module = db.session.get(Module, module_id)
    if module is None or due_on < local_today():
        return False
    assign_module(module, due_on=due_on, actor=actor, user=teacher)
    return True


def get_module(module_id: int) -> Module | None:
    return db.session.get(Module, module_id)


def module_choices() -> list[tuple[int, str]]:
    """Every module as (id, «Programme: Module»), in the catalogue's order."""
    return [(m.id, f"{p.title}: {m.title}") for m, p in db.session.execute(
        select(Module, Programme).join(Programme, Programme.id == Module.programme_id)
        .order_by(Programme.title, Module.position, Module.id)).all()]


def completed_module_ids(user_id: int) -> Select:
    """The ids of the modules the teacher has completed."""
    return select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user_id)
