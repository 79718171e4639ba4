"""Faults for bench/diagnostic_load.py: a Redis of the run's own, a node killed, Redis restarted, PostgreSQL refusing.

``RedisServer`` starts a private ``redis-server`` on a free loopback port (the nodes share it for their sign-in
limits, as a deployment's nodes do) so restarting it touches nobody else's. ``Faults`` is a thread that, at the
given seconds into the run, kills one node with SIGKILL (a crash: requests in flight are cut) and starts it again
as a supervisor would, restarts Redis, and makes PostgreSQL refuse the run's database for a few seconds (new
connections refused, open ones terminated); it records when each fault began and ended.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms.config import normalise_database_url

OUTAGE_S = 5.0  # how long a node, Redis or PostgreSQL stays away


class RedisServer:
    """A ``redis-server`` of this run only: no disk, loopback, a free port; ``restart`` loses its data, as a crash
    of a cache-only Redis does."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self, outage: float = OUTAGE_S) -> None:
        self.stop()
        time.sleep(outage)
        self.start()

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def refuse_database(url: str, outage: float = OUTAGE_S) -> None:
    """PostgreSQL refuses the run's database for ``outage`` seconds: no new connection, every open one ended."""
    target = make_url(normalise_database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = target.database
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        time.sleep(outage)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


def kill_node(server, outage: float = OUTAGE_S) -> None:
    """SIGKILL to the node's whole process group (master and workers, mid-request), then start it again."""
    try:
        os.killpg(server.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.process.wait()
    time.sleep(outage)
    server.__enter__()


class Faults(threading.Thread):
    """Each fault at its second of the run, one after another; ``log`` says what happened when."""

    def __init__(self, schedule: list[tuple[float, str, callable]], began: float) -> None:
        super().__init__(name="faults", daemon=True)
        self.schedule, self.began = sorted(schedule, key=lambda entry: entry[0]), began
        self.log: list[dict] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        for at, name, action in self.schedule:
            if self.stopped.wait(max(0.0, self.began + at - time.perf_counter())):
                return
            started = time.perf_counter() - self.began
            try:
                action()
                outcome = "done"
            except Exception as exc:  # noqa: BLE001 — a fault that could not be made is reported, not hidden
                outcome = f"{type(exc).__name__}: {exc}"
            self.log.append({"fault": name, "from_s": round(started, 1),
                             "to_s": round(time.perf_counter() - self.began, 1), "outcome": outcome})
