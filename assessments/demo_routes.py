"""Demo routes: the catalogue's coverage for both programmes and a few activities outside them, and routes in
every state (draft, on review, returned, active with progress and an overdue step, completed after a repeated
diagnostic), so the caseload, the route pages and the exports show real content."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from assessments.models import Activity, Attempt, Competency, CompetencyResult, Route
from assessments.services.profile import Evidence
from assessments.services.routes import builder, progress, workflow
from assessments.services.routes.catalogue import ActivityData, from_module, save_activity
from courses import api as courses_api
from lms.extensions import db
from lms.i18n import local_date, local_today
from lms.models.mixins import utcnow

#: Module title → (competency code, level reached) pairs.
MODULES = {
    "Цифровая образовательная среда школы": [("D1.1", 3), ("D5.1", 3)],
    "Интерактивная доска и документ-камера на уроке": [("D3.1", 4), ("D7.1", 3)],
    "Интерактивные задания в онлайн-конструкторах": [("D2.2", 4), ("D3.2", 3)],
    "Облачные документы для совместной работы": [("D1.1", 4), ("D3.2", 4), ("D5.1", 4)],
    "Информационная безопасность и персональные данные": [("D1.2", 4), ("D6.2", 3)],
    "Видеоурок: запись и монтаж": [("D2.2", 5), ("D6.1", 3)],
    "Смешанное обучение: перевёрнутый класс и ротация станций": [("D3.1", 5), ("D3.3", 4)],
    "Цифровое формирующее оценивание": [("D4.1", 4), ("D4.2", 3)],
    "Сетевые проекты учащихся": [("D7.2", 4), ("D6.1", 4), ("D5.1", 4)],
    "Индивидуальные траектории учащихся": [("D3.3", 4), ("D4.2", 4)],
    "Стажировка: открытый урок с цифровыми инструментами": [("D3.1", 5), ("D5.2", 4)],
}

OTHERS = [
    ActivityData(kind="consultation", title="Индивидуальная консультация тьютора по ИОМ", hours=2, form="consultation",
                 delivery="blended", organiser="ММС, кабинет ИКТ", result_form="report",
                 coverage={}),  # coverage filled below: D2.1 3, D5.2 4
    ActivityData(kind="mentoring", title="Наставничество: педагог-наставник по цифровым инструментам", hours=10,
                 form="mentoring", delivery="onsite", organiser="Школа-площадка", result_form="open_lesson"),
    ActivityData(kind="external", title="Онлайн-курс «Цифровая грамотность педагога» (ЦНППМ)", hours=16,
                 form="course", delivery="online", organiser="ЦНППМ", result_form="certificate",
                 url="https://cnppm.example.org/courses/digital-literacy"),
]
OTHER_COVERAGE = [[("D2.1", 3), ("D5.2", 4)], [("D3.1", 4), ("D7.1", 4)], [("D2.1", 4), ("D1.2", 4), ("D6.2", 4)]]


def load(objects: dict) -> None:
    if db.session.scalar(select(Activity.id).limit(1)) is None:
        _catalogue(objects)
    if db.session.scalar(select(Route.id).limit(1)) is None:
        _routes(objects)


def _catalogue(objects: dict) -> None:
    codes = {c.code: c.id for c in db.session.scalars(select(Competency).where(
        Competency.framework_id == objects["framework"].id))}
    by_module = {}
    for programme in objects["programmes"]:
        for module in programme.modules:
            if module.title in MODULES:
                by_module[module.id] = from_module(module, {codes[c]: level for c, level in MODULES[module.title]})
    for module_id, activity in by_module.items():  # the programmes' own prerequisites carry over
        module = courses_api.get_module(module_id)
        activity.prerequisites = [by_module[m.id] for m in module.prerequisites if m.id in by_module]
    for data, coverage in zip(OTHERS, OTHER_COVERAGE, strict=True):
        data.coverage = {codes[c]: level for c, level in coverage}
        save_activity(None, data, version=None)
    db.session.flush()


def _teachers_with_deficits(objects: dict) -> list:
    rows = db.session.execute(
        select(Attempt.user_id, Attempt.id).where(Attempt.status == "finished", Attempt.number == 1)
        .order_by(Attempt.id)).all()
    deficits = {a for (a,) in db.session.execute(select(CompetencyResult.attempt_id).where(
        CompetencyResult.deficit.is_(True)).distinct())}
    people = {t.id: t for t in objects["teachers"]}
    return [(people[u], a) for u, a in rows if a in deficits and u in people]


def _routes(objects: dict) -> None:
    """Routes in every state, through the same services the pages use."""
    today, now = local_today(), utcnow()
    candidates = _teachers_with_deficits(objects)
    repeated = {a.user_id for a in db.session.scalars(select(Attempt).where(Attempt.number == 2))}
    with_repeat = [(t, a) for t, a in candidates if t.id in repeated]
    plain = [(t, a) for t, a in candidates if t.id not in repeated]
    tutors = objects["tutors"]

    def tutor_of(teacher):
        return courses_api.tutor_of(teacher.id) or tutors[0].id

    def make(teacher, start, months=6, hours=4.0):
        settings = builder.RouteSettings(period_start=start, period_end=start + timedelta(days=30 * months),
                                         weekly_hours=hours)
        return builder.build(teacher, teacher, settings, now, tutor_id=tutor_of(teacher))

    states = ["draft", "review", "returned", "active", "active"]
    for (teacher, _attempt), state in zip(plain, states, strict=False):
        start = today - timedelta(days=45) if state == "active" else today
        route = make(teacher, start)
        if state == "draft" or not workflow.active_steps(route):
            continue  # a plan with nothing to take (the planner explains its gaps) stays a draft
        workflow.submit(route, teacher, version=None, note="Прошу добавить консультацию по оцениванию.", now=now)
        tutor = db.session.get(type(teacher), route.tutor_id)
        if state == "returned":
            workflow.return_for_rework(route, tutor, version=None, now=now,
                                       comment="Сократите нагрузку в декабре: четверть заканчивается.")
        elif state == "active":
            workflow.approve(route, tutor, version=None, now=now - timedelta(days=40))
            steps = [s for s in route.steps if s.status != "dropped"]
            for step in steps[: max(1, len(steps) // 2)]:  # the first half done, the rest waits; one is overdue
                if step.ends_on < today:
                    workflow.mark_done(step, tutor, version=None, evidence="Сертификат участника", now=now)
    for teacher, attempt_id in with_repeat[:2]:
        _completed(teacher, attempt_id, tutor_of(teacher), today, now)


def _completed(teacher, attempt_id: int, tutor_id: int, today, now) -> None:
    """A route built on the first diagnostic, done, then closed by the repeated one."""
    first = db.session.get(Attempt, attempt_id)
    repeat = db.session.scalar(select(Attempt).where(Attempt.user_id == teacher.id, Attempt.number == 2))
    start = local_date(first.finished_at)
    route = Route(user_id=teacher.id, framework_id=first.diagnostic.framework_id, open_key=str(teacher.id),
                  tutor_id=tutor_id, attempt_id=first.id, period_start=start, period_end=max(
                      start + timedelta(days=60), today), weekly_hours=6.0)
    db.session.add(route)
    db.session.flush()
    found = [(Evidence(r.competency_id, r.level, r.target_level, True, "measured", first.finished_at, first.id),
              r.p_deficit) for r in first.results if r.deficit]
    builder.plan_into(route, found, now)
    if not workflow.active_steps(route):
        return  # nothing the catalogue offers in that period: the draft shows why
    tutor = db.session.get(type(teacher), tutor_id)
    workflow.submit(route, teacher, version=None, note="", now=now)
    workflow.approve(route, tutor, version=None, now=first.finished_at + timedelta(days=2))
    for step in route.steps:
        step.status, step.done_at, step.evidence = "done", first.finished_at + timedelta(days=20), "Демо: выполнено"
    progress.on_diagnostic_completed(None, attempt=repeat, deficits=[])
