"""Demo data of the community plugin: the demo associations' leaders, members and meetings, a creative group and
a community of practice, mentoring pairs of young specialists, lesson visits, appeals, network events and a
contest (text written for Metodist)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from community.choices import VISIT_CRITERIA
from community.models import AssociationDetails, MentoringPair
from community.services import associations, events, library, mentoring, visits
from lms import references
from lms.extensions import db
from lms.i18n import local_today

#: (association index in the core's demo, leader's teacher index, theme)
LEADERS = [
    (0, 0, "Цифровые инструменты формирующего оценивания на уроках информатики"),
    (1, 9, "Функциональная математическая грамотность: задачи из жизни"),
    (2, 15, "Смысловое чтение в начальной школе"),
    (3, 34, "Подготовка к итоговому сочинению и устному собеседованию"),
    (4, 16, "Коммуникативные задания в цифровой среде"),
    (5, 6, "Исследовательские проекты по естественным наукам"),
]

#: (association index, days ago, topic, decisions)
MEETINGS = [
    (0, 70, "Анализ результатов диагностики ИКТ-компетентности",
     "1. Принять к сведению результаты диагностики. 2. Включить в планы ИОМ модули по формирующему оцениванию."),
    (0, 21, "Открытые уроки с использованием онлайн-конструкторов: обмен опытом",
     "Провести до конца четверти по одному открытому уроку в каждой школе."),
    (1, 35, "Банк задач по функциональной грамотности",
     "Сформировать общий банк задач к следующему заседанию."),
    (2, 14, "Приёмы смыслового чтения: мастер-класс Павловой Л. М.",
     "Рекомендовать приёмы для использования во 2–4 классах."),
]

#: (mentor's teacher index, mentee's teacher index, goals)
PAIRS = [
    (0, 37, "Освоить планирование урока информатики и электронный журнал; провести открытый урок."),
    (9, 30, "Подготовить рабочую программу и систему формирующего оценивания по математике."),
    (3, 12, "Методика подготовки к устному собеседованию; посещение уроков наставника."),
    (6, 24, "Организация лабораторных работ по биологии и проектной деятельности учеников."),
]


def load(objects: dict) -> None:
    """Create what is missing; running it again changes nothing."""
    core, teachers = objects["associations"], objects["teachers"]
    if db.session.get(AssociationDetails, core[0].id) is not None:
        return
    today = local_today()
    for index, leader, theme in LEADERS:
        association = core[index]
        details = associations.ensure_details(association)
        associations.save_association(details, version=details.version,
                                      data=_data(association, "mo", teachers[leader].id, theme))
        for teacher in teachers:
            if teacher.profile and teacher.profile.association_id == association.id:
                associations.add_member(association, teacher, today=today - timedelta(days=90))
    group = associations.save_association(None, version=None, data=associations.AssociationData(
        municipality_id=objects["municipality"].id, school_id=None,
        name="Творческая группа «Цифровой урок»", kind="creative", leader_id=teachers[10].id,
        starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=120),
        theme="Разработка сценариев уроков с цифровыми инструментами для сборника лучших практик"))
    for index in (0, 19, 25, 30):
        associations.add_member(group.association, teachers[index], today=today - timedelta(days=60))
    for index, days, topic, decisions in MEETINGS:
        association = core[index]
        members = [t.id for t in teachers if t.profile and t.profile.association_id == association.id]
        associations.save_meeting(association, None, version=None, today=today, data=associations.MeetingData(
            held_on=today - timedelta(days=days), topic=topic, place="ИМЦ, ауд. 12", agenda=topic, status="held",
            minutes=f"Присутствовали {len(members[:-1])} из {len(members)}. Заслушали выступления по теме «{topic}».",
            decisions=decisions, attendee_ids=members[:-1]))
    associations.save_meeting(core[0], None, version=None, today=today, data=associations.MeetingData(
        held_on=today + timedelta(days=30), topic="Итоги открытых уроков; планирование работы на полугодие",
        place="МБОУ СОШ № 1, каб. 21", agenda="", status="planned", minutes="", decisions="", attendee_ids=[]))
    if db.session.scalar(select(MentoringPair.id).limit(1)) is None:
        for mentor, mentee, goals in PAIRS:
            pair = mentoring.save_pair(None, version=None, data=mentoring.PairData(
                mentor_id=teachers[mentor].id, mentee_id=teachers[mentee].id, form="experienced_young",
                starts_on=today - timedelta(days=75), ends_on=today + timedelta(days=290), goals=goals),
                today=today)
            held = mentoring.plan_meeting(pair, planned_on=today - timedelta(days=60), topic="Знакомство, план работы")
            mentoring.record_meeting(held, held=True, record="Составили план на год, выбрали темы открытых уроков.",
                                     today=today)
            mentoring.plan_meeting(pair, planned_on=today + timedelta(days=14), topic="Разбор посещённого урока")
    objects["community_group"] = group
    practice = associations.save_association(None, version=None, data=associations.AssociationData(
        municipality_id=objects["municipality"].id, school_id=None, name="Сообщество практики «Смешанное обучение»",
        kind="practice", leader_id=teachers[20].id, starts_on=None, ends_on=None,
        theme="Обмен опытом ротации станций и перевёрнутого класса"))
    for index in (1, 3, 21, 23):
        associations.add_member(practice.association, teachers[index], today=today - timedelta(days=40))
    _records(objects, today)


def _records(objects: dict, today) -> None:
    """Lesson visits, appeals, network events and a contest."""
    teachers, tutor, staff = objects["teachers"], objects["tutors"][0], objects["staff"]
    criteria = list(VISIT_CRITERIA)
    for teacher, days, lesson, notes, advice in (
            (teachers[37], 20, "7 Б, информатика", ["Цель сформулирована, достигнута частично", "Презентация",
                                                     "Фронтальная работа", "Устный опрос"],
             "Добавить задание с автоматической проверкой; оставить 5 минут на рефлексию."),
            (teachers[30], 9, "6 А, математика", ["Цель достигнута", "Онлайн-тренажёр", "Работа в парах",
                                                   "Лист самооценки"],
             "Поделиться приёмом работы в парах на заседании МО.")):
        visits.save_visit(None, tutor, version=None, today=today, data=visits.VisitData(
            teacher_id=teacher.id, kind="visit", visited_on=today - timedelta(days=days), lesson=lesson,
            purpose="Методическая помощь молодому специалисту",
            protocol=[{"criterion": c, "note": n} for c, n in zip(criteria, notes, strict=True)],
            recommendations=advice))
    answered = visits.submit_appeal(teachers[5], source="teacher", subject="Перенос консультации",
                                    text="Консультацию перенесли без предупреждения, прошу назначить новое время.",
                                    received_on=today - timedelta(days=25), answer_days=30)
    visits.answer_appeal(answered, staff, version=answered.version, today=today - timedelta(days=20), upheld=True,
                         answer="Приносим извинения; консультация назначена на ближайшую среду.")
    visits.submit_appeal(teachers[12], source="staff", subject="Доступ к материалам курса",
                         text="Письмо в ИМЦ: нет доступа к материалам модуля «Облачные документы».",
                         received_on=today - timedelta(days=3), answer_days=30)
    held = events.save_event(None, version=None, today=today, data=events.EventData(
        kind="round_table", title="Круглый стол «Цифровая образовательная среда: первые итоги»",
        organiser_kind="service", school_id=None, association_id=None, held_on=today - timedelta(days=12),
        place="ИМЦ, актовый зал", link=None, capacity=30, registration_open=True, description="", status="planned"))
    for index in (0, 1, 2, 10, 19):
        events.register(held, teachers[index], today=today - timedelta(days=20))
    events.add_speaker(held, teachers[9], topic="Функциональная грамотность и цифровые тренажёры", upload=None)
    events.mark_attendance(held, {teachers[i].id for i in (0, 1, 10, 9)}, today=today)
    coming = events.save_event(None, version=None, today=today, data=events.EventData(
        kind="master_class", title="Мастер-класс «Интерактивные задания за 15 минут»", organiser_kind="school",
        school_id=objects["schools"][2].id, association_id=None, held_on=today + timedelta(days=10),
        place="МАОУ Лицей № 3, каб. 305", link=None, capacity=12, registration_open=True, description="",
        status="planned"))
    events.register(coming, teachers[37], today=today)
    contest = events.save_contest(None, version=None, title="Педагог года — 2027 (муниципальный этап)",
                                  description="Муниципальный этап конкурса профессионального мастерства.",
                                  applications_until=today + timedelta(days=20), stages=[
                                      {"title": "Заочный этап", "starts_on": (today + timedelta(days=25)).isoformat(),
                                       "ends_on": (today + timedelta(days=45)).isoformat()},
                                      {"title": "Очный этап", "starts_on": (today + timedelta(days=60)).isoformat(),
                                       "ends_on": (today + timedelta(days=62)).isoformat()}])
    events.apply(contest, teachers[10], today=today, theme="Робототехника на уроках информатики")
    events.apply(contest, teachers[19], today=today, theme="Цифровое портфолио ученика", nominated_by_school=True)
    _library(objects, today, held, contest)


def _library(objects: dict, today, event, contest) -> None:
    """The year's plan approved by the council, a few materials and practices, schools' statuses."""
    teachers, tutor, schools = objects["teachers"], objects["tutors"][0], objects["schools"]
    year = today.year if today.month >= 9 else today.year - 1
    plan = library.save_plan(None, version=None, title=f"План работы ИМЦ на {year}/{year + 1} учебный год",
                             starts_on=date(year, 9, 1), ends_on=date(year + 1, 8, 31))
    for what, due, form, audience, link_kind, link_id, status in (
            ("Круглый стол по итогам внедрения ЦОС", event.held_on, "круглый стол", "учителя-предметники", "event",
             event.id, "done"),
            ("Муниципальный этап конкурса «Педагог года»", contest.applications_until, "конкурс",
             "учителя со стажем от 3 лет", "contest", contest.id, "planned"),
            ("Диагностика профессиональных дефицитов молодых специалистов", date(year, 10, 15), "диагностика",
             "молодые специалисты", None, None, "done"),
            ("Педагогические чтения «Смешанное обучение»", date(year + 1, 3, 20), "педагогические чтения",
             "все педагоги", None, None, "planned")):
        library.save_item(plan, None, version=None, data=library.ItemData(
            what=what, due_on=min(max(due, plan.starts_on), plan.ends_on), responsible="Белова Н. С.", form=form,
            audience=audience, link_kind=link_kind,
            link_id=link_id, status=status))
    library.approve_plan(plan, body="Методический совет ИМЦ", protocol_number="1",
                         approved_on=min(today, date(year, 8, 29)), today=today)
    # The framework's first competency, where the assessments plugin provides one (lms.references).
    framework = next(iter(references.choices("competency")), ("", ""))[0]
    for kind, title, link, competency, level in (
            ("normative", "Профессиональный стандарт «Педагог»", "https://example.org/544n", "", None),
            ("methodological", "Методические рекомендации по формирующему оцениванию",
             "https://example.org/formative", framework, "basic")):
        library.save_material(None, version=None, data=library.MaterialData(
            kind=kind, title=title, description="", link=link, competency=competency, subject_id=None, level=level))
    published = library.submit_practice(None, teachers[9], version=None, title="Банк задач «Математика вокруг нас»",
                                        summary="Задачи по функциональной грамотности из жизни города, с "
                                                "решениями и критериями оценивания.", link=None, subject_id=None)
    library.review_practice(published, tutor, version=published.version, publish=True, comment="")
    library.submit_practice(None, teachers[0], version=None, title="Ротация станций на уроке информатики",
                            summary="Три станции за 45 минут: теория, тренажёр, работа с учителем.", link=None,
                            subject_id=None)
    for school, kind, theme in ((schools[2], "innovation", "Цифровая образовательная среда лицея"),
                                (schools[0], "internship", "Стажировка по смешанному обучению")):
        library.save_school_status(None, version=None, school_id=school.id, kind=kind, theme=theme,
                                   starts_on=date(year, 9, 1), ends_on=date(year + 2, 8, 31),
                                   basis="Приказ управления образования")


def _data(association, kind: str, leader_id: int, theme: str) -> associations.AssociationData:
    return associations.AssociationData(
        municipality_id=association.municipality_id, school_id=association.school_id, name=association.name,
        kind=kind, leader_id=leader_id, starts_on=None, ends_on=None, theme=theme, is_active=association.is_active)
