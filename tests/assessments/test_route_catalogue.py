"""The route catalogue for staff: what each activity covers, its prerequisites without circles, and edits
that never overwrite someone else's."""

from __future__ import annotations

from sqlalchemy import func, select

from assessments.models import Activity
from lms.extensions import db
from tests.assessments.routes_setup import activity, framework


def _form(**overrides) -> dict:
    data = {"kind": "external", "title": "Вебинар ЦНППМ", "description": "", "hours": "2,5", "form": "webinar",
            "delivery": "online", "organiser": "ЦНППМ", "result_form": "certificate", "url": "", "module_id": "",
            "session_id": "", "tutor_id": "", "starts_on": "", "ends_on": "", "capacity": "", "active": "y",
            "coverage": "D1.1 4\nD2.1 — 3", "prerequisite_ids": []}
    data.update(overrides)
    return data


def test_staff_add_an_activity_with_its_coverage(app, people, login_as):
    framework()
    db.session.commit()
    staff = login_as("staff")
    assert staff.post("/assessments/catalogue/new", _form()).status_code == 302
    saved = db.session.scalar(select(Activity))
    assert saved.hours == 2.5 and {(c.competency.code, c.level) for c in saved.coverage} == {("D1.1", 4),
                                                                                           ("D2.1", 3)}
    listing = staff.get("/assessments/catalogue/")
    assert "Вебинар ЦНППМ" in listing.text and "D1.1 → 4" in listing.text
    assert login_as("tutor").get("/assessments/catalogue/").status_code == 403
    assert login_as("teacher").post("/assessments/catalogue/new", _form()).status_code == 403


def test_bad_coverage_a_circle_of_prerequisites_and_a_stale_form_are_refused(app, people, login_as):
    framework()
    first = activity("Первый", 4, {"D1.1": 4})
    second = activity("Второй", 4, {"D1.1": 4}, prerequisite_ids=[first.id])
    db.session.commit()
    staff = login_as("staff")
    bad = staff.post("/assessments/catalogue/new", _form(coverage="D9.9 4"))
    assert "Строка 1 в списке компетенций" in bad.text
    assert db.session.scalar(select(func.count(Activity.id))) == 2
    circle = staff.post(f"/assessments/catalogue/{first.id}/edit", _form(
        title="Первый", prerequisite_ids=[str(second.id)], version=str(first.version)))
    assert "замкнутся в круг" in circle.text and "Первый → Второй → Первый" in circle.text
    db.session.expire_all()
    assert db.session.get(Activity, first.id).prerequisites == []
    stale = first.version
    staff.post(f"/assessments/catalogue/{first.id}/edit", _form(title="Первый, исправлено", version=str(stale)))
    refused = staff.post(f"/assessments/catalogue/{first.id}/edit", _form(title="Старая вкладка",
                                                                          version=str(stale)))
    assert "его изменил другой пользователь" in refused.text
    db.session.expire_all()
    assert db.session.get(Activity, first.id).title == "Первый, исправлено"


def test_a_module_activity_must_name_its_module_and_only_once(app, people, login_as):
    from tests.factories import make_programme

    framework()
    module = make_programme(modules=1, lessons=0).modules[0]
    db.session.commit()
    staff = login_as("staff")
    missing = staff.post("/assessments/catalogue/new", _form(kind="module"))
    assert missing.status_code == 200 and db.session.scalar(select(func.count(Activity.id))) == 0
    staff.post("/assessments/catalogue/new", _form(kind="module", module_id=str(module.id), title=module.title))
    twice = staff.post("/assessments/catalogue/new", _form(kind="module", module_id=str(module.id), title="Ещё"))
    assert twice.status_code == 200 and db.session.scalar(select(func.count(Activity.id))) == 1


def test_staff_make_an_external_module_an_lti_link_and_bad_links_are_refused(app, people, login_as):
    from lms.lti.platform import tools

    framework()
    tool = tools.add_tool(tools.ToolData(name="Тренажёр ИРО", login_url="https://tool.example/login",
                                         redirect_urls=["https://tool.example/launch"],
                                         jwks_url="https://tool.example/jwks"))
    db.session.commit()
    staff = login_as("staff")
    page = staff.get("/assessments/catalogue/new")
    assert page.status_code == 200 and "Тренажёр ИРО" in page.text
    lti = {"lti_tool_id": str(tool.id), "lti_target_link_uri": "https://tool.example/module/7",
           "lti_custom": "module=m-7\nlevel = 2\nnot a pair", "lti_pass_percent": "80"}
    assert staff.post("/assessments/catalogue/new", _form(**lti)).status_code == 302
    saved = db.session.scalar(select(Activity))
    assert (saved.lti_tool_id, saved.lti_target_link_uri, saved.lti_custom, saved.lti_pass_percent) == (
        tool.id, "https://tool.example/module/7", {"module": "m-7", "level": "2"}, 80)
    edit = staff.get(f"/assessments/catalogue/{saved.id}/edit")
    assert "module=m-7\nlevel=2" in edit.text
    # Refused with the reason at the field, nothing saved: not an external module, no such tool, a pass mark
    # out of range.
    for overrides, text in (({"kind": "consultation"}, "только внешний модуль"),
                            ({"lti_tool_id": "999999"}, "Такого LTI-инструмента нет"),
                            ({"lti_pass_percent": "0"}, "между 1 и 100")):
        refused = staff.post("/assessments/catalogue/new", _form(title="Другой", **dict(lti, **overrides)))
        assert refused.status_code == 200 and text in refused.text, overrides
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 1
