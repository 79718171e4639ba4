"""Everyone is told what concerns them: the route's workflow tells the other side, a place in a group or its waiting
list, a declined application, an assigned module, a diagnostic opened to a teacher."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from assessments.services.routes import proposals, workflow
from courses.services import groups as group_service
from lms.extensions import db
from lms.models.mixins import utcnow
from lms.notifications.models import Notification
from tests.assessments.test_route_edges import reviewed  # noqa: F401  (a route on review)
from tests.factories import make_programme, make_user


def _notices(user) -> list[tuple[str, str | None]]:
    db.session.expire_all()
    return [(n.text, n.href()) for n in db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id))]


def test_the_route_workflow_tells_the_other_side(reviewed, people, app):  # noqa: F811
    _fw, route, _slot = reviewed
    teacher, tutor = people["teacher"], people["tutor"]
    with app.test_request_context("/"):
        assert any("на согласование" in text and href == f"/assessments/routes/{route.id}"
                   for text, href in _notices(tutor))  # sent by the teacher in the fixture
        assert _notices(teacher) == []  # nobody tells the teacher what they did themselves
        workflow.return_for_rework(route, tutor, version=None, comment="Добавьте курс по оцениванию", now=utcnow())
        db.session.commit()
        assert "Добавьте курс по оцениванию" in _notices(teacher)[-1][0]
        workflow.submit(route, teacher, version=None, note="", now=utcnow())
        workflow.approve(route, tutor, version=None, now=utcnow())
        db.session.commit()
        assert "утверждён" in _notices(teacher)[-1][0]
        proposals.propose(route, teacher, version=None, note="Перенесите курс на март", now=utcnow())
        db.session.commit()
        assert "Перенесите курс на март" in _notices(tutor)[-1][0]
        before = len(_notices(teacher))
        workflow.mark_done(route.steps[0], tutor, version=None, evidence="Сертификат", now=utcnow())
        db.session.rollback()  # the change is refused later in the request: its notice goes with it
        assert len(_notices(teacher)) == before


def test_groups_and_modules_tell_the_teacher(app, people):
    programme = make_programme()
    group = group_service.save_group(None, version=None, data=group_service.GroupData(
        programme_id=programme.id, name="Группа на одно место", source="application", association_id=None,
        tutor_id=people["tutor"].id, capacity=1, starts_on=None, ends_on=None))
    second = make_user("teacher", email="second@example.org")
    group_service.add_members(group, [people["teacher"], second], people["staff"])
    applicant = make_user("teacher", email="applicant@example.org")
    application = group_service.apply(group, applicant)
    group_service.decide(application, False, people["staff"])
    group_service.assign_module(programme.modules[0], due_on=date.today() + timedelta(days=20), actor=people["staff"],
                                group=group)
    db.session.commit()
    with app.test_request_context("/"):
        first, waiting, declined = (_notices(u) for u in (people["teacher"], second, applicant))
    assert "зачислены в группу «Группа на одно место»" in first[0][0]
    assert first[0][1] == f"/courses/programmes/{programme.id}"
    assert "лист" in waiting[0][0] and "ожидания" in waiting[0][0]
    assert "отклонена" in declined[0][0]
    assert "назначен модуль" in first[-1][0] and first[-1][1] == "/courses/assignments/"
    assert not any("назначен модуль" in text for text, _href in waiting)  # only members get the module


def test_opening_a_diagnostic_tells_its_audience(app, people):
    from assessments.models import Diagnostic, DiagnosticAudience, Framework
    from assessments.services import setup
    from courses.models import Enrolment, Group

    programme = make_programme()
    group = Group(programme_id=programme.id, name="Группа", capacity=10)
    db.session.add(group)
    db.session.flush()
    member = make_user("teacher", email="member@example.org")
    db.session.add(Enrolment(group_id=group.id, user_id=member.id, status="enrolled"))
    diagnostic = Diagnostic(framework=Framework(code="n", version="1", title="Рамка"), title="Цифровые компетенции",
                            opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 20))
    diagnostic.audience = [DiagnosticAudience(user_id=people["teacher"].id), DiagnosticAudience(group_id=group.id)]
    db.session.add(diagnostic)
    db.session.flush()
    setup.set_status(diagnostic, "open")
    setup.set_status(diagnostic, "open")  # opening again tells nobody twice
    db.session.commit()
    with app.test_request_context("/"):
        for person in (people["teacher"], member):
            (notice,) = _notices(person)
            assert "«Цифровые компетенции»" in notice[0] and "01.12.2026" in notice[0]
        assert _notices(people["tutor"]) == []


def test_a_notice_about_something_gone_leads_to_a_clear_page(login_as, people):
    """The route a notice spoke of no longer exists: the list still shows the notice, its link a clear 404."""
    db.session.add(Notification(user_id=people["teacher"].id, text="Ваш маршрут утверждён.",
                                endpoint="assessments.route", endpoint_args={"route_id": 987654}))
    db.session.commit()
    teacher = login_as("teacher")
    listed = teacher.get("/notifications/")
    assert listed.status_code == 200 and 'href="/assessments/routes/987654"' in listed.text
    gone = teacher.get("/assessments/routes/987654")
    assert gone.status_code == 404 and "не найден" in gone.text
