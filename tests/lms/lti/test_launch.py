"""Launches from a real LTI 1.3 platform (lti1p3platform, its own process) into our app served over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from lms.extensions import db
from lms.i18n import local_today
from lms.lti.models import LtiIdentity, LtiLaunch
from lms.users.models import User
from tests.factories import make_programme, make_user
from tests.lms.lti.conftest import post_launch, start_launch


def _programme(peers, status="published"):
    with peers.app.app_context():
        programme = make_programme(status=status)
        db.session.commit()
        return programme.id, programme.title


def test_learner_launch_signs_in_a_new_teacher_and_opens_the_programme(peers):
    programme_id, title = _programme(peers)
    browser = requests.Session()
    form = start_launch(browser, peers, user="learner-7", resource=f"programme:{programme_id}",
                        name="Анна Смирнова", email="anna@school.example")
    landed = post_launch(browser, form)
    assert landed.status_code == 302, landed.text
    assert landed.headers["Location"].endswith(f"/courses/programmes/{programme_id}")
    page = browser.get(peers.tool + landed.headers["Location"], timeout=10)
    assert page.status_code == 200 and title in page.text
    with peers.app.app_context():
        identity = db.session.scalar(select(LtiIdentity))
        assert (identity.issuer, identity.subject) == (peers.platform, "learner-7")
        user = db.session.get(User, identity.user_id)
        assert user.role_codes == {"teacher"} and user.email == "anna@school.example" and user.password_hash is None
        launch = db.session.scalar(select(LtiLaunch))
        assert (launch.resource_kind, launch.resource_ref, launch.user_id) == ("programme", programme_id, user.id)
        assert launch.lineitem_url == peers.platform + "/lineitems/link-1"
        assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in launch.ags_scopes


def test_second_launch_finds_the_same_user_and_an_email_never_links_an_account(peers):
    programme_id, _title = _programme(peers)
    with peers.app.app_context():
        make_user("admin", email="head@school.example")
        db.session.commit()
    for _ in range(2):
        browser = requests.Session()
        form = start_launch(browser, peers, user="instructor-1", resource=f"programme:{programme_id}",
                            roles=["Instructor", "Administrator"], email="head@school.example")
        assert post_launch(browser, form).status_code == 302
    with peers.app.app_context():
        identities = list(db.session.scalars(select(LtiIdentity)))
        assert len(identities) == 1
        user = db.session.get(User, identities[0].user_id)
        # The head of service's e-mail did not hand the platform their account, and admin is never granted.
        assert user.email != "head@school.example" and user.email.endswith("@lti.invalid")
        assert user.role_codes == {"tutor", "staff"}


def open_diagnostic(title="Диагностика ИКТ") -> int:
    """An open diagnostic addressed to one teacher of ours (built as staff build one)."""
    from assessments import demo
    from assessments.services import bank
    from assessments.services import framework as frameworks
    from assessments.services.setup import DiagnosticData, save_diagnostic, set_status

    framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
    bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
    today = local_today()
    made = save_diagnostic(framework, DiagnosticData(
        title=title, opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=1),
        competencies=[c for d in framework.domains for c in d.competencies][:2], max_per_competency=2,
        user_ids=[make_user("teacher").id]))
    db.session.add(made)
    db.session.flush()
    set_status(made, "open")
    db.session.commit()
    return made.id


def test_diagnostic_launch_addresses_it_to_the_learner_who_can_start_it(peers):
    with peers.app.app_context():
        diagnostic_id = open_diagnostic()
    browser = requests.Session()
    landed = post_launch(browser, start_launch(browser, peers, resource=f"diagnostic:{diagnostic_id}"))
    assert landed.status_code == 302 and "/assessments/" in landed.headers["Location"]
    page = browser.get(peers.tool + landed.headers["Location"], timeout=10)
    assert "Диагностика ИКТ" in page.text
    assert f"/assessments/diagnostics/{diagnostic_id}/start" in page.text


def test_archived_or_unknown_content_is_a_clear_page_and_creates_nothing(peers, caplog):
    from assessments.models import Diagnostic
    from assessments.services.setup import set_status

    archived_id, _title = _programme(peers, status="archived")
    with peers.app.app_context():
        closed_id = open_diagnostic()
        set_status(db.session.get(Diagnostic, closed_id), "closed")
        db.session.commit()
        teachers = db.session.scalar(select(func.count()).select_from(User))
    for resource, status in ((f"programme:{archived_id}", 410), (f"diagnostic:{closed_id}", 410),
                             ("programme:999999", 404), ("nothing:1", 404)):
        browser = requests.Session()
        response = post_launch(browser, start_launch(browser, peers, resource=resource))
        assert response.status_code == status, resource
        assert "<h1>" in response.text and "Traceback" not in response.text
    assert "is not available (archived or closed)" in caplog.text and "no programme 999999" in caplog.text
    assert f"diagnostic {closed_id} is not available" in caplog.text
    with peers.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == teachers  # nobody provisioned
        assert db.session.scalar(select(func.count()).select_from(LtiLaunch)) == 0


def test_first_launches_of_one_person_at_the_same_moment_make_one_account(peers):
    """A double click on the platform's link is two logins and two launches of a person we do not know yet:
    each lands on the content, one account and one identity are made (the second launch matches the first's)."""
    import threading

    with peers.app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL only (SQLite serialises the whole database)")
    programme_id, _title = _programme(peers)
    for person in range(3):
        forms, browsers = [], []
        for _ in range(3):
            browser = requests.Session()
            forms.append(start_launch(browser, peers, user=f"twin-{person}", resource=f"programme:{programme_id}",
                                      name="Ольга Петрова", email=f"olga{person}@school.example"))
            browsers.append(browser)
        gate, answers = threading.Barrier(len(forms)), [None] * len(forms)
        threads = [threading.Thread(target=_send_at_once, args=(gate, answers, n, browsers[n], forms[n]))
                   for n in range(len(forms))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [302] * len(forms), answers
    with peers.app.app_context():
        subjects = list(db.session.scalars(select(LtiIdentity.subject)))
        assert sorted(subjects) == ["twin-0", "twin-1", "twin-2"]
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email.like("olga%"))) == 3


def _send_at_once(gate, answers, n, browser, form) -> None:
    gate.wait()
    answers[n] = post_launch(browser, form).status_code
