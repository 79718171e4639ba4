"""Staff define a diagnostic, open it to a group and to teachers by e-mail; bad input and stale tabs are refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assessments import demo
from assessments.models import Diagnostic
from assessments.services import framework as frameworks
from courses.models import Enrolment, Group
from lms.extensions import db
from lms.i18n import local_today
from tests.factories import make_programme, make_user


@pytest.fixture
def framework(app):
    loaded = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
    db.session.commit()
    return loaded


def _form(framework, **overrides) -> dict:
    today = local_today()
    data = {"title": "Весенняя диагностика", "description": "", "mode": "adaptive", "exposure_percent": "30",
            "competency_ids": [str(c.id) for d in framework.domains for c in d.competencies][:5],
            "min_per_competency": "1", "max_per_competency": "6", "max_items": "", "time_limit_minutes": "45",
            "self_assessment": "y", "pilot_percent": "10", "opens_on": today.strftime("%d.%m.%Y"),
            "closes_on": (today + timedelta(days=14)).strftime("%d.%m.%Y"), "emails": "", "group_ids": []}
    data.update(overrides)
    return data


def test_staff_define_open_and_teachers_of_the_group_see_it(framework, login_as, people):
    staff, teacher = login_as("staff"), login_as("teacher")
    group = Group(programme_id=make_programme().id, name="Группа ИКТ", capacity=20)
    db.session.add(group)
    db.session.flush()
    db.session.add(Enrolment(group_id=group.id, user_id=people["teacher"].id, status="enrolled"))
    loner = make_user("teacher", email="loner@example.org")
    db.session.commit()
    response = staff.post("/assessments/diagnostics/new", _form(framework, group_ids=[str(group.id)],
                                                                 emails="LONER@example.org\n"))
    assert response.status_code == 302
    made = db.session.scalar(select(Diagnostic))
    assert len(made.competencies) == 5 and made.pilot_share == pytest.approx(0.1)
    assert {(a.user_id, a.group_id) for a in made.audience} == {(loner.id, None), (None, group.id)}
    assert "Весенняя диагностика" not in teacher.get("/assessments/").text  # still a draft
    staff.post(f"/assessments/diagnostics/{made.id}/status/open")
    assert "Весенняя диагностика" in teacher.get("/assessments/").text
    assert "Весенняя диагностика" in staff.get("/assessments/diagnostics/").text
    staff.post(f"/assessments/diagnostics/{made.id}/status/closed")
    assert "Весенняя диагностика" not in teacher.get("/assessments/").text


def test_bad_input_is_refused_with_the_form_kept(framework, login_as):
    staff = login_as("staff")
    today = local_today()
    cases = [
        (_form(framework, closes_on=(today - timedelta(days=1)).strftime("%d.%m.%Y")), "не может закрыться раньше"),
        (_form(framework, competency_ids=[]), "хотя бы одну компетенцию"),
        (_form(framework, min_per_competency="9", max_per_competency="3"), "минимум"),
        (_form(framework, emails="nobody@example.org"), "nobody@example.org"),
        (_form(framework, time_limit_minutes="1"), "5"),
    ]
    for data, message in cases:
        page = staff.post("/assessments/diagnostics/new", data)
        assert page.status_code == 200 and message in page.text, message
        assert 'value="Весенняя диагностика"' in page.text  # what was typed is still there
    assert db.session.scalar(select(Diagnostic)) is None
    empty = db.session.scalar(select(Diagnostic))
    assert empty is None
    nobody = staff.post("/assessments/diagnostics/999/status/open")
    assert nobody.status_code == 404


def test_a_stale_tab_does_not_overwrite_and_opening_needs_an_audience(framework, login_as, people):
    staff = login_as("staff")
    staff.post("/assessments/diagnostics/new", _form(framework))
    made = db.session.scalar(select(Diagnostic))
    refused = staff.post(f"/assessments/diagnostics/{made.id}/status/open", follow_redirects=True)
    assert "укажите, кто её проходит" in refused.text
    url = f"/assessments/diagnostics/{made.id}/edit"
    first = _form(framework, title="Вкладка 1", version=str(made.version), emails=people["teacher"].email)
    second = _form(framework, title="Вкладка 2", version=str(made.version))
    assert staff.post(url, first).status_code == 302
    stale = staff.post(url, second)
    assert stale.status_code == 200 and "изменил кто-то другой" in stale.text
    db.session.expire_all()
    assert db.session.get(Diagnostic, made.id).title == "Вкладка 1"


def test_a_change_to_the_audience_alone_still_stops_a_stale_tab(framework, login_as, people):
    staff = login_as("staff")
    staff.post("/assessments/diagnostics/new", _form(framework, emails=people["teacher"].email))
    made = db.session.scalar(select(Diagnostic))
    url, version = f"/assessments/diagnostics/{made.id}/edit", str(made.version)
    other = make_user("teacher", email="second@example.org")
    db.session.commit()
    added = _form(framework, version=version, emails=f"{people['teacher'].email}\n{other.email}")
    assert staff.post(url, added).status_code == 302
    stale = staff.post(url, _form(framework, title="Другое название", version=version,
                                  emails=people["teacher"].email))
    assert "изменил кто-то другой" in stale.text
    db.session.expire_all()
    assert {a.user_id for a in db.session.get(Diagnostic, made.id).audience} == {people["teacher"].id, other.id}


def test_what_is_measured_is_fixed_once_a_teacher_has_started(framework, login_as, people):
    staff, teacher = login_as("staff"), login_as("teacher")
    staff.post("/assessments/diagnostics/new", _form(framework, emails=people["teacher"].email))
    made = db.session.scalar(select(Diagnostic))
    url = f"/assessments/diagnostics/{made.id}/edit"
    # Before anyone starts, staff may still change the competencies.
    six = [str(c.id) for d in framework.domains for c in d.competencies][:6]
    assert staff.post(url, _form(framework, version=str(made.version), competency_ids=six,
                                 emails=people["teacher"].email)).status_code == 302
    staff.post(f"/assessments/diagnostics/{made.id}/status/open")
    teacher.post(f"/assessments/diagnostics/{made.id}/start")
    db.session.expire_all()
    made = db.session.get(Diagnostic, made.id)
    for change in ({"competency_ids": six[:5]}, {"max_per_competency": "8"}, {"mode": "fixed"}):
        refused = staff.post(url, _form(framework, version=str(made.version), emails=people["teacher"].email,
                                        **{"title": "Новое", "competency_ids": six, **change}))
        assert refused.status_code == 200 and "уже проходили" in refused.text, change
    db.session.expire_all()
    assert len(db.session.get(Diagnostic, made.id).competencies) == 6
    # The title, the dates and the audience stay editable.
    renamed = staff.post(url, _form(framework, version=str(made.version), competency_ids=six, title="Новое",
                                    emails=people["teacher"].email))
    assert renamed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Diagnostic, made.id).title == "Новое"


def test_one_set_of_defaults_for_engine_model_form_service_and_demo(framework, login_as):
    """What the staff form offers, what a diagnostic made without it stores and what the engine and the
    benchmark run are the same numbers (bench/cat_simulation.py builds ``Settings`` with its defaults)."""
    from assessments.engine import Settings
    from assessments.engine.inputs import MAX_EXPOSURE, MAX_ITEMS, MIN_ITEMS
    from assessments.services.setup import DiagnosticData, save_diagnostic

    engine = Settings(level_cuts=(0.0,), targets=(2,))
    assert (engine.min_items, engine.max_items) == (MIN_ITEMS, MAX_ITEMS)
    page = login_as("staff").get("/assessments/diagnostics/new").text
    for name, value in (("min_per_competency", MIN_ITEMS), ("max_per_competency", MAX_ITEMS),
                        ("exposure_percent", round(MAX_EXPOSURE * 100))):
        assert re.search(f'<input[^>]*name="{name}"[^>]*value="{value}"', page), name
    today = local_today()
    made = save_diagnostic(framework, DiagnosticData(title="По умолчанию", opens_on=today, closes_on=today,
                                                     competencies=framework.domains[0].competencies))
    db.session.add(made)
    db.session.flush()
    assert (made.min_per_competency, made.max_per_competency, made.max_exposure) == (MIN_ITEMS, MAX_ITEMS,
                                                                                     MAX_EXPOSURE)


def test_the_exposure_limit_is_set_in_percent_and_100_lifts_it(framework, login_as):
    staff = login_as("staff")
    assert staff.post("/assessments/diagnostics/new", _form(framework, exposure_percent="40")).status_code == 302
    assert db.session.scalar(select(Diagnostic)).max_exposure == pytest.approx(0.4)
    refused = staff.post("/assessments/diagnostics/new", _form(framework, title="Вторая", exposure_percent="5"))
    assert refused.status_code == 200 and db.session.scalar(select(func.count()).select_from(Diagnostic)) == 1
    lifted = _form(framework, title="Третья", exposure_percent="100")
    assert staff.post("/assessments/diagnostics/new", lifted).status_code == 302
    assert db.session.scalar(select(Diagnostic).where(Diagnostic.title == "Третья")).max_exposure == 1.0


def test_staff_are_told_which_competencies_are_too_small_for_the_exposure_limit(framework, login_as):
    from assessments.models import Item, ItemParameters

    staff = login_as("staff")
    chosen = [c for d in framework.domains for c in d.competencies][:2]
    deep, shallow = chosen
    # 20 live questions at 30 % give a teacher 6 on average, the form's maximum per competency; 3 do not.
    for competency, count in ((deep, 20), (shallow, 3)):
        for n in range(count):
            item = Item(framework_id=framework.id, competency=competency, code=f"{competency.code}-{n:02d}",
                        type="single_choice", status="live", stem=f"Вопрос {n}",
                        content={"options": ["да", "нет"], "correct": [0]})
            item.parameters.append(ItemParameters(a=1.0, b=0.0, source="expert"))
            db.session.add(item)
    # A retired question and a live one without parameters are never offered, so they do not count.
    for code, status, parameters in (("old", "retired", True), ("new", "live", False)):
        item = Item(framework_id=framework.id, competency=shallow, code=code, type="single_choice", status=status,
                    stem=code, content={"options": ["да", "нет"], "correct": [0]})
        if parameters:
            item.parameters.append(ItemParameters(a=1.0, b=0.0, source="expert"))
        db.session.add(item)
    db.session.commit()
    ids = [str(c.id) for c in chosen]
    saved = staff.post("/assessments/diagnostics/new", _form(framework, competency_ids=ids), follow_redirects=True)
    warning = re.search(r'flash-warning[^>]*>([^<]*)<', saved.text).group(1)
    assert f"{shallow.code}: 3 вопроса" in warning and deep.code + ":" not in warning
    assert "30 %" in warning and "до 6" in warning
    made = db.session.scalar(select(Diagnostic))
    assert f"{shallow.code}: 3 вопроса" in staff.get(f"/assessments/diagnostics/{made.id}/edit").text
    # 100 % lifts the limit, and with it the warning; so does a fixed form, which shows every question.
    for overrides in ({"exposure_percent": "100"}, {"mode": "fixed"}):
        other = staff.post("/assessments/diagnostics/new", _form(framework, competency_ids=ids, title=str(overrides),
                                                                  **overrides), follow_redirects=True)
        assert other.status_code == 200 and "flash-warning" not in other.text
