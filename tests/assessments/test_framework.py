"""Loading the competency framework: a whole valid file, versions kept apart, bad files refused whole."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from assessments.models import Competency, Framework, TargetLevel
from assessments.services import framework as frameworks
from lms.errors import ServiceError
from lms.extensions import db
from lms.users.choices import CATEGORIES, POSITIONS


def _framework(version="1.0", competencies=12) -> dict:
    def competency(n):
        return {"code": f"D{n % 3 + 1}.{n}", "title": f"Компетенция {n}", "description": "",
                "levels": {str(level): f"Уровень {level} компетенции {n}" for level in range(1, 7)},
                "mappings": {"ps544": ["общепедагогическая"], "digcompedu": ["2.1"],
                             "unesco": ["Pedagogy: Knowledge acquisition"]}}

    domains = [{"code": f"D{d}", "title": f"Область {d}", "competencies": []} for d in (1, 2, 3)]
    for n in range(competencies):
        domains[n % 3]["competencies"].append(competency(n))
    return {"code": "ikt", "version": version, "title": "ИКТ-компетентность педагога",
            "levels": [{"number": n, "name": f"Уровень {n}", "summary": ""} for n in range(1, 7)],
            "domains": domains,
            "targets": [{"position": p, "category": c, "level": 3} for p in POSITIONS for c in CATEGORIES]}


def test_a_framework_loads_whole_and_a_new_version_becomes_current(app):
    first = frameworks.load(_framework("1.0"))
    db.session.commit()
    assert first.current and len(first.levels) == 6
    competency = db.session.scalar(select(Competency).where(Competency.framework_id == first.id,
                                                            Competency.code == "D1.0"))
    assert competency.descriptor(4) == "Уровень 4 компетенции 0"
    assert {(m.scheme, m.ref) for m in competency.mappings} == {
        ("ps544", "общепедагогическая"), ("digcompedu", "2.1"), ("unesco", "Pedagogy: Knowledge acquisition")}
    assert db.session.scalar(select(func.count()).select_from(TargetLevel)) == len(POSITIONS) * len(CATEGORIES)
    second = frameworks.load(_framework("1.1"))
    db.session.commit()
    db.session.refresh(first)
    assert second.current and not first.current
    assert db.session.scalar(select(func.count()).select_from(Competency)) == 24  # the old version is untouched
    with pytest.raises(ServiceError, match="уже загружена"):
        frameworks.load(_framework("1.1"))


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["levels"].pop(), "уровни с 1 по 6"),
    (lambda d: d["domains"][0]["competencies"][0]["levels"].pop("6"), "уровней с 1 по 6"),
    (lambda d: d["domains"][1]["competencies"].append(copy.deepcopy(d["domains"][0]["competencies"][0])), "дважды"),
    (lambda d: d["domains"][0]["competencies"].pop(), "не меньше 12"),
    (lambda d: d["targets"].append({"position": "wizard", "category": "none", "level": 3}), "неизвестная должность"),
    (lambda d: d["targets"].append({"position": "teacher", "category": "none", "level": 7}), "от 1 до 6"),
    (lambda d: d["domains"][0]["competencies"][0]["mappings"].update(other=["x"]), "допустимы только"),
    (lambda d: d["domains"][0].update(title=""), "не заполнено"),
    (lambda d: d["domains"][0].update(title=["список"]), "должно быть текстом"),
])
def test_a_bad_framework_file_is_refused_with_its_place_and_adds_nothing(app, breakage, message):
    data = _framework()
    breakage(data)
    with pytest.raises(ServiceError, match=message):
        frameworks.load(data)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 0


def test_unreadable_files_get_a_clear_message(app):
    with pytest.raises(ServiceError, match="UTF-8"):
        frameworks.read("{}".encode("utf-16"))
    with pytest.raises(ServiceError, match="строка 2"):
        frameworks.read(b'{\n"code": }')
    with pytest.raises(ServiceError, match="один объект JSON"):
        frameworks.read(b"[1, 2]")


def test_the_cli_loads_a_file_and_reports_errors_without_a_traceback(app, tmp_path):
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(_framework(), ensure_ascii=False), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["assessments", "load-framework", str(path)])
    assert result.exit_code == 0 and "12 competencies" in result.output
    again = runner.invoke(args=["assessments", "load-framework", str(path)])
    assert again.exit_code == 1 and "уже загружена" in again.output and "Traceback" not in again.output


def test_everyone_reads_the_framework_page_in_a_fixed_number_of_queries(app, login_as, page_cost):
    teacher = login_as("teacher")
    empty = teacher.get("/assessments/framework/")
    assert empty.status_code == 200 and "load-framework" in empty.text
    small = frameworks.load(_framework("1.0", competencies=12))
    db.session.commit()
    page = teacher.get("/assessments/framework/")
    assert page.status_code == 200
    assert "Уровень 5 компетенции 11" in page.text and "Pedagogy: Knowledge acquisition" in page.text
    cost_small = page_cost(teacher, "/assessments/framework/")
    big = frameworks.load(_framework("2.0", competencies=30))
    db.session.commit()
    assert page_cost(teacher, f"/assessments/framework/{big.id}") == cost_small
    assert teacher.get(f"/assessments/framework/{small.id}").status_code == 200
    assert teacher.get("/assessments/framework/999999").status_code == 404


def test_the_shipped_framework_file_loads_and_meets_the_framework_rules(app):
    from assessments.demo import FRAMEWORK_FILE

    loaded = frameworks.load(frameworks.read(FRAMEWORK_FILE.read_bytes()))
    db.session.commit()
    competencies = [c for d in loaded.domains for c in d.competencies]
    assert len(competencies) >= 12
    for competency in competencies:
        assert len({level.descriptor for level in competency.levels}) == 6
        assert {m.scheme for m in competency.mappings} == {"ps544", "digcompedu", "unesco"}, competency.code
    assert len(frameworks_targets := db.session.scalars(select(TargetLevel)).all()) == len(POSITIONS) * len(CATEGORIES)
    assert all(1 <= t.level <= 6 for t in frameworks_targets)


def test_staff_edit_target_levels_and_a_stale_tab_is_refused(app, login_as):
    loaded = frameworks.load(_framework())
    db.session.commit()
    staff = login_as("staff")
    url = f"/assessments/framework/{loaded.id}/targets"
    page = staff.get(url)
    token = page.text.split('name="token" value="')[1].split('"')[0]
    assert staff.post(url, {"token": token, "t-teacher-highest": "5"}).status_code == 302
    level = db.session.scalar(select(TargetLevel.level).where(TargetLevel.position == "teacher",
                                                              TargetLevel.category == "highest"))
    assert level == 5
    stale = staff.post(url, {"token": token, "t-teacher-highest": "2"})
    assert stale.status_code == 200 and "изменил кто-то другой" in stale.text
    # A form without its token counts as stale; a level that is not a number is refused, not dropped.
    assert "изменил кто-то другой" in staff.post(url, {"t-teacher-highest": "2"}).text
    fresh = staff.get(url).text.split('name="token" value="')[1].split('"')[0]
    for bad in ("пять", "7", "²", "9" * 5000):  # past 4300 digits int() itself refuses
        refused = staff.post(url, {"token": fresh, "t-teacher-highest": bad})
        assert refused.status_code == 200 and "от 1 до 6" in refused.text, bad
    assert db.session.scalar(select(TargetLevel.level).where(TargetLevel.position == "teacher",
                                                             TargetLevel.category == "highest")) == 5
    assert login_as("teacher").get(url).status_code == 403


def test_staff_edit_a_competencys_wording_and_a_stale_tab_is_refused(app, login_as):
    loaded = frameworks.load(_framework())
    db.session.commit()
    competency = db.session.scalar(select(Competency).where(Competency.framework_id == loaded.id))
    staff = login_as("staff")
    url = f"/assessments/competencies/{competency.id}/edit"
    form = {"title": competency.title, "description": "", "version": str(competency.version),
            **{f"level_{n}": f"Новое описание {n}" for n in range(1, 7)}}
    assert staff.post(url, form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Competency, competency.id).descriptor(3) == "Новое описание 3"
    stale = staff.post(url, {**form, "level_3": "Из старой вкладки"})
    assert stale.status_code == 200 and "изменил кто-то другой" in stale.text
    empty = staff.post(url, {**form, "version": str(db.session.get(Competency, competency.id).version), "level_6": ""})
    assert empty.status_code == 200
    db.session.expire_all()
    assert db.session.get(Competency, competency.id).descriptor(6) == "Новое описание 6"
