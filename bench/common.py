"""What every benchmark needs: a fresh SQLite file or a reset PostgreSQL schema, built by the migrations."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from lms.config import normalise_database_url  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg:///metodist_bench?host=/var/run/postgresql"


def fresh_database(kind: str, workdir: str) -> str | None:
    """A new SQLite file in ``workdir``, or LMS_BENCH_DATABASE_URL with its ``public`` schema dropped and
    recreated; None (and a line on stderr) when PostgreSQL cannot be reached, so the run reports SQLite only."""
    if kind == "sqlite":
        return "sqlite:///" + os.path.join(workdir, f"bench-{time.monotonic_ns()}.sqlite3")
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or DEFAULT_POSTGRES
    try:
        engine = create_engine(normalise_database_url(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 — any failure means: no PostgreSQL for this run
        print(f"PostgreSQL not used ({exc.__class__.__name__}: {str(exc).splitlines()[0]})", file=sys.stderr)
        return None
    return url
