"""A connection PostgreSQL drops while a request ends does not turn the page already built into an error."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from lms.extensions import db
from tests.conftest import PG_URL


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: SQLite has no server to drop a connection")
def test_a_connection_dropped_before_the_closing_rollback_still_delivers_the_page(app_factory):
    app = app_factory()

    @app.route("/test/dropped")
    def dropped():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))  # the request's transaction is open
        with db.engine.connect() as other:  # what a restart or a failover does to it
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        return "built"

    @app.route("/test/next")
    def next_request():
        return str(db.session.scalar(text("SELECT 1")))

    client = app.test_client()
    response = client.get("/test/dropped")
    assert response.status_code == 200 and response.text == "built"
    assert client.get("/test/next").text == "1"  # the pool replaced the dropped connection
