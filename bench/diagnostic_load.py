"""Benchmark: N teachers taking one diagnostic through gunicorn and PostgreSQL: latency, integrity, nodes and faults.

Run: ``python bench/diagnostic_load.py [--quick] [--teachers N] [--think F] [--spread S] [--competencies K]
[--workers W] [--threads T] [--nodes 1|2|1,2] [--faults] [--no-redis]``. The last line printed is one JSON object.
A fresh PostgreSQL database (``LMS_BENCH_DATABASE_URL``, default the local socket database ``metodist_bench``, whose
``public`` schema is dropped and rebuilt) gets N teachers, the shipped framework and demo bank and one open
diagnostic with the demo's settings over the framework's first K competencies (bench/diagnostic_data.py).
gunicorn serves ``wsgi:app`` as the deployment section of README.md runs it (``LMS_ENV=production``, sync workers,
2 × cores + 1, the sign-in limits in a Redis of the run's own) on one node or more, and N client threads
(``bench/load_client.py``) sign in within ``--spread`` seconds and answer as browsers behind nginx would, each
request sent to any node at random (no sticky sessions), reading each item 2–8 s (times ``--think``). About 5 % of
answers are sent twice and 2 % of teachers lose the connection and their session in the middle of an answer; with
``--faults`` a node is killed, Redis restarted and PostgreSQL refuses connections (bench/faults.py). Then the
database is checked against what every client saw accepted: each such answer stored exactly once, no gaps in
positions, every finished attempt with its results; and wrong passwords sent to random nodes show whether the
sign-in limit is shared.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import fresh_database
from diagnostic_data import build, check
from faults import Faults, RedisServer, kill_node, refuse_database
from load_client import Teacher
from load_http import CSRF_RE, THINK, TIMEOUT, Browser, Stats, percentile_ms
from load_servers import CpuMeter, Gunicorn

from lms.config import BaseConfig

DROP_SHARE = 0.02
BEGAN = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - BEGAN:5.0f} s] {message}", file=sys.stderr)


# --- the run -----------------------------------------------------------------------------------

def alone(bases: list[str], plan: dict, args: argparse.Namespace) -> tuple[Teacher, Stats]:
    """The baseline: one more teacher takes the diagnostic on the idle server first, without pauses."""
    stats = Stats()
    teacher = Teacher(args.teachers, bases, plan, stats, threading.Barrier(1), 0.5, (0.0, 0.0), False)
    teacher.run()
    return teacher, stats


def drive(servers: list[Gunicorn], plan: dict, args: argparse.Namespace, stats: Stats,
          faults: list | None) -> tuple[list[Teacher], dict]:
    """Start every teacher within the spread (at once with 0), report progress every 10 s, wait for the last; the
    faults (if any) are made at their seconds meanwhile."""
    rng = random.Random(args.seed)
    drops = set(rng.sample(range(args.teachers), max(1, round(args.teachers * DROP_SHARE))))
    gate = threading.Barrier(args.teachers + 1)
    bases = [server.base for server in servers]
    clients = [Teacher(n, bases, plan, stats, gate, rng.random(), args.reading, n in drops,
                       rng.uniform(0, args.spread)) for n in range(args.teachers)]
    for client in clients:
        client.start()
    meter = CpuMeter(lambda: [server.process.pid for server in servers])
    gate.wait()
    began = last = time.perf_counter()
    injector = Faults(faults, began) if faults else None
    if injector:
        injector.start()
    while any(c.is_alive() for c in clients):
        time.sleep(1)
        meter.sample()
        if time.perf_counter() - last >= 10:
            last = time.perf_counter()
            with stats.lock:
                done, posts, errors = sum(c.finished for c in clients), stats.timings["answer"][:], stats.errors.total()
            say(f"{done}/{args.teachers} finished, {len(posts)} answers timed, p95 {percentile_ms(posts, 95)} ms, "
                f"errors {errors}")
    meter.sample()
    if injector:
        injector.stopped.set()
        injector.join()
    return clients, {"seconds": round(time.perf_counter() - began, 1), **meter.summary(),
                     **({"faults": injector.log} if injector else {})}


def shared_limit(servers: list[Gunicorn], email: str) -> dict:
    """Wrong passwords for one account from one address, each sent to a node at random: refused after the
    configured number whichever node counts them, when the limit lives in the shared Redis."""
    allowed = int(BaseConfig.LOGIN_RATE_LIMIT.split()[0])
    balancer, browser = random.Random(7), Browser(servers[0].base, "10.250.250.250")
    token = CSRF_RE.search(browser.get(servers[0].base + "/auth/login", timeout=TIMEOUT).text).group(1)
    failed = 0
    for _ in range(allowed + 3):
        reply = browser.post(balancer.choice(servers).base + "/auth/login", allow_redirects=False, timeout=TIMEOUT,
                             data={"email": email, "password": "not-the-password", "csrf_token": token})
        if reply.status_code == 429:
            break
        failed += reply.status_code == 200
    return {"failed_sign_ins_before_refusal": failed, "sign_in_limit": allowed, "rate_limit_shared": failed == allowed}


def fault_plan(servers: list[Gunicorn], redis: RedisServer | None, url: str, plan: dict,
               args: argparse.Namespace) -> list:
    """A node crash, a Redis restart and PostgreSQL refusing, spread over the run's expected length."""
    expected = args.spread + plan["min_answers"] * max(sum(args.reading) / 2, 0.1) * 1.5
    faults = [(0.25 * expected, "node killed", lambda: kill_node(servers[-1])),
              (0.65 * expected, "postgresql refusing", lambda: refuse_database(url))]
    if redis:
        faults.append((0.45 * expected, "redis restarted", redis.restart))
    return faults


