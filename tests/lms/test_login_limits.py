"""The sign-in limits: per account and address, per account (slower) and per address (high)."""

from __future__ import annotations

from lms.extensions import db
from tests.conftest import Client
from tests.factories import PASSWORD, make_user


def _attempts(app, email: str, address: str, count: int, password: str = "a-wrong-guess") -> list[int]:
    """``count`` sign-ins from ``address`` in one browser; their status codes."""
    client = Client(app.test_client())
    token = client.csrf_token()
    return [client.post("/auth/login", {"email": email, "password": password, "csrf_token": token},
                        environ_base={"REMOTE_ADDR": address}).status_code for _ in range(count)]


def test_guesses_from_elsewhere_do_not_lock_the_owner_out(app_factory):
    app = app_factory()  # the shipped limits
    with app.app_context():
        make_user("teacher", email="owner@example.org")
        db.session.commit()
    # Ten wrong passwords stop the guesser's address; what it tries after the refusal counts for nothing more.
    statuses = _attempts(app, "owner@example.org", "198.51.100.7", 40)
    assert statuses[:10] == [200] * 10 and set(statuses[10:]) == {429}
    assert _attempts(app, "owner@example.org", "203.0.113.20", 1, PASSWORD) == [302]


def test_a_schools_shared_address_does_not_lock_its_teachers_out(app_factory):
    app = app_factory()
    with app.app_context():
        emails = [make_user("teacher", email=f"school{n}@example.org").email for n in range(8)]
        db.session.commit()
    school = "192.0.2.10"  # every teacher of the school comes from its router's address
    assert _attempts(app, emails[0], school, 11)[-1] == 429  # one teacher keeps getting it wrong …
    for email in emails[1:]:  # … and the others, each mistyping once, still sign in from the same address
        assert _attempts(app, email, school, 1) == [200]
        assert _attempts(app, email, school, 1, PASSWORD) == [302], email


def test_guessing_one_account_from_many_addresses_is_stopped_for_every_address(app_factory):
    app = app_factory(LOGIN_ACCOUNT_RATE_LIMIT="5 per hour")
    with app.app_context():
        make_user("teacher", email="target@example.org")
        db.session.commit()
    statuses = [_attempts(app, "target@example.org", f"10.0.1.{n}", 1)[0] for n in range(1, 8)]
    assert statuses == [200] * 5 + [429, 429]


def test_one_address_trying_many_accounts_is_stopped(app_factory):
    app = app_factory(LOGIN_ADDRESS_RATE_LIMIT="4 per minute")
    with app.app_context():
        emails = [make_user("teacher", email=f"spray{n}@example.org").email for n in range(6)]
        db.session.commit()
    statuses = [_attempts(app, email, "10.9.9.9", 1)[0] for email in emails]
    assert statuses == [200] * 4 + [429, 429]
    assert _attempts(app, emails[5], "10.9.9.10", 1, PASSWORD) == [302]  # another address is not concerned


def test_with_redis_away_sign_ins_still_work_and_are_still_limited_in_each_worker(app_factory):
    """The shared limit store restarting must not lock everybody out: counting falls back to the worker's memory."""
    import socket

    with socket.socket() as sock:  # a port nothing listens on: Redis is down
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = app_factory(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    with app.app_context():
        make_user("teacher", email="during-restart@example.org")
        db.session.commit()
    assert _attempts(app, "during-restart@example.org", "198.51.100.9", 1, PASSWORD) == [302]
    statuses = _attempts(app, "during-restart@example.org", "198.51.100.9", 12)
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]
