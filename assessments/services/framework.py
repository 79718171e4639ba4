"""Loading a framework version from its data file, and the target levels staff edit."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select, update

from assessments.models import (
    Competency,
    CompetencyLevel,
    CompetencyMapping,
    Domain,
    Framework,
    FrameworkLevel,
    TargetLevel,
)
from assessments.models.framework import LEVELS, MAPPING_SCHEMES
from lms.errors import ConflictError, ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version, utcnow
from lms.users.choices import CATEGORIES, POSITIONS

MIN_COMPETENCIES = 12
#: Where levels 2–6 start on the ability scale when the file does not say: level 3 («применение»)
#: begins half a logit below the average teacher, so about a third of teachers fall short of it.
DEFAULT_THRESHOLDS = {2: -1.5, 3: -0.5, 4: 0.5, 5: 1.5, 6: 2.5}


def read(raw: bytes) -> dict:
    """Parse a framework file; any problem is a ServiceError that names where it is."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ServiceError(_("The framework file must be UTF-8 JSON.")) from None
    except json.JSONDecodeError as exc:
        raise ServiceError(_("The framework file is not valid JSON (line %(line)s).", line=exc.lineno)) from None
    if not isinstance(data, dict):
        raise ServiceError(_("The framework file must hold one JSON object."))
    return data


def load(data: dict, *, make_current: bool = True) -> Framework:
    """Add a new framework version from ``data`` (see assessments/data/framework_ict_v1.json).

    The whole file is checked before anything is added, so a bad file adds nothing. A version that
    already exists is refused: results point at the version they were measured on, so a published
    version is never rewritten — a changed framework is a new version.
    """
    code, version = _text(data, "code", "", 40), _text(data, "version", "", 20)
    if db.session.scalar(select(Framework.id).where(Framework.code == code, Framework.version == version)):
        raise ServiceError(_("Version %(version)s of framework %(code)s is already loaded.", version=version,
                             code=code))
    framework = Framework(code=code, version=version, title=_text(data, "title", "", 300),
                          description=_text(data, "description", "", 5000, required=False))
    levels = _list(data, "levels", "")
    if sorted(_int(level, "number", "levels") for level in levels) != list(LEVELS):
        raise ServiceError(_("A framework needs exactly the levels 1 to 6."))
    framework.levels = [FrameworkLevel(number=_int(level, "number", "levels"),
                                       name=_text(level, "name", "levels", 120),
                                       summary=_text(level, "summary", "levels", 600, required=False),
                                       threshold=_threshold(level))
                        for level in sorted(levels, key=lambda lv: lv["number"])]
    thresholds = [level.threshold for level in framework.levels[1:]]
    if any(t is None for t in thresholds) or thresholds != sorted(set(thresholds)):
        raise ServiceError(_("Level thresholds must rise from level 2 to level 6."))
    seen: set[str] = set()
    domain_codes: set[str] = set()
    for d_pos, raw_domain in enumerate(_list(data, "domains", "")):
        where = f"domains[{d_pos}]"
        domain = Domain(code=_text(raw_domain, "code", where, 20), title=_text(raw_domain, "title", where, 300),
                        description=_text(raw_domain, "description", where, 5000, required=False), position=d_pos)
        if domain.code in domain_codes:
            raise ServiceError(_("%(where)s: the domain code %(code)s appears twice.", where=where, code=domain.code))
        domain_codes.add(domain.code)
        for c_pos, raw in enumerate(_list(raw_domain, "competencies", where)):
            domain.competencies.append(_competency(raw, f"{where}.competencies[{c_pos}]", c_pos, seen, framework))
        framework.domains.append(domain)
    if len(seen) < MIN_COMPETENCIES:
        raise ServiceError(_("A framework needs at least %(n)s competencies; this one has %(found)s.",
                             n=MIN_COMPETENCIES, found=len(seen)))
    targets = _targets(_list(data, "targets", ""))
    if make_current:
        db.session.execute(update(Framework).where(Framework.code == code).values(current=False))
        framework.current = True
    db.session.add(framework)
    db.session.flush()
    db.session.add_all(TargetLevel(framework_id=framework.id, position=p, category=c, level=lv)
                       for (p, c), lv in targets.items())
    return framework


def _competency(raw: Any, where: str, position: int, seen: set[str], framework: Framework) -> Competency:
    code = _text(raw, "code", where, 20)
    if code in seen:
        raise ServiceError(_("Competency code %(code)s appears twice.", code=code))
    seen.add(code)
    levels = raw.get("levels")
    if not isinstance(levels, dict) or sorted(levels) != [str(n) for n in LEVELS]:
        raise ServiceError(_("%(where)s: a competency needs descriptors for levels 1 to 6.", where=where))
    competency = Competency(code=code, title=_text(raw, "title", where, 300), position=position, framework=framework,
                            description=_text(raw, "description", where, 5000, required=False))
    competency.levels = [CompetencyLevel(number=n, descriptor=_text(levels, str(n), f"{where}.levels", 2000))
                         for n in LEVELS]
    mappings = raw.get("mappings") or {}
    if not isinstance(mappings, dict) or set(mappings) - set(MAPPING_SCHEMES):
        raise ServiceError(_("%(where)s: mappings may only name %(schemes)s.", where=where,
                             schemes=", ".join(MAPPING_SCHEMES)))
    # Each ref is checked (text, at most 120 characters) before repeats are dropped: a list cannot be a key.
    competency.mappings = [
        CompetencyMapping(scheme=scheme, ref=ref) for scheme, refs in mappings.items()
        for ref in dict.fromkeys(_text({str(n): ref}, str(n), f"{where}.mappings.{scheme}", 120)
                                 for n, ref in enumerate(_as_list(refs, where)))]
    return competency


