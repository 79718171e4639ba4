"""Benchmark: the heaviest courses pages (attendance, schedules, group summary) at 1/20 and full scale, per database.

Run: ``python bench/courses_pages.py [--quick]``. The last line printed is one JSON object.
Full scale is an ИМЦ with 100 schools, 10,000 teachers in 500 groups of 20, 20 tutors, 80 weekly
sessions per group (40 held, every member marked) and the marks' history. The 1/20 database of the
same run is the baseline: page times should stay near it and the SQL statement counts identical.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from common import fresh_database  # noqa: E402
from sqlalchemy import event, insert, text

from courses.models import AttendanceChange, AttendanceMark, Enrolment, Group, Module, Programme, ScheduledSession
from lms import create_app
from lms.extensions import db
from lms.models.mixins import utcnow
from lms.orgs.models import Municipality, School
from lms.users.models import TeacherProfile, User, UserRole, fold
from lms.users.services import hash_password

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "bench-password"
FULL = {"schools": 100, "tutors": 20, "groups": 500}
MEMBERS, HELD, PLANNED, MODULES = 20, 40, 40, 8  # per group; the same at every scale
LAST = ["Иванова", "Смирнов", "Кузнецова", "Попов", "Васильева", "Петров", "Соколова", "Михайлов", "Новикова",
        "Фёдоров", "Морозова", "Волков", "Алексеева", "Лебедев", "Семёнова", "Егоров", "Павлова"]
FIRST = ["Анна", "Дмитрий", "Елена", "Сергей", "Ольга", "Алексей", "Татьяна", "Игорь", "Наталья", "Юрий", "Ирина"]
MIDDLE = ["Викторовна", "Олегович", "Сергеевна", "Игоревич", "Николаевна", "Петрович", "Ивановна"]
#: Mostly present, some late, a few absent with and without a reason.
STATUSES = ["present"] * 15 + ["late"] * 2 + ["excused", "absent", "absent"]
PAGES = ("attendance_sheet", "tutor_week", "teacher_week", "group_summary")


def bulk(model, rows) -> int:
    """Insert ``rows`` (an iterable of dicts) with Core executemany in batches; one commit for the table."""
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == 20_000:
            db.session.execute(insert(model.__table__), batch)
            count, batch = count + len(batch), []
    if batch:
        db.session.execute(insert(model.__table__), batch)
        count += len(batch)
    db.session.commit()
    return count


def municipality(schools: int, versioned: dict) -> dict:
    """The benchmark's municipality and its schools (ids from 1), inserted; rows per table."""
    rows = {"municipalities": bulk(Municipality, [{"id": 1, "name": "Бенчмарк", **versioned}])}
    rows["schools"] = bulk(School, ({"id": s + 1, "municipality_id": 1, "name": f"Школа № {s + 1}",
                                     "short_name": f"СОШ № {s + 1}", "code": f"B-{s:03d}", "is_active": True,
                                     **versioned} for s in range(schools)))
    return rows


def people(password_hash: str, versioned: dict):
    """A user row maker: (id, e-mail, signs in?) → a row with a Russian full name; who does not sign in has no
    password."""

    def person(uid: int, email: str, signs_in: bool) -> dict:
        last, first, middle = LAST[uid % len(LAST)], FIRST[uid % len(FIRST)], MIDDLE[uid % len(MIDDLE)]
        return {"id": uid, "email": email, "password_hash": password_hash if signs_in else None, "last_name": last,
                "first_name": first, "middle_name": middle, "active": True,
                "search_text": fold(f"{last} {first} {middle} {email}"), **versioned}

    return person


