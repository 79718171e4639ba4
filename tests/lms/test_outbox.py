"""Side effects follow the commit: e-mail of a notice is sent only when its change commits, never for a change
that rolled back (or a savepoint that did), and a notice's link is built when it is shown, not by the service."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from lms import outbox
from lms.extensions import db
from lms.notifications.models import Notification
from lms.notifications.services import notify
from tests.factories import make_user
from tests.lms.test_errors_and_mail import smtp_server  # noqa: F401  (the local SMTP server)


def test_an_effect_runs_once_after_the_commit_and_never_after_a_rollback(app, people):
    ran = []
    outbox.after_commit(lambda: ran.append("kept"))
    db.session.flush()
    assert ran == [] and outbox.pending() == 1  # queued, not sent: the change is not durable yet
    db.session.commit()
    assert ran == ["kept"] and outbox.pending() == 0
    db.session.commit()
    assert ran == ["kept"]  # a later commit does not send it again

    outbox.after_commit(lambda: ran.append("rolled back"))
    db.session.rollback()
    db.session.commit()
    assert ran == ["kept"]


def test_a_savepoint_that_rolls_back_takes_its_effects_with_it(app, people):
    ran = []
    outbox.after_commit(lambda: ran.append("outer"))
    try:
        with db.session.begin_nested():
            outbox.after_commit(lambda: ran.append("refused step"))
            raise ValueError("a step was refused")
    except ValueError:
        pass
    with db.session.begin_nested():
        outbox.after_commit(lambda: ran.append("booked step"))
    db.session.commit()
    assert ran == ["outer", "booked step"]


def test_a_failing_effect_is_logged_and_the_commit_stands(app, people, caplog):
    def broken():
        raise OSError("the mail server is down")

    outbox.after_commit(broken)
    make_user("teacher", email="kept@example.org")
    db.session.commit()
    assert "A side effect after commit failed" in caplog.text
    db.session.expire_all()
    from lms.users.models import User

    assert db.session.scalar(select(User.id).where(User.email == "kept@example.org")) is not None


def test_the_notice_letter_is_sent_after_the_commit_with_its_link(app_factory, smtp_server):  # noqa: F811
    port, inbox = smtp_server
    app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, BASE_URL="https://m.example.ru",
                      MAIL_DEFAULT_SENDER="Методист <noreply@metodist.test>")
    with app.app_context():  # no request: as a signal from the CLI or a background job arrives
        teacher = make_user("teacher", email="notice@example.org")
        db.session.commit()
        notify([teacher], lambda: "Занятие перенесено", endpoint="courses.my_schedule",
               subject=lambda: "Методист: занятие перенесено")
        db.session.rollback()  # the change was refused: no notice, no letter
        notify([teacher], lambda: "Занятие отменено", endpoint="courses.my_schedule",
               subject=lambda: "Методист: занятие отменено")
        time.sleep(0.2)
        assert inbox.messages == []  # not before the commit
        db.session.commit()
        texts = list(db.session.scalars(select(Notification.text)))
    for _ in range(50):
        if inbox.messages:
            break
        time.sleep(0.05)
    assert texts == ["Занятие отменено"]
    (envelope,) = inbox.messages
    from email import message_from_bytes, policy

    body = message_from_bytes(envelope.content, policy=policy.default).get_content()
    assert "Занятие отменено" in body and "https://m.example.ru/courses/schedule" in body


def test_the_link_of_a_notice_is_built_when_it_is_shown(app, people, login_as):
    notify([people["teacher"]], lambda: "Есть место в группе", endpoint="courses.programme",
           args={"programme_id": 7})
    notify([people["teacher"]], lambda: "Старое уведомление", endpoint="courses.page_that_is_gone")
    db.session.commit()
    page = login_as("teacher").get("/notifications/").text
    assert 'href="/courses/programmes/7"' in page
    assert "Старое уведомление" in page  # a link that no longer resolves is left out, the notice stays


@pytest.mark.nodb
def test_services_never_build_urls():
    """A service runs from the CLI, a job or a signal receiver with no request: links are built when shown."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("lms", "courses", "assessments", "community"):
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if "services" not in parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                named = (isinstance(node, ast.Name) and node.id == "url_for"
                         or isinstance(node, ast.Attribute) and node.attr == "url_for"
                         or isinstance(node, ast.ImportFrom) and any(a.name == "url_for" for a in node.names))
                if named:
                    offenders.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    assert offenders == []
