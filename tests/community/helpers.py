"""Builders of community objects through the services."""

from __future__ import annotations

from datetime import date

from community.services import associations, mentoring
from lms.extensions import db
from tests.factories import make_municipality


def make_mo(leader=None, *, name="ГМО учителей информатики", kind="mo", municipality=None, members=(),
            starts_on=None, ends_on=None):
    municipality = municipality or make_municipality()
    details = associations.save_association(None, version=None, data=associations.AssociationData(
        municipality_id=municipality.id, school_id=None, name=name, kind=kind,
        leader_id=leader.id if leader else None, starts_on=starts_on, ends_on=ends_on, theme="Тема"))
    for person in members:
        associations.add_member(details.association, person, today=date(2026, 9, 1))
    db.session.flush()
    return details


def meeting_data(held_on, status="held", attendee_ids=(), topic="Заседание № 1", **overrides):
    values = dict(held_on=held_on, topic=topic, place="ИМЦ", agenda="", status=status, minutes="Протокол",
                  decisions="Решили", attendee_ids=list(attendee_ids))
    values.update(overrides)
    return associations.MeetingData(**values)


def make_pair(mentor, mentee, starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31), today=date(2026, 9, 1),
              **overrides):
    values = dict(mentor_id=mentor.id, mentee_id=mentee.id, form="experienced_young", starts_on=starts_on,
                  ends_on=ends_on, goals="Цели")
    values.update(overrides)
    return mentoring.save_pair(None, version=None, data=mentoring.PairData(**values), today=today)
