"""The library's competency tags come from the digital-competence framework (kept by assessments, offered through
lms.references): checked on save with nothing stored on refusal, filtered and searched by."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from community.models import Material
from lms import references
from lms.extensions import db
from tests.assessments.routes_setup import competency, framework


def _form(**overrides) -> dict:
    data = {"kind": "methodological", "title": "Пособие Ромашкиной", "description": "",
            "link": "https://example.org/tools", "competency": "", "subject_id": "", "level": "basic"}
    data.update(overrides)
    return data


def test_a_material_is_tagged_filtered_and_searched_by_a_framework_competency(app, people, login_as):
    framework()
    db.session.commit()
    tag, other = competency("D1.1"), competency("D2.1")
    value = references.value_of("framework", tag.id)
    staff = login_as("staff")
    assert f'value="{value}"' in staff.get("/community/library/new").text
    assert staff.post("/community/library/new", _form(competency=value)).status_code == 302
    assert staff.post("/community/library/new", _form(title="Другое пособие", competency="")).status_code == 302
    material = db.session.scalar(select(Material).where(Material.competency_id.is_not(None)))
    assert (material.competency_kind, material.competency_id) == ("framework", tag.id)
    assert material.competency.startswith("D1.1")
    teacher = login_as("teacher")
    mine = teacher.get(f"/community/library/?competency={value}").text
    assert "Пособие Ромашкиной" in mine and "Другое пособие" not in mine
    none = teacher.get(f"/community/library/?competency={references.value_of('framework', other.id)}").text
    assert "Пособие Ромашкиной" not in none
    assert "Пособие Ромашкиной" in teacher.get(f"/community/library/?q={tag.title.split()[0]}").text
    assert f'<option selected value="{value}">' in staff.get(f"/community/library/{material.id}/edit").text
    assert teacher.post("/community/library/new", _form(competency=value)).status_code == 403


def test_an_unknown_competency_is_refused_and_nothing_saved(app, people, login_as):
    framework()
    db.session.commit()
    staff = login_as("staff")
    for bad in ("framework:999999", "free text", "school_status:1"):
        response = staff.post("/community/library/new", _form(competency=bad, file=(io.BytesIO(b"%PDF-1.4"), "a.pdf")),
                              content_type="multipart/form-data")
        assert response.status_code == 200, bad
        assert "Такой компетенции" in response.text or "There is no such competency" in response.text, bad
    assert db.session.scalar(select(func.count(Material.id))) == 0
