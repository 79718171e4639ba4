"""Data migrations: one rubric review carries every course submission and diagnostic practical work into works,
rounds and reviews (and its downgrade gives them back unchanged); old library records get their subject searched."""

from __future__ import annotations

import datetime as dt

import flask_migrate
import pytest
import sqlalchemy as sa

from lms import create_app
from lms.extensions import db
from tests.conftest import app_config

pytestmark = pytest.mark.nodb  # a database file of its own: the SQLite pass only
BEFORE, AFTER = "dcef59bc8723", "b91cb1bdf58d"
NOW = dt.datetime(2026, 11, 20, 9, 30)


def _fill(table: sa.Table, values: dict) -> dict:
    """``values`` plus a plain value for every other required column (the test states only what it reads)."""
    row = dict(values)
    for column in table.columns:
        if column.key in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = column.type
        row[column.key] = (
            NOW if isinstance(kind, sa.DateTime) else NOW.date() if isinstance(kind, sa.Date)
            else False if isinstance(kind, sa.Boolean) else 1 if isinstance(kind, sa.Integer)
            else 1.0 if isinstance(kind, (sa.Float, sa.Numeric)) else [] if isinstance(kind, sa.JSON) else "x")
    return row


def test_works_are_carried_over_and_back(tmp_path):
    url = "sqlite:///" + str(tmp_path / "works.sqlite3")
    app = create_app(app_config(url))
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        meta = sa.MetaData()
        meta.reflect(db.engine)
        t = meta.tables
        with db.engine.begin() as conn:
            def put(name, **values):
                return conn.execute(t[name].insert().values(**_fill(t[name], values))).inserted_primary_key[0]

            teacher = put("lms_user", email="t@example.org", last_name="Иванова", first_name="Мария")
            tutor = put("lms_user", email="tutor@example.org", last_name="Петров", first_name="Иван")
            programme = put("courses_programme", code="IT", title="IT-школа", status="published")
            module = put("courses_module", programme_id=programme, title="Модуль", form="seminar",
                         delivery="online", hours=4)
            task = put("courses_assignment_task", module_id=module, title="План урока", instructions="",
                       rubric=[{"name": "Цель", "max": 2}, {"name": "Задание", "max": 3}], pass_points=3)
            put("courses_submission", task_id=task, user_id=teacher, attempt=1, text="Первый", status="returned",
                reviewed_by_id=tutor, reviewed_at=NOW, comment="Доработайте", scores=[1, 0])
            put("courses_submission", task_id=task, user_id=teacher, attempt=2, text="Второй", status="accepted",
                reviewed_by_id=tutor, reviewed_at=NOW, comment="", scores=[2, 3])
            framework = put("assessments_framework", code="ict", version="1", title="Рамка")
            domain = put("assessments_domain", framework_id=framework, code="D1", title="Область")
            competency = put("assessments_competency", framework_id=framework, domain_id=domain, code="D1.1",
                             title="Компетенция")
            item = put("assessments_item", framework_id=framework, competency_id=competency, code="D1.1-P01",
                       type="practical", status="live", stem="Задание",
                       content={"rubric": [{"criterion": "Всё сделано", "max_points": 4}]})
            diagnostic = put("assessments_diagnostic", framework_id=framework, title="Диагностика", mode="adaptive",
                             status="open")
            attempt = put("assessments_attempt", diagnostic_id=diagnostic, user_id=teacher, status="finished",
                          number=1)
            put("assessments_practical_work", attempt_id=attempt, item_id=item, user_id=teacher, text="Папки",
                status="scored", rounds=2, scores=[3], comment="Хорошо", scored_by_id=tutor, scored_at=NOW,
                version=1)
        old = _rows(db.engine)

        flask_migrate.upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            works = conn.execute(sa.text("SELECT id, source, ref, status, title FROM courses_work ORDER BY id")).all()
            rounds = conn.execute(sa.text("SELECT work_id, number, text FROM courses_work_round ORDER BY id")).all()
            reviews = conn.execute(sa.text("SELECT decision, comment FROM courses_work_review ORDER BY id")).all()
        assert [w[1:] for w in works] == [("courses.task", str(task), "accepted", "План урока"),
                                         ("assessments.practical", f"{attempt}:{item}", "accepted",
                                          "Практическое задание D1.1-P01")]
        assert [r[1:] for r in rounds] == [(1, "Первый"), (2, "Второй"), (2, "Папки")]
        assert reviews == [("returned", "Доработайте"), ("accepted", ""), ("accepted", "Хорошо")]

        flask_migrate.downgrade(revision=BEFORE)
        assert _rows(db.engine) == old
        db.engine.dispose()


def _rows(engine) -> dict:
    with engine.connect() as conn:
        return {name: conn.execute(sa.text(f"SELECT * FROM {name} ORDER BY id")).all()
                for name in ("courses_submission", "assessments_practical_work")}


def test_old_library_records_become_findable_by_their_subject(tmp_path):
    url = "sqlite:///" + str(tmp_path / "library.sqlite3")
    app = create_app(app_config(url))
    with app.app_context():
        flask_migrate.upgrade(revision="x16a9gapreason")
        meta = sa.MetaData()
        meta.reflect(db.engine)
        t = meta.tables
        with db.engine.begin() as conn:
            def put(table, **values):
                return conn.execute(t[table].insert().values(**_fill(t[table], values))).inserted_primary_key[0]

            subject = put("lms_subject", name="Информатика")
            author = put("lms_user", email="a@example.org", last_name="Фёдорова", first_name="Ольга")
            tagged = put("community_material", title="Сетевые технологии", subject_id=subject,
                         search_text="сетевые технологии", kind="methodological")
            plain = put("community_material", title="Без предмета", subject_id=None, search_text="без предмета",
                        kind="methodological")
            put("community_practice", author_id=author, title="Урок", summary="", subject_id=subject,
                           search_text="урок информатика", status="published")
        flask_migrate.upgrade(revision="c0a1b2d3e4f5")
        with db.engine.connect() as conn:
            texts = dict(conn.execute(sa.text("SELECT id, search_text FROM community_material")).all())
            practice_text = conn.execute(sa.text("SELECT search_text FROM community_practice")).scalar()
        assert texts == {tagged: "сетевые технологии информатика", plain: "без предмета"}
        assert practice_text == "урок информатика"  # already there: not added twice
        db.engine.dispose()
