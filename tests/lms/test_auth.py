"""Signing in and out, CSRF, the login rate limit, password change and one-time reset links."""

from __future__ import annotations

import logging
import re
from datetime import UTC

from lms.extensions import db
from lms.users.models import User
from lms.users.services import deactivate_user, find_user_by_email
from tests.conftest import Client, isolated
from tests.factories import PASSWORD, make_user


def test_login_with_right_password_opens_the_dashboard(client, people):
    response = client.login("TEACHER@example.org ")  # case and spaces do not matter
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert "Мария Петровна" in page.text
    assert db.session.get(User, people["teacher"].id).last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_answer(client, people):
    wrong = client.login("teacher@example.org", "not-the-password")
    unknown = client.login("nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert "Неверный адрес эл. почты или пароль" in wrong.text
    assert "Неверный адрес эл. почты или пароль" in unknown.text
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in_and_loses_open_sessions(app, client, people, login_as):
    open_session = login_as("teacher")
    assert open_session.get("/").status_code == 200
    deactivate_user(db.session.get(User, people["teacher"].id))
    db.session.commit()
    assert open_session.get("/").status_code == 302  # the running session ended
    response = client.login("teacher@example.org")
    assert response.status_code == 200
    assert "отключена" in response.text


def test_post_without_csrf_token_is_rejected(client, people):
    response = client.post("/auth/login", {"email": "teacher@example.org", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_needs_csrf_and_ends_the_session(login_as):
    client = login_as("teacher")
    assert client.post("/auth/logout", csrf=False).status_code == 400
    assert client.get("/").status_code == 200
    client.logout()
    assert client.get("/").status_code == 302


def test_login_rate_limit_counts_failures(app_factory, database_url):
    app = app_factory(LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        make_user("teacher", email="limited@example.org")
        db.session.commit()
    client = Client(app.test_client())
    statuses = [client.login("limited@example.org", "wrong-password").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Слишком много неудачных попыток" in client.login("limited@example.org").text


def test_successful_logins_do_not_use_up_the_limit(app_factory):
    app = app_factory(LOGIN_RATE_LIMIT="2 per minute")
    with app.app_context():
        make_user("teacher", email="often@example.org")
        db.session.commit()
    for _ in range(4):
        client = Client(app.test_client())
        assert client.login("often@example.org").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, people):
    data = {"email": "teacher@example.org", "password": PASSWORD}
    response = client.post("/auth/login?next=//evil.example/phish", data)
    assert response.headers["Location"] == "/"
    client.logout()
    response = client.post("/auth/login?next=https://evil.example/", data)
    assert response.headers["Location"] == "/"
    client.logout()
    response = client.post("/auth/login?next=/admin/users/", data)
    assert response.headers["Location"] == "/admin/users/"


def test_password_change_requires_current_password_and_ends_other_sessions(login_as, people):
    first, second = login_as("teacher"), login_as("teacher")
    refused = first.post("/auth/password", {"current_password": "wrong", "password": "new-password-1",
                                            "confirm": "new-password-1"})
    assert refused.status_code == 200 and "Текущий пароль указан неверно" in refused.text
    changed = first.post("/auth/password", {"current_password": PASSWORD, "password": "new-password-1",
                                            "confirm": "new-password-1"})
    assert changed.status_code == 302
    assert first.get("/").status_code == 200  # the session that changed it stays signed in
    assert second.get("/").status_code == 302  # every other session is signed out
    fresh = Client(first.raw.application.test_client())
    assert fresh.login("teacher@example.org", PASSWORD).status_code == 200
    assert fresh.login("teacher@example.org", "new-password-1").status_code == 302


def test_short_password_is_refused(login_as):
    client = login_as("teacher")
    response = client.post("/auth/password", {"current_password": PASSWORD, "password": "short",
                                              "confirm": "short"})
    assert response.status_code == 200 and "не менее 8 символов" in response.text


def _reset_link(caplog) -> str:
    messages = "\n".join(r.getMessage() for r in caplog.records)
    links = re.findall(r"http://127\.0\.0\.1:5000/auth/reset/[\w.\-]+", messages)
    assert links, messages
    return links[-1].replace("http://127.0.0.1:5000", "")


def test_reset_link_is_logged_in_development_and_works_once(client, people, caplog):
    caplog.set_level(logging.WARNING)
    response = client.post("/auth/forgot", {"email": "teacher@example.org"})
    assert response.status_code == 302
    link = _reset_link(caplog)
    assert client.get(link).status_code == 200
    done = client.post(link, {"password": "brand-new-pass", "confirm": "brand-new-pass"})
    assert done.status_code == 302
    assert client.login("teacher@example.org", "brand-new-pass").status_code == 302
    client.logout()
    again = client.get(link)
    assert again.status_code == 400 and "уже была использована" in again.text
    assert client.post(link, {"password": "another-pass-9", "confirm": "another-pass-9"}).status_code == 400


def test_reset_request_for_unknown_address_sends_nothing_and_says_the_same(client, people, caplog):
    caplog.set_level(logging.WARNING)
    response = client.post("/auth/forgot", {"email": "nobody@example.org"}, follow_redirects=True)
    assert "Если этот адрес указан в действующей учётной записи" in response.text
    assert "/auth/reset/" not in "\n".join(r.getMessage() for r in caplog.records)


def test_tampered_reset_token_is_refused(client, people, caplog):
    caplog.set_level(logging.WARNING)
    client.post("/auth/forgot", {"email": "teacher@example.org"})
    link = _reset_link(caplog)
    assert client.get(link[:-3] + "abc").status_code == 400


def test_imported_teacher_without_password_cannot_sign_in_until_link_used(client, app, caplog):
    make_user("teacher", email="nopass@example.org", password=None)
    db.session.commit()
    assert client.login("nopass@example.org", "").status_code == 200
    assert client.login("nopass@example.org", "anything-at-all").status_code == 200
    caplog.set_level(logging.WARNING)
    client.post("/auth/forgot", {"email": "nopass@example.org"})
    client.post(_reset_link(caplog), {"password": "first-password", "confirm": "first-password"})
    assert client.login("nopass@example.org", "first-password").status_code == 302


def test_security_headers_and_cookie_flags(client, people):
    page = client.get("/auth/login")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert page.headers["Cache-Control"] == "no-store"
    response = client.login("teacher@example.org")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app_factory):
    app = app_factory()
    assert app.config["SESSION_COOKIE_SECURE"] is False  # tests and development run on plain HTTP
    from lms.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True and ProductionConfig.REMEMBER_COOKIE_SECURE is True


def test_rate_limit_is_shared_by_workers_through_redis(app_factory):
    """Two app instances (two gunicorn workers) with one Redis: failures on either count together."""
    import os

    import pytest
    import redis

    url = os.environ.get("LMS_TEST_REDIS_URL")
    if not url:
        pytest.skip("set LMS_TEST_REDIS_URL (.ci/run starts a Redis server) to test shared rate limits")
    redis.Redis.from_url(url).flushdb()
    first = app_factory(REDIS_URL=url, LOGIN_RATE_LIMIT="3 per minute")
    second = app_factory(REDIS_URL=url, LOGIN_RATE_LIMIT="3 per minute")
    assert first.config["RATELIMIT_STORAGE_URI"] == url
    with first.app_context():
        make_user("teacher", email="shared@example.org")
        db.session.commit()
    a, b = Client(first.test_client()), Client(second.test_client())
    statuses = [c.login("shared@example.org", "wrong").status_code for c in (a, b, a, b)]
    assert statuses == [200, 200, 200, 429]
    redis.Redis.from_url(url).flushdb()


def test_reset_link_ignores_a_forged_host_header(app_factory, caplog):
    app = app_factory(PROXY_COUNT=1)  # behind a proxy, as in production
    with app.app_context():
        make_user("teacher", email="victim@example.org")
        db.session.commit()
    caplog.set_level(logging.WARNING)
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
              "Referer": "https://evil.example/auth/forgot"}
    raw = app.test_client()
    page = raw.get("/auth/forgot", headers=forged)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    response = raw.post("/auth/forgot", data={"email": "victim@example.org", "csrf_token": token}, headers=forged)
    assert response.status_code == 302
    messages = "\n".join(r.getMessage() for r in caplog.records)
    assert "evil.example" not in messages and "http://127.0.0.1:5000/auth/reset/" in messages


def test_reset_link_dies_when_the_email_changes(client, people, caplog):
    caplog.set_level(logging.WARNING)
    client.post("/auth/forgot", {"email": "teacher@example.org"})
    link = _reset_link(caplog)
    teacher = db.session.get(User, people["teacher"].id)
    teacher.email = "corrected@example.org"
    db.session.commit()
    assert client.get(link).status_code == 400


def test_a_dead_mail_server_does_not_reveal_accounts(app_factory):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        make_user("teacher", email="known@example.org")
        make_user("admin", email="boss@example.org")
        db.session.commit()
        known_id = find_user_by_email("known@example.org").id
    client = Client(app.test_client())
    known = client.post("/auth/forgot", {"email": "known@example.org"})
    unknown = client.post("/auth/forgot", {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    admin = Client(app.test_client())
    admin.login("boss@example.org")
    page = admin.post(f"/admin/users/{known_id}/send-link", follow_redirects=True)
    assert "Не удалось отправить письмо" in page.text


def test_one_account_is_protected_from_guesses_coming_from_many_addresses(app_factory):
    app = app_factory(LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    with app.app_context():
        make_user("teacher", email="target@example.org")
        db.session.commit()
    statuses = []
    for n in range(4):
        client = Client(app.test_client())
        token = client.csrf_token()
        response = isolated(client.raw.post, "/auth/login",
                            data={"email": "target@example.org", "password": "guess", "csrf_token": token},
                            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]


def test_csrf_failure_page_is_translated(client):
    response = client.post("/auth/login", {"email": "x@example.org", "password": "y"}, csrf=False)
    assert response.status_code == 400 and "Форма устарела" in response.text


def test_wrong_method_page_is_translated(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405 and "Код ошибки: 405" in response.text


def test_sessions_expire_and_remember_me_lasts_two_weeks(client, people):
    response = client.post("/auth/login", {"email": "teacher@example.org", "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    assert "Expires=" in session_cookie  # bounded by PERMANENT_SESSION_LIFETIME, not open-ended
    from datetime import datetime
    from email.utils import parsedate_to_datetime

    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember_cookie).group(1))
    days = (expires - datetime.now(UTC)).days
    assert 13 <= days <= 14
