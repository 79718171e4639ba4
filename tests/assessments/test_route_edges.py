"""The route workflow's edges: steps that are done, dropped or booked, bookings given back or gone, signals that
must not over-reach, and numbers that name nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assessments.models import Route, RouteStep
from assessments.services.routes import builder, workflow
from assessments.services.routes.builder import RouteSettings
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow
from tests.assessments.routes_setup import activity, finished_attempt, framework, tutor_group


def _slot(people, days: int):
    from courses.models import ConsultationSlot

    start = utcnow() + timedelta(days=days)
    slot = ConsultationSlot(tutor_id=people["tutor"].id, starts_at=start, ends_at=start + timedelta(minutes=30))
    db.session.add(slot)
    db.session.flush()
    return slot


@pytest.fixture
def reviewed(app, people):
    """A route on review: a consultation booked into a tutor's free slot and an online course."""
    fw = framework()
    teacher = people["teacher"]
    tutor_group(people)
    finished_attempt(fw, teacher, {"D1.1": (2, 4), "D5.2": (2, 4)})
    slot = _slot(people, 9)
    activity("Консультация", 1, {"D5.2": 4}, kind="consultation", form="consultation")
    activity("Курс", 4, {"D1.1": 4})
    today = local_today()
    route = builder.build(teacher, teacher, RouteSettings(today, today + timedelta(weeks=12), 4.0), utcnow(),
                          tutor_id=people["tutor"].id)
    workflow.submit(route, teacher, version=None, note="", now=utcnow())
    db.session.commit()
    return fw, route, slot


def _step(route, title) -> RouteStep:
    return next(s for s in db.session.get(Route, route.id).steps if s.title == title)


def test_a_route_with_every_step_taken_out_cannot_be_approved(reviewed, people):
    fw, route, slot = reviewed
    for step in list(route.steps):
        workflow.drop_step(step, people["tutor"], version=None, now=utcnow())
    with pytest.raises(ServiceError):
        workflow.approve(route, people["tutor"], version=None, now=utcnow())


def test_done_dropped_and_booked_steps_keep_what_they_were(reviewed, people):
    from courses.models import ConsultationBooking

    fw, route, slot = reviewed
    tutor = people["tutor"]
    outcomes = workflow.approve(route, tutor, version=None, now=utcnow())
    assert {(o.title, o.kind) for o in outcomes} == {("Консультация", "slot"), ("Курс", "own_pace")}
    consultation, course = _step(route, "Консультация"), _step(route, "Курс")
    assert consultation.status == "booked" and consultation.slot == f"slot:{slot.id}" and consultation.booked_by_route
    with pytest.raises(ServiceError):  # a booked step is not moved off its time
        workflow.change_step(consultation, tutor, version=None, starts_on=consultation.starts_on + timedelta(days=1),
                             ends_on=consultation.ends_on + timedelta(days=1), hours=1, now=utcnow())
    workflow.mark_done(course, tutor, version=None, evidence="Сертификат", now=utcnow())
    with pytest.raises(ServiceError):
        workflow.change_step(course, tutor, version=None, starts_on=course.starts_on, ends_on=course.ends_on,
                             hours=500, now=utcnow())
    workflow.drop_step(consultation, tutor, version=None, now=utcnow())
    booking = db.session.scalar(select(ConsultationBooking).where(ConsultationBooking.slot_id == slot.id))
    assert booking.status == "cancelled" and not slot.cancelled  # the time is offered to others again
    with pytest.raises(ServiceError):
        workflow.mark_done(consultation, tutor, version=None, evidence="Была", now=utcnow())
    assert consultation.status == "dropped"


def test_a_vanished_slot_is_reported_at_approval_and_booked_later_by_new_dates(reviewed, people):
    fw, route, slot = reviewed
    tutor = people["tutor"]
    db.session.delete(slot)
    db.session.flush()
    problems = [o for o in workflow.approve(route, tutor, version=None, now=utcnow()) if o.kind == "refused"]
    consultation = _step(route, "Консультация")
    assert [o.title for o in problems] == ["Консультация"] and consultation.status == "planned"
    later = _slot(people, 30)
    day = local_today() + timedelta(days=30)
    workflow.change_step(consultation, tutor, version=None, starts_on=day - timedelta(days=1),
                         ends_on=day + timedelta(days=1), hours=1, now=utcnow())
    assert consultation.slot == f"slot:{later.id}" and consultation.status == "booked"


def test_a_consultation_in_another_slot_does_not_complete_a_step_tied_to_its_own(reviewed, people, app):
    from courses.models import ConsultationBooking

    fw, route, slot = reviewed
    workflow.approve(route, people["tutor"], version=None, now=utcnow())
    other = _slot(people, -1)
    held = ConsultationBooking(slot_id=other.id, active_slot_id=other.id, teacher_id=people["teacher"].id,
                               topic="Другое", status="held")
    db.session.add(held)
    db.session.flush()
    signals.consultation_held.send(app, booking=held)
    assert _step(route, "Консультация").status == "booked"


def test_a_diagnostic_that_measures_none_of_the_goals_changes_nothing(reviewed, people, app):
    fw, route, slot = reviewed
    workflow.approve(route, people["tutor"], version=None, now=utcnow())
    for step in db.session.get(Route, route.id).steps:
        step.status = "done"
    other = finished_attempt(fw, people["teacher"], {"D3.1": (4, 4)}, number=2, days_ago=0)
    signals.diagnostic_completed.send(other, attempt=other, deficits=[])
    route = db.session.get(Route, route.id)
    assert route.status == "active" and route.repeat_attempt_id is None


