"""Demo data of the courses plugin: the «IT-школа» and «Smart-школа» programmes (text written for Metodist)."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from courses.models import ConsultationSlot, Group, OfficeHours, Programme
from courses.services import assignments, attendance, catalogue, completion, consultations, groups, schedule, works
from lms.extensions import db
from lms.i18n import to_local
from lms.models.mixins import utcnow

# (title, hours, form, delivery, indexes of required earlier modules, description, [(lesson, text)])
IT_SCHOOL = [
    ("Цифровая образовательная среда школы", 4, "seminar", "onsite", [],
     "Какие сервисы входят в цифровую среду школы, где хранить материалы урока и как вести электронный журнал "
     "без двойной работы.",
     [("Из чего состоит цифровая среда школы",
       "Цифровая среда — это не набор программ, а договорённость: где лежат материалы, как ученик получает "
       "задание и как учитель видит результат.\n\nНа занятии мы составим карту сервисов вашей школы и "
       "отметим, какие из них дублируют друг друга."),
      ("Электронный журнал: типичные ошибки",
       "Разберём пять ошибок, из-за которых учитель тратит на журнал лишний час в неделю: от домашних "
       "заданий без ссылок до оценок, выставленных задним числом.")]),
    ("Интерактивная доска и документ-камера на уроке", 6, "practicum", "onsite", [0],
     "Практикум в кабинете ИКТ: готовим фрагмент урока с интерактивной доской и документ-камерой.",
     [("Подготовка фрагмента урока",
       "Выберите тему ближайшего урока и подготовьте три экрана: вопрос для актуализации, задание для пар и "
       "итоговую проверку.")]),
    ("Интерактивные задания в онлайн-конструкторах", 8, "practicum", "blended", [0],
     "Создаём упражнения с автоматической проверкой и встраиваем их в урок и домашнее задание.",
     [("Выбор конструктора",
       "Сравним конструкторы по трём признакам: работает ли без регистрации ученика, сохраняет ли результаты "
       "и доступен ли из школьной сети."),
      ("Задание с автоматической проверкой",
       "Соберите задание на соотнесение понятий и определений. Проверьте его на телефоне: так его увидит "
       "большинство учеников.")]),
    ("Облачные документы для совместной работы", 4, "master_class", "online", [],
     "Мастер-класс: групповая работа учеников в общем документе и как учителю видеть вклад каждого.", []),
    ("Информационная безопасность и персональные данные", 2, "lecture", "online", [],
     "Что можно публиковать о классе, как хранить согласия родителей и чем опасны «удобные» личные аккаунты.",
     [("Персональные данные учеников",
       "Фамилия ученика рядом с оценкой — уже персональные данные. Разберём, что можно размещать в открытом "
       "доступе, а что — только в защищённых сервисах.")]),
    ("Видеоурок: запись и монтаж", 6, "practicum", "blended", [0, 3],
     "Записываем короткое объяснение темы, монтируем и публикуем для учеников.", []),
]

SMART_SCHOOL = [
    ("Смешанное обучение: перевёрнутый класс и ротация станций", 4, "seminar", "onsite", [],
     "Две модели смешанного обучения, которые работают в обычной школе без планшета у каждого ученика.",
     [("Перевёрнутый класс за одну неделю",
       "Ученик знакомится с материалом дома по короткому видео, а на уроке решает задачи с учителем. "
       "Главное — задание на проверку понимания перед уроком.")]),
    ("Цифровое формирующее оценивание", 6, "practicum", "blended", [0],
     "Быстрые опросы, листы самооценки и комментарии вместо отметок: как увидеть, кто понял тему, до контрольной.",
     [("Опрос за три минуты",
       "Составьте три вопроса с выбором ответа по теме следующего урока и решите заранее, что сделаете, если "
       "ошибётся больше трети класса.")]),
    ("Сетевые проекты учащихся", 4, "master_class", "online", [],
     "Проект, в котором участвуют классы разных школ: от замысла до защиты.", []),
    ("Индивидуальные траектории учащихся", 2, "webinar", "online", [1],
     "Как по результатам формирующего оценивания дать разным ученикам разные задания и не утонуть в проверке.",
     []),
    ("Стажировка: открытый урок с цифровыми инструментами", 8, "internship", "onsite", [0, 1],
     "Стажировка на базе школы-площадки: посещение уроков коллег, подготовка и проведение своего открытого урока.",
     []),
]

PROGRAMMES = [
    ("IT-SCHOOL", "IT-школа",
     "Долгосрочная программа семинаров, практикумов и мастер-классов по использованию ИКТ в работе учителя.",
     "Программа помогает педагогам уверенно работать в цифровой образовательной среде: от электронного журнала "
     "до интерактивных заданий и видеоуроков. Занятия проходят по утверждённому расписанию в кабинете ИКТ и "
     "дистанционно; между занятиями — самостоятельное изучение уроков и индивидуальные консультации.",
     IT_SCHOOL),
    ("SMART-SCHOOL", "Smart-школа",
     "Программа для педагогов, которые строят уроки на смешанном обучении и цифровом формирующем оценивании.",
     "Продолжение IT-школы: не «какие сервисы», а «как учить с их помощью». Участники осваивают модели смешанного "
     "обучения, формирующее оценивание и сетевые проекты, а завершают программу открытым уроком на стажировочной "
     "площадке.",
     SMART_SCHOOL),
]


def load(objects: dict) -> None:
    """Create the two programmes (published) if missing, record some progress of the first teacher,
    publish the seed's office hours (Wednesday afternoon, Thursday morning) and book a few of them."""
    programmes = [_programme(*spec) for spec in PROGRAMMES]
    objects["programmes"] = programmes
    _consultations(objects)
    _groups(objects)
    # After the groups and their term: the module has sessions by then, so it completes by every rule.
    teacher = objects["teachers"][0]
    for lesson in programmes[0].modules[0].lessons:
        catalogue.mark_studied(teacher, lesson)


