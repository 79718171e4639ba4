"""Staff recalculate the item parameters with a button: a background job (inline without Redis) writes the new
versions and a spreadsheet of them; a double click, a second tab or a second person never start a second one."""

from __future__ import annotations

import io
import re
import threading
from datetime import timedelta

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from assessments.models import Framework, ItemParameters
from assessments.services import calibration, recalculation
from lms.errors import ServiceError
from lms.extensions import db
from lms.models.mixins import utcnow
from lms.reports.models import ExportJob
from lms.users.models import User
from tests.assessments.test_calibration import _items, _simulate, _truth, setting  # noqa: F401 (fixture)

SEEN = re.compile(r'name="seen"[^>]*value="(\d+)"')


@pytest.fixture
def bank(setting):  # noqa: F811
    """Five pilot items of one competency with 300 attempts' answers: enough for calibration at 250."""
    rng = np.random.default_rng(11)
    truth = _truth(rng, 5)
    items = _items(setting["competencies"][0], truth, expert=(1.0, 0.0))
    _simulate(setting, rng.normal(0, 1, (300, 1)), [(items, truth)], rng, shown=0.95)
    return {**setting, "items": items}


@pytest.fixture
def low_threshold(monkeypatch):
    monkeypatch.setattr(calibration, "MIN_RESPONSES", 250)


def _jobs() -> int:
    return db.session.scalar(select(func.count()).select_from(ExportJob).where(ExportJob.kind == "calibration"))


def _seen(page: str) -> str:
    return SEEN.search(page).group(1)


def test_staff_recalculate_from_the_page_and_get_new_versions_and_a_spreadsheet(bank, login_as, low_threshold):
    staff = login_as("staff")
    url = f"/assessments/bank/statistics/{bank['framework'].id}/recalculate"
    page = staff.get("/assessments/bank/statistics").text
    assert f'action="{url}"' in page and 'name="csrf_token"' in page.split(url, 1)[1]
    assert "flask assessments calibrate" not in page  # a button, not a shell command
    done = staff.post(url, {"seen": _seen(page)}, follow_redirects=True)
    assert done.status_code == 200 and 'data-job-status="done"' in done.text
    db.session.expire_all()
    current = db.session.scalars(select(ItemParameters).where(
        ItemParameters.item_id.in_([i.id for i in bank["items"]]), ItemParameters.current.is_(True))).all()
    assert len(current) == 5 and {p.source for p in current} == {"calibration"}
    job = db.session.scalar(select(ExportJob).where(ExportJob.kind == "calibration"))
    assert job.status == "done" and job.args["summary"]["written"] == 5 and job.file_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(staff.get(f"/reports/exports/{job.id}/file").data)).active
    codes = [row[1].value for row in sheet.iter_rows(min_row=5)]
    assert sorted(codes) == [i.code for i in bank["items"]]
    assert login_as("admin").get(f"/reports/exports/{job.id}/file").status_code == 403  # the starter's file


def test_a_double_click_starts_one_job_and_says_why_the_second_did_not(bank, login_as, low_threshold):
    staff = login_as("staff")
    url = f"/assessments/bank/statistics/{bank['framework'].id}/recalculate"
    seen = _seen(staff.get("/assessments/bank/statistics").text)
    first = staff.post(url, {"seen": seen})
    second = staff.post(url, {"seen": seen}, follow_redirects=True)  # the same page's form, sent again
    assert first.status_code == 302 and second.status_code == 200
    assert "after this page was opened" in second.text or "уже" in second.text
    assert _jobs() == 1
    again = staff.post(url, {"seen": _seen(second.text)})  # from the fresh page: a deliberate second run
    assert again.status_code == 302 and _jobs() == 2


