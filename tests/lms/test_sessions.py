"""Server-side sessions: signing out, a new password or a deactivation end every copy of the cookies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from lms.auth.models import UserSession
from lms.extensions import db
from lms.models.mixins import utcnow
from lms.users.models import User
from lms.users.services import deactivate_user
from tests.conftest import Client
from tests.factories import PASSWORD


def _signed_in(app, remember: bool = True) -> Client:
    client = Client(app.test_client())
    data = {"email": "teacher@example.org", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data).status_code == 302
    return client


def _copy(app, client: Client, cookie: str) -> Client:
    """Another browser holding a copy of one of ``client``'s cookies (and nothing else)."""
    copy = Client(app.test_client())
    copy.raw.set_cookie(cookie, client.raw.get_cookie(cookie).value)
    return copy


def test_signing_out_ends_the_session_for_a_copied_session_or_remember_me_cookie(app, people):
    client = _signed_in(app)
    by_session, by_remember = _copy(app, client, "session"), _copy(app, client, "remember_token")
    assert by_session.get("/").status_code == 200
    assert by_remember.get("/").status_code == 200  # "remember me" signs a browser without a session in
    client.logout()
    assert client.get("/").status_code == 302
    assert by_session.get("/").status_code == 302
    assert by_remember.get("/").status_code == 302
    assert _copy(app, client, "session").get("/").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_signing_out_leaves_the_persons_other_devices_signed_in(app, people):
    phone, laptop = _signed_in(app, remember=False), _signed_in(app, remember=False)
    phone.logout()
    assert laptop.get("/").status_code == 200


def test_the_remember_me_cookie_expires_is_http_only_and_same_site(app, people):
    client = Client(app.test_client())
    response = client.post("/auth/login", {"email": "teacher@example.org", "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Expires=" in cookie
    # The server ends it too: a remembered session is refused once its fortnight is over.
    (row,) = db.session.scalars(select(UserSession)).all()
    assert row.remember and timedelta(days=13) < row.expires_at - utcnow() <= timedelta(days=14)
    db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _copy(app, client, "remember_token").get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_session_without_remember_me_ends_with_the_working_day_on_the_server(app, people):
    client = _signed_in(app, remember=False)
    row = db.session.scalars(select(UserSession)).one()
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    assert abs((row.expires_at - row.created_at).total_seconds() - lifetime) < 5
    assert row.user_agent  # the test client names itself, like any browser
    db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/").status_code == 302


def test_deactivating_an_account_ends_its_sessions_and_remembered_devices(app, people):
    client = _signed_in(app)
    copy = _copy(app, client, "remember_token")
    deactivate_user(db.session.get(User, people["teacher"].id))
    db.session.commit()
    assert client.get("/").status_code == 302
    assert copy.get("/").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_a_new_password_ends_the_remembered_devices_but_not_the_session_that_set_it(app, people):
    client, elsewhere = _signed_in(app), _signed_in(app)
    remembered = _copy(app, elsewhere, "remember_token")
    changed = client.post("/auth/password", {"current_password": PASSWORD, "password": "new-password-1",
                                             "confirm": "new-password-1"})
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    assert _copy(app, client, "remember_token").get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302 and remembered.get("/").status_code == 302


def test_a_cookie_holding_a_user_id_or_junk_signs_nobody_in(app, people):
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    for forged in (str(people["teacher"].id), f"{people['teacher'].id}:0", "x" * 43, "x" * 5000):
        client = Client(app.test_client())
        client.raw.set_cookie("session", serializer.dumps({"_user_id": forged, "_fresh": True}))
        assert client.get("/").status_code == 302, forged
