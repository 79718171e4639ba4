"""LTI Dynamic Registration against a small spec-following initiator (no installable platform performs it)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.lti.models import LtiPlatform

TOKEN = "registration-token-1"


class Initiator(BaseHTTPRequestHandler):
    """The platform side of the spec: an OpenID configuration and a registration endpoint taking a Bearer token."""

    received: list = []
    issuer = ""

    def log_message(self, *args):
        pass

    def _json(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/.well-known/openid-configuration":
            base = self.issuer
            return self._json(200, {
                "issuer": base, "authorization_endpoint": base + "/auth", "token_endpoint": base + "/token",
                "jwks_uri": base + "/jwks", "registration_endpoint": base + "/register",
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {"product_family_code": "moodle"}})
        return self._json(404, {})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._json(401, {"error": "invalid registration token"})
        type(self).received.append(body)
        return self._json(200, dict(body, client_id="dyn-client-1", **{
            "https://purl.imsglobal.org/spec/lti-tool-configuration": dict(
                body["https://purl.imsglobal.org/spec/lti-tool-configuration"], deployment_id="dep-9")}))


@pytest.fixture
def initiator():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Initiator)
    Initiator.issuer = f"http://127.0.0.1:{server.server_port}"
    Initiator.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Initiator.issuer
    server.shutdown()


def test_one_pasted_url_registers_an_inactive_platform(app, client, initiator, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://metodist.example.ru")  # the app is shared by the run
    response = client.get("/lti/register", query_string={
        "openid_configuration": initiator + "/.well-known/openid-configuration", "registration_token": TOKEN})
    assert response.status_code == 200, response.text
    assert "lti-registered.js" in response.text and "frame-ancestors *" in response.headers["Content-Security-Policy"]
    (sent,) = Initiator.received
    assert sent["initiate_login_uri"] == "https://metodist.example.ru/lti/login"
    assert sent["redirect_uris"] == ["https://metodist.example.ru/lti/launch"]
    assert sent["jwks_uri"] == "https://metodist.example.ru/lti/jwks"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"].split()
    tool = sent["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert tool["domain"] == "metodist.example.ru" and tool["messages"][0]["type"] == "LtiDeepLinkingRequest"
    platform = db.session.scalar(select(LtiPlatform))
    assert (platform.issuer, platform.client_id, platform.active) == (initiator, "dyn-client-1", False)
    assert platform.jwks_url == initiator + "/jwks" and platform.auth_token_url == initiator + "/token"
    assert [d.deployment_id for d in platform.deployments] == ["dep-9"]


@pytest.mark.parametrize("query, reason", [
    ({"registration_token": "wrong"}, "answered 401"),
    ({"openid_configuration": "http://127.0.0.1:9/.well-known/openid-configuration"}, "openid configuration"),
    ({"openid_configuration": "http://evil.example/x"}, "openid configuration"),
    ({"openid_configuration": "not a url"}, "is not a URL"),
])
def test_a_registration_that_cannot_complete_is_a_clear_page(app, client, initiator, caplog, query, reason):
    params = {"openid_configuration": initiator + "/.well-known/openid-configuration",
              "registration_token": TOKEN, **query}
    response = client.get("/lti/register", query_string=params)
    assert response.status_code == 400 and "<h1>" in response.text
    assert reason in caplog.text
    assert db.session.scalar(select(LtiPlatform)) is None


def test_the_configuration_must_be_under_its_issuer(app, client, initiator, caplog, monkeypatch):
    monkeypatch.setattr(Initiator, "issuer", "https://platform.example")
    response = client.get("/lti/register", query_string={
        "openid_configuration": initiator + "/.well-known/openid-configuration", "registration_token": TOKEN})
    assert response.status_code == 400 and "is not under issuer" in caplog.text
    assert Initiator.received == []
