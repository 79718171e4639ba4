"""With Redis, a score is an RQ job: the commit enqueues it, a worker sends it and RQ retries a failure."""

from __future__ import annotations

import os

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from lms.lti.passback import QUEUE
from tests.lms.lti.test_passback import _launched_module, _rows, _study

URL = os.environ.get("LMS_TEST_REDIS_URL")


@pytest.fixture
def tool_config():
    if not URL:
        pytest.skip("set LMS_TEST_REDIS_URL (.ci/run starts a Redis server) to test the RQ passback")
    Redis.from_url(URL).flushdb()
    return {"REDIS_URL": URL, "LTI_PASSBACK_BACKOFF": [0]}


def test_the_commit_enqueues_and_a_worker_sends_retrying_once(peers):
    peers.configure(fail_scores=1)
    browser, lesson_id = _launched_module(peers)
    _study(peers, browser, lesson_id)
    # Nothing was sent by the request itself.
    assert peers.received()["scores"] == [] and [row[0] for row in _rows(peers)] == ["pending"]
    queue = Queue(QUEUE, connection=Redis.from_url(URL))
    assert queue.count == 1
    with peers.app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert [row[:2] for row in _rows(peers)] == [("sent", 2)]
    assert len(peers.received()["scores"]) == 1
