"""Fixtures of the LTI tests: the independent platform (its own process and venv) and our app served over HTTP."""

from __future__ import annotations

import functools
import re
import subprocess
import threading
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from werkzeug.serving import make_server

from lms.extensions import db
from lms.lti import services
from lms.lti.models import LtiKey
from tests.lms.lti.peers import HERE, peer_python

CLIENT_ID = "metodist-client"
DEPLOYMENT_ID = "deployment-1"


@functools.cache
def rsa_pair(name: str = "platform") -> tuple[str, str]:
    """An RSA key pair (private, public PEM), made once per name and run: key generation is the slow part."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()).decode(),
            private.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo).decode())


@pytest.fixture(scope="session")
def platform_process():
    """lti1p3platform's glue app, started once per run in its own interpreter."""
    python = peer_python()
    process = subprocess.Popen([python, str(Path(HERE) / "platform_app.py")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"the peer platform did not start: {line!r} {process.stderr.read()[-2000:]}")
    yield f"http://127.0.0.1:{line.split()[1]}"
    process.terminate()
    process.wait(timeout=10)


class _Dispatch:
    """The server must exist (for its port) before the app that is told its own address."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class Peers:
    tool: str  # our app's base URL
    platform: str
    app: object
    platform_private: str
    platform_public: str
    platform_id: int

    def configure(self, **extra) -> None:
        config = {"tool": self.tool, "issuer": self.platform, "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT_ID,
                  "private_key": self.platform_private, "public_key": self.platform_public}
        config.update(extra)
        requests.post(self.platform + "/configure", json=config, timeout=10).raise_for_status()

    def received(self) -> dict:
        return requests.get(self.platform + "/received", timeout=10).json()


@pytest.fixture
def tool_config() -> dict:
    """Extra settings of our app in a test (a module redefines this fixture to change them)."""
    return {}


@pytest.fixture
def peers(app_factory, platform_process, tool_config):
    """Our app on a real HTTP server on 127.0.0.1, registered with the peer platform both ways."""
    dispatch = _Dispatch()
    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    dispatch.app = app_factory(BASE_URL=base, LTI_COOKIE_PREFIX="metodist-lti-test",
                               LTI_PASSBACK_INLINE_BACKOFF=[0.05, 0.05], **tool_config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    private, public = rsa_pair()
    with dispatch.app.app_context():
        tool_private, tool_public = rsa_pair("tool")
        db.session.add(LtiKey(kid=JWK.from_pem(tool_public.encode()).thumbprint(), private_pem=tool_private,
                              public_pem=tool_public))  # as keys.create_key() makes one, without the wait
        platform = services.add_platform(services.PlatformData(
            name="Платформа", issuer=platform_process, client_id=CLIENT_ID,
            auth_login_url=platform_process + "/authorize", auth_token_url=platform_process + "/token",
            jwks_url=platform_process + "/jwks"), [DEPLOYMENT_ID, "deployment-copy"])
        db.session.commit()
        platform_id = platform.id
    result = Peers(base, platform_process, dispatch.app, private, public, platform_id)
    result.configure()
    yield result
    server.shutdown()
    thread.join(timeout=5)


FORM_RE = re.compile(r'<form method="post" action="([^"]+)"><input name="id_token" value="([^"]*)">'
                     r'<input name="state" value="([^"]*)">')


@dataclass
class LaunchForm:
    action: str
    id_token: str
    state: str
    nonce: str


def start_launch(browser: requests.Session, peers: Peers, user: str = "u-1", **hint) -> LaunchForm:
    """A platform user clicks the link: login initiation at ours, the cookie check, the authentication
    request back at the platform; returns the form the platform's page would post to our launch URL."""
    import json

    hint.setdefault("roles", ["Learner"])
    started = browser.get(peers.platform + "/start", params={"user": user, "hint": json.dumps(hint)},
                          allow_redirects=False, timeout=10)
    assert started.status_code == 302, started.text
    login_url = started.headers["Location"]
    assert login_url.startswith(peers.tool + "/lti/login?")
    check = browser.get(login_url, allow_redirects=False, timeout=10)
    # pylti1p3's cookie check page first; its script reloads with lti1p3_new_window=1 (done here by hand).
    assert check.status_code == 200 and "lti1p3_new_window" in check.text
    redirected = browser.get(login_url + "&lti1p3_new_window=1", allow_redirects=False, timeout=10)
    assert redirected.status_code == 302, redirected.text
    auth_url = redirected.headers["Location"]
    assert auth_url.startswith(peers.platform + "/authorize?")
    nonce = parse_qs(urlsplit(auth_url).query)["nonce"][0]
    page = browser.get(auth_url, timeout=10)
    assert page.status_code == 200, page.text
    action, id_token, state = (unescape(part) for part in FORM_RE.search(page.text).groups())
    return LaunchForm(action, id_token, state, nonce)


def post_launch(browser: requests.Session, form: LaunchForm, **overrides) -> requests.Response:
    data = {"id_token": form.id_token, "state": form.state}
    data.update(overrides)
    return browser.post(form.action, data={k: v for k, v in data.items() if v is not None},
                        allow_redirects=False, timeout=10)
