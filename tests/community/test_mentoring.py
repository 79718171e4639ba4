"""Mentoring: pairs (one mentor at a time per mentee), their plan of meetings, the register of mentors, young
specialists from profiles, and the mentor in the mentee's ИОМ document through the core's relations."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from community import queries
from community.evidence import mentees
from community.models import MentoringPair
from community.services import mentoring as service
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import local_today
from lms.users.relations import people_around
from tests.community.helpers import make_pair
from tests.factories import make_user


def test_a_mentee_has_one_mentor_at_a_time(app, people):
    mentor = make_user("teacher", email="mentor@example.org", last_name="Павлова")
    second = make_user("teacher", email="second@example.org")
    make_pair(mentor, people["teacher"], date(2026, 9, 1), date(2027, 5, 31))
    with pytest.raises(ServiceError, match="не могут пересекаться"):
        make_pair(second, people["teacher"], date(2027, 5, 31), date(2027, 12, 31))
    with pytest.raises(ServiceError, match="самому себе"):
        make_pair(people["teacher"], people["teacher"], date(2028, 1, 1), date(2028, 5, 1))
    with pytest.raises(ServiceError, match="заканчивается раньше"):
        make_pair(second, people["teacher"], date(2028, 5, 1), date(2028, 1, 1))
    with pytest.raises(ServiceError, match="только педагог"):
        make_pair(second, people["tutor"], date(2028, 1, 1), date(2028, 5, 1))
    assert db.session.scalar(select(func.count()).select_from(MentoringPair)) == 1
    later = make_pair(second, people["teacher"], date(2027, 6, 1), date(2027, 12, 31))
    # editing a pair does not clash with itself
    service.save_pair(later, version=later.version, data=service.PairData(
        mentor_id=second.id, mentee_id=people["teacher"].id, form="peer", starts_on=date(2027, 6, 1),
        ends_on=date(2028, 1, 31), goals="Новые цели"), today=date(2026, 9, 1))
    assert later.form == "peer"


def test_a_pair_ended_early_runs_until_that_day_and_frees_the_mentee_for_a_new_mentor(app, people):
    mentor, second = make_user("teacher", email="mentor@example.org"), make_user("teacher", email="second@example.org")
    pair = make_pair(mentor, people["teacher"], date(2026, 9, 1), date(2027, 5, 31))
    data = service.PairData(mentor_id=mentor.id, mentee_id=people["teacher"].id, form=pair.form,
                            starts_on=pair.starts_on, ends_on=pair.ends_on, goals=pair.goals, status="ended",
                            outcome="Наставник уволился")
    service.save_pair(pair, version=pair.version, data=data, today=date(2027, 3, 10))
    assert (pair.status, pair.ends_on) == ("ended", date(2027, 3, 10))
    # The mentee's indicator counts the months the pair ran, not the year it was planned for.
    rows = db.session.execute(mentees().where(MentoringPair.id == pair.id)).one()
    assert rows.until == date(2027, 3, 10)
    later = make_pair(second, people["teacher"], date(2027, 3, 11), date(2027, 5, 31))
    assert later.mentor_id == second.id
    # Saving the ended pair again later keeps the day it ended.
    data.ends_on = date(2027, 3, 10)
    service.save_pair(pair, version=pair.version, data=data, today=date(2027, 4, 1))
    assert pair.ends_on == date(2027, 3, 10)


def test_overlap_and_stale_edits_are_refused_on_the_page(app, people, login_as):
    mentor = make_user("teacher", email="mentor@example.org")
    pair = make_pair(mentor, people["teacher"])
    db.session.commit()
    staff = login_as("staff")
    form = {"mentor_id": str(people["tutor"].id), "mentee_id": str(people["teacher"].id),
            "form": "experienced_young", "starts_on": "01.01.2027", "ends_on": "01.03.2027", "goals": "",
            "status": "active", "outcome": ""}
    page = staff.post("/community/mentoring/new", form)
    assert page.status_code == 200 and "не могут пересекаться" in page.text
    edit = f"/community/mentoring/{pair.id}/edit"
    values = dict(form, mentor_id=str(mentor.id), starts_on="01.09.2026", ends_on="31.05.2027",
                  version=str(pair.version))
    assert staff.post(edit, dict(values, goals="Первая")).status_code == 302
    assert "изменил другой пользователь" in staff.post(edit, dict(values, goals="Вторая")).text
    assert staff.post(edit, dict(values, goals="Цели\x00")).status_code == 400  # the core's control-character rule
    db.session.expire_all()
    assert db.session.get(MentoringPair, pair.id).goals == "Первая"


def test_the_pair_plans_and_records_its_meetings(app, people, login_as):
    mentor = make_user("teacher", email="mentor@example.org")
    today = local_today()
    pair = make_pair(mentor, people["teacher"], today - timedelta(days=30), today + timedelta(days=200))
    db.session.commit()
    mentee = login_as("teacher")
    assert mentee.get(f"/community/mentoring/{pair.id}").status_code == 200
    assert mentee.post(f"/community/mentoring/{pair.id}/meetings",
                       {"planned_on": today.strftime("%d.%m.%Y"), "topic": "Встреча"}).status_code == 403
    from tests.community.test_associations import login_as_email

    client = login_as_email(app, "mentor@example.org")
    outside = client.post(f"/community/mentoring/{pair.id}/meetings",
                          {"planned_on": "01.01.2020", "topic": "Давно"}, follow_redirects=True)
    assert outside.status_code == 400 and "вне периода" in outside.text and 'value="Давно"' in outside.text
    client.post(f"/community/mentoring/{pair.id}/meetings",
                {"planned_on": (today + timedelta(days=7)).strftime("%d.%m.%Y"), "topic": "Посещение урока"})
    db.session.expire_all()
    meeting = db.session.get(MentoringPair, pair.id).meetings[0]
    future = client.post(f"/community/mentoring/meetings/{meeting.id}/record", {"held": "y", "record": "Было"},
                         follow_redirects=True)
    assert future.status_code == 400 and "Нельзя отметить" in future.text
    assert f'id="record-{meeting.id}" name="record" value="Было"' in future.text  # what the mentor wrote stays
    with pytest.raises(ServiceError):
        service.record_meeting(meeting, held=True, record="", today=today)
    assert service.record_meeting(meeting, held=True, record="Разобрали урок", today=today + timedelta(days=7)).held


def test_register_of_mentors_and_young_specialists(app, people, login_as):
    today = local_today()
    category_mentor = make_user("teacher", email="cat@example.org", last_name="Кузьмина", school=people["school"],
                                qualification_category="mentor", experience_years=30)
    mentor = make_user("teacher", email="mentor@example.org", last_name="Павлова")
    young = make_user("teacher", email="young@example.org", last_name="Гусев", school=people["school"],
                      experience_years=1, experience_as_of=today)
    lonely = make_user("teacher", email="lonely@example.org", last_name="Орлова", school=people["school"],
                       experience_years=3, experience_as_of=today)
    grown = make_user("teacher", email="grown@example.org", last_name="Вчерашний", school=people["school"],
                      experience_years=3, experience_as_of=today - timedelta(days=400))
    make_pair(mentor, young, today - timedelta(days=10), today + timedelta(days=100))
    db.session.commit()
    register = {row.mentor.id: row for row in queries.mentor_register(today)}
    assert set(register) == {mentor.id, category_mentor.id}
    assert register[mentor.id].active == 1 and register[category_mentor.id].category_mentor
    rows = {row.teacher.id: row for row in queries.young_specialists(today)}
    assert set(rows) == {young.id, lonely.id}  # four years on from a recorded three is no longer young
    assert rows[young.id].mentors == [mentor] and rows[lonely.id].mentors == []
    assert grown.id not in rows
    page = login_as("tutor").get("/community/mentoring/young-specialists").text
    assert "Гусев" in page and "нет наставника" in page


def test_the_mentor_reaches_the_core_relation_for_the_route_period(app, people):
    mentor = make_user("teacher", email="mentor@example.org", last_name="Павлова", first_name="Людмила",
                       middle_name="Михайловна")
    make_pair(mentor, people["teacher"], date(2026, 9, 1), date(2027, 5, 31))
    ended = make_user("teacher", email="ended@example.org")
    make_pair(ended, people["teacher"], date(2025, 9, 1), date(2026, 5, 31), status="ended")
    assert people_around(people["teacher"].id, "mentor", date(2026, 10, 1), date(2026, 12, 31)) == [mentor]
    assert people_around(people["teacher"].id, "mentor", date(2025, 10, 1), date(2025, 12, 31)) == []
    assert people_around(mentor.id, "mentor") == []


def test_the_mentor_is_printed_in_the_ioms_document(app, people):
    from assessments.models import Framework, Route
    from assessments.services.routes.document import route_document

    mentor = make_user("teacher", email="mentor@example.org", last_name="Павлова", first_name="Людмила",
                       middle_name="Михайловна")
    route = Route(user_id=people["teacher"].id, tutor_id=people["tutor"].id, open_key="x",
                  framework=Framework(code="t", version="1", title="Рамка", current=True), status="draft",
                  period_start=date(2026, 10, 1), period_end=date(2026, 12, 31), weekly_hours=4)
    db.session.add(route)
    db.session.flush()
    assert route_document(route, date(2026, 10, 1)).mentor is None
    make_pair(mentor, people["teacher"], date(2026, 9, 1), date(2027, 5, 31))
    assert route_document(route, date(2026, 10, 1)).mentor == "Павлова Людмила Михайловна"


def _general(docx) -> dict[str, str]:
    """The ИОМ document's first table, «ФИО» and the rest, as heading → value."""
    for table in docx.tables:
        if table.rows[0].cells[0].text == "ФИО":
            return {row.cells[0].text: row.cells[1].text for row in table.rows}
    raise AssertionError("no general table")