def test_a_completed_route_is_not_reassigned_and_the_tutors_build_page_never_replans_a_draft(reviewed, people,
                                                                                           login_as):
    fw, route, slot = reviewed
    workflow.approve(route, people["tutor"], version=None, now=utcnow())
    workflow.complete(route, people["tutor"], version=None, conclusion="Готово", now=utcnow())
    db.session.commit()
    with pytest.raises(ServiceError):
        workflow.reassign(route, people["staff"], None, now=utcnow())
    db.session.rollback()
    fresh = builder.build(people["teacher"], people["teacher"], RouteSettings(
        local_today(), local_today() + timedelta(weeks=8), 4.0), utcnow(), tutor_id=people["tutor"].id)
    db.session.commit()
    page = login_as("tutor").post(f"/assessments/routes/new/{people['teacher'].id}", {
        "period_start": local_today().strftime("%d.%m.%Y"), "period_end": "01.01.2027", "weekly_hours": "9"})
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/assessments/routes/{fresh.id}")
    assert db.session.get(Route, fresh.id).weekly_hours == 4.0


def test_numbers_that_name_nothing_are_404_or_a_clear_error(app, people, login_as):
    framework()
    db.session.commit()
    assert login_as("teacher").get("/assessments/routes/99999999999999999999").status_code == 404
    assert login_as("staff").get("/assessments/routes/caseload?tutor=99999999999999999999").status_code == 200
    page = login_as("staff").post("/assessments/catalogue/new", {
        "kind": "session", "title": "Мастер-класс", "hours": "2", "form": "master_class", "delivery": "onsite",
        "result_form": "certificate", "session_id": "424242", "coverage": "D1.1 4", "active": "y"})
    assert page.status_code == 200 and "Нет занятия" in page.text


def test_practical_work_scored_after_the_repeated_diagnostic_moves_its_goal(reviewed, people, app):
    from assessments.models import Item, ItemParameters
    from assessments.services import practical
    from tests.factories import review_work

    fw, route, slot = reviewed
    workflow.approve(route, people["tutor"], version=None, now=utcnow())
    repeat = finished_attempt(fw, people["teacher"], {"D1.1": (3, 4), "D5.2": (5, 4)}, number=2, days_ago=0)
    signals.diagnostic_completed.send(repeat, attempt=repeat, deficits=[])
    goal = next(g for g in db.session.get(Route, route.id).goals if g.competency.code == "D1.1")
    assert goal.status == "reopened"
    d11 = goal.competency
    item = Item(framework_id=fw.id, competency_id=d11.id, code="D1.1-P99", type="practical", status="live",
                stem="Практическое задание", content={"rubric": [{"criterion": "Всё сделано", "max_points": 4}]})
    item.parameters.append(ItemParameters(a=2.5, b=-1.0, source="expert"))
    db.session.add(item)
    db.session.flush()
    work = practical.hand_in(repeat, item, people["teacher"], text="Работа", link=None, upload=None, now=utcnow())
    review_work(work, people["tutor"], [4])
    db.session.refresh(goal)
    result = next(r for r in repeat.results if r.competency_id == d11.id)
    assert goal.level_after == result.level and goal.status == ("closed" if result.level >= 4 else "reopened")
    assert result.n_items == 1 and result.estimate > 0  # full marks on an easy, sharp task: above the prior mean


def test_the_group_spreadsheet_costs_the_same_queries_for_more_routes(app, people, login_as, count_queries):
    from courses.models import Enrolment
    from tests.factories import make_user

    fw = framework()
    group = tutor_group(people)
    activity("Курс", 4, {"D1.1": 4})
    today = local_today()

    def add_teacher(n):
        teacher = make_user("teacher", email=f"t{n}@example.org")
        db.session.add(Enrolment(group_id=group.id, user_id=teacher.id, status="enrolled"))
        finished_attempt(fw, teacher, {"D1.1": (2, 4)})
        builder.build(teacher, teacher, RouteSettings(today, today + timedelta(weeks=8), 4.0), utcnow())

    add_teacher(0)
    db.session.commit()
    client = login_as("tutor")

    def cost():
        with count_queries() as n:
            assert client.get(f"/assessments/groups/{group.id}/routes.xlsx").status_code == 200
        return n()

    first = cost()
    for n in range(1, 5):
        add_teacher(n)
    db.session.commit()
    assert cost() == first


def test_a_step_added_and_done_after_all_were_done_asks_for_the_repeat_again(reviewed, people):
    from lms.notifications.models import Notification

    fw, route, slot = reviewed
    tutor = people["tutor"]
    workflow.approve(route, tutor, version=None, now=utcnow())
    for step in list(db.session.get(Route, route.id).steps):
        workflow.mark_done(step, tutor, version=None, evidence="Выполнено", now=utcnow())
    extra = activity("Вебинар", 2, {"D1.1": 4})
    today = local_today()
    step = workflow.add_step(route, tutor, version=None, activity=extra, starts_on=today,
                             ends_on=today + timedelta(days=7), hours=None, now=utcnow())
    workflow.mark_done(step, tutor, version=None, evidence="Выполнено", now=utcnow())
    notices = db.session.scalars(select(Notification).where(Notification.user_id == people["teacher"].id)).all()
    assert sum("пройдите диагностику" in n.text.lower() or "diagnostic again" in n.text for n in notices) == 2
