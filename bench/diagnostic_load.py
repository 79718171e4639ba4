"""Benchmark: N teachers taking one diagnostic at once through gunicorn and PostgreSQL, answer latency and integrity.

Run: ``python bench/diagnostic_load.py [--quick] [--teachers N] [--think F] [--competencies K] [--workers W]
[--threads T]``. The last line printed is one JSON object. A fresh PostgreSQL database (``LMS_BENCH_DATABASE_URL``,
default the local socket database ``metodist_bench``, whose ``public`` schema is dropped and rebuilt) gets N teachers,
the shipped framework and demo bank and one open diagnostic with the demo's settings (self-assessment first, at most
6 items per competency) over the framework's first K competencies (default 5 of 15: the whole diagnostic is about 67
answers a teacher, too many for a 10-minute run on two cores).
gunicorn serves ``wsgi:app`` as the deployment section of README.md runs it (``LMS_ENV=production``, sync workers,
2 × cores + 1) and N client threads (``bench/load_client.py``) answer through it as browsers behind nginx would,
reading each item 2–8 s (times ``--think``). About 5 % of answers are sent twice and 2 % of teachers lose the
connection and their session in the middle of an answer. Then the database is checked against what every client
saw accepted: each such answer stored exactly once, no gaps in positions, every finished attempt with its results.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import flask_migrate
from common import fresh_database
from load_client import PASSWORD, THINK, CpuMeter, Gunicorn, Stats, Teacher, percentile_ms
from sqlalchemy import func, insert, select, text

from assessments import demo
from assessments.models import Answer, Attempt, CompetencyResult, Item
from assessments.services import bank
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from lms import create_app
from lms.config import ProductionConfig
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow
from lms.orgs.models import Municipality, School
from lms.users.models import TeacherProfile, User, UserRole, fold
from lms.users.services import hash_password

DROP_SHARE = 0.02
SCHOOLS = 10
CATEGORIES = ["none", "first", "first", "highest", "conformity"]
BEGAN = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - BEGAN:5.0f} s] {message}", file=sys.stderr)


# --- the database ------------------------------------------------------------------------------

def build(url: str, teachers: int, competencies: int | None) -> dict:
    """Migrate; add the teachers (one production scrypt hash shared by all), the framework, the bank and the open
    diagnostic; return what the clients need: e-mails, the diagnostic, every item's type, key and 2PL parameters."""
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                      "PASSWORD_HASH_METHOD": ProductionConfig.PASSWORD_HASH_METHOD})
    with app.app_context():
        flask_migrate.upgrade()
        now = utcnow().replace(microsecond=0)
        stamp = {"created_at": now, "updated_at": now, "version": 1}
        password_hash = hash_password(PASSWORD)  # each sign-in costs what it will in production
        db.session.execute(insert(Municipality.__table__), [{"id": 1, "name": "Бенчмарк", **stamp}])
        db.session.execute(insert(School.__table__), [
            {"id": s + 1, "municipality_id": 1, "name": f"Школа № {s + 1}", "short_name": f"СОШ № {s + 1}",
             "code": f"DL-{s:03d}", "is_active": True, **stamp} for s in range(SCHOOLS)])
        users = [{"id": n, "email": f"teacher{n}@bench.example", "password_hash": password_hash,
                  "password_changed_at": now, "last_name": "Учитель", "first_name": f"Номер {n}", "middle_name": None,
                  "active": True, "search_text": fold(f"Учитель Номер {n} teacher{n}@bench.example"), **stamp}
                 for n in range(1, teachers + 1)]
        db.session.execute(insert(User.__table__), users)
        db.session.execute(insert(UserRole.__table__), [{"user_id": u["id"], "role": "teacher"} for u in users])
        db.session.execute(insert(TeacherProfile.__table__), [
            {"user_id": u["id"], "school_id": u["id"] % SCHOOLS + 1, "position": "teacher",
             "qualification_category": CATEGORIES[u["id"] % len(CATEGORIES)], "experience_years": u["id"] % 35,
             "experience_as_of": now.date(), "created_at": now, "updated_at": now} for u in users])
        for table in ("lms_municipality", "lms_school", "lms_user"):  # explicit ids: move the sequences on
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
        framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
        bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
        chosen = [c for d in framework.domains for c in d.competencies][:competencies]
        today = local_today()
        diagnostic = save_diagnostic(framework, DiagnosticData(
            title="Нагрузочный тест", opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
            competencies=chosen, max_per_competency=6, self_assessment=True, user_ids=[u["id"] for u in users]))
        db.session.add(diagnostic)
        db.session.flush()
        set_status(diagnostic, "open")
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        items = {}
        for item in db.session.scalars(select(Item).where(Item.competency_id.in_([c.id for c in chosen]))):
            options, params = item.content.get("options", []), item.current_parameters
            items[item.id] = {"type": item.type, "competency": item.competency_id, "n": len(options),
                              "correct": [i for i, o in enumerate(options) if o.get("correct")],
                              "levels": [o.get("level") for o in options],
                              "a": params.a if params else None, "b": params.b if params else None}
        self_items = {i["competency"] for i in items.values() if i["type"] == "self_assessment"}
        plan = {"diagnostic_id": diagnostic.id, "emails": [u["email"] for u in users], "items": items,
                "competencies": [c.id for c in chosen], "correlation": framework.correlation,
                # no attempt ends sooner: every self-assessment and the minimum of items per competency
                "min_answers": len(self_items) + len(chosen) * diagnostic.min_per_competency}
        db.session.remove()
        db.engine.dispose()
    return plan


