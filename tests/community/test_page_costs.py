"""The community lists send the same number of SQL statements whatever the number of rows they show."""

from __future__ import annotations

from datetime import date

from community.services import associations
from lms.extensions import db
from tests.community.helpers import make_mo, make_pair, meeting_data
from tests.factories import make_municipality, make_user


def _grow(people, n: int, municipality) -> None:
    for i in range(n):
        leader = make_user("teacher", email=f"leader{n}-{i}@example.org")
        mentee = make_user("teacher", email=f"mentee{n}-{i}@example.org")
        details = make_mo(leader, name=f"МО {n}-{i}", municipality=municipality, members=[people["teacher"]])
        associations.save_meeting(details.association, None, version=None, today=date(2026, 10, 1),
                                  data=meeting_data(date(2026, 9, 1 + i), attendee_ids=[people["teacher"].id]))
        make_pair(leader, mentee)
    db.session.commit()


def test_lists_cost_does_not_grow_with_rows(app, people, login_as, page_cost):
    municipality = make_municipality()
    _grow(people, 2, municipality)
    staff, teacher = login_as("staff"), login_as("teacher")
    urls = {"/community/associations/": staff, "/community/mentoring/": staff, "/community/": teacher,
            "/community/mentoring/young-specialists": staff, "/community/mentoring/mentors": staff}
    before = {url: page_cost(client, url) for url, client in urls.items()}
    _grow(people, 6, municipality)
    after = {url: page_cost(client, url) for url, client in urls.items()}
    assert after == before