def run(url: str, args: argparse.Namespace, nodes: int, redis: RedisServer | None) -> dict:
    """Build the database, serve it from ``nodes`` gunicorn instances, run the baseline teacher and the crowd,
    check the database; the run's summary."""
    plan = build(url, args.teachers + 1, args.competencies)  # the last one is the baseline, alone
    say(f"built: {args.teachers} teachers, {len(plan['competencies'])} competencies, {len(plan['items'])} items; "
        f"{nodes} node(s)")
    stats, workdir = Stats(), Path(tempfile.mkdtemp(prefix="diagnostic_load-"))
    # Nodes of one site share the secret key (sessions and CSRF tokens signed by one are read by the other).
    env = {"LMS_SECRET_KEY": secrets.token_urlsafe(32), **({"LMS_REDIS_URL": redis.url} if redis else {})}
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(Gunicorn(url, workdir / f"gunicorn-{n + 1}.log", args.workers, args.threads,
                                                extra_env=env)) for n in range(nodes)]
        for server in servers:
            say(f"{' '.join(server.command[2:])} (pid {server.process.pid}), log {server.log_path}")
        bases = [server.base for server in servers]
        solo, solo_stats = alone(bases, plan, args)
        say(f"alone: {len(solo.accepted)} answers, median {percentile_ms(solo_stats.timings['answer'], 50)} ms; "
            f"now {args.teachers} teachers within {args.spread:g} s")
        faults = fault_plan(servers, redis, url, plan, args) if args.faults else None
        clients, ran = drive(servers, plan, args, stats, faults)
        limit = shared_limit(servers, plan["emails"][-1])
        say("every teacher is done; stopping gunicorn")
    stats.errors.update(solo_stats.errors)  # the baseline's errors count too; its timings stay apart
    tracebacks = [t for server in servers for t in server.tracebacks()]
    integrity = check(url, [solo, *clients], plan["diagnostic_id"], len(plan["competencies"]))
    say("database checked")
    for text_ in tracebacks[:3]:
        print(f"--- gunicorn: {text_}", file=sys.stderr)
    failures = Counter(c.failure for c in [solo, *clients] if c.failure)
    if failures:
        print(f"teachers who gave up: {dict(failures)}", file=sys.stderr)
    answers, t = [len(c.accepted) for c in clients], stats.timings
    summary = {
        "nodes": nodes, "teachers": args.teachers, "competencies": len(plan["competencies"]),
        "think_s": [round(s, 2) for s in args.reading], "spread_s": args.spread,
        "workers": args.workers, "threads": args.threads, "redis": redis is not None,
        "answers": sum(answers), "answers_timed": len(t["answer"]),
        "answers_per_teacher": {"mean": round(statistics.mean(answers), 1), "min": min(answers), "max": max(answers)},
        "answers_per_s": round(sum(answers) / ran["seconds"], 1),
        **{f"p{q}_answer_ms": percentile_ms(t["answer"], q) for q in (50, 95, 99)},
        "max_answer_ms": round(max(t["answer"], default=0) * 1000, 1),
        "p95_answer_self_assessment_ms": percentile_ms(t["answer_self"], 95),
        "p95_answer_adaptive_ms": percentile_ms(t["answer_adaptive"], 95),
        **{f"p{q}_next_ms": percentile_ms(t["next"], q) for q in (50, 95, 99)},
        "alone_p50_answer_ms": percentile_ms(solo_stats.timings["answer"], 50),
        "alone_p50_next_ms": percentile_ms(solo_stats.timings["next"], 50),
        "p95_answer_vs_alone": ratio(percentile_ms(t["answer"], 95), percentile_ms(solo_stats.timings["answer"], 50)),
        "p50_login_ms": percentile_ms(t["login"], 50), "p95_login_ms": percentile_ms(t["login"], 95),
        "p95_start_ms": percentile_ms(t["start"], 95), "p95_result_ms": percentile_ms(t["result"], 95),
        "errors": stats.errors.total(), "errors_by_kind": dict(stats.errors), "server_tracebacks": len(tracebacks),
        "teachers_gave_up": sum(failures.values()), "teachers_finished": sum(c.finished for c in clients),
        **{k: stats.events[k] for k in ("double_submits_sequential", "double_submits_parallel", "resumed_teachers",
                                        "resumed_after_saved_answer", "resumed_on_same_item",
                                        "saved_behind_an_error", "sent_to_another_node",
                                        "resumed_on_finished_attempt")},
        **limit, **integrity, **ran,
    }
    # Under faults people see error pages by design; what must still hold is the database against what they saw.
    clean = not any(integrity.values()) and (args.faults or not (summary["errors"] or tracebacks))
    if clean:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"gunicorn's logs are kept: {workdir}", file=sys.stderr)
    return summary


