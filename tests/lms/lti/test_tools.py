"""Staff edit, deactivate and reactivate the external tools we launch; a deactivated tool is not launched and its
tokens are refused at our AGS and NRPS endpoints."""

from __future__ import annotations

import logging

import requests
from sqlalchemy import select

from lms.extensions import db
from lms.lti.models import LtiTool, LtiToolLineItem
from lms.lti.platform import SCOPE_NRPS, SCOPE_RESULT_READ, SCOPE_SCORE, tools
from tests.lms.lti.test_platform import (  # noqa: F401  (fixtures)
    launch,
    live,
    open_step,
    refused_with,
    score,
    signed_in,
    token,
    tool_process,
)

FIELDS = {"name": "Тренажёр 2", "login_url": "https://tool2.example/login",
          "redirect_urls": "https://tool2.example/launch", "jwks_url": "https://tool2.example/jwks",
          "target_link_uri": "https://tool2.example/module"}


def _tool() -> LtiTool:
    tool = tools.add_tool(tools.ToolData(name="Тренажёр", login_url="https://tool.example/login",
                                         redirect_urls=["https://tool.example/launch"],
                                         jwks_url="https://tool.example/jwks", client_id="edit-me"))
    db.session.commit()
    return tool


def test_staff_edit_a_tool_and_a_stale_form_is_refused(app, people, login_as):
    tool = _tool()
    staff = login_as("staff")
    page = staff.get(f"/lti/tools/{tool.id}/edit")
    assert page.status_code == 200 and "edit-me" in page.text and "https://tool.example/launch" in page.text
    saved = staff.post(f"/lti/tools/{tool.id}/edit", dict(FIELDS, version=tool.version))
    assert saved.status_code == 302
    db.session.refresh(tool)
    assert (tool.name, tool.login_url, tool.redirect_list, tool.jwks_url, tool.target_link_uri, tool.client_id) == (
        "Тренажёр 2", "https://tool2.example/login", ["https://tool2.example/launch"], "https://tool2.example/jwks",
        "https://tool2.example/module", "edit-me")
    # A second tab opened on the first version is refused and changes nothing.
    stale = staff.post(f"/lti/tools/{tool.id}/edit", dict(FIELDS, name="Старое окно", version=1))
    # (The form is moved to the current version, so saving again is a deliberate overwrite.)
    assert stale.status_code == 200 and 'name="version" type="hidden" value="2"' in stale.text
    db.session.refresh(tool)
    assert tool.name == "Тренажёр 2" and tool.version == 2
    # The rules of registration hold on an edit.
    bad = staff.post(f"/lti/tools/{tool.id}/edit", dict(FIELDS, jwks_url="", version=tool.version))
    assert bad.status_code == 200 and "открытый ключ" in bad.text
    db.session.refresh(tool)
    assert tool.jwks_url == "https://tool2.example/jwks"


def test_deactivating_needs_staff_and_a_csrf_token(app, people, login_as):
    tool = _tool()
    assert login_as("teacher").post(f"/lti/tools/{tool.id}/active").status_code == 403
    assert login_as("tutor").get(f"/lti/tools/{tool.id}/edit").status_code == 403
    staff = login_as("staff")
    assert staff.post(f"/lti/tools/{tool.id}/active", csrf=False).status_code == 400
    assert staff.post(f"/lti/tools/{tool.id}/edit", dict(FIELDS, version=tool.version), csrf=False).status_code in (
        200, 400)
    db.session.refresh(tool)
    assert tool.active and tool.name == "Тренажёр"
    assert staff.post(f"/lti/tools/{tool.id}/active").status_code == 302
    db.session.refresh(tool)
    assert not tool.active and staff.get("/lti/tools").status_code == 200
    assert staff.post(f"/lti/tools/{tool.id}/active").status_code == 302
    db.session.refresh(tool)
    assert tool.active
    assert staff.get("/lti/tools/999999/edit").status_code == 404


def _set_active(live, active: bool) -> None:  # noqa: F811  (the fixture, passed on)
    with live.app.app_context():
        tools.set_tool_active(db.session.get(LtiTool, live.tool_id), active)
        db.session.commit()


def test_a_deactivated_tool_is_not_launched_and_its_tokens_are_refused(live, caplog):  # noqa: F811
    live.configure(score=10)  # the first launch makes the line item without completing the step
    assert launch(live, signed_in(live, "lti-teacher@example.org")).status_code == 200
    with live.app.app_context():
        item = db.session.scalar(select(LtiToolLineItem.id))
    scorer = token(live, SCOPE_SCORE).json()["access_token"]
    reader = token(live, f"{SCOPE_RESULT_READ} {SCOPE_NRPS}").json()["access_token"]
    browser = signed_in(live, "lti-teacher@example.org")
    started = open_step(live, browser)  # a launch under way when staff switch the tool off
    authorize = browser.get(started.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    _set_active(live, False)
    caplog.set_level(logging.INFO)

    # The teacher's «Открыть» brings back the route page with the reason; the log names the step and tool.
    refused = open_step(live, browser)
    assert refused.status_code == 302 and "/assessments/routes/" in refused.headers["Location"]
    page = browser.get(live.base + refused.headers["Location"], timeout=10)
    assert "Внешний инструмент этого шага отключён" in page.text
    assert f"tool {live.tool_id} is deactivated" in caplog.text
    # The launch begun before is refused at our authorization endpoint: a clear page, no signed launch.
    late = browser.get(authorize, timeout=10)
    assert late.status_code == 400 and "data-autosubmit" not in late.text and "<h1>" in late.text
    assert "unknown or inactive client_id" in caplog.text

    # Tokens issued before are refused everywhere, with a JSON error; no new token is issued.
    refused_with(score(live, scorer, item, str(live.teacher_id), given=100), 401, "invalid_token")
    base = f"{live.base}/lti/platform/tools/{live.tool_id}/lineitems/{item}"
    for url in (base + "/results", base + "/memberships"):
        refused_with(requests.get(url, headers={"Authorization": "Bearer " + reader}, timeout=10), 401,
                     "invalid_token")
    refused_with(token(live, SCOPE_SCORE), 401, "invalid_client")
    assert "the tool is not active" in caplog.text

    # Reactivated, it launches again and its fresh token is taken.
    _set_active(live, True)
    assert launch(live, signed_in(live, "lti-teacher@example.org")).status_code == 200
    assert score(live, token(live, SCOPE_SCORE).json()["access_token"], item, str(live.teacher_id),
                 given=10).status_code == 204
