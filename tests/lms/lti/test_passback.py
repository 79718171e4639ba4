"""Scores go back to the peer platform's line item when a launched module is completed or a launched
diagnostic finished: retried with backoff, logged for staff, resent on request, tokens cached."""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from lms.extensions import db
from lms.lti.models import LtiPassback
from tests.factories import make_programme, make_user
from tests.lms.lti.conftest import post_launch, start_launch
from tests.lms.lti.test_launch import open_diagnostic

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _launched_module(peers, user="learner-1", link="link-1"):
    """A learner launched a one-lesson module; returns their browser and the lesson id."""
    with peers.app.app_context():
        programme = make_programme(modules=2, lessons=1)
        db.session.commit()
        module_id, lesson_id = programme.modules[0].id, programme.modules[0].lessons[0].id
    browser = requests.Session()
    landed = post_launch(browser, start_launch(browser, peers, user=user, resource=f"module:{module_id}",
                                               link=link))
    assert landed.status_code == 302 and f"#module-{module_id}" in landed.headers["Location"]
    return browser, lesson_id


def _study(peers, browser, lesson_id):
    page = browser.get(f"{peers.tool}/courses/lessons/{lesson_id}", timeout=10)
    token = CSRF_RE.search(page.text).group(1)
    done = browser.post(f"{peers.tool}/courses/lessons/{lesson_id}/studied", data={"csrf_token": token},
                        allow_redirects=False, timeout=10)
    assert done.status_code == 302


def _rows(peers):
    with peers.app.app_context():
        return [(row.status, row.attempts, row.last_answer) for row in
                db.session.scalars(select(LtiPassback).order_by(LtiPassback.id))]


def test_a_completed_module_sends_its_score_to_the_launch_line_item(peers):
    browser, lesson_id = _launched_module(peers)
    _study(peers, browser, lesson_id)
    scores = peers.received()["scores"]
    assert len(scores) == 1  # the module's link; its programme was never launched over LTI
    score = scores[0]
    assert score["lineitem"] == "/lineitems/link-1"
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("learner-1", 100, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert [status for status, _n, _a in _rows(peers)] == ["sent"]


def test_a_busy_platform_is_retried_and_tokens_are_cached_per_platform_and_scope(peers):
    peers.configure(fail_scores=1)  # the first score POST answers 503
    browser, lesson_id = _launched_module(peers)
    _study(peers, browser, lesson_id)
    assert [row[:2] for row in _rows(peers)] == [("sent", 2)]
    other, other_lesson = _launched_module(peers, user="learner-2", link="link-2")
    _study(peers, other, other_lesson)
    received = peers.received()
    assert len(received["scores"]) == 2
    assert received["token_requests"] == 1  # one token for both users and all three score POSTs


def test_a_refused_score_is_logged_with_the_platform_answer_and_staff_resend_it(peers):
    peers.configure(fail_scores=3)  # more 503s than tries: it fails
    browser, lesson_id = _launched_module(peers)
    _study(peers, browser, lesson_id)
    ((status, attempts, answer),) = _rows(peers)
    assert (status, attempts) == ("failed", 3) and "503" in answer and "busy, try later" in answer
    with peers.app.app_context():
        make_user("staff", email="centre@example.org")
        db.session.commit()
    staff = requests.Session()
    login = staff.get(peers.tool + "/auth/login", timeout=10)
    staff.post(peers.tool + "/auth/login", data={"csrf_token": CSRF_RE.search(login.text).group(1),
                                                 "email": "centre@example.org", "password": "correct-horse-42"},
               timeout=10)
    log = staff.get(peers.tool + "/lti/passbacks", timeout=10)
    assert log.status_code == 200 and "busy, try later" in log.text
    resend = re.search(r'action="(/lti/passbacks/\d+/resend)"', log.text).group(1)
    staff.post(peers.tool + resend, data={"csrf_token": CSRF_RE.search(log.text).group(1)}, timeout=10)
    assert _rows(peers)[0][0] == "sent" and len(peers.received()["scores"]) == 1
    # A learner cannot see the log.
    assert browser.get(peers.tool + "/lti/passbacks", allow_redirects=False, timeout=10).status_code == 403


def test_a_finished_diagnostic_sends_its_overall_result(peers):
    with peers.app.app_context():
        diagnostic_id = open_diagnostic()
    browser = requests.Session()
    form = start_launch(browser, peers, user="learner-9", resource=f"diagnostic:{diagnostic_id}")
    landed = post_launch(browser, form)
    home = browser.get(peers.tool + landed.headers["Location"], timeout=10)
    start = browser.post(f"{peers.tool}/assessments/diagnostics/{diagnostic_id}/start",
                         data={"csrf_token": CSRF_RE.search(home.text).group(1)}, timeout=10)
    page = start
    for _ in range(60):
        if "/result" in page.url:
            break
        form = re.search(r'<form[^>]+action="([^"]*/answer)"', page.text)
        assert form, page.text[:3000]
        item = re.search(r'name="item_id" value="(\d+)"', page.text).group(1)
        option = re.search(r'name="option"[^>]*value="(\d+)"', page.text).group(1)
        page = browser.post(peers.tool + form.group(1), data={
            "csrf_token": CSRF_RE.search(page.text).group(1), "item_id": item, "option": option}, timeout=10)
    scores = peers.received()["scores"]
    assert len(scores) == 1 and scores[0]["userId"] == "learner-9" and 0 <= scores[0]["scoreGiven"] <= 100
    assert "Competencies at the target level" in scores[0]["comment"] or "целевом" in scores[0]["comment"]



def test_a_launched_lesson_scores_once_it_is_studied(peers):
    with peers.app.app_context():
        programme = make_programme(modules=1, lessons=2)
        db.session.commit()
        lesson_id = programme.modules[0].lessons[0].id
    browser = requests.Session()
    landed = post_launch(browser, start_launch(browser, peers, user="learner-3", resource=f"lesson:{lesson_id}",
                                               link="link-lesson"))
    assert landed.status_code == 302
    _study(peers, browser, lesson_id)
    _study(peers, browser, lesson_id)  # a second mark (another tab) sends nothing more
    scores = peers.received()["scores"]
    assert [(s["lineitem"], s["scoreGiven"]) for s in scores] == [("/lineitems/link-lesson", 100)]


def test_an_unreachable_token_endpoint_fails_the_score_not_the_learners_page(peers):
    """The platform's token URL answers nothing (a closed port): the lesson is still marked studied, the
    passback is retried and then failed with the reason in the log staff read, and a resend works once the
    platform is back."""
    import socket

    from lms.lti.models import LtiPlatform

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/token"
    with peers.app.app_context():
        platform = db.session.get(LtiPlatform, peers.platform_id)
        real, platform.auth_token_url = platform.auth_token_url, dead
        db.session.commit()
    browser, lesson_id = _launched_module(peers)
    _study(peers, browser, lesson_id)  # a redirect, not an error page
    ((status, attempts, answer),) = _rows(peers)
    assert (status, attempts) == ("failed", 3) and "unreachable" in answer
    assert peers.received()["scores"] == []
    with peers.app.app_context():
        db.session.get(LtiPlatform, peers.platform_id).auth_token_url = real
        from lms.lti import passback

        passback.resend(db.session.scalar(select(LtiPassback)))
        db.session.commit()
    assert _rows(peers)[0][0] == "sent" and len(peers.received()["scores"]) == 1
