"""The registry of item types (CTFd-style): a new type is one class here and one template."""

from __future__ import annotations

from typing import Any

from lms.errors import ServiceError
from lms.i18n import _, _l

MAX_STEM, MAX_OPTION = 2000, 500


class ItemType:
    """What every item type provides. ``adaptive`` types are chosen and scored by the engine during the
    attempt; ``measured`` types carry 2PL parameters and count in the estimate (a practical task is
    measured but not adaptive: the tutor's rubric score joins the estimate after the attempt)."""

    name = ""
    label: Any = ""
    adaptive = True
    measured = True
    #: Answered online in the attempt; practical tasks are handed in and scored by a tutor instead.
    online = True
    template = ""

    def validate(self, content: Any) -> dict:
        """Return the cleaned content or raise ServiceError saying what is wrong."""
        raise NotImplementedError

    def read(self, content: dict, form) -> Any:
        """The response from a submitted form (a MultiDict), or ServiceError when nothing valid was chosen."""
        raise NotImplementedError

    def score(self, content: dict, response: Any) -> float | None:
        raise NotImplementedError


def _options(content: Any, *, need_level: bool = False) -> list[dict]:
    options = content.get("options") if isinstance(content, dict) else None
    if not isinstance(options, list) or not 2 <= len(options) <= 8:
        raise ServiceError(_("An item needs from 2 to 8 options."))
    cleaned = []
    for option in options:
        text = option.get("text") if isinstance(option, dict) else None
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_OPTION:
            raise ServiceError(_("Every option needs a text of at most %(n)s characters.", n=MAX_OPTION))
        entry = {"text": text.strip()}
        if need_level:
            entry["level"] = option.get("level")
        else:
            entry["correct"] = option.get("correct") is True
        cleaned.append(entry)
    return cleaned


def _chosen(form, content: dict, *, many: bool) -> list[int]:
    raw = form.getlist("option") if many else [form.get("option", "")]
    try:
        chosen = sorted({int(value) for value in raw if value != ""})
    except ValueError:
        raise ServiceError(_("Choose one of the offered answers.")) from None
    if not chosen:
        raise ServiceError(_("Choose an answer before going on."))
    if any(not 0 <= i < len(content["options"]) for i in chosen) or (not many and len(chosen) != 1):
        raise ServiceError(_("Choose one of the offered answers."))
    return chosen


class SingleChoice(ItemType):
    name, label, template = "single_choice", _l("Single choice"), "assessments/items/choice.html"

    def validate(self, content):
        options = _options(content)
        if sum(o["correct"] for o in options) != 1:
            raise ServiceError(_("A single-choice item needs exactly one correct option."))
        return {"options": options}

    def read(self, content, form):
        return _chosen(form, content, many=False)

    def score(self, content, response):
        return float(content["options"][response[0]]["correct"])


class Situational(SingleChoice):
    """A school situation and the actions one could take; the best action is keyed."""

    name, label = "situational", _l("Situational judgement")

    def validate(self, content):
        options = _options(content)
        if sum(o["correct"] for o in options) != 1:
            raise ServiceError(_("A situational item needs exactly one best action."))
        return {"options": options}


class MultipleChoice(ItemType):
    """Scored right only when exactly the correct options are chosen: the 2PL model is dichotomous."""

    name, label, template = "multiple_choice", _l("Multiple choice"), "assessments/items/choice.html"

    def validate(self, content):
        options = _options(content)
        if not 1 <= sum(o["correct"] for o in options) < len(options):
            raise ServiceError(_("A multiple-choice item needs at least one correct and one wrong option."))
        return {"options": options}

    def read(self, content, form):
        return _chosen(form, content, many=True)

    def score(self, content, response):
        return float(set(response) == {i for i, o in enumerate(content["options"]) if o["correct"]})


class SelfAssessment(ItemType):
    """Six statements anchored to the levels; the teacher picks the one that describes their practice."""

    name, label, template = "self_assessment", _l("Self-assessment"), "assessments/items/choice.html"
    adaptive = measured = False

    def validate(self, content):
        options = _options(content, need_level=True)
        # Exactly six statements with the whole levels 1…6: ``level`` turns the teacher's pick into a level.
        levels = [o["level"] for o in options]
        if any(type(level) is not int for level in levels) or sorted(levels) != list(range(1, 7)):
            raise ServiceError(_("A self-assessment item needs exactly six statements, one for each level "
                                 "from 1 to 6."))
        return {"options": options}

    def read(self, content, form):
        return _chosen(form, content, many=False)

    def score(self, content, response):
        return None

    def level(self, content, response) -> int:
        return int(content["options"][response[0]]["level"])


class Practical(ItemType):
    """A product the teacher makes (a lesson plan, a resource) and a tutor scores by the rubric."""

    name, label, template = "practical", _l("Practical task"), ""
    adaptive, online = False, False

    def validate(self, content):
        rubric = content.get("rubric") if isinstance(content, dict) else None
        if not isinstance(rubric, list) or not 1 <= len(rubric) <= 10:
            raise ServiceError(_("A practical task needs a rubric of 1 to 10 criteria."))
        cleaned = []
        for row in rubric:
            criterion = row.get("criterion") if isinstance(row, dict) else None
            points = row.get("max_points") if isinstance(row, dict) else None
            if not isinstance(criterion, str) or not criterion.strip() or not isinstance(points, int) \
                    or not 1 <= points <= 10:
                raise ServiceError(_("Every rubric criterion needs a text and 1 to 10 points."))
            cleaned.append({"criterion": criterion.strip(), "max_points": points})
        return {"rubric": cleaned}

    def read(self, content, form):
        raise ServiceError(_("A practical task is handed in to the tutor, not answered here."))

    def score(self, content, response):
        return None


ITEM_TYPES: dict[str, ItemType] = {t.name: t for t in (SingleChoice(), MultipleChoice(), Situational(),
                                                          SelfAssessment(), Practical())}
#: The types the adaptive engine scores by item response theory (offered, counted and calibrated as such).
ADAPTIVE_TYPES = tuple(name for name, kind in ITEM_TYPES.items() if kind.adaptive)


def item_type(name: Any) -> ItemType:
    """The registered type called ``name``; anything else (a misspelt name, a list from a file) is refused."""
    if not isinstance(name, str) or name not in ITEM_TYPES:
        raise ServiceError(_("Unknown item type «%(name)s».", name=name))
    return ITEM_TYPES[name]
