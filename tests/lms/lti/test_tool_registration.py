"""LTI Dynamic Registration of an external tool with us as the platform, driven by a small spec-following
tool-side client: staff open the tool's initiation URL, the tool reads our OpenID configuration and posts its
client registration with the one-time token; the tool is created inactive and staff activate it."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.lti.models import LtiTool
from lms.lti.platform import registration
from tests.conftest import isolated

BASE = "https://metodist.example.ru"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE, url
    return parts.path + ("?" + parts.query if parts.query else "")


def client_registration(**changes) -> dict:
    """What a tool following the spec posts (IMS LTI Dynamic Registration 1.0, §3.5)."""
    body = {
        "application_type": "web", "response_types": ["id_token"], "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": "https://tool.example.org/lti/login",
        "redirect_uris": ["https://tool.example.org/lti/launch", "https://app.tool.example.org/launch"],
        "client_name": "Тренажёр ИКТ", "jwks_uri": "https://tool.example.org/jwks",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score https://example.org/unknown-scope",
        TOOL_CONFIGURATION: {"domain": "tool.example.org", "target_link_uri": "https://tool.example.org/lti/launch",
                             "claims": ["iss", "sub", "name"],
                             "messages": [{"type": "LtiResourceLinkRequest"}]},
    }
    body.update(changes)
    return body


class Tool:
    """The tool side: opened at its initiation URL, it reads our configuration and registers itself."""

    def __init__(self, client, initiation: str):
        query = parse_qs(urlsplit(initiation).query)
        self.client = client
        self.configuration_url = query["openid_configuration"][0]
        self.token = query["registration_token"][0]

    def configuration(self) -> dict:
        answer = isolated(self.client.get, _path(self.configuration_url))
        assert answer.status_code == 200 and answer.is_json
        return answer.json

    def register(self, body=None, token: str | None = "own", raw: bytes | None = None):
        config = self.configuration()
        headers = {"Authorization": f"Bearer {self.token if token == 'own' else token}"} if token else {}
        data = raw if raw is not None else json.dumps(body or client_registration()).encode()
        return isolated(self.client.post, _path(config["registration_endpoint"]), data=data, headers=headers,
                        content_type="application/json")


@pytest.fixture
def start(app, people, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)  # the app is shared by the run
    staff = login_as("staff")

    def started() -> Tool:
        answer = staff.post("/lti/tools/register", {"initiate_url": "https://tool.example.org/register?x=1"})
        assert answer.status_code == 302, answer.text
        location = answer.headers["Location"]
        assert location.startswith("https://tool.example.org/register?x=1&openid_configuration=")
        return Tool(app.test_client(), location)

    started.staff = staff
    return started


def test_a_tool_registers_itself_inactive_and_staff_activate_it(app, start, caplog):
    caplog.set_level(logging.INFO)
    tool_side = start()
    config = tool_side.configuration()
    # What the spec's tool checks and reads: the configuration is under the issuer, with our endpoints.
    assert tool_side.configuration_url.startswith(config["issuer"]) and config["issuer"] == BASE
    assert config["authorization_endpoint"] == BASE + "/lti/platform/authorize"
    assert config["token_endpoint"] == BASE + "/lti/platform/token" and config["jwks_uri"] == BASE + "/lti/jwks"
    assert config["registration_endpoint"] == BASE + "/lti/platform/register"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scopes_supported"]
    platform = config["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert platform["product_family_code"] == "metodist" and platform["version"]
    assert {"type": "LtiResourceLinkRequest"} in platform["messages_supported"]

    answer = tool_side.register()
    assert answer.status_code == 200, answer.text
    registered = answer.json
    tool = db.session.scalar(select(LtiTool))
    assert registered["client_id"] == tool.client_id and registered["client_name"] == "Тренажёр ИКТ"
    assert registered[TOOL_CONFIGURATION]["deployment_id"] == tool.deployment_id
    assert registered["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"  # only what we offer
    assert not tool.active and tool.name == "Тренажёр ИКТ" and tool.jwks_url == "https://tool.example.org/jwks"
    assert tool.login_url == "https://tool.example.org/lti/login"
    assert tool.redirect_list == ["https://tool.example.org/lti/launch", "https://app.tool.example.org/launch"]
    assert tool.target_link_uri == "https://tool.example.org/lti/launch"
    assert "registered itself, inactive" in caplog.text
    # Staff review it on the tools page and activate it.
    assert "Тренажёр ИКТ" in start.staff.get("/lti/tools").text
    assert start.staff.post(f"/lti/tools/{tool.id}/active").status_code == 302
    db.session.refresh(tool)
    assert tool.active


@pytest.mark.parametrize("case, status, error, reason", [
    ("missing token", 401, "invalid_token", "Bearer registration token is required"),
    ("unknown token", 401, "invalid_token", "unknown, used or expired"),
    ("malformed JSON", 400, "invalid_client_metadata", "not JSON"),
    ("not an object", 400, "invalid_client_metadata", "is not an object"),
    ("redirect outside the domain", 400, "invalid_redirect_uri", "outside the declared domain"),
    ("login outside the domain", 400, "invalid_redirect_uri", "outside the declared domain"),
    ("no client_credentials", 400, "invalid_client_metadata", "grant_types"),
    ("oversized", 413, "invalid_client_metadata", "too large"),
])
def test_a_registration_is_refused_with_a_json_error_and_nothing_made(app, start, caplog, case, status, error,
                                                                      reason):
    tool_side = start()
    body = client_registration()
    kwargs = {}
    if case == "missing token":
        kwargs["token"] = None
    elif case == "unknown token":
        kwargs["token"] = "made-up"
    elif case == "malformed JSON":
        kwargs["raw"] = b'{"application_type": "web",'
    elif case == "not an object":
        kwargs["raw"] = b"[1, 2]"
    elif case == "redirect outside the domain":
        body["redirect_uris"] = ["https://tool.example.org/launch", "https://evil.example/steal"]
    elif case == "login outside the domain":
        body["initiate_login_uri"] = "https://tool.example.org.evil.example/login"
    elif case == "no client_credentials":
        body["grant_types"] = ["implicit"]
    elif case == "oversized":
        body["client_name"] = "x" * 70000
    answer = tool_side.register(body, **kwargs)
    assert answer.status_code == status and answer.is_json and answer.json["error"] == error, answer.text
    assert reason in caplog.text
    assert db.session.scalar(select(LtiTool)) is None


def test_a_registration_token_is_one_time_and_expires(app, start, monkeypatch):
    tool_side = start()
    assert tool_side.register(raw=b"not json").status_code == 400  # a refused try spends the token too
    again = tool_side.register()
    assert again.status_code == 401 and again.json["error"] == "invalid_token"
    assert tool_side.register().status_code == 401
    second = start()
    assert second.register().status_code == 200
    assert second.register().status_code == 401  # used
    monkeypatch.setattr(registration, "TOKEN_TTL", 1)
    late = start()
    time.sleep(1.2)
    expired = late.register()
    assert expired.status_code == 401 and expired.json["error"] == "invalid_token"
    assert len(db.session.scalars(select(LtiTool)).all()) == 1


def test_staff_alone_start_a_registration_with_a_valid_address(app, start, login_as):
    assert login_as("teacher").post("/lti/tools/register",
                                    {"initiate_url": "https://tool.example.org/register"}).status_code == 403
    for address in ("javascript:alert(1)", "ftp://tool.example.org/register"):
        refused = start.staff.post("/lti/tools/register", {"initiate_url": address})
        assert refused.status_code == 302 and refused.headers["Location"].endswith("/lti/tools")
        assert "https://." in start.staff.get("/lti/tools").text  # the reason, flashed on the tools page
    without_csrf = start.staff.post("/lti/tools/register", {"initiate_url": "https://tool.example.org/r"},
                                    csrf=False)
    assert without_csrf.status_code == 400  # no token made, nowhere to go
