"""A report file of a large period is built by a background job the person follows: right after the commit
without Redis, by an RQ worker with it; the file downloads when it is done, and only for the one who asked."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import load_workbook

from lms.extensions import db
from lms.reports.models import ExportJob
from tests.conftest import Client
from tests.lms.test_indicators import build_world

RECORDS = "/reports/indicators/targeted_support/records.xlsx?period=year&from=15.10.2026"


def _signed_in(app, email):
    client = Client(app.test_client())
    assert client.login(email).status_code == 302
    return client


def test_a_large_file_is_a_job_the_person_follows_and_downloads(app_factory):
    from tests.conftest import make_people

    app = app_factory(REPORTS_INLINE_ROWS=2)  # the world's four records are "large" here
    with app.app_context():
        build_world(make_people())
    admin = _signed_in(app, "admin@example.org")
    asked = admin.get(RECORDS)
    assert asked.status_code == 302 and "/reports/exports/" in asked.headers["Location"]
    page = admin.get(asked.headers["Location"])
    assert "Файл готов" in page.text  # without Redis it was built right after the request committed
    with app.app_context():
        job = db.session.query(ExportJob).one()
        assert (job.status, job.progress, job.kind, job.key) == ("done", 100, "records", "targeted_support")
        job_id = job.id
    got = admin.get(f"/reports/exports/{job_id}/file")
    sheet = load_workbook(io.BytesIO(got.data)).active
    assert got.status_code == 200 and len(list(sheet.iter_rows(min_row=5))) == 4
    assert _signed_in(app, "staff@example.org").get(f"/reports/exports/{job_id}").status_code == 403  # not theirs
    small = _signed_in(app, "admin@example.org").get(RECORDS.replace("targeted_support", "programmes_delivered"))
    assert small.status_code == 200 and small.data.startswith(b"PK")  # two rows: built in the request


def test_with_redis_the_commit_enqueues_and_a_worker_builds_it(app_factory):
    url = os.environ.get("LMS_TEST_REDIS_URL")
    if not url:
        pytest.skip("set LMS_TEST_REDIS_URL (.ci/run starts a Redis server) to test the RQ export")
    from redis import Redis
    from rq import Queue, SimpleWorker

    from lms.reports.jobs import QUEUE
    from tests.conftest import make_people

    Redis.from_url(url).delete(f"rq:queue:{QUEUE}")
    app = app_factory(REPORTS_INLINE_ROWS=2, REDIS_URL=url)
    with app.app_context():
        build_world(make_people())
    admin = _signed_in(app, "admin@example.org")
    location = admin.get(RECORDS).headers["Location"]
    waiting = admin.get(location)
    assert "в фоновом режиме" in waiting.text and 'http-equiv="refresh"' in waiting.text
    # A reload of the link while the file is queued follows the same job; another format is another file.
    assert admin.get(RECORDS).headers["Location"] == location
    other = admin.get(RECORDS.replace(".xlsx", ".csv")).headers["Location"]
    assert other != location
    queue = Queue(QUEUE, connection=Redis.from_url(url))
    assert queue.count == 2
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert {status for (status,) in db.session.query(ExportJob.status)} == {"done"}
