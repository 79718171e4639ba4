"""Demo data of the assessments plugin: the framework, the demo bank, an open diagnostic and attempts at it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.items import ITEM_TYPES
from assessments.models import Answer, Attempt, Diagnostic, Framework, Item
from assessments.services import bank, diagnostics, practical
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from courses import api as courses_api
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow

DATA = Path(__file__).resolve().parent / "data"
FRAMEWORK_FILE = DATA / "framework_ict_v1.json"
BANK_FILE = DATA / "demo_bank.json"
DIAGNOSTIC_TITLE = "Диагностика профессиональных дефицитов: ИКТ-компетентность педагога"


def load(objects: dict) -> None:
    """Load the shipped framework and bank and open a diagnostic to every demo teacher (idempotent)."""
    data = frameworks.read(FRAMEWORK_FILE.read_bytes())
    framework = db.session.scalar(select(Framework).where(Framework.code == data["code"],
                                                          Framework.version == data["version"]))
    if framework is None:
        framework = frameworks.load(data)
    objects["framework"] = framework
    bank.import_bank(framework, bank.read(BANK_FILE.read_bytes()))
    diagnostic = db.session.scalar(select(Diagnostic).where(Diagnostic.title == DIAGNOSTIC_TITLE))
    if diagnostic is None:
        today = local_today()
        diagnostic = save_diagnostic(framework, DiagnosticData(
            title=DIAGNOSTIC_TITLE, opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=60),
            competencies=[c for d in framework.domains for c in d.competencies],
            description="Адаптивный тест: вопросы подбираются по вашим ответам, тест заканчивается, как только "
                        "профиль определён. Ответы сохраняются сразу, тест можно прервать и продолжить.",
            user_ids=[t.id for t in objects["teachers"]]), objects.get("staff"))
        db.session.add(diagnostic)
        db.session.flush()
        set_status(diagnostic, "open")
    objects["diagnostic"] = diagnostic
    _attempts(objects, diagnostic)
    _practical_works(objects, diagnostic)
    from assessments import demo_routes

    demo_routes.load(objects)


def _simulated_response(item: Item, theta: float, rng) -> list[int]:
    """What a teacher of ability θ answers: right with the item's 2PL probability, else a wrong option."""
    options = item.content["options"]
    if item.type == "self_assessment":  # teachers tend to rate themselves a level above what they show
        level = int(np.clip(round(3.5 + theta + rng.normal(0, 0.8)), 1, 6))
        return [next(i for i, o in enumerate(options) if o["level"] == level)]
    params = item.current_parameters
    right = rng.random() < 1 / (1 + np.exp(-params.a * (theta - params.b)))
    chosen = [i for i, o in enumerate(options) if o["correct"] == right]
    if item.type != "multiple_choice" or not right:
        chosen = [chosen[int(rng.integers(len(chosen)))]] if chosen else [0]
    return chosen


def _answer(item: Item, response: list[int], position: int, at) -> Answer:
    kind = ITEM_TYPES[item.type]
    params = item.current_parameters if kind.adaptive else None
    return Answer(item_id=item.id, position=position, response=response, score=kind.score(item.content, response),
                  scored=kind.adaptive and item.status == "live", parameters_id=params.id if params else None,
                  answered_at=at)