def ratio(a: float | None, b: float | None, digits: int = 1) -> float | None:
    return round(a / b, digits) if a and b else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="40 teachers, 2 competencies, a tenth of the reading time (about a minute)")
    parser.add_argument("--teachers", type=int, help="teachers answering at once (default 200, --quick 40)")
    parser.add_argument("--think", type=float, help=f"factor on the {THINK[0]:g}–{THINK[1]:g} s a teacher reads "
                                                    "an item (default 1, --quick 0.1; 0: no pause)")
    parser.add_argument("--reading", help="LOW,HIGH: the seconds a teacher reads an item, instead of --think "
                                           "(for example 15,40, a real cohort's pace)")
    parser.add_argument("--spread", type=float, help="seconds over which the teachers sign in, each at a random "
                                                     "moment (default 60, --quick 6; 0: all in the same second)")
    parser.add_argument("--competencies", type=int, help="the framework's first K competencies (default 5, --quick 2, "
                                                         "15: the whole demo diagnostic)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn workers per node (default 2 × cores + 1, as README.md deploys)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1: sync workers)")
    parser.add_argument("--nodes", default="1", help="app nodes behind the balancer, or a list to compare (1,2): "
                                                     "each request of a teacher goes to any node at random")
    parser.add_argument("--faults", action="store_true", help="kill a node, restart Redis and make PostgreSQL "
                                                              "refuse connections, each for 5 s, during the run")
    parser.add_argument("--no-redis", action="store_true", help="no Redis (each worker keeps its own limits)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.teachers = args.teachers or (40 if args.quick else 200)
    args.think = args.think if args.think is not None else (0.1 if args.quick else 1.0)
    args.reading = (tuple(float(s) for s in args.reading.split(",")) if args.reading
                    else tuple(args.think * s for s in THINK))
    args.spread = args.spread if args.spread is not None else (6.0 if args.quick else 60.0)
    args.competencies = args.competencies or (2 if args.quick else 5)
    counts = [int(n) for n in args.nodes.split(",")]
    for number in (signal.SIGTERM, signal.SIGHUP):  # stop like Ctrl-C: the blocks below stop gunicorn
        signal.signal(number, lambda signum, _frame: sys.exit(128 + signum))
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or None  # the code gunicorn loads
    use_redis = not args.no_redis and RedisServer.available()
    if not use_redis:
        say("no Redis: sign-in limits are per worker, and no Redis fault is made")
    runs = {}
    with contextlib.ExitStack() as stack:
        redis = stack.enter_context(RedisServer()) if use_redis else None
        for nodes in counts:
            url = fresh_database("postgresql", tempfile.gettempdir())
            if url is None:
                sys.exit("diagnostic_load needs PostgreSQL (LMS_BENCH_DATABASE_URL or the local socket database)")
            runs[nodes] = run(url, args, nodes, redis)
            say(f"{nodes} node(s): {runs[nodes]['answers_per_s']} answers/s, p95 answer "
                f"{runs[nodes]['p95_answer_ms']} ms, lost {runs[nodes]['lost_answers']}")
    last = runs[counts[-1]]
    summary = dict(last)
    if len(runs) > 1:
        summary["runs"] = {str(n): {k: v for k, v in r.items() if k != "errors_by_kind"} for n, r in runs.items()}
        summary["answers_per_s_by_nodes"] = {str(n): r["answers_per_s"] for n, r in runs.items()}
        if 1 in runs and 2 in runs:
            summary["two_nodes_speedup"] = ratio(runs[2]["answers_per_s"], runs[1]["answers_per_s"], 2)
        for key in ("lost_answers", "duplicated_answers", "answers_saved_differently", "answers_saved_unseen"):
            summary[key] = sum(r[key] for r in runs.values())
    summary["commit"] = commit
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, SystemExit) as stop:
        if isinstance(stop, SystemExit) and not isinstance(stop.code, int):
            raise
        say("interrupted: gunicorn is stopped; the next run rebuilds the database")
        sys.exit(130 if isinstance(stop, KeyboardInterrupt) else stop.code)
