"""Every list that can grow is paged by lms.web.paginate and the one pager macro, at a flat SQL cost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.web import paginate

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.nodb
def test_a_built_list_is_cut_into_pages():
    page = paginate(list(range(120)), page=3, per_page=50)
    assert page.items == list(range(100, 120)) and page.pages == 3 and page.has_prev and not page.has_next
    assert paginate(list(range(120)), page=9, per_page=50).page == 3  # past the last: the last
    empty = paginate([], page=1)
    assert empty.items == [] and empty.pages == 1 and not empty.has_next


@pytest.mark.nodb
def test_every_paged_template_shows_the_one_pager():
    # A list cut into pages without the pager hides everything after page 1 (all consultations did).
    templates = [path for package in ("lms", "courses", "assessments", "community")
                 for path in (ROOT / package).rglob("templates/**/*.html")]
    paged = [path for path in templates if "page.items" in path.read_text()]
    assert len(paged) >= 11
    for path in paged:
        text = path.read_text()
        assert "{{ pager(page) }}" in text and 'import pager with context' in text, path
    hand_made = [path for path in templates if 'class="pager"' in path.read_text()]
    assert [path.relative_to(ROOT).as_posix() for path in hand_made] == ["lms/templates/_macros/pager.html"]


def test_notifications_are_paged_at_a_flat_cost(login_as, people, page_cost):
    from lms.extensions import db
    from lms.notifications.models import Notification

    client = login_as("teacher")
    client.get("/notifications/")  # warm up: session and CSRF
    db.session.add(Notification(user_id=people["teacher"].id, text="Первое"))
    db.session.commit()
    few = page_cost(client, "/notifications/")
    db.session.add_all(Notification(user_id=people["teacher"].id, text=f"Уведомление {n:03d}") for n in range(120))
    db.session.commit()
    assert page_cost(client, "/notifications/") == few
    first = client.get("/notifications/").text
    # Newest first; the oldest ones used to be cut off after 100 without a word.
    assert first.count("Уведомление ") == 50 and "Уведомление 119" in first and "Первое" not in first
    assert 'href="/notifications/?page=2" rel="next"' in first and "Страница 1 из 3" in first
    last = client.get("/notifications/?page=3").text
    assert "Первое" in last and 'rel="next"' not in last and 'href="/notifications/?page=2" rel="prev"' in last
    assert client.get("/notifications/?page=99").text.count("Уведомление ") == 20  # past the end: the last page
    assert client.get("/notifications/?page=x").status_code == 200


def test_the_pager_keeps_the_lists_filters(login_as, people):
    from lms.extensions import db
    from tests.factories import make_user

    for n in range(55):
        make_user("teacher", email=f"p{n}@example.org", last_name=f"Петров{n:02d}")
    db.session.commit()
    page = login_as("staff").get("/admin/users/?q=Петров&role=teacher").text
    nxt = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "page=2" in nxt and "role=teacher" in nxt and "q=" in nxt
    assert login_as("staff").get(nxt).text.count("Петров") >= 5


def test_the_lti_passback_log_and_the_rosters_are_paged(login_as, people):
    from lms.extensions import db
    from lms.lti.models import LtiLaunch, LtiPassback, LtiPlatform

    platform = LtiPlatform(name="Moodle района", issuer="https://moodle.example.org", client_id="c",
                           auth_login_url="https://moodle.example.org/login", jwks_url="https://moodle.example.org/jwks",
                           auth_token_url="https://moodle.example.org/token")
    db.session.add(platform)
    db.session.flush()

    def launch(course: int) -> LtiLaunch:
        return LtiLaunch(platform_id=platform.id, deployment_id="d", user_id=people["teacher"].id,
                         resource_kind="programme", resource_ref=1, resource_link_id=f"link-{course}",
                         context_id=f"course-{course:03d}",
                         memberships_url=f"https://moodle.example.org/nrps/{course}")
    launches = [launch(n) for n in range(55)] + [launch(0)]  # course 0 launched twice: one row, the newest
    db.session.add_all(launches)
    db.session.flush()
    db.session.add_all(LtiPassback(launch_id=row.id, score=0.5, status="sent", last_answer=f"answer-{n:03d}")
                       for n, row in enumerate(launches))
    db.session.commit()
    staff = login_as("staff")
    # The log was cut at 200 rows and the rosters at 1000 launches, with no way to the rest.
    log = staff.get("/lti/passbacks").text
    assert log.count("answer-") == 50 and 'href="/lti/passbacks?page=2" rel="next"' in log
    assert staff.get("/lti/passbacks?page=2").text.count("answer-") == 6
    rosters = staff.get("/lti/rosters").text
    assert rosters.count("<code>course-") == 50 and 'href="/lti/rosters?page=2" rel="next"' in rosters
    second = staff.get("/lti/rosters?page=2").text
    assert second.count("<code>course-") == 5 and "course-000" not in second  # its newest launch came first
    assert f"/lti/rosters/{launches[-1].id}/import" in rosters
    assert f"/lti/rosters/{launches[0].id}/import" not in rosters + second