def settle(*models) -> None:
    """After inserts with explicit ids: on PostgreSQL move each table's sequence past them, and gather fresh
    statistics so the planner sees the data as the pages will meet it."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))"))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def generate(divisor: int, now: datetime) -> dict:
    """Fill a migrated database at 1/``divisor`` of full scale (inside an app context); returns the plan."""
    schools, tutors, groups = (max(1, n // divisor) for n in FULL.values())
    teachers = groups * MEMBERS
    first_monday = now.date() - timedelta(days=now.weekday(), weeks=HELD)
    stamp = {"created_at": now, "updated_at": now}
    versioned = {**stamp, "version": 1}
    password_hash = hash_password(PASSWORD)  # tutors and one teacher sign in; everyone else has none
    rows = municipality(schools, versioned)
    person = people(password_hash, versioned)

    tutor_ids = range(1, tutors + 1)
    teacher_ids = range(tutors + 1, tutors + teachers + 1)
    rows["users"] = bulk(User, [person(uid, f"tutor{uid}@bench.example", True) for uid in tutor_ids]
                         + [person(uid, f"teacher{uid}@bench.example", uid == teacher_ids[0]) for uid in teacher_ids])
    rows["user_roles"] = bulk(UserRole, [{"user_id": uid, "role": "tutor"} for uid in tutor_ids]
                              + [{"user_id": uid, "role": "teacher"} for uid in teacher_ids])
    rows["teacher_profiles"] = bulk(TeacherProfile, ({
        "user_id": uid, "school_id": uid % schools + 1, "position": "teacher", "qualification_category": "first",
        "experience_years": uid % 35, "experience_as_of": now.date(), **stamp} for uid in teacher_ids))
    rows["programmes"] = bulk(Programme, [{"id": 1, "code": "BENCH", "title": "IT-школа", "status": "published",
                                           "summary": "", "description": "", **versioned}])
    rows["modules"] = bulk(Module, ({"id": m + 1, "programme_id": 1, "position": m, "title": f"Модуль {m + 1}",
                                     "description": "", "hours": 20, "form": "seminar", "delivery": "online",
                                     "min_attendance": 75, **versioned} for m in range(MODULES)))
    # Group g meets weekly in its tutor's (g // tutors)-th slot: 5 weekdays × 5 times, 9:00–17:00 Moscow.
    slot = {g: (g // tutors % 5, 6 + 2 * (g // tutors // 5 % 5)) for g in range(groups)}
    rows["groups"] = bulk(Group, ({
        "id": g + 1, "programme_id": 1, "name": f"Группа {g + 1:03d}", "source": "administration",
        "tutor_id": g % tutors + 1, "capacity": MEMBERS, "starts_on": first_monday, "status": "approved",
        "ends_on": first_monday + timedelta(weeks=HELD + PLANNED), "note": "", **versioned} for g in range(groups)))
    # Members joined before their group's first session, so the attendance summary counts every held one.
    joined = datetime.combine(first_monday - timedelta(days=7), datetime.min.time())
    rows["enrolments"] = bulk(Enrolment, ({"id": i + 1, "group_id": i // MEMBERS + 1, "user_id": uid,
                                           "status": "enrolled", "since": joined, **stamp}
                                          for i, uid in enumerate(teacher_ids)))
    per_group = HELD + PLANNED

    def starts(g: int, k: int) -> datetime:
        weekday, hour = slot[g]
        return datetime.combine(first_monday + timedelta(weeks=k, days=weekday), datetime.min.time()).replace(
            hour=hour)

    rows["sessions"] = bulk(ScheduledSession, ({
        "id": g * per_group + k + 1, "group_id": g + 1, "module_id": k * MODULES // per_group + 1,
        "starts_at": starts(g, k), "ends_at": starts(g, k) + timedelta(minutes=90), "room_id": None,
        "online_url": f"https://meet.bench.example/g{g + 1}", "tutor_id": g % tutors + 1, "series": f"g{g + 1}",
        "topic": "", "cancelled": False, **versioned} for g in range(groups) for k in range(per_group)))

    def marks():  # every member of every held session, marked by the tutor right after it
        for g in range(groups):
            for k in range(HELD):
                sid, at = g * per_group + k + 1, starts(g, k) + timedelta(minutes=90)
                for i in range(MEMBERS):
                    yield sid, teacher_ids[g * MEMBERS + i], STATUSES[(k + i) % len(STATUSES)], g % tutors + 1, at

    rows["attendance_marks"] = bulk(AttendanceMark, ({
        "session_id": sid, "user_id": uid, "status": status, "source": "tutor", "marked_by_id": tutor,
        "marked_at": at} for sid, uid, status, tutor, at in marks()))
    rows["attendance_changes"] = bulk(AttendanceChange, ({
        "session_id": sid, "user_id": uid, "old_status": None, "new_status": status, "source": "tutor",
        "changed_by_id": tutor, "changed_at": at, "reason": ""} for sid, uid, status, tutor, at in marks()))
    settle(Municipality, School, User, Programme, Module, Group, Enrolment, ScheduledSession)
    week = first_monday + timedelta(weeks=HELD)  # this week: what /courses/schedule/ shows by default
    return {"rows": rows, "tutor": "tutor1@bench.example", "teacher": f"teacher{teacher_ids[0]}@bench.example",
            "urls": {"attendance_sheet": f"/courses/sessions/{HELD // 2 + 1}/attendance",
                     "tutor_week": f"/courses/schedule/?week={week.isoformat()}",
                     "teacher_week": f"/courses/schedule/?week={week.isoformat()}",
                     "group_summary": "/courses/groups/1/attendance"}}


def signed_in(app, email: str):
    client = app.test_client()
    token = CSRF_RE.search(client.get("/auth/login").text).group(1)
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"cannot sign in as {email}"
    return client


def measure(app, client, url: str) -> dict:
    """2 warm-ups, then 15 timed requests counting the SQL statements each sends."""
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    with app.app_context():
        engine = db.engine
    statements = []

    def record(*_args) -> None:
        statements.append(1)

    event.listen(engine, "before_cursor_execute", record)
    timings, counts = [], []
    try:
        for _ in range(15):
            before = len(statements)
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - t0)
            counts.append(len(statements) - before)
            assert response.status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return {"median_ms": round(statistics.median(timings) * 1000, 1),
            "p95_ms": round(statistics.quantiles(timings, n=20, method="inclusive")[18] * 1000, 1),
            "statements": max(counts), "statements_steady": min(counts) == max(counts)}


def run_size(url: str, divisor: int) -> dict:
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        plan = generate(divisor, now=utcnow().replace(microsecond=0))
        generated = time.perf_counter() - started
    clients = {"tutor": signed_in(app, plan["tutor"]), "teacher": signed_in(app, plan["teacher"])}
    pages = {page: measure(app, clients["teacher" if page == "teacher_week" else "tutor"], plan["urls"][page])
             for page in PAGES}
    with app.app_context():
        db.engine.dispose()
    return {"divisor": divisor, "rows": plan["rows"], "generate_s": round(generated, 1), "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/100 vs 1/20 scale, SQLite only (under a minute)")
    args = parser.parse_args()
    divisors = (100, 20) if args.quick else (20, 1)
    kinds = ("sqlite",) if args.quick else ("sqlite", "postgresql")
    summary = {"scale": [f"1/{d}" for d in divisors], "rows": None}
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            runs = []
            for divisor in divisors:
                url = fresh_database(kind, workdir)
                if url is None:
                    break
                runs.append(run_size(url, divisor))
                result = runs[-1]
                print(f"{kind:10} 1/{divisor:<3} generated {sum(result['rows'].values()):,} rows in "
                      f"{result['generate_s']} s: " + ", ".join(
                          f"{page} {m['median_ms']} ms ({m['statements']} SQL)" for page, m in result["pages"].items()),
                      file=sys.stderr)
            if len(runs) < 2:
                continue
            small, large = runs
            summary["rows"], summary["rows_small"] = large["rows"], small["rows"]
            summary[f"{kind}_generate_s"] = large["generate_s"]
            summary[kind] = {page: {**m, "ratio_vs_small": round(m["median_ms"] / small["pages"][page]["median_ms"], 2),
                                    "small_median_ms": small["pages"][page]["median_ms"],
                                    "same_statements_as_small": m["statements"] == small["pages"][page]["statements"]}
                             for page, m in large["pages"].items()}
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
