"""The item bank: import and export (JSON, the shape of assessments/data/demo_bank.json) and item history."""

from __future__ import annotations

import json
import math
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import selectinload

from assessments.items import item_type
from assessments.items.registry import MAX_STEM
from assessments.models import (
    Answer,
    Attempt,
    Competency,
    Framework,
    Item,
    ItemChange,
    ItemParameters,
)
from assessments.models.bank import ITEM_STATUSES, PARAMETER_SOURCES
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, _l
from lms.models.mixins import utcnow

MAX_ITEMS = 5000
MAX_ERRORS_SHOWN = 10
TYPE_IN_USE = _l("Teachers have already answered this item or have it on screen, so its type cannot change: "
                 "make a new item instead.")


def read(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ServiceError(_("The bank file must be UTF-8 JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ServiceError(_("The bank file must hold an object with a list «items»."))
    return data


def import_bank(framework: Framework, data: dict, user=None) -> dict[str, int]:
    """Add or update items by code; the whole file or nothing.

    Every row is checked first and every problem is reported with the item's code. An updated item
    keeps its history (what changed, who, when); new (a, b) values become a new parameter version, so
    results computed with the old ones keep naming them.
    """
    named = data.get("framework")
    if named is not None and named != framework.code:
        # Another version of the same framework is fine (the bank moves on with it); another framework is not,
        # even when some competency codes happen to match.
        raise ServiceError(_("This file holds the bank of the framework «%(file)s», not of «%(here)s». Nothing was "
                             "imported.", file=str(named)[:80], here=framework.code))
    rows = data["items"]
    if len(rows) > MAX_ITEMS:
        raise ServiceError(_("A bank file may hold at most %(n)s items.", n=MAX_ITEMS))
    competencies = {c.code: c for c in db.session.scalars(
        select(Competency).where(Competency.framework_id == framework.id))}
    existing = {i.code: i for i in db.session.scalars(
        select(Item).where(Item.framework_id == framework.id).options(selectinload(Item.parameters)))}
    cleaned, errors, seen = [], [], set()
    for n, row in enumerate(rows, start=1):
        try:
            entry = _clean(row, competencies)
            if entry["code"] in seen:
                raise ServiceError(_("the code appears twice in the file"))
            seen.add(entry["code"])
            cleaned.append(entry)
        except ServiceError as exc:
            code = row.get("code") if isinstance(row, dict) and isinstance(row.get("code"), str) else f"#{n}"
            errors.append(f"{code}: {exc}")
    retyped = {existing[e["code"]].id: e["code"] for e in cleaned
               if e["code"] in existing and existing[e["code"]].type != e["type"]}
    errors += [f"{retyped[item_id]}: {TYPE_IN_USE}" for item_id in sorted(items_in_use(retyped))]
    if errors:
        more = len(errors) - MAX_ERRORS_SHOWN
        message = "; ".join(errors[:MAX_ERRORS_SHOWN]) + (_(" … and %(n)s more", n=more) if more > 0 else "")
        raise ServiceError(_("Nothing was imported. %(errors)s", errors=message))
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for entry in cleaned:
        item = existing.get(entry["code"])
        if item is None:
            item = Item(framework_id=framework.id, competency=entry["competency"], code=entry["code"],
                        type=entry["type"], status=entry["status"], stem=entry["stem"],
                        explanation=entry["explanation"], content=entry["content"])
            if entry["a"] is not None:
                item.parameters.append(ItemParameters(a=entry["a"], b=entry["b"], source=entry["source"],
                                                      sample=entry["sample"]))
            db.session.add(item)
            counts["added"] += 1
        else:
            counts["updated" if _update(item, entry, user) else "unchanged"] += 1
    db.session.flush()
    return counts


def items_in_use(item_ids) -> set[int]:
    """Those of ``item_ids`` that a teacher has answered, has on screen or has handed a practical work in for:
    their type is fixed, since the answers (and the attempt showing one) are read by that type."""
    ids = list(item_ids)
    if not ids:
        return set()
    from assessments.services import practical
    from courses import api as courses_api

    handed_in = {practical.parse_ref(r)[1] for r in courses_api.work_refs(practical.SOURCE, [f":{i}" for i in ids])}
    return handed_in | set(db.session.scalars(union(
        select(Answer.item_id).where(Answer.item_id.in_(ids)),
        select(Attempt.current_item_id).where(Attempt.current_item_id.in_(ids)))))


def record_change(item: Item, user, changes: dict[str, list], note: str = "") -> None:
    if changes:
        db.session.add(ItemChange(item_id=item.id, user_id=getattr(user, "id", None), changes=changes, note=note))


def set_parameters(item: Item, a: float, b: float, *, source: str, sample: str = "", n_responses: int = 0) -> None:
    """Make (a, b) the item's current parameters as a new version; earlier versions stay for past results.

    The item row is touched too: its version counter moves only with its own UPDATE, and an edit form
    opened before this change must be refused rather than silently put the old parameters back.
    """
    for old in item.parameters:
        old.current = False
    item.parameters.append(ItemParameters(a=a, b=b, source=source, sample=sample, n_responses=n_responses))
    item.updated_at = utcnow()


def _update(item: Item, entry: dict, user) -> bool:
    changes = {}
    for field in ("type", "status", "stem", "explanation", "content"):
        if getattr(item, field) != entry[field]:
            changes[field] = [getattr(item, field), entry[field]]
            setattr(item, field, entry[field])
    if item.competency_id != entry["competency"].id:
        changes["competency"] = [item.competency.code, entry["competency"].code]
        item.competency = entry["competency"]
    current = item.current_parameters
    if entry["a"] is not None and (current is None or (round(current.a, 4), round(current.b, 4))
                                   != (round(entry["a"], 4), round(entry["b"], 4))):
        changes["parameters"] = [[current.a, current.b] if current else None, [entry["a"], entry["b"]]]
        set_parameters(item, entry["a"], entry["b"], source=entry["source"], sample=entry["sample"])
    if changes:
        record_change(item, user, changes, note=_("bank import"))
    return bool(changes)


def _clean(row: Any, competencies: dict[str, Competency]) -> dict:
    if not isinstance(row, dict):
        raise ServiceError(_("each item must be an object"))
    code, competency_code = row.get("code"), row.get("competency")
    if not isinstance(code, str) or not code.strip() or len(code) > _limit(Item.code):
        raise ServiceError(_("the code is missing or longer than 40 characters"))
    if not isinstance(competency_code, str) or competency_code not in competencies:
        raise ServiceError(_("unknown competency «%(code)s»", code=competency_code))
    kind = item_type(row.get("type", ""))
    status = row.get("status", "draft")
    if not isinstance(status, str) or status not in ITEM_STATUSES:
        raise ServiceError(_("unknown status «%(s)s»", s=status))
    stem = row.get("stem")
    if not isinstance(stem, str) or not stem.strip() or len(stem) > MAX_STEM:
        raise ServiceError(_("the question text is missing or longer than %(n)s characters", n=MAX_STEM))
    content = kind.validate({k: row.get(k) for k in ("options", "rubric") if k in row})
    a, b = row.get("a"), row.get("b")
    if kind.measured and (a is not None or b is not None or status in ("pilot", "live")):
        a, b = _number(a), _number(b)
        if not 0 < a <= 10 or not -10 <= b <= 10:
            raise ServiceError(_("parameters out of range: 0 < a ≤ 10, −10 ≤ b ≤ 10"))
    else:
        a = b = None
    source = row.get("source", "expert")
    if not isinstance(source, str) or source not in PARAMETER_SOURCES:
        raise ServiceError(_("the parameter source must be «expert» or «calibration»"))
    explanation = row.get("explanation", "")
    if not isinstance(explanation, str) or len(explanation) > MAX_STEM:
        raise ServiceError(_("the explanation must be text of at most %(n)s characters", n=MAX_STEM))
    sample = row.get("sample")
    sample = "" if sample is None else sample
    if not isinstance(sample, str) or len(sample) > _limit(ItemParameters.sample):
        raise ServiceError(_("«%(field)s» must be text of at most %(n)s characters", field="sample",
                             n=_limit(ItemParameters.sample)))
    return {"code": code.strip(), "competency": competencies[competency_code], "type": kind.name,
            "status": status, "stem": stem.strip(), "explanation": explanation.strip(), "content": content,
            "a": a, "b": b, "source": source, "sample": sample}


def _number(value: Any) -> float:
    """A parameter as a finite float; a bool, a text, NaN or a number too large for a float is refused."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ServiceError(_("a pilot or live item needs numeric parameters a and b"))
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits: a number, but out of any range
        raise ServiceError(_("parameters out of range: 0 < a ≤ 10, −10 ≤ b ≤ 10")) from None
    if not math.isfinite(number):
        raise ServiceError(_("a pilot or live item needs numeric parameters a and b"))
    return number


def _limit(column) -> int:
    """The length of a String column: what PostgreSQL accepts (SQLite would store anything)."""
    return column.property.columns[0].type.length


def export_bank(framework: Framework) -> dict:
    """The bank as a file :func:`import_bank` reads back unchanged."""
    items = db.session.scalars(select(Item).where(Item.framework_id == framework.id)
                               .options(selectinload(Item.parameters), selectinload(Item.competency))
                               .order_by(Item.code))
    rows = []
    for item in items:
        row = {"code": item.code, "competency": item.competency.code, "type": item.type, "status": item.status,
               "stem": item.stem, **item.content}
        if item.explanation:
            row["explanation"] = item.explanation
        if (params := item.current_parameters) is not None:
            row.update(a=params.a, b=params.b, source=params.source)
            if params.sample:
                row["sample"] = params.sample
        rows.append(row)
    return {"framework": framework.code, "version": framework.version, "items": rows}