def _groups(objects: dict) -> None:
    it_school, smart_school = objects["programmes"]
    if db.session.scalar(select(Group).where(Group.programme_id == it_school.id)) is not None:
        return
    teachers, tutors, staff, admin = objects["teachers"], objects["tutors"], objects["staff"], objects["admin"]
    today = to_local(utcnow()).date()
    year_end = date(today.year + (1 if today.month > 5 else 0), 5, 31)

    def new_group(programme, name, source, tutor, capacity, association=None):
        return groups.save_group(None, version=None, data=groups.GroupData(
            programme_id=programme.id, name=name, source=source, tutor_id=tutor.id, capacity=capacity,
            association_id=association.id if association else None, starts_on=today, ends_on=year_end))

    first = new_group(it_school, "IT-школа, группа 1", "application", tutors[0], 12)
    for teacher in teachers[:14]:
        groups.decide(groups.apply(first, teacher), True, staff)  # the last two wait for a place
    groups.approve(first, order_number="112-од", order_date=today, actor=admin)
    second = new_group(it_school, "IT-школа, группа 2", "application", tutors[1], 12)
    for teacher in teachers[14:17]:
        groups.apply(second, teacher)  # applications the centre has yet to decide
    informatics = objects["associations"][0]
    by_association = new_group(smart_school, "Smart-школа: МО учителей информатики", "association", tutors[2], 10,
                               association=informatics)
    members = [t for t in teachers if t.profile and t.profile.association_id == informatics.id]
    groups.add_members(by_association, members, staff)
    groups.assign_module(smart_school.modules[0], due_on=today + timedelta(weeks=6), actor=staff,
                         group=by_association)
    _term(first, objects)
    _practical_work(first, objects)
    _graduate(by_association, objects)


def _practical_work(group: Group, objects: dict) -> None:
    """A practical task of the first IT-школа module, with work accepted, returned and waiting."""
    module = group.programme.modules[0]
    task = assignments.save_task(
        module, None, version=None, title="Карта цифровых сервисов школы",
        instructions="Составьте таблицу сервисов, которыми пользуются учителя вашей школы: для чего служит каждый, "
                     "где хранятся данные, какие сервисы дублируют друг друга.",
        rubric_text="Перечислены сервисы, которыми реально пользуются — 2\nДля каждого указано назначение — 2\n"
                    "Найдено дублирование и предложено решение — 3", pass_points=4)
    tutor, teachers, now = objects["tutors"][0], objects["teachers"], utcnow()

    def hand_in(teacher, text="", link=None):
        return works.hand_in(teacher, source=works.COURSE_TASK, ref=str(task.id), task=task, title=task.title,
                             rubric=task.rubric, pass_points=task.pass_points, text=text, link=link, upload=None,
                             now=now)

    accepted = hand_in(teachers[0], "Таблица: ФГИС «Моя школа», электронный журнал, облачный диск школы…")
    works.review(accepted, tutor, version=None, scores=[2, 2, 2], comment="Хорошая карта; дублирование найдено верно.",
                 decision="accepted", now=now)
    returned = hand_in(teachers[1], "Пользуемся журналом.")
    works.review(returned, tutor, version=None, scores=[1, 0, 0], comment="Перечислите все сервисы и их назначение.",
                 decision="returned", now=now)
    hand_in(teachers[2], link="https://example.org/karta-servisov")