def test_the_mentor_is_rendered_in_the_ioms_docx_and_pdf(app, people, login_as):
    """The route's DOCX and PDF, downloaded as the tutor does, name the mentor of the route's period."""
    from docx import Document

    from assessments.models import Framework, Route
    from tests.pdf_text import text_lines

    mentor = make_user("teacher", email="mentor@example.org", last_name="Павлова", first_name="Людмила",
                       middle_name="Михайловна")
    route = Route(user_id=people["teacher"].id, tutor_id=people["tutor"].id, open_key="x",
                  framework=Framework(code="t", version="1", title="Рамка", current=True), status="draft",
                  period_start=date(2026, 10, 1), period_end=date(2027, 3, 31), weekly_hours=4)
    db.session.add(route)
    db.session.commit()
    tutor = login_as("tutor")
    before = tutor.get(f"/assessments/routes/{route.id}/document.docx")
    assert before.status_code == 200 and _general(Document(io.BytesIO(before.data)))["Наставник"] == "—"
    make_pair(mentor, people["teacher"], date(2026, 9, 1), date(2027, 5, 31))
    db.session.commit()
    docx = tutor.get(f"/assessments/routes/{route.id}/document.docx")
    assert _general(Document(io.BytesIO(docx.data)))["Наставник"] == "Павлова Людмила Михайловна"
    pdf = tutor.get(f"/assessments/routes/{route.id}/document.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert any("Павлова Людмила Михайловна" in line for line in text_lines(pdf.data))
