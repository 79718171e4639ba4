"""Our platform side against an independent tool: a PyLTI1p3 app in its own process and venv validates the
teacher's launch of an external route step against our JWKS and posts a score through our AGS, which
completes the step; our AGS and token endpoints refuse bad requests with a JSON error."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import uuid
from datetime import timedelta
from html import unescape
from pathlib import Path

import jwt
import pytest
import requests
from jwcrypto.jwk import JWK
from sqlalchemy import delete, func, select
from werkzeug.serving import make_server

from assessments.models import Activity, Route, RouteStep
from lms.extensions import db
from lms.i18n import local_today
from lms.lti.models import LtiKey, LtiToolLineItem, LtiToolResult
from lms.lti.platform import SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE, tools
from tests.assessments.routes_setup import framework
from tests.conftest import CSRF_RE
from tests.factories import PASSWORD, make_user
from tests.lms.lti.conftest import _Dispatch, rsa_pair
from tests.lms.lti.peers import HERE, TOOL_REQUIREMENT, peer_python

TOOL_CLIENT = "peer-tool"
FORM_RE = re.compile(r'<form method="post" action="([^"]+)" data-autosubmit>\s*'
                     r'<input type="hidden" name="id_token" value="([^"]*)">\s*'
                     r'<input type="hidden" name="state" value="([^"]*)">')


@pytest.fixture(scope="module")
def tool_process():
    """The PyLTI1p3 tool, started once for this module in its own interpreter."""
    process = subprocess.Popen([peer_python(TOOL_REQUIREMENT), str(Path(HERE) / "tool_app.py")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"the peer tool did not start: {line!r} {process.stderr.read()[-2000:]}")
    yield f"http://127.0.0.1:{line.split()[1]}"
    process.terminate()
    process.wait(timeout=10)


class Live:
    def __init__(self, base, tool, app, teacher_id, other_id, step_id, route_id, tool_id):
        self.base, self.tool, self.app = base, tool, app
        self.teacher_id, self.other_id, self.step_id, self.route_id, self.tool_id = (
            teacher_id, other_id, step_id, route_id, tool_id)

    def configure(self, **extra):
        private, public = rsa_pair("peer-tool")
        config = {"issuer": self.base, "client_id": TOOL_CLIENT, "deployment_id": "dep-1",
                  "auth_login_url": self.base + "/lti/platform/authorize",
                  "auth_token_url": self.base + "/lti/platform/token", "key_set_url": self.base + "/lti/jwks",
                  "private_key": private, "public_key": public, "score": 90}
        config.update(extra)
        requests.post(self.tool + "/configure", json=config, timeout=10).raise_for_status()


@pytest.fixture
def live(app_factory, tool_process):
    """Our app on a real HTTP server with a signing key, the tool registered, and a teacher's active route
    with an external-module step that is an LTI link (pass mark 80 %)."""
    dispatch = _Dispatch()
    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    dispatch.app = app_factory(BASE_URL=base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with dispatch.app.app_context():
        private, public = rsa_pair("tool")  # our own signing key
        db.session.add(LtiKey(kid=JWK.from_pem(public.encode()).thumbprint(), private_pem=private,
                              public_pem=public))
        tool = tools.add_tool(tools.ToolData(name="Тренажёр", login_url=tool_process + "/login",
                                             redirect_urls=[tool_process + "/launch"],
                                             jwks_url=tool_process + "/jwks", client_id=TOOL_CLIENT,
                                             deployment_id="dep-1"))
        teacher = make_user("teacher", email="lti-teacher@example.org")
        other = make_user("teacher", email="lti-other@example.org")
        fw = framework()
        activity = Activity(kind="external", title="Модуль во внешней системе", hours=4, form="course",
                            lti_tool_id=tool.id, lti_target_link_uri=tool_process + "/launch",
                            lti_custom={"module": "m-7"}, lti_pass_percent=80)
        db.session.add(activity)
        db.session.flush()
        today = local_today()
        route = Route(user_id=teacher.id, framework_id=fw.id, status="active", open_key=str(teacher.id),
                      period_start=today,
                      period_end=today + timedelta(days=90))
        db.session.add(route)
        db.session.flush()
        step = RouteStep(route_id=route.id, activity_id=activity.id, kind="external", title=activity.title,
                         form="course", hours=4, starts_on=today, ends_on=today + timedelta(days=30))
        db.session.add(step)
        db.session.commit()
        result = Live(base, tool_process, dispatch.app, teacher.id, other.id, step.id, route.id, tool.id)
    result.configure()
    yield result
    server.shutdown()
    thread.join(timeout=5)


def signed_in(live: Live, email: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(live.base + "/auth/login", timeout=10)
    answer = browser.post(live.base + "/auth/login", data={"csrf_token": CSRF_RE.search(page.text).group(1),
                                                           "email": email, "password": PASSWORD},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[-500:]
    return browser


def open_step(live: Live, browser: requests.Session) -> requests.Response:
    """The «Открыть» button on the route page, then the tool's OIDC login and our authorization answer."""
    page = browser.get(f"{live.base}/assessments/routes/{live.route_id}", timeout=10)
    assert page.status_code == 200 and "Открыть" in page.text
    return browser.post(f"{live.base}/assessments/routes/steps/{live.step_id}/open",
                        data={"csrf_token": CSRF_RE.search(page.text).group(1)}, allow_redirects=False, timeout=10)