def _threshold(level: dict) -> float | None:
    number = level["number"]
    if number == 1:
        return None
    value = level.get("threshold", DEFAULT_THRESHOLDS[number])
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not -5 <= value <= 5:
        raise ServiceError(_("levels: a threshold must be a number of logits from −5 to 5."))
    return float(value)


def _targets(rows: list) -> dict[tuple[str, str], int]:
    targets: dict[tuple[str, str], int] = {}
    for n, row in enumerate(rows):
        where = f"targets[{n}]"
        position, category = _text(row, "position", where, 40), _text(row, "category", where, 20)
        if position not in POSITIONS or category not in CATEGORIES:
            raise ServiceError(_("%(where)s: unknown position or category.", where=where))
        level = _int(row, "level", where)
        if level not in LEVELS:
            raise ServiceError(_("%(where)s: a target level must be from 1 to 6.", where=where))
        if (position, category) in targets:
            raise ServiceError(_("%(where)s: the target for this position and category is already given.",
                                 where=where))
        targets[(position, category)] = level
    return targets


def _text(obj: Any, key: str, where: str, limit: int, *, required: bool = True) -> str:
    if not isinstance(obj, dict):
        raise ServiceError(_("%(where)s must be an object.", where=where or "file"))
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise ServiceError(_("%(where)s: «%(key)s» must be text.", where=where or "file", key=key))
    value = value.strip()
    if required and not value:
        raise ServiceError(_("%(where)s: «%(key)s» is missing.", where=where or "file", key=key))
    if len(value) > limit:
        raise ServiceError(_("%(where)s: «%(key)s» is longer than %(limit)s characters.", where=where or "file",
                             key=key, limit=limit))
    return value


def _int(obj: Any, key: str, where: str) -> int:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ServiceError(_("%(where)s: «%(key)s» must be a whole number.", where=where or "file", key=key))
    return value


def _list(obj: Any, key: str, where: str) -> list:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, list) or not value:
        raise ServiceError(_("%(where)s: «%(key)s» must be a non-empty list.", where=where or "file", key=key))
    return value


def _as_list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise ServiceError(_("%(where)s: each mapping must be a list of ids.", where=where))
    return value


def targets_token(framework_id: int) -> str:
    """A fingerprint of a framework's target levels: the edit form carries it so a stale tab is refused."""
    rows = db.session.execute(select(TargetLevel.position, TargetLevel.category, TargetLevel.level)
                              .where(TargetLevel.framework_id == framework_id)
                              .order_by(TargetLevel.position, TargetLevel.category)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def save_targets(framework_id: int, levels: dict[tuple[str, str], int], token: str) -> int:
    """Set the target level of each (position, category); returns how many changed."""
    if token != targets_token(framework_id):
        raise ConflictError(_("The target levels were changed by someone else while you were editing them, so "
                              "your changes were not saved. Saving this form again will replace them."))
    existing = {(t.position, t.category): t for t in db.session.scalars(
        select(TargetLevel).where(TargetLevel.framework_id == framework_id))}
    changed = 0
    for key, level in levels.items():
        if key[0] not in POSITIONS or key[1] not in CATEGORIES or level not in LEVELS:
            raise ServiceError(_("A target level must be from 1 to 6."))
        row = existing.get(key)
        if row is None:
            db.session.add(TargetLevel(framework_id=framework_id, position=key[0], category=key[1], level=level))
            changed += 1
        elif row.level != level:
            row.level = level
            changed += 1
    return changed


def save_competency(competency: Competency, version: int | None, title: str, description: str,
                    descriptors: dict[int, str]) -> Competency:
    """Edit a competency's wording and level descriptors (editorial: its scale and results stay as they are)."""
    check_version(competency, version, _("This competency was changed by someone else while you were editing it, so "
                                         "your changes were not saved. Saving this form again will replace them."))
    if sorted(descriptors) != list(LEVELS) or not all(text.strip() for text in descriptors.values()):
        raise ServiceError(_("Describe every level from 1 to 6."))
    competency.title, competency.description = title, description
    for level in competency.levels:
        level.descriptor = descriptors[level.number]
    # Touch the row even when only descriptors changed: its version counter moves only with its own UPDATE.
    competency.updated_at = utcnow()
    db.session.flush()
    return competency
