"""The route tells the truth: the tutor sees before approving what approval will book, approval books exactly
that and says so (and what it could not, with why), a second click books nothing twice; a deficit no step
closes is shown as such with the planner's reason, and the catalogue's gaps are only real ones."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assessments import queries
from assessments.models import Route, RouteStep
from assessments.services.routes import builder, workflow
from assessments.services.routes.builder import RouteSettings
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow
from tests.assessments.routes_setup import activity, finished_attempt, framework, tutor_group


def _run(people, programme, name, capacity=10, days=21):
    """A group running the programme's first module with one session ``days`` from now."""
    from courses.models import Group, ScheduledSession

    group = Group(programme_id=programme.id, name=name, capacity=capacity, tutor_id=people["tutor"].id)
    db.session.add(group)
    db.session.flush()
    start = utcnow() + timedelta(days=days)
    db.session.add(ScheduledSession(group_id=group.id, module_id=programme.modules[0].id, starts_at=start,
                                    ends_at=start + timedelta(hours=2)))
    db.session.flush()
    return group


@pytest.fixture
def on_review(app, people):
    """A route on review with a module in a group with places, a module in a group that fills up after
    planning, a consultation whose tutor has no free office hours, and an online course."""
    from tests.factories import make_programme

    fw = framework()
    teacher = people["teacher"]
    tutor_group(people)
    finished_attempt(fw, teacher, {"D1.1": (2, 4), "D3.1": (2, 4), "D5.2": (2, 4), "D2.1": (2, 4)})
    first, second = make_programme(modules=1, lessons=0), make_programme(modules=1, lessons=0)
    spring = _run(people, first, "Поток весна")
    small = _run(people, second, "Поток малый", capacity=1, days=42)
    activity("Модуль весеннего потока", 4, {"D1.1": 4}, kind="module", module_id=first.modules[0].id,
             form="seminar", delivery="onsite")
    activity("Модуль малой группы", 4, {"D3.1": 4}, kind="module", module_id=second.modules[0].id,
             form="seminar", delivery="onsite")
    activity("Консультация по ИОМ", 1, {"D5.2": 4}, kind="consultation", form="consultation")
    activity("Онлайн-курс", 6, {"D2.1": 4})
    today = local_today()
    route = builder.build(teacher, teacher, RouteSettings(today, today + timedelta(weeks=12), 4.0), utcnow(),
                          tutor_id=people["tutor"].id)
    workflow.submit(route, teacher, version=None, note="", now=utcnow())
    # The small group fills up after planning: approval can only put the teacher on its waiting list.
    from courses.models import Enrolment
    from tests.factories import make_user

    other = make_user("teacher", email="other@example.org")
    db.session.add(Enrolment(group_id=small.id, user_id=other.id, status="enrolled"))
    db.session.commit()
    return {"route": route, "spring": spring, "small": small, "first": first, "second": second}


def _kinds(outcomes) -> dict[str, str]:
    return {o.title: o.kind for o in outcomes}


def test_the_preview_says_what_approval_books_and_approval_books_exactly_that(on_review, people):
    from courses.models import ConsultationBooking, Enrolment

    route = on_review["route"]
    preview = workflow.approval_preview(route)
    expected = {"Модуль весеннего потока": "group", "Модуль малой группы": "waiting",
                "Консультация по ИОМ": "refused", "Онлайн-курс": "own_pace"}
    assert _kinds(preview) == expected
    refused = next(o for o in preview if o.kind == "refused")
    assert "нет свободных часов консультаций" in workflow.booking_text(refused)
    nothing_written = db.session.scalar(select(func.count()).select_from(Enrolment))
    outcomes = workflow.approve(route, people["tutor"], version=None, now=utcnow())
    assert _kinds(outcomes) == expected  # what the tutor was shown is what happened
    steps = {s.title: s for s in db.session.get(Route, route.id).steps}
    assert steps["Модуль весеннего потока"].status == "booked" and steps["Модуль малой группы"].status == "waiting"
    assert steps["Консультация по ИОМ"].status == "planned"  # never claimed as booked
    assert db.session.scalar(select(func.count()).select_from(ConsultationBooking)) == 0
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == nothing_written + 2
    details = db.session.get(Route, route.id).events[-1].details
    assert len(details["booked"]) == 2 and len(details["not_booked"]) == 1


def test_a_consultation_without_a_time_gets_the_tutors_earliest_free_one(on_review, people):
    from courses.models import ConsultationBooking, ConsultationSlot

    route = on_review["route"]
    start = utcnow() + timedelta(days=10)
    slot = ConsultationSlot(tutor_id=people["tutor"].id, starts_at=start, ends_at=start + timedelta(minutes=30))
    db.session.add(slot)
    db.session.commit()
    assert _kinds(workflow.approval_preview(route))["Консультация по ИОМ"] == "slot"
    outcomes = workflow.approve(route, people["tutor"], version=None, now=utcnow())
    consultation = next(o for o in outcomes if o.title == "Консультация по ИОМ")
    assert consultation.kind == "slot" and consultation.at == slot.starts_at
    step = next(s for s in db.session.get(Route, route.id).steps if s.title == "Консультация по ИОМ")
    assert step.status == "booked" and step.slot == f"slot:{slot.id}" and step.booked_by_route
    booking = db.session.scalar(select(ConsultationBooking))
    assert booking.slot_id == slot.id and booking.teacher_id == people["teacher"].id


