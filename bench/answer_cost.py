"""Benchmark: the server CPU of a diagnostic answer (its POST and the next item's page) against the floor of the stack.

Run: ``python bench/answer_cost.py [--quick] [--teachers N] [--competencies K]``. The last line printed is one JSON
object. The database is built as for bench/diagnostic_load.py (PostgreSQL, ``LMS_BENCH_DATABASE_URL``, the demo's
framework and bank, one open diagnostic); gunicorn serves the product with the two floor pages of
bench/floor_app.py added, with ONE sync worker, so every CPU nanosecond the worker spends between a request's
first byte and its reply is that request's (read from ``/proc/<pid>/schedstat``: scheduler time, not ticks).
One client, one request at a time: teachers sign in and answer their diagnostic; after each answer the same
teacher also sends the floor pair (``POST /bench/floor/write`` → ``GET /bench/floor/page``), so answer and floor
are measured side by side under whatever else the machine is doing, and their ratio is what is compared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import fresh_database
from diagnostic_data import build
from load_http import CSRF_RE, ITEM_RE, OPTION_RE, PASSWORD, START_RE, Browser
from load_servers import Gunicorn

BEGAN = time.perf_counter()
KINDS = ("answer_post", "next_page", "floor_post", "floor_page")


def say(message: str) -> None:
    print(f"[{time.perf_counter() - BEGAN:5.0f} s] {message}", file=sys.stderr)


def group_cpu_ns(group: int) -> int:
    """CPU time (ns) of every process in gunicorn's process group: the master and its worker."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            if int(stat[stat.rindex(")") + 2:].split()[2]) != group:
                continue
            total += int(Path(entry.path, "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


class Meter:
    """Server CPU and wall time of single requests, by kind."""

    def __init__(self, group: int) -> None:
        self.group = group
        self.cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.wall: dict[str, list[float]] = {kind: [] for kind in KINDS}

    def send(self, kind: str | None, browser: Browser, method: str, url: str, **kwargs):
        """One request; its figures are kept under ``kind`` (None: not kept; a callable: decided by the reply)."""
        cpu, wall = group_cpu_ns(self.group), time.perf_counter()
        response = browser.request(method, url, allow_redirects=False, timeout=(10, 60), **kwargs)
        wall, cpu = (time.perf_counter() - wall) * 1000, (group_cpu_ns(self.group) - cpu) / 1e6
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {url}: {response.status_code}")
        kind = kind(response) if callable(kind) else kind
        if kind:
            self.wall[kind].append(wall)
            self.cpu[kind].append(cpu)
        return response


def absolute(base: str, location: str) -> str:
    return location if "://" in location else base + location


def take(meter: Meter, base: str, email: str, rng: random.Random, diagnostic_id: int) -> int:
    """One teacher: sign in, start, answer every item (a random option), each answer followed by the floor pair."""
    browser = Browser(base, f"10.9.{rng.randrange(250)}.{rng.randrange(1, 250)}")
    token = CSRF_RE.search(meter.send(None, browser, "GET", base + "/auth/login").text).group(1)
    meter.send(None, browser, "POST", base + "/auth/login", data={"email": email, "password": PASSWORD,
                                                                  "csrf_token": token})
    home = meter.send(None, browser, "GET", base + "/assessments/").text
    start = START_RE.search(home)
    if start is None or int(start.group(2)) != diagnostic_id:
        raise RuntimeError("the diagnostic is not offered")
    response = meter.send(None, browser, "POST", base + start.group(1),
                          data={"csrf_token": CSRF_RE.search(home).group(1)})
    attempt_url = absolute(base, response.headers["Location"])
    page = meter.send(None, browser, "GET", attempt_url)  # the first item: not an answer's next page
    answered = 0
    while page.status_code == 200 and ITEM_RE.search(page.text):
        options = [value for _kind, value in OPTION_RE.findall(page.text)]
        form = {"csrf_token": CSRF_RE.search(page.text).group(1), "item_id": ITEM_RE.search(page.text).group(1),
                "option": [rng.choice(options)]}
        posted = meter.send("answer_post", browser, "POST", attempt_url + "/answer", data=form)
        # The page the answer redirects to chooses the next item: that is the "next page" (not the results).
        page = meter.send(lambda r: "next_page" if r.status_code == 200 and ITEM_RE.search(r.text) else None,
                          browser, "GET", absolute(base, posted.headers["Location"]))
        answered += 1
        floor_page = meter.send(None, browser, "GET", base + "/bench/floor/page")
        written = meter.send("floor_post", browser, "POST", base + "/bench/floor/write",
                             data={"csrf_token": CSRF_RE.search(floor_page.text).group(1)})
        meter.send("floor_page", browser, "GET", absolute(base, written.headers["Location"]))
    browser.close()
    return answered


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"n": len(values), "mean": round(statistics.fmean(values), 2), "median": round(statistics.median(values), 2),
            "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 teachers, 2 competencies (under a minute)")
    parser.add_argument("--teachers", type=int, help="teachers who take the diagnostic one after another (default 20)")
    parser.add_argument("--competencies", type=int, help="the framework's first K competencies (default 5)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.teachers = args.teachers or (5 if args.quick else 20)
    args.competencies = args.competencies or (2 if args.quick else 5)
    url = fresh_database("postgresql", tempfile.gettempdir())
    if url is None:
        sys.exit("answer_cost needs PostgreSQL (LMS_BENCH_DATABASE_URL or the local socket database)")
    plan = build(url, args.teachers, args.competencies)
    say(f"built: {args.teachers} teachers, {len(plan['competencies'])} competencies")
    workdir = Path(tempfile.mkdtemp(prefix="answer_cost-"))
    rng = random.Random(args.seed)
    with Gunicorn(url, workdir / "gunicorn.log", 1, 1, app="floor_app:app") as server:
        meter = Meter(server.process.pid)
        answers = 0
        for n, email in enumerate(plan["emails"]):
            answers += take(meter, server.base, email, rng, plan["diagnostic_id"])
            if n == 0:  # the first teacher warms the worker (imports, caches): measured from the second on
                meter = Meter(server.process.pid)
                answers = 0
        say(f"{answers} answers measured")
        tracebacks = server.tracebacks()
    cpu = {kind: summary(values) for kind, values in meter.cpu.items()}
    wall = {kind: summary(values) for kind, values in meter.wall.items()}
    answer_cpu = cpu["answer_post"]["mean"] + cpu["next_page"]["mean"]
    floor_cpu = cpu["floor_post"]["mean"] + cpu["floor_page"]["mean"]
    result = {
        "teachers_measured": args.teachers - 1, "competencies": args.competencies, "answers_measured": answers,
        "cpu_ms": cpu, "wall_ms": wall,
        "answer_cpu_ms": round(answer_cpu, 2), "floor_cpu_ms": round(floor_cpu, 2),
        "cpu_ratio_vs_floor": round(answer_cpu / floor_cpu, 2),
        "answers_per_cpu_s": round(1000 / answer_cpu, 1), "server_tracebacks": len(tracebacks),
    }
    if not tracebacks:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(tracebacks[0], file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
