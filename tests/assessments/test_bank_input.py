"""Bad input to the item bank and the framework loader is refused with a message and saves nothing."""

from __future__ import annotations

import copy
import html
import io
import json
import re

import pytest
from sqlalchemy import func, select

from assessments import demo
from assessments.models import Domain, Framework, Item, ItemParameters
from assessments.services.bank import TYPE_IN_USE
from lms.extensions import db
from lms.i18n import _
from tests.assessments.test_bank import _item_form, framework  # noqa: F401  (the shared fixture)
from tests.assessments.test_diagnostic import _answer_form, _attempt, _take, diagnostic  # noqa: F401

NOTHING = "Ничего не импортировано."
#: Messages new in this change are looked up in the catalogue (tests/lms/test_i18n.py makes sure it has them).
SIX_LEVELS = "A self-assessment item needs exactly six statements, one for each level from 1 to 6."


def _text(page) -> str:
    assert page.status_code == 200, page.status_code
    return html.unescape(page.text)


def _import(client, payload) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    return _text(client.post("/assessments/bank/import", {"file": (io.BytesIO(raw), "bank.json")},
                             follow_redirects=True))


def _saved() -> tuple[int, int]:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Item)),
            db.session.scalar(select(func.count()).select_from(ItemParameters)))


def _row(loaded, **overrides) -> dict:
    row = {"code": "ZZ1", "competency": loaded.domains[0].competencies[0].code, "type": "single_choice",
           "status": "live", "stem": "Вопрос?", "options": [{"text": "Да", "correct": True}, {"text": "Нет"}],
           "a": 1.0, "b": 0.0}
    row.update(overrides)
    return row


def _self_assessment(loaded, options) -> dict:
    return _row(loaded, type="self_assessment", a=None, b=None, options=options)


LEVELS = [{"text": f"Уровень {n}", "level": n} for n in range(1, 7)]


@pytest.mark.parametrize("breakage, message", [
    (lambda f: _row(f, competency=[f.domains[0].competencies[0].code]), "неизвестная компетенция"),
    (lambda f: _row(f, competency={"code": "D1.1"}), "неизвестная компетенция"),
    (lambda f: _row(f, type=["single_choice"]), "Неизвестный тип задания"),
    (lambda f: _row(f, type={}), "Неизвестный тип задания"),
    (lambda f: _row(f, status={}), "неизвестный статус"),
    (lambda f: _row(f, source=["expert"]), "источник параметров"),
    (lambda f: _row(f, a=10 ** 400), "параметры вне допустимого"),
    (lambda f: _row(f, b=float("nan")), "числовые параметры a и b"),
    (lambda f: _row(f, a=True), "числовые параметры a и b"),
    (lambda f: _row(f, sample="x" * 301), "«sample»"),  # a 500 on PostgreSQL: the column holds 300
    (lambda f: _row(f, sample=["x"]), "«sample»"),
    (lambda f: _self_assessment(f, LEVELS + [{"text": "Другое", "level": None}]), SIX_LEVELS),
    (lambda f: _self_assessment(f, LEVELS + [{"text": "Ещё", "level": 6}]), SIX_LEVELS),
    (lambda f: _self_assessment(f, LEVELS[:5] + [{"text": "Уровень 6", "level": "6"}]), SIX_LEVELS),
    (lambda f: _self_assessment(f, [{"text": "Уровень 1", "level": True}] + LEVELS[1:]), SIX_LEVELS),
    (lambda f: _self_assessment(f, LEVELS[:5] + [{"text": "Уровень 6", "level": 6.0}]), SIX_LEVELS),
], ids=["competency-list", "competency-object", "type-list", "type-object", "status-object", "source-list",
        "a-400-digits", "b-nan", "a-bool", "sample-too-long", "sample-list", "level-null", "level-twice",
        "level-text", "level-bool", "level-float"])
def test_a_bank_file_with_wrongly_typed_values_imports_nothing(framework, login_as, breakage, message):  # noqa: F811
    staff = login_as("staff")
    page = _import(staff, {"items": [_row(framework, code="OK1"), breakage(framework)]})
    assert f"{NOTHING} ZZ1: " in page and (_(SIX_LEVELS) if message is SIX_LEVELS else message) in page
    assert _saved() == (0, 0)


