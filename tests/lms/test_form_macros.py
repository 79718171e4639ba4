"""Forms are drawn by the shared macros (_macros/forms.html): every field, in order, with valid attributes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_render_form_draws_every_field_in_order_with_its_buttons(login_as, people):
    page = login_as("staff").get("/courses/groups/new").text
    form = page[page.index('<form method="post" novalidate>'):]
    form = form[:form.index("</form>")]
    names = re.findall(r'<(?:input|select|textarea)[^>]* name="(\w+)"', form)
    assert [n for n in names if n not in ("csrf_token", "version")] == [
        "programme_id", "name", "source", "association_id", "tutor_id", "capacity", "starts_on", "ends_on"]
    assert re.findall(r'<div class="field ([^"]*)"', form)[:3] == ["wide", "wide", ""]
    assert 'class="form-actions"><button type="submit" class="primary">Сохранить</button> <a href="/courses/groups/">' \
           "Отмена</a>" in form


def test_field_attributes_are_valid_and_errors_are_tied_to_their_field(login_as, people):
    staff = login_as("staff")
    fresh = staff.get("/admin/orgs/municipalities/new").text
    # A missing attribute used to be written as the text "None": aria-describedby="None" on every field.
    assert '="None"' not in fresh and "aria-invalid" not in fresh
    refused = staff.post("/admin/orgs/municipalities/new", {"name": "", "oktmo": "", "version": ""}).text
    field = re.search(r'<input[^>]*name="name"[^>]*>', refused).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="name-error"' in field
    assert 'id="name-error"' in refused
    # The macros' own words are translated too (Babel skipped the _macros folder when extracting).
    assert "Исправьте ошибки ниже." in refused and "Please correct" not in refused


def test_a_form_repeated_on_a_page_gets_its_own_ids(app, people, login_as):
    from tests.assessments.test_route_progress import _active_route

    _fw, _first, route, _module = _active_route(people)
    page = login_as("tutor").get(f"/assessments/routes/{route.id}").text
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    step = route.steps[0]
    assert f'<label for="hours-{step.id}">' in page and f'id="hours-{step.id}"' in page
    assert '<label for="complete-text">' in page


def test_no_template_writes_a_csrf_field_or_a_whole_edit_form_by_hand():
    # Hand-written forms drift from the macros (labels, errors, aria); these are the ones left on purpose: the
    # macros themselves, the header's language and sign-out buttons, compact per-slot forms repeated dozens of
    # times on a page.
    allowed = {"lms/templates/_macros/forms.html", "lms/templates/base.html",
               "courses/templates/courses/consultations/book.html",
               "courses/templates/courses/consultations/tutor.html",
               "community/templates/community/mentoring/pair.html"}  # one compact record form per planned meeting
    found = []
    for package in ("lms", "courses", "assessments", "community"):
        for path in (ROOT / package).rglob("templates/**/*.html"):
            name = path.relative_to(ROOT).as_posix()
            if name in allowed:
                continue
            if 'value="{{ csrf_token() }}"' in path.read_text():
                found.append(name)
    assert found == []


def test_a_list_of_boxes_that_needs_one_does_not_make_each_box_required(login_as, people):
    """«required» on every box of a list made Chromium refuse to send it until every teacher was ticked."""
    from courses.models import Group
    from lms.extensions import db
    from tests.factories import make_programme, make_user

    group = Group(programme_id=make_programme().id, name="Группа", capacity=5)
    db.session.add(group)
    make_user("teacher", email="another@example.org")
    db.session.commit()
    page = login_as("staff").get(f"/courses/groups/{group.id}").text
    boxes = re.findall(r'<input[^>]*name="user_ids"[^>]*>', page)
    assert len(boxes) >= 2 and not any(re.search(r"\brequired\b", box) for box in boxes)
    assert '<legend>Педагоги <span class="req" aria-hidden="true">*</span></legend>' in page  # the list says it
