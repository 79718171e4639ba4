"""The item bank for staff: edit with preview and history, parameter versions, import and export."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from assessments import demo
from assessments.models import Item, ItemChange, ItemParameters
from assessments.services import bank
from assessments.services import framework as frameworks
from lms.extensions import db


@pytest.fixture
def framework(app):
    loaded = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
    db.session.commit()
    return loaded


def _item_form(framework, **overrides) -> dict:
    competency = framework.domains[0].competencies[0]
    data = {"competency_id": str(competency.id), "type": "single_choice", "status": "live", "code": "D1.1-X01",
            "stem": "Где хранить рабочие файлы, чтобы открыть их с любого устройства?",
            "options_text": "* В облачном хранилище\nНа рабочем столе\nВ корзине", "explanation": "",
            "a": "1,2", "b": "-0,5"}
    data.update(overrides)
    return data


def test_staff_create_an_item_see_the_preview_and_its_history(framework, login_as):
    staff = login_as("staff")
    created = staff.post("/assessments/bank/items/new", _item_form(framework))
    assert created.status_code == 302
    item = db.session.scalar(select(Item).where(Item.code == "D1.1-X01"))
    assert item.content["options"][0] == {"text": "В облачном хранилище", "correct": True}
    assert item.current_parameters.a == pytest.approx(1.2)
    page = staff.get(f"/assessments/bank/items/{item.id}/edit")
    assert "Предпросмотр" in page.text and 'type="radio"' in page.text
    # New parameters are a new version; the old one stays for the results computed with it.
    staff.post(f"/assessments/bank/items/{item.id}/edit", _item_form(framework, b="0,4", version=str(item.version)))
    db.session.expire_all()
    versions = db.session.scalars(select(ItemParameters).where(ItemParameters.item_id == item.id)
                                  .order_by(ItemParameters.id)).all()
    assert [(v.b, v.current) for v in versions] == [(-0.5, False), (0.4, True)]
    history = db.session.scalars(select(ItemChange).where(ItemChange.item_id == item.id).order_by(ItemChange.id)).all()
    assert [sorted(h.changes) for h in history] == [["created"], ["parameters"], ["parameters"]]
    assert history[-1].changes["parameters"] == [[1.2, -0.5], [1.2, 0.4]]


def test_bad_items_and_stale_tabs_are_refused_with_the_text_kept(framework, login_as):
    staff = login_as("staff")
    for overrides, message in [({"options_text": "Первый\nВторой"}, "ровно один верный"),
                               ({"a": "", "b": ""}, "параметры a и b"),
                               ({"type": "self_assessment", "options_text": "один\nдва"}, "с его уровня")]:
        page = staff.post("/assessments/bank/items/new", _item_form(framework, **overrides))
        assert page.status_code == 200 and message in page.text, message
        assert "Где хранить рабочие файлы" in page.text
    assert db.session.scalar(select(func.count()).select_from(Item)) == 0
    staff.post("/assessments/bank/items/new", _item_form(framework))
    item = db.session.scalar(select(Item))
    url = f"/assessments/bank/items/{item.id}/edit"
    staff.post(url, _item_form(framework, stem="Вкладка 1", version=str(item.version)))
    stale = staff.post(url, _item_form(framework, stem="Вкладка 2", version=str(item.version)))
    assert "изменил кто-то другой" in stale.text
    duplicate = staff.post("/assessments/bank/items/new", _item_form(framework))
    assert "задание с таким кодом" in duplicate.text


def test_export_then_import_changes_nothing_and_a_bad_file_imports_nothing(framework, login_as):
    bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
    db.session.commit()
    staff = login_as("staff")
    exported = staff.get("/assessments/bank/export")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    data = json.loads(exported.data)
    assert len(data["items"]) == db.session.scalar(select(func.count()).select_from(Item))
    again = staff.post("/assessments/bank/import",
                       {"file": (io.BytesIO(exported.data), "bank.json")}, follow_redirects=True)
    assert "0 добавлено, 0 обновлено" in again.text
    data["items"][0]["a"] = -1
    data["items"][1]["competency"] = "D99.9"
    broken = staff.post("/assessments/bank/import", {"file": (io.BytesIO(json.dumps(data).encode()), "bank.json")},
                        follow_redirects=True)
    assert "Ничего не импортировано" in broken.text and "D99.9" in broken.text
    assert db.session.scalar(select(func.count()).select_from(ItemParameters).where(ItemParameters.a < 0)) == 0
    not_json = staff.post("/assessments/bank/import", {"file": (io.BytesIO(b"\x00\x01"), "bank.json")},
                          follow_redirects=True)
    assert "JSON" in not_json.text
