"""courses.api: one definition of membership and of a tutor supporting a teacher, the same for every plugin and
for both kinds of practical work."""

from __future__ import annotations

import pytest

from courses import api
from courses.models import Enrolment
from courses.permissions import can_review
from courses.services import assignments
from courses.services import groups as group_service
from lms.extensions import db
from tests.factories import hand_in_task, make_programme, make_user


@pytest.fixture
def full_group(app, people):
    """The tutor's group of one place: a member, then the teacher of ``people`` on its waiting list."""
    programme = make_programme()
    group = group_service.save_group(None, version=None, data=group_service.GroupData(
        programme_id=programme.id, name="Группа на одно место", source="administration", association_id=None,
        tutor_id=people["tutor"].id, capacity=1, starts_on=None, ends_on=None))
    member = make_user("teacher", email="member@example.org")
    group_service.add_members(group, [member, people["teacher"]], people["staff"])
    db.session.commit()
    return group, member, programme


def test_membership_standing_and_support_have_one_meaning(full_group, people):
    group, member, _programme = full_group
    waiting, tutor = people["teacher"], people["tutor"]
    assert api.standing_in(group.id, waiting.id) == "waiting"
    assert set(db.session.scalars(api.member_ids(group.id))) == {member.id}
    assert group.id not in set(db.session.scalars(api.group_ids_of(waiting.id)))
    assert group.id in set(db.session.scalars(api.group_ids_of(waiting.id, standing=True)))
    assert api.supports(tutor.id, waiting.id) and api.supports(tutor.id, member.id)
    assert api.tutor_of(member.id) == tutor.id and api.tutor_of(waiting.id) is None  # a member's group only
    stranger = make_user("tutor", email="other-tutor@example.org")
    assert not api.supports(stranger.id, waiting.id)

    enrolment = db.session.query(Enrolment).filter_by(group_id=group.id, user_id=waiting.id).one()
    group_service.withdraw(enrolment, people["staff"])
    assert not api.supports(tutor.id, waiting.id)  # a withdrawn teacher is no longer the tutor's


def test_a_waiting_teachers_course_work_and_diagnostic_work_follow_the_same_rule(full_group, people):
    """Before, a tutor could score a waiting-list teacher's diagnostic task but not their course assignment."""
    from assessments.services import practical

    group, _member, programme = full_group
    task = assignments.save_task(programme.modules[0], None, version=None, title="План", instructions="",
                                 rubric_text="Цель — 2", pass_points=1)
    course_work = hand_in_task(task, people["teacher"])
    diagnostic_work = api.hand_in_work(people["teacher"], source=practical.SOURCE, ref="1:1", title="Практика",
                                       rubric=[{"name": "Всё", "max": 2}], text="Работа", link=None, upload=None,
                                       now=course_work.submitted_at)
    db.session.commit()
    tutor = people["tutor"]
    assert can_review(tutor, course_work) and can_review(tutor, diagnostic_work)
    other_programme = make_programme()
    foreign = hand_in_task(assignments.save_task(other_programme.modules[0], None, version=None, title="Чужое",
                                                 instructions="", rubric_text="Цель — 2", pass_points=1),
                           people["teacher"])
    assert not can_review(tutor, foreign)  # a course's work is reviewed through a group of its programme


def test_route_bookings_go_through_the_api(full_group, people):
    group, member, _programme = full_group
    newcomer = make_user("teacher", email="newcomer@example.org")
    assert api.enrol(group.id, newcomer, people["staff"]) == "waiting"  # full: the waiting list, not a refusal
    assert api.withdraw(group.id, newcomer.id, people["staff"]) is True
    assert api.withdraw(group.id, newcomer.id, people["staff"]) is False  # nothing left to give back
    group.status = "finished"
    with pytest.raises(Exception, match="группа больше не работает"):
        api.enrol(group.id, newcomer, people["staff"])
