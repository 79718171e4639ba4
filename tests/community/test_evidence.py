"""The evidence the community plugin gives the indicators: exactly the contract's four columns, and the right
rows (held meetings' attendance, both sides of each pair)."""

from __future__ import annotations

from datetime import date

from community.services import associations
from lms.extensions import db
from lms.reports.indicators import evidence_for
from tests.community.helpers import make_mo, make_pair, meeting_data
from tests.factories import make_user


def _rows(indicator: str, kind: str) -> list[tuple]:
    (evidence,) = [e for e in evidence_for(indicator) if e.kind == kind]
    select = evidence.select()
    columns = ["teacher_id", "occurred_on", "kind", "ref"] + (["until"] if evidence.spans else [])
    assert [c.name for c in select.selected_columns] == columns
    return sorted(tuple(row)[:4] for row in db.session.execute(select))


def test_meetings_attended_count_for_targeted_support(app, people):
    absent = make_user("teacher", email="absent@example.org")
    details = make_mo(members=[people["teacher"], absent])
    held = associations.save_meeting(details.association, None, version=None, today=date(2026, 10, 20),
                                     data=meeting_data(date(2026, 10, 15), attendee_ids=[people["teacher"].id]))
    associations.save_meeting(details.association, None, version=None, today=date(2026, 10, 20),
                              data=meeting_data(date(2026, 11, 15), status="planned"))
    cancelled = associations.save_meeting(details.association, None, version=None, today=date(2026, 10, 20),
                                          data=meeting_data(date(2026, 10, 1), attendee_ids=[absent.id]))
    associations.save_meeting(details.association, cancelled, version=cancelled.version, today=date(2026, 10, 20),
                              data=meeting_data(date(2026, 10, 1), status="cancelled"))
    db.session.commit()
    assert _rows("targeted_support", "mo_meeting") == [
        (people["teacher"].id, date(2026, 10, 15), "mo_meeting", f"meeting:{held.id}")]


def test_both_sides_of_a_pair_count_for_mentoring(app, people):
    mentor = make_user("teacher", email="mentor@example.org")
    pair = make_pair(mentor, people["teacher"], date(2026, 9, 1), date(2027, 5, 31))
    db.session.commit()
    assert _rows("mentoring", "mentor") == [(mentor.id, date(2026, 9, 1), "mentor", f"pair:{pair.id}")]
    assert _rows("mentoring", "mentee") == [(people["teacher"].id, date(2026, 9, 1), "mentee", f"pair:{pair.id}")]
    from lms.reports import counting, filters

    # A pair that began last year and still runs counts this year too; one that ended before does not.
    this_year = {c.indicator.key: c.total for c in counting.table(
        filters.parse({"period": "year", "from": "15.10.2027"}), people["admin"])}
    assert this_year["mentoring"] == 0  # the pair ended on 31.05.2027
    spanning = {c.indicator.key: c.total for c in counting.table(
        filters.parse({"period": "month", "from": "01.03.2027"}), people["admin"])}
    assert spanning["mentoring"] == 2  # both sides, in a month after the pair's start


def test_appeals_count_registered_answered_in_time_and_upheld(app, people):
    from community.models import Appeal

    teacher = people["teacher"]
    late = Appeal(teacher_id=teacher.id, received_on=date(2026, 10, 1), due_on=date(2026, 10, 31),
                  subject="Консультация", text="…", status="answered", answer="Ответ", answered_on=date(2026, 11, 5),
                  upheld=True)
    on_time = Appeal(teacher_id=teacher.id, received_on=date(2026, 10, 2), due_on=date(2026, 11, 1),
                     subject="Курс", text="…", status="answered", answer="Ответ", answered_on=date(2026, 10, 20),
                     upheld=False)
    waiting = Appeal(teacher_id=teacher.id, received_on=date(2026, 10, 3), due_on=date(2026, 11, 2),
                     subject="Маршрут", text="…")
    db.session.add_all([late, on_time, waiting])
    db.session.commit()
    assert len(_rows("appeals", "appeal")) == 3
    assert _rows("appeals", "appeal_in_time") == [(teacher.id, date(2026, 10, 20), "appeal_in_time",
                                                   f"appeal:{on_time.id}")]
    assert _rows("appeals", "appeal_upheld") == [(teacher.id, date(2026, 10, 1), "appeal_upheld",
                                                  f"appeal:{late.id}")]
