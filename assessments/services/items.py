"""Editing one item of the bank: its text, options in a plain-text form, status and expert parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from assessments.items import item_type
from assessments.models import Competency, Framework, Item
from assessments.models.bank import ITEM_STATUSES
from assessments.services.bank import TYPE_IN_USE, items_in_use, record_change, set_parameters
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version

#: A level or a number of points: ASCII digits only («²» passes str.isdigit() but not int()), and few of them.
WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")


@dataclass
class ItemData:
    competency_id: int
    type: str
    status: str
    code: str
    stem: str
    options_text: str
    explanation: str
    a: float | None
    b: float | None


def parse_options(kind: str, text: str) -> dict:
    """The content of an item from its editing form: one option (or rubric criterion) per line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if kind == "practical":
        rubric = []
        for line in lines:
            points, _sep, criterion = line.partition("|")
            if not WHOLE_NUMBER.fullmatch(points.strip()):
                raise ServiceError(_("Write each criterion as «points | criterion»."), "options_text")
            rubric.append({"criterion": criterion.strip(), "max_points": int(points)})
        return {"rubric": rubric}
    if kind == "self_assessment":
        options = []
        for line in lines:
            level, _sep, statement = line.partition(" ")
            if not WHOLE_NUMBER.fullmatch(level):
                raise ServiceError(_("Start each statement with its level, e.g. «3 I use…»."), "options_text")
            options.append({"text": statement.strip(), "level": int(level)})
        return {"options": options}
    return {"options": [{"text": line.lstrip("*").strip(), "correct": line.startswith("*")} for line in lines]}


def options_text(item: Item) -> str:
    """The inverse of :func:`parse_options`, to fill the form."""
    if item.type == "practical":
        return "\n".join(f"{r['max_points']} | {r['criterion']}" for r in item.content.get("rubric", []))
    if item.type == "self_assessment":
        return "\n".join(f"{o['level']} {o['text']}" for o in item.content.get("options", []))
    return "\n".join(("* " if o.get("correct") else "") + o["text"] for o in item.content.get("options", []))


def save_item(framework: Framework, item: Item | None, data: ItemData, user, version: int | None) -> Item:
    """Create or change an item; every change is kept in its history, new parameters as a new version."""
    check_version(item, version, _("This item was changed by someone else while you were editing it, so your "
                                   "changes were not saved. Saving this form again will replace them."))
    competency = db.session.get(Competency, data.competency_id)
    if competency is None or competency.framework_id != framework.id:
        raise ServiceError(_("Choose a competency of this framework version."), "competency_id")
    if data.status not in ITEM_STATUSES:
        raise ServiceError(_("Unknown status."), "status")
    kind = item_type(data.type)
    if item is not None and kind.name != item.type and items_in_use([item.id]):
        raise ServiceError(str(TYPE_IN_USE), "type")
    content = kind.validate(parse_options(kind.name, data.options_text))
    clash = db.session.scalar(select(Item.id).where(Item.framework_id == framework.id, Item.code == data.code))
    if clash is not None and (item is None or clash != item.id):
        raise ServiceError(_("Another item already has this code."), "code")
    if kind.measured and data.status in ("pilot", "live") and (data.a is None or data.b is None):
        raise ServiceError(_("A pilot or live question needs its parameters a and b (an expert estimate will do "
                             "until calibration)."), "a")
    if item is None:
        item = Item(framework_id=framework.id, competency_id=competency.id, code=data.code, type=kind.name,
                    status=data.status, stem=data.stem, explanation=data.explanation, content=content)
        db.session.add(item)
        db.session.flush()
        record_change(item, user, {"created": [None, data.code]})
    else:
        changes = {}
        for field, value in (("competency_id", competency.id), ("type", kind.name), ("status", data.status),
                             ("code", data.code), ("stem", data.stem), ("explanation", data.explanation),
                             ("content", content)):
            if getattr(item, field) != value:
                changes[field] = [getattr(item, field), value]
                setattr(item, field, value)
        record_change(item, user, changes)
    current = item.current_parameters
    if kind.measured and data.a is not None and data.b is not None and (
            current is None or (round(current.a, 4), round(current.b, 4)) != (round(data.a, 4), round(data.b, 4))):
        record_change(item, user, {"parameters": [[current.a, current.b] if current else None, [data.a, data.b]]})
        set_parameters(item, data.a, data.b, source="expert", sample=_("expert estimate"))
    return item