def launch(live: Live, browser: requests.Session) -> requests.Response:
    started = open_step(live, browser)
    assert started.status_code == 302 and started.headers["Location"].startswith(live.tool + "/login?")
    to_us = browser.get(started.headers["Location"], allow_redirects=False, timeout=10)
    assert to_us.status_code == 302 and to_us.headers["Location"].startswith(live.base + "/lti/platform/authorize?")
    form_page = browser.get(to_us.headers["Location"], timeout=10)
    assert form_page.status_code == 200, form_page.text[-500:]
    action, token, state = (unescape(part) for part in FORM_RE.search(form_page.text).groups())
    assert action == live.tool + "/launch"
    return browser.post(action, data={"id_token": token, "state": state}, timeout=30)


def test_a_teacher_launches_the_tool_and_its_passing_score_completes_the_route_step(live):
    browser = signed_in(live, "lti-teacher@example.org")
    answer = launch(live, browser)
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    # PyLTI1p3 validated our id_token (signature by our JWKS kid, iss, aud, nonce, state, deployment) and read:
    assert seen["sub"] == str(live.teacher_id) and seen["message_type"] == "LtiResourceLinkRequest"
    assert seen["resource_link"]["id"] == f"route_step-{live.step_id}"
    assert seen["context"]["id"] == f"route:{live.route_id}"
    assert seen["roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    assert seen["custom"] == {"module": "m-7"} and seen["email"] == "lti-teacher@example.org"
    # …then got a token with its client assertion and posted the score; NRPS listed the context.
    assert seen["put_grade"] == "sent" and seen["members"] == [str(live.teacher_id)]
    with live.app.app_context():
        step = db.session.get(RouteStep, live.step_id)
        assert step.status == "done" and "90" in step.evidence and "Тренажёр" in step.evidence
        result = db.session.scalar(select(LtiToolResult))
        assert (result.score_given, result.grading_progress) == (90, "FullyGraded")


def test_a_score_below_the_pass_mark_is_kept_but_does_not_complete_the_step(live):
    live.configure(score=70)
    answer = launch(live, signed_in(live, "lti-teacher@example.org"))
    assert answer.status_code == 200 and answer.json()["put_grade"] == "sent"
    with live.app.app_context():
        assert db.session.get(RouteStep, live.step_id).status == "planned"
        assert db.session.scalar(select(LtiToolResult.score_given)) == 70


def test_only_the_steps_own_teacher_may_launch_it(live):
    browser = signed_in(live, "lti-other@example.org")
    page = browser.get(f"{live.base}/assessments/routes/{live.route_id}", timeout=10)
    token = CSRF_RE.search(browser.get(live.base + "/", timeout=10).text or page.text)
    refused = browser.post(f"{live.base}/assessments/routes/steps/{live.step_id}/open",
                           data={"csrf_token": token.group(1) if token else ""}, allow_redirects=False, timeout=10)
    assert refused.status_code in (403, 404)


def test_with_no_signing_key_the_launch_is_refused_in_words_and_works_once_a_key_exists(live, caplog):
    """A fresh install before «flask lti rotate-key»: the teacher is told on the route (no 500, nothing
    half-made), the log says what to run; a key gone between the start and the tool's request is a clear page
    that leaves the one-time hint usable."""
    with live.app.app_context():
        key = db.session.scalar(select(LtiKey))
        saved = (key.kid, key.private_pem, key.public_pem)
        db.session.delete(key)
        db.session.commit()
    browser = signed_in(live, "lti-teacher@example.org")
    refused = open_step(live, browser)
    assert refused.status_code == 302 and "/assessments/routes/" in refused.headers["Location"]
    page = browser.get(live.base + refused.headers["Location"], timeout=10)
    assert "не настроена связь с внешними системами" in page.text
    assert "rotate-key" in caplog.text
    with live.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LtiToolLineItem)) == 0
        db.session.add(LtiKey(kid=saved[0], private_pem=saved[1], public_pem=saved[2]))
        db.session.commit()
    started = open_step(live, browser)
    authorize = browser.get(started.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    with live.app.app_context():
        db.session.execute(delete(LtiKey))
        db.session.commit()
    gone = browser.get(authorize, timeout=10)
    assert gone.status_code == 503 and "не настроена связь" in gone.text and "data-autosubmit" not in gone.text
    with live.app.app_context():
        db.session.add(LtiKey(kid=saved[0], private_pem=saved[1], public_pem=saved[2]))
        db.session.commit()
    assert browser.get(authorize, timeout=10).status_code == 200  # the same request, now signed


# --- our AGS and token endpoints, called as the tool would --------------------------------------------------

def assertion(live: Live, key: str = "peer-tool", **claims) -> str:
    kid = requests.get(live.tool + "/jwks", timeout=10).json()["keys"][0]["kid"]
    now = int(time.time())
    body = {"iss": TOOL_CLIENT, "sub": TOOL_CLIENT, "aud": live.base + "/lti/platform/token", "iat": now,
            "exp": now + 60, "jti": str(uuid.uuid4())}
    body.update(claims)
    return jwt.encode(body, rsa_pair(key)[0], algorithm="RS256", headers={"kid": kid})


def token(live: Live, scope: str, **kwargs) -> requests.Response:
    return requests.post(live.base + "/lti/platform/token", data={
        "grant_type": "client_credentials", "scope": scope, "client_assertion": assertion(live, **kwargs),
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, timeout=10)


def line_item_id(live: Live) -> int:
    """The step's line item, as its first launch makes it."""
    assert launch(live, signed_in(live, "lti-teacher@example.org")).status_code == 200
    with live.app.app_context():
        return db.session.scalar(select(LtiToolLineItem.id))


def score(live: Live, bearer: str, item: int, user: str, given=50) -> requests.Response:
    return requests.post(f"{live.base}/lti/platform/tools/{live.tool_id}/lineitems/{item}/scores",
                         data=json.dumps({"userId": user, "scoreGiven": given, "scoreMaximum": 100,
                                          "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                                          "timestamp": "2026-12-02T10:00:00Z"}),
                         headers={"Authorization": "Bearer " + bearer,
                                  "Content-Type": "application/vnd.ims.lis.v1.score+json"}, timeout=10)


def refused_with(answer: requests.Response, status: int, error: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json") and answer.json()["error"] == error


def test_ags_refusals_are_clear_json_errors(live):
    live.configure(score=10)  # the launch that makes the line item must not complete the step itself
    item = line_item_id(live)
    # A client assertion signed by a key that is not the tool's.
    refused_with(token(live, SCOPE_SCORE, key="intruder"), 401, "invalid_client")
    refused_with(token(live, SCOPE_SCORE, aud="https://elsewhere.example"), 401, "invalid_client")
    refused_with(token(live, "https://example.org/no-such-scope"), 400, "invalid_scope")
    # The full line-item scope is never granted (a tool may not make or change our line items): asked for
    # with the score scope, only the score scope comes back; asked for alone, nothing is offered.
    both = token(live, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem " + SCOPE_SCORE).json()
    assert both["scope"] == SCOPE_SCORE
    refused_with(token(live, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"), 400, "invalid_scope")
    # A read-only token cannot post scores.
    read_only = token(live, SCOPE_LINEITEM_READ).json()["access_token"]
    refused_with(score(live, read_only, item, str(live.teacher_id)), 403, "insufficient_scope")
    listed = requests.get(f"{live.base}/lti/platform/tools/{live.tool_id}/lineitems",
                          headers={"Authorization": "Bearer " + read_only}, timeout=10)
    assert listed.status_code == 200 and listed.json()[0]["resourceLinkId"] == f"route_step-{live.step_id}"
    refused_with(score(live, "made-up", item, str(live.teacher_id)), 401, "invalid_token")
    reader = token(live, SCOPE_RESULT_READ).json()["access_token"]
    results = requests.get(f"{live.base}/lti/platform/tools/{live.tool_id}/lineitems/{item}/results",
                           headers={"Authorization": "Bearer " + reader}, timeout=10)
    assert results.status_code == 200 and [(r["userId"], r["resultScore"]) for r in results.json()] == [
        (str(live.teacher_id), 10)]
    granted = token(live, SCOPE_SCORE).json()["access_token"]
    refused_with(score(live, granted, 999999, str(live.teacher_id)), 404, "not_found")
    refused_with(score(live, granted, item, str(live.other_id)), 400, "unknown_user")
    refused_with(score(live, granted, item, str(live.teacher_id), given="много"), 400, "invalid_request")
    # An expired token: issued for one second.
    live.app.config["LTI_PLATFORM_TOKEN_TTL"] = 1
    short = token(live, SCOPE_SCORE).json()["access_token"]
    time.sleep(1.2)
    refused_with(score(live, short, item, str(live.teacher_id)), 401, "invalid_token")
    with live.app.app_context():
        assert db.session.get(RouteStep, live.step_id).status == "planned"  # none of these counted


def test_our_authorization_endpoint_refuses_a_foreign_redirect_and_a_replayed_request(live):
    browser = signed_in(live, "lti-teacher@example.org")
    started = open_step(live, browser)
    authorize = browser.get(started.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    foreign = browser.get(authorize.replace("redirect_uri=", "redirect_uri=https%3A%2F%2Fevil.example%2F"),
                          timeout=10)
    assert foreign.status_code == 400 and "data-autosubmit" not in foreign.text and "Открыть" in foreign.text
    assert browser.get(authorize, timeout=10).status_code == 200
    assert browser.get(authorize, timeout=10).status_code == 400  # the message hint is one-time
    # Someone else signed in cannot take the teacher's launch, even with a fresh hint.
    fresh = browser.get(open_step(live, browser).headers["Location"], allow_redirects=False,
                        timeout=10).headers["Location"]
    assert signed_in(live, "lti-other@example.org").get(fresh, timeout=10).status_code == 400
    assert browser.get(fresh, timeout=10).status_code == 200


def test_staff_register_a_tool_on_the_page_and_with_the_cli(app, people, login_as):
    from lms.lti.models import LtiTool

    staff = login_as("staff")
    page = staff.get("/lti/tools")
    assert page.status_code == 200 and "/lti/platform/authorize" in page.text and "/lti/platform/token" in page.text
    bad = staff.post("/lti/tools/new", {"name": "Без ключа", "login_url": "https://tool.example/login",
                                        "redirect_urls": "https://tool.example/launch"})
    assert bad.status_code == 200 and "открытый ключ" in bad.text
    good = staff.post("/lti/tools/new", {"name": "Тренажёр", "login_url": "https://tool.example/login",
                                         "redirect_urls": "https://tool.example/launch\nhttps://tool.example/l2",
                                         "jwks_url": "https://tool.example/jwks"})
    assert good.status_code == 302
    tool = db.session.scalar(select(LtiTool).where(LtiTool.name == "Тренажёр"))
    assert tool.redirect_list == ["https://tool.example/launch", "https://tool.example/l2"] and tool.client_id
    assert login_as("teacher").get("/lti/tools").status_code == 403
    result = app.test_cli_runner().invoke(args=["lti", "add-tool", "--name", "Второй", "--login-url",
                                                "https://t2.example/login", "--redirect-url",
                                                "https://t2.example/launch", "--jwks-url", "https://t2.example/jwks",
                                                "--client-id", "t2", "--deployment-id", "d2"])
    assert result.exit_code == 0 and "client id t2, deployment id d2" in result.output
    again = app.test_cli_runner().invoke(args=["lti", "add-tool", "--name", "Снова", "--login-url",
                                               "https://t2.example/login", "--redirect-url",
                                               "https://t2.example/launch", "--jwks-url", "https://t2.example/jwks",
                                               "--client-id", "t2"])
    assert again.exit_code == 1
