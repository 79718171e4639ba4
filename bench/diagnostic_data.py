"""The database of bench/diagnostic_load.py and bench/answer_cost.py: build it, and check it against the clients.

``build`` migrates a fresh database and adds the teachers (one production scrypt hash shared by all), the shipped
framework, the demo bank and one open diagnostic; ``check`` compares what is stored with every answer the clients
saw accepted.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import flask_migrate
from load_client import Teacher
from load_http import PASSWORD
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

SCHOOLS = 10
CATEGORIES = ["none", "first", "first", "highest", "conformity"]


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
    by_user, by_id = {}, {attempt.id: attempt for attempt in attempts}
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
        # The attempt the client answered in; with a second attempt by mistake, its answers are still checked
        # against the one they were sent to (and the extra attempt is counted above).
        attempt = by_id.get(client.attempt_id) or by_user.get(client.user_id)
        if attempt is not None and attempt.user_id != client.user_id:
            attempt = None
        stored = {item: response for item, _, response, _ in saved.get(attempt.id, [])} if attempt else {}
        found["missing_attempts"] += attempt is None
        latest = by_user.get(client.user_id)
        found["client_saw_another_attempt"] += latest is not None and client.attempt_id not in (None, latest.id)
        found["lost_answers"] += len(client.accepted.keys() - stored.keys())
        found["answers_saved_unseen"] += len(stored.keys() - client.accepted.keys())
        found["answers_saved_differently"] += sum(1 for item, options in client.accepted.items()
                                                  if item in stored and stored[item] != options)
    return {key: found[key] for key in (
        "lost_answers", "duplicated_answers", "answers_saved_differently", "answers_saved_unseen",
        "attempts_with_position_gaps_or_repeats", "unfinished_attempts", "finished_without_all_results",
        "results_not_counting_every_answer", "missing_attempts", "extra_attempts", "client_saw_another_attempt")}


