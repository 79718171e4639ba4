"""Deep linking from the peer platform: our picker, a signed answer it accepts, a line item per item."""

from __future__ import annotations

import re
from html import unescape

import requests

from lms.extensions import db
from tests.factories import make_programme
from tests.lms.lti.conftest import post_launch, start_launch

RETURN_RE = re.compile(r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="JWT" value="([^"]+)">')


def test_staff_pick_our_content_and_the_platform_gets_items_with_line_items(peers):
    with peers.app.app_context():
        programme = make_programme(modules=1, lessons=1)
        hidden = make_programme(status="draft")
        db.session.commit()
        module_id, lesson_id = programme.modules[0].id, programme.modules[0].lessons[0].id
        ids, title, hidden_title = programme.id, programme.title, hidden.title
    browser = requests.Session()
    picker = post_launch(browser, start_launch(browser, peers, user="teacher-of-course", deep=True,
                                               roles=["Instructor"]))
    assert picker.status_code == 200, picker.text
    assert title in picker.text and hidden_title not in picker.text  # drafts are not offered
    for value in (f"programme:{ids}", f"module:{module_id}", f"lesson:{lesson_id}"):
        assert f'value="{value}"' in picker.text
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', picker.text).group(1)
    answer = browser.post(peers.tool + "/lti/deep-link", data={
        "launch_id": launch_id, "item": [f"programme:{ids}", f"lesson:{lesson_id}", f"programme:{hidden.id}"]},
        timeout=10)
    assert answer.status_code == 200, answer.text
    action, token = (unescape(part) for part in RETURN_RE.search(answer.text).groups())
    assert action == peers.platform + "/deep-link-return"
    assert peers.platform.split("//")[1] in answer.headers["Content-Security-Policy"]  # may post there
    accepted = browser.post(action, data={"JWT": token}, timeout=10)  # the platform checks it against our JWKS
    assert accepted.status_code == 200, accepted.text
    items = peers.received()["deep_link_items"]
    assert [item["custom"]["resource"] for item in items] == [f"programme:{ids}", f"lesson:{lesson_id}"]
    assert all(item["type"] == "ltiResourceLink" and item["url"].startswith(peers.tool + "/lti/launch?resource=")
               for item in items)
    assert items[0]["lineItem"] == {"scoreMaximum": 100, "label": title, "resourceId": f"programme:{ids}"}
    # One answer per deep-linking launch.
    again = browser.post(peers.tool + "/lti/deep-link", data={"launch_id": launch_id, "item": f"programme:{ids}"},
                         timeout=10)
    assert again.status_code == 400


def test_an_open_diagnostic_is_offered_and_picked_with_its_line_item(peers):
    from assessments.models import Diagnostic
    from tests.lms.lti.test_launch import open_diagnostic

    with peers.app.app_context():
        diagnostic_id = open_diagnostic("Диагностика для района")
        title = db.session.get(Diagnostic, diagnostic_id).title
    browser = requests.Session()
    picker = post_launch(browser, start_launch(browser, peers, user="methodist-1", deep=True, roles=["Instructor"]))
    assert picker.status_code == 200 and f'value="diagnostic:{diagnostic_id}"' in picker.text and title in picker.text
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', picker.text).group(1)
    answer = browser.post(peers.tool + "/lti/deep-link", data={"launch_id": launch_id,
                                                              "item": f"diagnostic:{diagnostic_id}"}, timeout=10)
    action, token = (unescape(part) for part in RETURN_RE.search(answer.text).groups())
    assert browser.post(action, data={"JWT": token}, timeout=10).status_code == 200
    (item,) = peers.received()["deep_link_items"]
    assert item["custom"]["resource"] == f"diagnostic:{diagnostic_id}"
    assert item["lineItem"]["label"] == title and item["lineItem"]["scoreMaximum"] > 0


def test_learners_cannot_pick_content(peers):
    browser = requests.Session()
    response = post_launch(browser, start_launch(browser, peers, deep=True, roles=["Learner"]))
    assert response.status_code == 403


def test_a_forged_launch_id_gets_a_clear_page(peers, caplog):
    response = requests.post(peers.tool + "/lti/deep-link", data={"launch_id": "lti1p3-launch-forged",
                                                                  "item": "programme:1"}, timeout=10)
    assert response.status_code == 400 and "<h1>" in response.text
    assert "Launch data not found" in caplog.text
