"""Our platform's NRPS and AGS results are paged (``limit``, ``Link: rel="next"``): a tool reads a group larger
than a page, and the results of a line item, page by page as a real tool follows the links."""

from __future__ import annotations

import requests

from courses.models import Enrolment, Group
from lms.extensions import db
from lms.lti.models import LtiToolLineItem, LtiToolResult
from lms.lti.platform import SCOPE_NRPS, SCOPE_RESULT_READ
from tests.factories import make_programme, make_user
from tests.lms.lti.test_platform import live, token, tool_process  # noqa: F401  (fixtures)


def _follow(first: str, bearer: str, content_type: str) -> list[requests.Response]:
    """GET the first page, then each ``Link: rel="next"`` until there is none (as PyLTI1p3's services do)."""
    pages, url = [], first
    while url:
        page = requests.get(url, headers={"Authorization": "Bearer " + bearer, "Accept": content_type}, timeout=10)
        assert page.status_code == 200, page.text
        assert page.headers["Content-Type"] == content_type
        pages.append(page)
        url = page.links.get("next", {}).get("url")
        assert len(pages) < 20, "the next links never end"
    return pages


def _group_item(live, members: int) -> tuple[int, list[int]]:  # noqa: F811  (the fixture, passed on)
    """A line item of the route step launched in a group's context, the group with ``members`` teachers."""
    with live.app.app_context():
        programme = make_programme()
        group = Group(programme_id=programme.id, name="Группа ИКТ")
        db.session.add(group)
        db.session.flush()
        ids = [live.teacher_id] + [make_user("teacher", email=f"member{n}@example.org", last_name=f"Участник{n:02d}").id
                                   for n in range(members - 1)]
        db.session.add_all(Enrolment(group_id=group.id, user_id=uid, status="enrolled") for uid in ids)
        item = LtiToolLineItem(tool_id=live.tool_id, resource_kind="route_step", resource_ref=live.step_id,
                               user_id=live.teacher_id, label="Модуль", context_id=f"group:{group.id}")
        db.session.add(item)
        db.session.commit()
        return item.id, ids


def test_a_group_larger_than_a_page_is_read_page_by_page(live):  # noqa: F811
    item, ids = _group_item(live, members=7)
    bearer = token(live, SCOPE_NRPS).json()["access_token"]
    url = f"{live.base}/lti/platform/tools/{live.tool_id}/lineitems/{item}/memberships?limit=3"
    pages = _follow(url, bearer, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
    assert [len(p.json()["members"]) for p in pages] == [3, 3, 1]
    assert all(p.json()["context"]["id"].startswith("group:") for p in pages)
    seen = [m["user_id"] for p in pages for m in p.json()["members"]]
    assert sorted(seen) == sorted(str(i) for i in ids) and len(set(seen)) == 7  # each once, none lost
    assert 'rel="next"' in pages[0].headers["Link"] and "Link" not in pages[-1].headers
    # Without a limit the whole group fits one page of ours: no next link.
    (whole,) = _follow(url.split("?")[0], bearer, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
    assert len(whole.json()["members"]) == 7
    # A limit past our page size is cut to it; a nonsense one is the default.
    assert len(_follow(url.replace("limit=3", "limit=100000"), bearer,
                       "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")[0].json()["members"]) == 7
    assert len(_follow(url.replace("limit=3", "limit=x"), bearer,
                       "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")[0].json()["members"]) == 7


def test_the_results_of_a_line_item_have_a_second_page(live):  # noqa: F811
    # The step's learner changes when its route is reassigned, so a line item can hold several people's results.
    item, ids = _group_item(live, members=3)
    with live.app.app_context():
        for uid, score in zip(ids, (40, 60, 80), strict=True):
            db.session.add(LtiToolResult(line_item_id=item, user_id=uid, score_given=score / 2, score_maximum=100,
                                         activity_progress="Completed", grading_progress="FullyGraded"))
        db.session.flush()
        # The first learner's later score replaces the earlier one as their result.
        db.session.add(LtiToolResult(line_item_id=item, user_id=ids[0], score_given=40, score_maximum=100,
                                     activity_progress="Completed", grading_progress="FullyGraded"))
        db.session.commit()
    bearer = token(live, SCOPE_RESULT_READ).json()["access_token"]
    url = f"{live.base}/lti/platform/tools/{live.tool_id}/lineitems/{item}/results?limit=2"
    pages = _follow(url, bearer, "application/vnd.ims.lis.v2.resultcontainer+json")
    assert [len(p.json()) for p in pages] == [2, 1]
    rows = {r["userId"]: r["resultScore"] for p in pages for r in p.json()}
    assert rows == {str(ids[0]): 40, str(ids[1]): 30, str(ids[2]): 40}
    assert "limit=2" in pages[0].links["next"]["url"] and "offset=2" in pages[0].links["next"]["url"]
