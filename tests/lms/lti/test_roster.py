"""Names and Role Provisioning: staff import the peer platform's course roster, paged, matched like launches."""

from __future__ import annotations

import re

import requests
from sqlalchemy import func, select

from lms.extensions import db
from lms.lti import roster
from lms.lti.models import LtiIdentity, LtiLaunch
from lms.users.models import User
from tests.factories import make_programme, make_user
from tests.lms.lti.conftest import post_launch, start_launch

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


def test_staff_import_a_paged_roster_matching_members_like_launches(peers, monkeypatch):
    monkeypatch.setattr(roster, "PAGE_SIZE", 2)  # five members: three pages, followed by Link rel=next
    members = [{"user_id": "learner-1", "roles": [LIS + "Learner"], "name": "Анна Смирнова"},
               {"user_id": "s-2", "roles": [LIS + "Learner"], "given_name": "Борис", "family_name": "Петров"},
               {"user_id": "t-3", "roles": [LIS + "Instructor"], "name": "Вера Павлова"},
               {"user_id": "gone-4", "roles": [LIS + "Learner"], "status": "Inactive"},
               {"user_id": "s-5", "roles": [LIS + "Learner", LIS + "Administrator"]}]
    peers.configure(members=members)
    with peers.app.app_context():
        resource = f"programme:{make_programme().id}"
        make_user("staff", email="centre@example.org")
        db.session.commit()
    learner = requests.Session()  # learner-1 launched before: the import finds them, not a twin
    assert post_launch(learner, start_launch(learner, peers, user="learner-1",
                                             resource=resource)).status_code == 302
    staff = requests.Session()
    login = staff.get(peers.tool + "/auth/login", timeout=10)
    staff.post(peers.tool + "/auth/login", data={"csrf_token": CSRF_RE.search(login.text).group(1),
                                                 "email": "centre@example.org", "password": "correct-horse-42"},
               timeout=10)
    page = staff.get(peers.tool + "/lti/rosters", timeout=10)
    assert page.status_code == 200 and "course-1" in page.text
    action = re.search(r'action="(/lti/rosters/\d+/import)"', page.text).group(1)
    done = staff.post(peers.tool + action, data={"csrf_token": CSRF_RE.search(page.text).group(1)}, timeout=10)
    assert done.status_code == 200
    with peers.app.app_context():
        identities = {i.subject: db.session.get(User, i.user_id) for i in db.session.scalars(select(LtiIdentity))}
        assert set(identities) == {"learner-1", "s-2", "t-3", "s-5"}  # the inactive member is left out
        assert identities["t-3"].role_codes == {"tutor"} and identities["s-5"].role_codes == {"teacher", "staff"}
        assert identities["s-2"].full_name == "Петров Борис"
        assert db.session.scalar(select(func.count()).select_from(User)) == 5  # four members + the staff member
        launch_id = db.session.scalar(select(LtiLaunch.id))
    # Importing again, into a group of one place this time, creates nobody and fills the group.
    with peers.app.app_context():
        from courses.models import Enrolment, Group

        group = Group(programme_id=make_programme().id, name="Группа с платформы", capacity=1)
        db.session.add(group)
        db.session.commit()
        group_id = group.id
    page = staff.get(peers.tool + "/lti/rosters", timeout=10)
    assert "Группа с платформы" in page.text
    placed = staff.post(peers.tool + action, data={"csrf_token": CSRF_RE.search(page.text).group(1),
                                                   "target": str(group_id)}, timeout=10)
    assert "1 в группе, 2 в листе ожидания" in placed.text  # the tutor (t-3) is not a teacher: left out
    with peers.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 5
        statuses = sorted(db.session.scalars(select(Enrolment.status).where(Enrolment.group_id == group_id)))
        assert statuses == ["enrolled", "waiting", "waiting"]
        assert launch_id


def test_a_roster_the_platform_refuses_is_a_message_not_a_500(peers):
    with peers.app.app_context():
        resource = f"programme:{make_programme().id}"
        db.session.commit()
    learner = requests.Session()
    post_launch(learner, start_launch(learner, peers, resource=resource))
    # The platform cannot check our client assertion any more (it looks for our keys elsewhere): it refuses a token.
    peers.configure(tool="http://127.0.0.1:9")
    with peers.app.app_context():
        launch = db.session.scalar(select(LtiLaunch))
        try:
            roster.import_roster(launch)
        except Exception as exc:  # noqa: BLE001  (the type is the point)
            assert type(exc).__name__ == "ServiceError", exc
        else:
            raise AssertionError("the import should have been refused")