def test_a_bank_of_another_framework_is_refused_even_when_codes_match(framework, login_as):  # noqa: F811
    staff = login_as("staff")
    page = _import(staff, {"framework": "digcompedu", "items": [_row(framework, code="OK1")]})
    assert "банк рамки «digcompedu»" in page and _saved() == (0, 0)
    page = _import(staff, {"framework": framework.code, "version": "99", "items": [_row(framework, code="OK1")]})
    assert _saved() == (1, 1)  # another version of the same framework is welcome


def test_a_bad_self_assessment_level_never_reaches_the_teacher(diagnostic, login_as, people):  # noqa: F811
    """Before, the 7th statement with no level was imported and the teacher's answer was a 500."""
    staff = login_as("staff")
    item = db.session.scalar(select(Item).where(Item.type == "self_assessment").order_by(Item.code))
    row = {"code": item.code, "competency": item.competency.code, "type": item.type, "status": item.status,
           "stem": item.stem, "options": LEVELS + [{"text": "Другое", "level": None}]}
    page = _import(staff, {"items": [row]})
    assert f"{NOTHING} {item.code}: {_(SIX_LEVELS)}" in page
    db.session.expire_all()
    assert len(db.session.get(Item, item.id).content["options"]) == 6
    teacher = login_as("teacher")
    teacher.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    assert _take(teacher, people["teacher"]).status == "finished"


def test_digits_that_are_not_ascii_are_refused_in_the_editor(framework, login_as):  # noqa: F811
    staff = login_as("staff")
    for overrides, message in [
            ({"type": "practical", "options_text": "² | Критерий"}, "Записывайте каждый критерий в виде"),
            ({"type": "self_assessment", "status": "draft",
              "options_text": "\n".join(f"{n} Уровень {n}" for n in range(1, 6)) + "\n⁶ Уровень 6"},
             "Начинайте каждое утверждение с его уровня"),
            ({"type": "self_assessment", "status": "draft",
              "options_text": "\n".join(f"{n} Уровень {n}" for n in range(1, 7)) + "\n1 Ещё"}, _(SIX_LEVELS))]:
        page = _text(staff.post("/assessments/bank/items/new", _item_form(framework, **overrides)))
        assert message in page, overrides
    assert _saved() == (0, 0)


def _edit(staff, framework, item, **overrides):  # noqa: F811
    return staff.post(f"/assessments/bank/items/{item.id}/edit", _item_form(framework, **overrides))


def test_a_tab_opened_before_a_parameter_change_cannot_undo_it(framework, login_as):  # noqa: F811
    staff = login_as("staff")
    staff.post("/assessments/bank/items/new", _item_form(framework))
    item = db.session.scalar(select(Item))
    opened = str(item.version)
    assert _edit(staff, framework, item, a="2,5", version=opened).status_code == 302
    stale = _edit(staff, framework, item, stem="Уточнённый вопрос", version=opened)
    assert "Это задание изменил кто-то другой" in _text(stale)
    db.session.expire_all()
    item = db.session.get(Item, item.id)
    assert item.current_parameters.a == pytest.approx(2.5) and item.stem != "Уточнённый вопрос"
    # A bank import changes parameters the same way.
    opened = str(item.version)
    data = json.loads(staff.get("/assessments/bank/export").data)
    data["items"][0]["a"] = 3.0
    assert "1 обновлено" in _import(staff, data)
    stale = _edit(staff, framework, item, stem="Уточнённый вопрос", a="3", version=opened)
    assert "Это задание изменил кто-то другой" in _text(stale)
    db.session.expire_all()
    assert db.session.get(Item, item.id).stem != "Уточнённый вопрос"


def _started(client, teacher, diagnostic):  # noqa: F811
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    client.get(f"/assessments/attempts/{_attempt(teacher).id}")
    return _attempt(teacher)


