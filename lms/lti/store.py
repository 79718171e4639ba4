"""The store every worker shares for LTI state, nonces and launch data: Redis when LMS_REDIS_URL is set,
else a database table (never a worker's memory: a launch's second request may reach another worker)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from lms.extensions import db
from lms.models.mixins import utcnow

DEFAULT_TTL = 3600


class RedisStore:
    """pylti1p3's cache interface (get/set) plus an atomic ``add`` for one-time values."""

    def __init__(self, url: str, prefix: str = "metodist:lti:") -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def get(self, key: str) -> Any:
        raw = self._redis.get(self._prefix + key)
        return None if raw is None else json.loads(raw)

    def set(self, key: str, value: Any, exp: int | None = None) -> None:
        self._redis.set(self._prefix + key, json.dumps(value), ex=exp or DEFAULT_TTL)

    def add(self, key: str, value: Any, exp: int | None = None) -> bool:
        """Store ``value`` unless the key exists; True when this call stored it (SET NX is atomic)."""
        return bool(self._redis.set(self._prefix + key, json.dumps(value), ex=exp or DEFAULT_TTL, nx=True))

    def delete(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


class DatabaseStore:
    """The same on the database, in its own short transactions: what is stored is visible to every worker
    at once and survives the request's rollback (a refused launch must still burn its nonce)."""

    def get(self, key: str) -> Any:
        with db.engine.connect() as conn:
            row = conn.execute(select(_table().c.value).where(
                _table().c.key == _key(key), _table().c.expires_at > utcnow())).first()
        return None if row is None else json.loads(row[0])

    def set(self, key: str, value: Any, exp: int | None = None) -> None:
        table = _table()
        with db.engine.begin() as conn:
            # One statement, an upsert: two workers caching the same platform's keys at once both succeed
            # (a delete then an insert let the second one's insert fail on the first one's row).
            statement = _insert(conn)(table).values(
                key=_key(key), value=json.dumps(value), expires_at=utcnow() + timedelta(seconds=exp or DEFAULT_TTL))
            conn.execute(statement.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={"value": statement.excluded.value, "expires_at": statement.excluded.expires_at}))

    def add(self, key: str, value: Any, exp: int | None = None) -> bool:
        table = _table()
        now = utcnow()
        with db.engine.begin() as conn:
            # Expired entries go first, so a key whose time is up can be added again.
            conn.execute(delete(table).where(table.c.expires_at <= now))
            statement = _insert(conn)(table).values(
                key=_key(key), value=json.dumps(value), expires_at=now + timedelta(seconds=exp or DEFAULT_TTL),
            ).on_conflict_do_nothing().returning(table.c.key)
            return conn.execute(statement).first() is not None

    def delete(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(_table()).where(_table().c.key == _key(key)))


def _insert(conn):
    """The dialect's INSERT, which has ON CONFLICT (both databases we run on do)."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _table():
    from lms.lti.models import LtiStoreEntry

    return LtiStoreEntry.__table__


def _key(key: str) -> str:
    # pylti1p3's keys carry a uuid and a prefix; a longer one (never seen) is hashed to fit the column.
    return key if len(key) <= 255 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def get_store():
    """The app's shared store, built once per app."""
    app = current_app._get_current_object()
    store = app.extensions.get("lms.lti.store")
    if store is None:
        url = app.config.get("REDIS_URL")
        store = RedisStore(url) if url else DatabaseStore()
        app.extensions["lms.lti.store"] = store
    return store