def check(url: str, clients: list[Teacher], diagnostic_id: int, competencies: int) -> dict:
    """Compare the database with what the clients saw accepted; every figure should be 0."""
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url})
    found: Counter = Counter()
    with app.app_context():
        attempts = list(db.session.scalars(select(Attempt).where(Attempt.diagnostic_id == diagnostic_id)))
        rows = db.session.execute(select(Answer.attempt_id, Answer.item_id, Answer.position, Answer.response,
                                         Answer.scored).join(Attempt).where(Attempt.diagnostic_id == diagnostic_id))
        results = {attempt_id: (n, items) for attempt_id, n, items in db.session.execute(
            select(CompetencyResult.attempt_id, func.count(), func.sum(CompetencyResult.n_items))
            .group_by(CompetencyResult.attempt_id))}
        db.session.remove()
        db.engine.dispose()
    saved: dict[int, list[tuple]] = {}
    for attempt_id, item_id, position, response, scored in rows:
        saved.setdefault(attempt_id, []).append((item_id, position, response, scored))
    by_user = {}
    for attempt in attempts:
        if attempt.user_id in by_user:
            found["extra_attempts"] += 1
        by_user[attempt.user_id] = attempt
        answers = saved.get(attempt.id, [])
        items = Counter(item for item, *_ in answers)
        found["duplicated_answers"] += sum(n - 1 for n in items.values())
        if sorted(position for _, position, *_ in answers) != list(range(1, len(answers) + 1)):
            found["attempts_with_position_gaps_or_repeats"] += 1
        if attempt.status != "finished":
            found["unfinished_attempts"] += 1
        elif attempt.id not in results or results[attempt.id][0] != competencies:
            found["finished_without_all_results"] += 1
        elif results[attempt.id][1] != sum(scored for *_, scored in answers):
            found["results_not_counting_every_answer"] += 1
    for client in clients:
        attempt = by_user.get(client.user_id)
        stored = {item: response for item, _, response, _ in saved.get(attempt.id, [])} if attempt else {}
        found["missing_attempts"] += attempt is None
        found["client_saw_another_attempt"] += attempt is not None and client.attempt_id not in (None, attempt.id)
        found["lost_answers"] += len(client.accepted.keys() - stored.keys())
        found["answers_saved_unseen"] += len(stored.keys() - client.accepted.keys())
        found["answers_saved_differently"] += sum(1 for item, options in client.accepted.items()
                                                  if item in stored and stored[item] != options)
    return {key: found[key] for key in (
        "lost_answers", "duplicated_answers", "answers_saved_differently", "answers_saved_unseen",
        "attempts_with_position_gaps_or_repeats", "unfinished_attempts", "finished_without_all_results",
        "results_not_counting_every_answer", "missing_attempts", "extra_attempts", "client_saw_another_attempt")}


# --- the run -----------------------------------------------------------------------------------

def alone(server: Gunicorn, plan: dict, args: argparse.Namespace) -> tuple[Teacher, Stats]:
    """The baseline: one more teacher takes the diagnostic on the idle server first, without pauses."""
    stats = Stats()
    teacher = Teacher(args.teachers, server.base, plan, stats, threading.Barrier(1), 0.5, 0, False)
    teacher.run()
    return teacher, stats


