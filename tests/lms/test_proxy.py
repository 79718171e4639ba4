"""Client addresses: X-Forwarded-For only from the configured proxies, and a warning when requests say otherwise."""

from __future__ import annotations

import logging

import pytest
from flask import request

from lms.extensions import db
from tests.conftest import Client
from tests.factories import make_user


def _seen_as(app):
    """A route answering with the client address the app (and so its rate limits) sees."""
    app.add_url_rule("/test/address", "test_address", lambda: request.remote_addr or "")
    raw = app.test_client()

    def seen(peer: str, forwarded: str | None = None) -> str:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return raw.get("/test/address", headers=headers, environ_base={"REMOTE_ADDR": peer}).text

    return seen


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.WARNING and "X-Forwarded-For" in r.getMessage()]


def test_without_a_proxy_the_header_is_ignored_and_said_so_once(app_factory, caplog):
    caplog.set_level(logging.WARNING)
    seen = _seen_as(app_factory(PROXY_COUNT=0))
    assert seen("203.0.113.5", "198.51.100.1") == "203.0.113.5"
    assert seen("203.0.113.5", "198.51.100.2") == "203.0.113.5"
    (warning,) = _warnings(caplog)
    assert "LMS_PROXY_COUNT is 0" in warning


def test_a_spoofed_header_does_not_escape_the_sign_in_limit(app_factory):
    app = app_factory(PROXY_COUNT=0, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        make_user("teacher", email="spoof@example.org")
        db.session.commit()
    client = Client(app.test_client())
    token = client.csrf_token()
    statuses = [client.post("/auth/login", {"email": "spoof@example.org", "password": "guess", "csrf_token": token},
                            headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_behind_trusted_proxies_only_they_may_name_the_client(app_factory, caplog):
    caplog.set_level(logging.INFO)
    seen = _seen_as(app_factory(PROXY_COUNT=1, PROXY_TRUSTED_ADDRESSES=["10.0.0.0/24"]))
    assert seen("10.0.0.3", "198.51.100.7") == "198.51.100.7"  # through the proxy
    assert seen("10.0.0.3", "1.2.3.4, 198.51.100.7") == "198.51.100.7"  # what the client wrote itself is not used
    assert seen("203.0.113.9", "198.51.100.8") == "203.0.113.9"  # straight to the app: the header is not believed
    assert seen("203.0.113.9", "198.51.100.9") == "203.0.113.9"
    (warning,) = _warnings(caplog)
    assert "203.0.113.9" in warning and "not in LMS_PROXY_TRUSTED_ADDRESSES" in warning


def test_a_proxy_count_warns_at_start_and_when_requests_come_without_the_header(app_factory, caplog):
    caplog.set_level(logging.WARNING)
    seen = _seen_as(app_factory(PROXY_COUNT=1))
    assert any("LMS_PROXY_COUNT=1" in r.getMessage() for r in caplog.records)  # at start-up
    caplog.clear()
    assert seen("192.0.2.44") == "192.0.2.44"
    assert seen("192.0.2.45") == "192.0.2.45"
    (warning,) = _warnings(caplog)
    assert "reachable without the proxy" in warning


def test_a_trusted_address_that_is_no_address_stops_the_start(app_factory):
    with pytest.raises(RuntimeError, match="LMS_PROXY_TRUSTED_ADDRESSES"):
        app_factory(PROXY_COUNT=1, PROXY_TRUSTED_ADDRESSES=["not-an-address"])


def test_trusted_addresses_may_be_given_as_plain_text(app_factory):
    seen = _seen_as(app_factory(PROXY_COUNT=1, PROXY_TRUSTED_ADDRESSES="10.0.0.1, 192.168.0.0/16"))
    assert seen("192.168.3.4", "198.51.100.7") == "198.51.100.7"
    assert seen("10.0.0.2", "198.51.100.7") == "10.0.0.2"  # not one of the characters of the setting
