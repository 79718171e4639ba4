"""Prints the URL of a reachable PostgreSQL for the test suite, or nothing; used by `make test`."""

from __future__ import annotations

import os
import sys

CANDIDATES = (
    # Debian's server listens on this socket; peer authentication maps the OS user to a role.
    "postgresql+psycopg:///metodist_test?host=/var/run/postgresql",
)


def reachable(url: str) -> bool:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error as exc:
        print(f"PostgreSQL at {url} is not usable: {exc}".strip(), file=sys.stderr)
        return False


def main() -> int:
    explicit = os.environ.get("LMS_TEST_DATABASE_URL")
    for url in ([explicit] if explicit else CANDIDATES):
        if reachable(url):
            print(url)
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
