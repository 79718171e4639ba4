"""The optimistic-lock check has one meaning in every service: a form's version must match, a script checks nothing."""

from __future__ import annotations

import pytest

from lms.errors import ConflictError
from lms.models.mixins import check_version


class Record:
    version = 3


@pytest.mark.nodb
def test_the_one_meaning_of_check_version():
    check_version(Record(), 3, "changed")  # the form was opened on the current version
    check_version(None, -1, "changed")  # nothing exists yet: a creation cannot be stale
    check_version(Record(), None, "changed")  # no form at all (a script, the demo): nothing to compare
    for stale in (2, 4, -1):  # -1: what VersionedForm.version_value() reads from a missing or garbled field
        with pytest.raises(ConflictError, match="changed"):
            check_version(Record(), stale, "changed")


def test_services_of_each_package_share_it(app, people):
    from assessments.services.routes import catalogue as activities
    from courses.services import groups
    from lms.extensions import db
    from lms.orgs import services as orgs
    from tests.factories import make_programme

    municipality = orgs.save_municipality(None, version=None, name="Новый район", oktmo=None)
    db.session.flush()
    # A form opened before the save that bumped the version is refused, with the record's own message ...
    orgs.save_municipality(municipality, version=municipality.version, name="Новый район 2", oktmo=None)
    db.session.flush()
    with pytest.raises(ConflictError, match="в списке"):
        orgs.save_municipality(municipality, version=municipality.version - 1, name="Старое", oktmo=None)
    # ... a script changing the current state passes None and is not (it used to be, in some services only).
    assert orgs.save_municipality(municipality, version=None, name="Из скрипта", oktmo=None).name == "Из скрипта"
    data = groups.GroupData(programme_id=make_programme().id, name="Группа", source="application", tutor_id=None,
                            association_id=None, capacity=10, starts_on=None, ends_on=None)
    group = groups.save_group(None, version=None, data=data)
    db.session.flush()
    with pytest.raises(ConflictError, match="редактировали группу"):
        groups.save_group(group, version=-1, data=data)
    with pytest.raises(ConflictError, match="это мероприятие"):
        activities.save_activity(activities.Activity(version=5), None, version=4)


def test_course_tasks_and_community_records_share_it(app, people):
    """The two hand-written copies (a course task, every community record) read a missing version as "stale"."""
    from community.services import mentoring
    from courses.services import assignments
    from lms.extensions import db
    from tests.community.helpers import make_pair
    from tests.factories import make_programme, make_user

    task = assignments.save_task(make_programme().modules[0], None, version=None, title="План", instructions="",
                                 rubric_text="Цель — 2", pass_points=1)
    db.session.flush()
    fields = dict(title="План 2", instructions="", rubric_text="Цель — 2", pass_points=1)
    assert assignments.save_task(task.module, task, version=None, **fields).title == "План 2"
    db.session.flush()
    for stale in (task.version - 1, -1):
        with pytest.raises(ConflictError, match="актуальный текст"):
            assignments.save_task(task.module, task, version=stale, **fields)
    pair = make_pair(make_user("teacher", email="mentor@example.org"), people["teacher"])
    db.session.flush()
    data = mentoring.PairData(mentor_id=pair.mentor_id, mentee_id=pair.mentee_id, form="peer",
                              starts_on=pair.starts_on, ends_on=pair.ends_on, goals="Из скрипта")
    assert mentoring.save_pair(pair, version=None, data=data, today=pair.starts_on).goals == "Из скрипта"
    db.session.flush()
    with pytest.raises(ConflictError, match="актуальные данные в списке"):
        mentoring.save_pair(pair, version=-1, data=data, today=pair.starts_on)


@pytest.mark.nodb
def test_no_module_compares_a_version_by_hand():
    """Only :func:`check_version` compares a form's version with a record's: a copy drifts in meaning."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    by_hand = re.compile(r"\bversion\s*!=\s*\w+\.version\b|\.version\s*!=\s*version\b")
    offenders = [str(path.relative_to(root)) for package in ("lms", "courses", "assessments", "community")
                 for path in (root / package).rglob("*.py")
                 if path.name != "mixins.py" and by_hand.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
