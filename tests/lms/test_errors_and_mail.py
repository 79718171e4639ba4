"""The 500 page loses nothing it should not, and the SMTP backend really sends (to a local server)."""

from __future__ import annotations

import socket
import time

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.users.models import User
from tests.conftest import Client
from tests.factories import make_user


def test_an_unexpected_error_shows_the_500_page_and_rolls_back(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        make_user("teacher", email="half-done@example.org")  # flushed, never committed
        raise RuntimeError("boom")

    client = Client(app.test_client())
    response = client.get("/boom")
    assert response.status_code == 500 and "Что-то пошло не так" in response.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "half-done@example.org")) is None


def test_a_save_refused_by_a_unique_index_is_a_message_not_a_500(app, people):
    """What a double click can still send past the services' own checks becomes a message to reload."""
    from flask import get_flashed_messages

    from lms.forms import ActionForm
    from lms.users.models import Subject
    from lms.web import save

    db.session.add(Subject(name="Астрономия"))
    db.session.commit()

    def second_insert():
        db.session.add(Subject(name="Астрономия"))
        db.session.flush()
        return "saved"

    with app.test_request_context("/", method="POST"):
        assert save(ActionForm(meta={"csrf": False}), second_insert) is None
        assert any("в тот же момент" in text for text in get_flashed_messages())
    assert db.session.scalar(select(func.count()).select_from(Subject).where(Subject.name == "Астрономия")) == 1


def test_upload_over_the_size_limit_gets_the_413_page(app_factory):
    app = app_factory(MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        make_user("staff", email="s@example.org")
        db.session.commit()
    client = Client(app.test_client())
    client.login("s@example.org")
    import io

    response = client.post("/admin/users/import", {"file": (io.BytesIO(b"x" * 4096), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "Слишком большой файл" in response.text


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_smtp_backend_delivers_the_password_link(app_factory, smtp_server):
    port, inbox = smtp_server
    app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      MAIL_DEFAULT_SENDER="Методист <noreply@metodist.test>")
    with app.app_context():
        make_user("teacher", email="mailme@example.org", first_name="Ольга", middle_name="Ивановна")
        db.session.commit()
    client = Client(app.test_client())
    assert client.post("/auth/forgot", {"email": "mailme@example.org"}).status_code == 302
    for _ in range(50):
        if inbox.messages:
            break
        time.sleep(0.05)
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == ["mailme@example.org"]
    from email import message_from_bytes, policy

    message = message_from_bytes(envelope.content, policy=policy.default)
    assert "пароля" in message["Subject"]
    body = message.get_content()
    assert "Ольга Ивановна" in body and "http://127.0.0.1:5000/auth/reset/" in body


def test_a_database_that_does_not_answer_gets_a_503_page_that_needs_no_database(tmp_path):
    """A restart or failover of PostgreSQL: the person is told to retry, in Russian, and nothing else breaks."""
    from lms import create_app
    from tests.conftest import app_config

    # A database that cannot be opened: every connection fails as one refused by a restarting server does.
    app = create_app(app_config(f"sqlite:///{tmp_path}/no-such-folder/metodist.sqlite3", PROPAGATE_EXCEPTIONS=False))
    client = Client(app.test_client())
    response = client.post("/auth/login", data={"email": "someone@example.org", "password": "whatever-it-is"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "Сервис ненадолго недоступен" in response.text and "сохранено" in response.text


def test_a_host_outside_the_trusted_ones_is_refused_with_a_400_not_a_500(app_factory):
    app = app_factory(TRUSTED_HOSTS=["metodist.example.ru"], PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    for method in (client.get, client.post):
        refused = method("/auth/login", headers={"Host": "attacker.example"})
        assert refused.status_code == 400
        assert "Ничего не изменено" in refused.text
    assert client.get("/healthz", headers={"Host": "metodist.example.ru"}).status_code == 200