def _attempts(objects: dict, diagnostic: Diagnostic) -> None:
    """Finished attempts for most demo teachers, a repeated one (after a route) for a few.

    The answers are chosen by the same engine the web uses, run in memory and written in bulk: going
    through a request per answer would make `flask demo load` take a minute for ~1 300 answers.
    """
    teachers = objects["teachers"]
    done = set(db.session.scalars(select(Attempt.user_id).where(Attempt.diagnostic_id == diagnostic.id)))
    items = {i.id: i for i in db.session.scalars(select(Item).where(
        Item.competency_id.in_([c.id for c in diagnostic.competencies])).options(selectinload(Item.parameters)))}
    self_assessments = {}
    for item in sorted(items.values(), key=lambda i: i.code):
        if item.type == "self_assessment" and item.status == "live":
            self_assessments.setdefault(item.competency_id, item)
    rng = np.random.default_rng(20261123)
    now = utcnow()
    for n, teacher in enumerate(teachers[: int(len(teachers) * 0.6)]):
        if teacher.id in done:
            continue
        theta = float(rng.normal(-0.3, 0.9))
        sittings = [(now - timedelta(days=40 - n % 10), theta)]
        if n % 6 == 1:  # a repeated diagnostic after working through the route
            sittings.append((now - timedelta(days=3), theta + 0.9))
        for when, ability in sittings:
            attempt = diagnostics.start(diagnostic, teacher, when, local_today(), check_window=False)
            engine = diagnostics.engine_for(attempt)
            step, answers = when, []
            for competency in diagnostic.competencies:
                if diagnostic.self_assessment and competency.id in self_assessments:
                    item = self_assessments[competency.id]
                    step += timedelta(seconds=int(rng.integers(20, 90)))
                    answers.append(_answer(item, _simulated_response(item, ability, rng), len(answers) + 1, step))
            while (chosen := engine.session.next_item()) is not None:
                item = items[engine.item_ids[chosen]]
                step += timedelta(seconds=int(rng.integers(20, 90)))
                answers.append(_answer(item, _simulated_response(item, ability, rng), len(answers) + 1, step))
                engine.session.record(chosen, bool(answers[-1].score) if answers[-1].scored else False)
            attempt.answers = answers
            db.session.flush()
            diagnostics.finish(attempt, "completed", step, engine)


PRACTICAL_TEXT = ("Описание выполненной работы: что сделано, для какого класса, как проверено на уроке. "
                  "Снимки экрана и памятка — по ссылке.")


def _practical_works(objects: dict, diagnostic: Diagnostic) -> None:
    """Practical tasks handed in by a few teachers for a competency they showed a deficit in: some wait in
    the tutors' queue, some are scored (and so re-measure their competency), one was returned for rework."""
    from assessments.permissions import supports

    if courses_api.work_refs(practical.SOURCE, [""]):
        return
    attempts = db.session.scalars(select(Attempt).where(Attempt.diagnostic_id == diagnostic.id,
                                                        Attempt.status == "finished", Attempt.number == 1)
                                  .order_by(Attempt.id).limit(8)).all()
    rng = np.random.default_rng(7)
    now = utcnow()
    # Counted over the works handed in and reviewed (not the attempts, some of which offer no task), so the demo
    # always holds one waiting, one accepted and one returned, whatever order the database gives the attempts.
    handed = reviewed = 0
    for n, attempt in enumerate(attempts):
        deficits = {r.competency_id for r in attempt.results if r.deficit}
        item = next((i for i in practical.offered(attempt) if i.competency_id in deficits), None)
        teacher = next((t for t in objects["teachers"] if t.id == attempt.user_id), None)
        tutor = next((t for t in objects.get("tutors", []) if teacher and supports(t, teacher.id)), None)
        if item is None or teacher is None:
            continue
        work = practical.hand_in(attempt, item, teacher, text=PRACTICAL_TEXT, link="https://disk.example.org/demo",
                                 upload=None, now=now - timedelta(days=10 - n))
        handed += 1
        if tutor is None or handed % 3 == 1:
            continue  # waits in the queue
        scores = [int(rng.integers(c["max"] // 2, c["max"] + 1)) for c in work.rubric]
        accept = reviewed % 2 == 0
        reviewed += 1
        comment = "" if accept else "Добавьте памятку для коллег и порядок резервного копирования."
        courses_api.review_work(work, tutor, scores=scores, decision="accepted" if accept else "returned",
                                now=now - timedelta(days=5 - n % 5), comment=comment)