def _graduate(group: Group, objects: dict) -> None:
    """A member of the association's group who has studied all of Smart-школа: completed by the rules."""
    teacher = next(e.user for e in group.enrolments if e.status == "enrolled")
    for module in group.programme.modules:
        for lesson in module.lessons:
            catalogue.mark_studied(teacher, lesson)
        completion.evaluate(teacher, module)


def _term(group: Group, objects: dict) -> None:
    """A term of weekly Tuesday sessions in the ICT room: six already held (with attendance), six ahead."""
    tutor = objects["tutors"][0]
    room = schedule.save_room(None, name="Кабинет ИКТ (каб. 214)", capacity=16, opens=time(8), closes=time(19),
                              weekdays="012345")
    today = to_local(utcnow()).date()
    first_tuesday = today - timedelta(days=today.weekday()) - timedelta(weeks=6) + timedelta(days=1)
    modules = group.programme.modules
    sessions, _warnings = schedule.plan_series(group, schedule.SessionPlan(
        module_id=modules[0].id, first_day=first_tuesday, starts=time(15, 30), minutes=90, weeks=12,
        room_id=room.id, online_url=None, tutor_id=tutor.id))
    for index, session in enumerate(sessions):
        session.module_id = modules[min(index // 2, len(modules) - 1)].id
    for enrolment in group.enrolments:  # the term began six weeks ago: its members joined before it
        if enrolment.status == "enrolled":
            enrolment.since = schedule.local_day_bounds(first_tuesday - timedelta(weeks=1))[0]
    db.session.flush()
    members = attendance.members(sessions[0])
    statuses = ["present"] * 8 + ["late", "excused", "absent"]
    for week, session in enumerate(s for s in sessions if s.ends_at < utcnow()):
        for position, member in enumerate(members):
            attendance.set_mark(session, member, statuses[(week * 3 + position) % len(statuses)], actor=tutor)


def _consultations(objects: dict) -> None:
    tutor = objects["tutors"][0]
    if db.session.scalar(select(OfficeHours).where(OfficeHours.tutor_id == tutor.id)) is not None:
        return
    today = to_local(utcnow()).date()
    until = date(today.year + (1 if today.month > 5 else 0), 5, 31)
    for weekday, starts, ends in ((2, time(14), time(17)), (3, time(9), time(12))):
        consultations.save_office_hours(tutor, None, version=None, today=today, data=consultations.OfficeHoursData(
            weekday=weekday, starts=starts, ends=ends, slot_minutes=30, place="Кабинет ИКТ (каб. 214)",
            online_url=None, valid_from=today, valid_until=until))
    # Today's slots are cut too, and on a Wednesday evening they have passed: book from the coming ones.
    slots = db.session.scalars(select(ConsultationSlot).where(ConsultationSlot.tutor_id == tutor.id,
                                                              ConsultationSlot.starts_at > utcnow())
                               .order_by(ConsultationSlot.starts_at).limit(6)).all()
    questions = ["Как выставить итоговые отметки в электронном журнале?",
                 "Помогите подготовить интерактивное задание к открытому уроку",
                 "Как записать короткий видеоурок на телефон?"]
    for slot, teacher, question in zip(slots[::2], objects["teachers"][:3], questions, strict=False):
        consultations.book(slot, teacher, question)


def _programme(code, title, summary, description, modules) -> Programme:
    programme = db.session.scalar(select(Programme).where(Programme.code == code))
    if programme is not None:
        return programme
    programme = catalogue.save_programme(None, version=None, code=code, title=title, summary=summary,
                                         description=description)
    created = []
    for name, hours, form, delivery, requires, text, lessons in modules:
        data = catalogue.ModuleData(title=name, description=text, hours=hours, form=form, delivery=delivery,
                                    prerequisite_ids=[created[i].id for i in requires])
        module = catalogue.save_module(programme, None, version=None, data=data)
        created.append(module)
        for lesson_title, body in lessons:
            catalogue.save_lesson(module, None, version=None, title=lesson_title, body=body, video_url=None,
                                  required=True, minutes=15)
    catalogue.set_programme_status(programme, "published")
    return programme
