"""The server side of the load benchmarks: gunicorn as README.md deploys it, and a CPU meter for a shared machine.

``Gunicorn`` runs ``wsgi:app`` (or a bench app) and stops it with its workers however the run ends; ``CpuMeter``
says where the CPU went: this client, the nodes, PostgreSQL, everything else.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import requests
from load_http import LOG_LINE_RE, ROOT


class Gunicorn:
    """The deployment's ``gunicorn --workers W --bind … --access-logfile - wsgi:app`` with ``LMS_ENV=production``;
    stopped with its workers when the block ends, however it ends."""

    def __init__(self, url: str, log_path: Path, workers: int, threads: int, app: str = "wsgi:app",
                 extra_env: dict | None = None) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                        *(["--threads", str(threads)] if threads > 1 else []),
                        "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "-",
                        *(["--pythonpath", "bench"] if app != "wsgi:app" else []), app]
        # Only what production requires; nothing else of the LMS_* the caller may have set.
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("LMS_")}, "LMS_ENV": "production",
                    "LMS_SECRET_KEY": secrets.token_urlsafe(32), "LMS_BASE_URL": "https://metodist.bench.example",
                    "LMS_DATABASE_URL": url, **(extra_env or {})}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        # The child keeps its own descriptor; a restarted node (a fault run) writes on after its first life.
        with open(self.log_path, "a" if self.process is not None else "w") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 120  # five workers import the app at once
            while True:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{self.tail(30)}")
                try:
                    if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.3)
            time.sleep(2)  # every worker imports the app on its own: give the slowest a moment
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """SIGTERM (workers finish the request in hand), then SIGKILL to whatever is left of its process group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def tail(self, lines: int) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def tracebacks(self) -> list[str]:
        """Each error in the log: Flask's «Exception on /path [POST]» (or gunicorn's line) and its tracebacks, up
        to the next line of the log or of the access log."""
        found, lines = [], self.log_path.read_text(errors="replace").splitlines()
        starts = [n for n, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")
                  and (n == 0 or not lines[n - 1].startswith(("During handling", "The above exception", "Traceback")))]
        for n in starts:
            end = next((m for m in range(n + 1, len(lines)) if LOG_LINE_RE.match(lines[m])), len(lines))
            found.append("\n".join(lines[max(0, n - 1):end]))
        return found


class CpuMeter:
    """CPU seconds over the run of this client, gunicorn's process groups, PostgreSQL and everything else (the
    machine is shared), from /proc, sampled each second."""

    def __init__(self, gunicorn_pids) -> None:
        """``gunicorn_pids``: a callable giving the process groups of the nodes now (a node may be restarted)."""
        self.gunicorn_pids, self.tick = gunicorn_pids, os.sysconf("SC_CLK_TCK")
        self.seen, self.used, self.busy0 = self.read(), Counter(), self.machine()

    def read(self) -> dict[int, tuple[str, int]]:
        found, groups = {}, set(self.gunicorn_pids())
        for entry in os.scandir("/proc"):
            try:
                raw = Path(entry.path, "stat").read_text() if entry.name.isdigit() else None
            except OSError:
                continue
            if raw:
                comm, rest = raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()
                pid, group = int(entry.name), int(rest[2])
                kind = ("client" if pid == os.getpid() else "gunicorn" if group in groups
                        else "postgresql" if comm == "postgres" else "other")
                found[pid] = (kind, int(rest[11]) + int(rest[12]))  # utime + stime
        return found

    def sample(self) -> None:
        for pid, (kind, ticks) in self.read().items():
            before = self.seen.get(pid)
            self.used[kind] += ticks - (before[1] if before and before[0] == kind else 0)
            self.seen[pid] = (kind, ticks)

    @staticmethod
    def machine() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields) - fields[3] - fields[4], sum(fields)  # busy, total (idle and iowait are not busy)

    def summary(self) -> dict:
        busy, total = (b - a for a, b in zip(self.busy0, self.machine(), strict=True))
        return {"machine_busy_pct": round(100 * busy / total, 1), "cores": os.cpu_count(),
                **{f"{kind}_s": round(self.used[kind] / self.tick, 1)
                   for kind in ("client", "gunicorn", "postgresql", "other")}}