def drive(server: Gunicorn, plan: dict, args: argparse.Namespace, stats: Stats) -> tuple[list[Teacher], dict]:
    """Start every teacher at once, report progress every 10 s, wait for the last."""
    rng = random.Random(args.seed)
    drops = set(rng.sample(range(args.teachers), max(1, round(args.teachers * DROP_SHARE))))
    gate = threading.Barrier(args.teachers + 1)
    clients = [Teacher(n, server.base, plan, stats, gate, rng.random(), args.think, n in drops)
               for n in range(args.teachers)]
    for client in clients:
        client.start()
    meter = CpuMeter(server.process.pid)
    gate.wait()
    began = last = time.perf_counter()
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
    return clients, {"seconds": round(time.perf_counter() - began, 1), **meter.summary()}


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 1) if a and b else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="40 teachers, 2 competencies, a tenth of the reading time (about a minute)")
    parser.add_argument("--teachers", type=int, help="teachers answering at once (default 200, --quick 40)")
    parser.add_argument("--think", type=float, help=f"factor on the {THINK[0]:g}–{THINK[1]:g} s a teacher reads "
                                                    "an item (default 1, --quick 0.1; 0: no pause)")
    parser.add_argument("--competencies", type=int, help="the framework's first K competencies (default 5, --quick 2, "
                                                         "15: the whole demo diagnostic)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn workers (default 2 × cores + 1, as README.md deploys)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1: sync workers)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.teachers = args.teachers or (40 if args.quick else 200)
    args.think = args.think if args.think is not None else (0.1 if args.quick else 1.0)
    args.competencies = args.competencies or (2 if args.quick else 5)
    for number in (signal.SIGTERM, signal.SIGHUP):  # stop like Ctrl-C: the blocks below stop gunicorn
        signal.signal(number, lambda signum, _frame: sys.exit(128 + signum))
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or None  # the code gunicorn loads
    url = fresh_database("postgresql", tempfile.gettempdir())
    if url is None:
        sys.exit("diagnostic_load needs PostgreSQL (LMS_BENCH_DATABASE_URL or the local socket database)")
    plan = build(url, args.teachers + 1, args.competencies)  # the last one is the baseline, alone
    say(f"built: {args.teachers} teachers, {len(plan['competencies'])} competencies, {len(plan['items'])} items")
    stats, workdir = Stats(), Path(tempfile.mkdtemp(prefix="diagnostic_load-"))
    with Gunicorn(url, workdir / "gunicorn.log", args.workers, args.threads) as server:
        say(f"{' '.join(server.command[2:])} (pid {server.process.pid}), log {server.log_path}")
        solo, solo_stats = alone(server, plan, args)
        say(f"alone: {len(solo.accepted)} answers, median {percentile_ms(solo_stats.timings['answer'], 50)} ms; "
            f"now {args.teachers} teachers at once")
        clients, run = drive(server, plan, args, stats)
        say("every teacher is done; stopping gunicorn")
    stats.errors.update(solo_stats.errors)  # the baseline's errors count too; its timings stay apart
    tracebacks = server.tracebacks()
    integrity = check(url, [solo, *clients], plan["diagnostic_id"], len(plan["competencies"]))
    say("database checked")
    for text_ in tracebacks[:3]:
        print(f"--- gunicorn: {text_}", file=sys.stderr)
    failures = Counter(c.failure for c in [solo, *clients] if c.failure)
    if failures:
        print(f"teachers who gave up: {dict(failures)}", file=sys.stderr)
    answers, t = [len(c.accepted) for c in clients], stats.timings
    summary = {
        "teachers": args.teachers, "competencies": len(plan["competencies"]),
        "think_s": [round(args.think * s, 2) for s in THINK],
        "workers": args.workers, "threads": args.threads,
        "answers": sum(answers), "answers_timed": len(t["answer"]),
        "answers_per_teacher": {"mean": round(statistics.mean(answers), 1), "min": min(answers), "max": max(answers)},
        "answers_per_s": round(sum(answers) / run["seconds"], 1),
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
                                        "resumed_after_saved_answer", "resumed_on_same_item")},
        **integrity, **run, "commit": commit,
    }
    clean = not (summary["errors"] or tracebacks or any(integrity.values()))
    if clean:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"gunicorn's log is kept: {server.log_path}", file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, SystemExit) as stop:
        if isinstance(stop, SystemExit) and not isinstance(stop.code, int):
            raise
        say("interrupted: gunicorn is stopped; the next run rebuilds the database")
        sys.exit(130 if isinstance(stop, KeyboardInterrupt) else stop.code)