def test_while_one_runs_no_other_starts_but_a_lost_one_does_not_block(bank, login_as, people, monkeypatch):
    monkeypatch.setattr("lms.reports.jobs.dispatch", lambda job_id: None)  # the worker has not taken it yet
    staff = login_as("staff")
    url = f"/assessments/bank/statistics/{bank['framework'].id}/recalculate"
    seen = _seen(staff.get("/assessments/bank/statistics").text)
    assert staff.post(url, {"seen": seen}).status_code == 302
    waiting = login_as("admin").get("/assessments/bank/statistics").text
    assert 'data-job-status="queued"' in waiting and 'http-equiv="refresh"' in waiting
    assert f'action="{url}"' not in waiting  # no button while it runs
    job = db.session.scalar(select(ExportJob).where(ExportJob.kind == "calibration"))
    refused = login_as("admin").post(url, {"seen": str(job.id)}, follow_redirects=True)
    assert refused.status_code == 200 and _jobs() == 1 and 'class="flash flash-error"' in refused.text
    job.created_at = utcnow() - timedelta(hours=2)  # its worker died long ago
    db.session.commit()
    assert login_as("admin").post(url, {"seen": str(job.id)}).status_code == 302 and _jobs() == 2


def test_two_starts_at_the_same_moment_make_one_job(app_factory, bank, monkeypatch):
    monkeypatch.setattr("lms.reports.jobs.dispatch", lambda job_id: None)
    app = app_factory()
    with app.app_context():
        framework_id = bank["framework"].id
        staff_ids = [db.session.scalar(select(User.id).where(User.email == email))
                     for email in ("staff@example.org", "admin@example.org")]
    barrier, errors, started = threading.Barrier(2), [], []

    def start(user_id):
        with app.app_context(), app.test_request_context():
            framework, actor = db.session.get(Framework, framework_id), db.session.get(User, user_id)
            barrier.wait()
            try:
                started.append(recalculation.start(framework, actor, seen=0).id)
                db.session.commit()
            except ServiceError as exc:
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=start, args=(user_id,)) for user_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(started) == 1 and len(errors) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ExportJob)) == 1


def test_a_failed_recalculation_changes_nothing_and_says_so(bank, login_as, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no memory")

    monkeypatch.setattr(calibration, "calibrate", broken)
    staff = login_as("staff")
    url = f"/assessments/bank/statistics/{bank['framework'].id}/recalculate"
    page = staff.post(url, {"seen": _seen(staff.get("/assessments/bank/statistics").text)}, follow_redirects=True)
    assert page.status_code == 200 and 'data-job-status="failed"' in page.text
    assert f'action="{url}"' in page.text  # it may be started again
    assert db.session.scalar(select(func.count()).select_from(ItemParameters).where(
        ItemParameters.source == "calibration")) == 0


def test_bad_input_is_refused_with_a_message_and_only_staff_may_recalculate(bank, login_as):
    url = f"/assessments/bank/statistics/{bank['framework'].id}/recalculate"
    staff = login_as("staff")
    for form in ({}, {"seen": "abc"}, {"seen": "9" * 40}):
        response = staff.post(url, form, follow_redirects=True)
        assert response.status_code == 200 and 'class="flash flash-error"' in response.text, form
    assert staff.post("/assessments/bank/statistics/999999/recalculate", {"seen": "0"}).status_code == 404
    for role in ("teacher", "tutor"):
        assert login_as(role).post(url, {"seen": "0"}).status_code == 403
    assert _jobs() == 0


def test_with_redis_the_recalculation_is_an_rq_job(app_factory, bank, low_threshold):
    import os

    url = os.environ.get("LMS_TEST_REDIS_URL")
    if not url:
        pytest.skip("set LMS_TEST_REDIS_URL (.ci/run starts a Redis server) to test the RQ job")
    from redis import Redis
    from rq import Queue, SimpleWorker

    from lms.reports.jobs import QUEUE
    from tests.conftest import Client

    Redis.from_url(url).delete(f"rq:queue:{QUEUE}")
    app = app_factory(REDIS_URL=url)
    staff = Client(app.test_client())
    assert staff.login("staff@example.org").status_code == 302
    url_ = f"/assessments/bank/statistics/{bank['framework'].id}/recalculate"
    waiting = staff.post(url_, {"seen": _seen(staff.get("/assessments/bank/statistics").text)},
                         follow_redirects=True)
    assert 'data-job-status="queued"' in waiting.text  # the request only queued it
    queue = Queue(QUEUE, connection=Redis.from_url(url))
    assert queue.count == 1
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        job = db.session.scalar(select(ExportJob))
        assert job.status == "done" and job.args["summary"]["written"] == 5
