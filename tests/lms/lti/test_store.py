"""The store every worker shares for LTI state and nonces, on the database and on Redis: a one-time value is
taken once whoever asks, an expired one can be taken again, and two workers caching one key at once both succeed."""

from __future__ import annotations

import os
import threading
import uuid

import pytest

from lms.lti.store import DatabaseStore, RedisStore

REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL")


@pytest.fixture(params=["database", "redis"])
def stores(request, app):
    """Two stores of the kind, as two workers would build them (Redis: two clients, one server)."""
    if request.param == "database":
        return DatabaseStore(), DatabaseStore()
    if not REDIS_URL:
        pytest.skip("set LMS_TEST_REDIS_URL (.ci/run starts a Redis server) to test the Redis store")
    prefix = f"metodist:test:{uuid.uuid4().hex}:"  # this run's keys only
    return RedisStore(REDIS_URL, prefix), RedisStore(REDIS_URL, prefix)


def test_a_nonce_is_taken_once_by_any_worker(stores):
    one, other = stores
    assert one.add("nonce-1", True, exp=60) is True
    assert other.add("nonce-1", True, exp=60) is False  # the other worker sees it used
    assert one.add("nonce-1", True, exp=60) is False
    assert other.get("nonce-1") is True
    other.delete("nonce-1")
    assert one.get("nonce-1") is None and one.add("nonce-1", True, exp=60) is True


def test_values_round_trip_and_a_set_replaces(stores):
    one, other = stores
    one.set("state-1", {"launch": [1, "а"]}, exp=60)
    assert other.get("state-1") == {"launch": [1, "а"]}
    other.set("state-1", {"launch": [2]}, exp=60)
    assert one.get("state-1") == {"launch": [2]}


def test_many_workers_add_the_same_nonce_at_once_and_exactly_one_wins(stores, app):
    one, other = stores
    gate, won = threading.Barrier(8), []

    def race(store):
        with app.app_context():
            gate.wait()
            won.append(store.add("nonce-race", True, exp=60))

    threads = [threading.Thread(target=race, args=(stores[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 7 + [True]
    assert one.get("nonce-race") is True and other.get("nonce-race") is True


def test_an_expired_value_is_gone_and_its_key_can_be_taken_again(stores):
    import time

    one, other = stores
    assert one.add("nonce-short", True, exp=1) is True
    time.sleep(1.2)
    assert other.get("nonce-short") is None
    assert other.add("nonce-short", True, exp=60) is True