def test_the_tutor_sees_the_preview_and_the_result_and_a_second_click_books_nothing(on_review, people, login_as):
    from courses.models import Enrolment

    route, spring, small = on_review["route"], on_review["spring"], on_review["small"]
    tutor = login_as("tutor")
    page = tutor.get(f"/assessments/routes/{route.id}")
    preview = re.search(r'<div class="approval-preview".*?</div>', page.text, re.S).group(0)
    assert "Что будет записано при утверждении" in preview
    assert f"место в группе «{spring.name}»" in preview and f"группа «{small.name}» заполнена" in preview
    assert "Консультация по ИОМ" in preview and "нет свободных часов консультаций" in preview
    assert "approval-preview" not in login_as("teacher").get(f"/assessments/routes/{route.id}").text
    version = db.session.get(Route, route.id).version
    done = tutor.post(f"/assessments/routes/{route.id}/approve", {"version": version}, follow_redirects=True)
    assert "Маршрут утверждён и действует." in done.text
    assert f"место в группе «{spring.name}»" in done.text and "листе ожидания" in done.text
    assert "Не записано" in done.text and "нет свободных часов консультаций" in done.text
    assert "записан в группы и на консультации" not in done.text  # the old blanket claim is gone
    places = db.session.scalar(select(func.count()).select_from(Enrolment))
    again = tutor.post(f"/assessments/routes/{route.id}/approve", {"version": version}, follow_redirects=True)
    assert again.status_code == 200 and "уже утверждён" in again.text
    assert "Маршрут утверждён и действует" not in again.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == places
    assert [e.action for e in db.session.get(Route, route.id).events].count("approved") == 1


def test_a_deficit_no_step_closes_is_shown_with_its_reason_and_never_as_a_consultation(app, people, login_as):
    fw = framework()
    teacher = people["teacher"]
    tutor_group(people)
    finished_attempt(fw, teacher, {"D1.1": (2, 4), "D3.1": (2, 4)})
    activity("Большой курс", 200, {"D1.1": 4})  # far beyond the weekly hours: the budget leaves it out
    db.session.commit()
    client = login_as("teacher")
    today = local_today()
    planned = client.post("/assessments/routes/mine", {
        "period_start": today.strftime("%d.%m.%Y"), "period_end": (today + timedelta(weeks=4)).strftime("%d.%m.%Y"),
        "weekly_hours": "2", "delivery": ""}, follow_redirects=True)
    route = db.session.scalar(select(Route))
    goals = {g.competency.code: g for g in route.goals}
    assert goals["D1.1"].gap_reason == "budget" and goals["D3.1"].gap_reason == "no_activity"
    consultation = next(s for s in route.steps if s.kind == "consultation")
    assert consultation.closes == [goals["D3.1"].competency_id]  # the consultation is a real step of the plan
    assert not any(goals["D1.1"].competency_id in s.closes for s in route.steps)
    text = planned.text
    assert "Ни один шаг маршрута не закрывает этот дефицит" in text
    # The flash for D1.1 must not claim a consultation stands in for it.
    flashes = re.findall(r'class="flash[^"]*"[^>]*>([^<]*)', text)
    d11 = next(line for line in flashes if goals["D1.1"].competency.title in line)
    assert "консультац" not in d11
    for viewer in ("teacher", "tutor"):
        page = login_as(viewer).get(f"/assessments/routes/{route.id}").text
        assert "Ни один шаг плана не закрывает этот дефицит" in page and "не закрыт ни одним шагом" in page


def test_the_catalogue_lists_only_real_gaps_each_with_its_reason(app, people, login_as):
    fw = framework()
    teacher = people["teacher"]
    tutor_group(people)
    finished_attempt(fw, teacher, {"D1.1": (2, 4), "D3.1": (2, 4), "D5.2": (2, 4)})
    activity("Большой курс", 200, {"D1.1": 4})  # budget: the route's setting, not the catalogue's lack
    activity("Курс по D5.2", 4, {"D5.2": 4})  # closes D5.2: no gap
    today = local_today()
    builder.build(teacher, teacher, RouteSettings(today, today + timedelta(weeks=4), 2.0), utcnow(),
                  tutor_id=people["tutor"].id)
    db.session.commit()
    gaps = queries.catalogue_gaps()
    assert [(g.competency.code, g.reason, g.target_level, g.routes) for g in gaps] == [
        ("D3.1", "no_activity", 4, 1)]
    page = login_as("staff").get("/assessments/catalogue/").text
    section = re.search(r'id="gaps-title".*?</section>', page, re.S).group(0)
    assert "D3.1" in section and "целевой уровень 4" in section
    assert "в каталоге нет мероприятий, позволяющих достичь целевого уровня" in section
    assert "D1.1" not in section and "D5.2" not in section
    activity("Новый курс по D3.1", 4, {"D3.1": 5})  # the catalogue now reaches it: planning again closes it
    db.session.commit()
    assert queries.catalogue_gaps() == []


def test_a_step_added_to_an_active_route_without_a_consultation_time_stays_planned(on_review, people):
    route = on_review["route"]
    workflow.approve(route, people["tutor"], version=None, now=utcnow())
    from assessments.models import Activity

    consultation = db.session.scalar(select(Activity).where(Activity.title == "Консультация по ИОМ"))
    today = local_today()
    step = workflow.add_step(route, people["tutor"], version=None, activity=consultation, starts_on=today,
                             ends_on=today + timedelta(weeks=2), hours=None, now=utcnow())
    assert db.session.get(RouteStep, step.id).status == "planned"