def test_the_type_of_an_answered_or_shown_item_is_fixed(diagnostic, login_as, people):  # noqa: F811
    staff, teacher = login_as("staff"), login_as("teacher")
    attempt = _started(teacher, people["teacher"], diagnostic)
    answered = attempt.current_item
    teacher.post(f"/assessments/attempts/{attempt.id}/answer", _answer_form(attempt))
    attempt = _attempt(people["teacher"])
    teacher.get(f"/assessments/attempts/{attempt.id}")
    shown = _attempt(people["teacher"]).current_item
    assert shown is not None and shown.id != answered.id
    refused = str(TYPE_IN_USE)
    loaded = answered.framework
    for item in (answered, shown):
        page = _text(_edit(staff, loaded, item, competency_id=str(item.competency_id), code=item.code,
                           type="practical", status="draft", options_text="3 | Критерий", a="", b="",
                           version=str(item.version)))
        assert refused in page, item.code
        row = {"code": item.code, "competency": item.competency.code, "type": "practical", "status": "draft",
               "stem": item.stem, "rubric": [{"criterion": "Критерий", "max_points": 3}]}
        page = _import(staff, {"items": [row]})
        assert f"{NOTHING} {item.code}: {refused}" in page
    db.session.expire_all()
    assert db.session.get(Item, answered.id).type == answered.type
    assert db.session.get(Item, shown.id).type == shown.type
    # The teacher answers the item on screen as it was shown.
    attempt = _attempt(people["teacher"])
    assert teacher.post(f"/assessments/attempts/{attempt.id}/answer", _answer_form(attempt)).status_code == 302
    # An item of a competency the diagnostic leaves out has never been shown: its type still changes.
    unused = db.session.scalar(select(Item).where(Item.type == "single_choice", Item.competency_id.not_in(
        [c.id for c in diagnostic.competencies])).order_by(Item.code))
    params = unused.current_parameters
    changed = _edit(staff, loaded, unused, competency_id=str(unused.competency_id), code=unused.code,
                    stem=unused.stem, type="situational", options_text="* Верно\nНеверно", a=str(params.a),
                    b=str(params.b), version=str(unused.version))
    assert changed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, unused.id).type == "situational"


def test_the_history_and_parameter_sources_are_worded_for_people(framework, login_as):  # noqa: F811
    staff = login_as("staff")
    staff.post("/assessments/bank/items/new", _item_form(framework))
    item = db.session.scalar(select(Item))
    _edit(staff, framework, item, stem="Другой вопрос", b="0,4", version=str(item.version))
    page = _text(staff.get(f"/assessments/bank/items/{item.id}/edit"))
    versions = re.search(r'id="params-title".*?</section>', page, re.S).group(0)
    history = re.search(r'id="history-title".*?</section>', page, re.S).group(0)
    assert "эксперт, экспертная оценка" in versions and "expert," not in versions
    assert "Вопрос" in history and _("Item created") in history and _("Parameters a and b") in history
    for raw in ("stem", "created", "parameters", "competency_id", "content"):  # how the history was shown
        assert not re.search(rf"(: |, ){raw}(,|<| \()", history), raw


def _load(app, tmp_path, data) -> str:
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["assessments", "load-framework", str(path)])
    # A refusal is click's «Error: …» and exit code 1, not a traceback.
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
    return result.output


def test_a_framework_file_with_repeats_or_non_text_refs_loads_nothing(app, tmp_path):
    base = json.loads(demo.FRAMEWORK_FILE.read_text(encoding="utf-8"))
    duplicate_domain = copy.deepcopy(base)
    duplicate_domain["domains"][1]["code"] = duplicate_domain["domains"][0]["code"]
    assert _("%(where)s: the domain code %(code)s appears twice.", where="domains[1]", code="D1") \
        in _load(app, tmp_path, duplicate_domain)
    for ref in (["список"], {"id": 1}, 5):
        bad_ref = copy.deepcopy(base)
        bad_ref["domains"][0]["competencies"][0]["mappings"]["ps544"] = ["общепользовательская", ref]
        assert "domains[0].competencies[0].mappings.ps544: «1» должно быть текстом" in _load(app, tmp_path, bad_ref)
    repeated_target = copy.deepcopy(base)
    repeated_target["targets"].append(dict(repeated_target["targets"][0], level=5))
    where = f"targets[{len(base['targets'])}]"
    assert _("%(where)s: the target for this position and category is already given.", where=where) \
        in _load(app, tmp_path, repeated_target)
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 0
    assert db.session.scalar(select(func.count()).select_from(Domain)) == 0
