"""Demo data of the community plugin: the demo associations' leaders, members and meetings, a creative group,
and mentoring pairs of young specialists (text written for Metodist)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from community.models import AssociationDetails, MentoringPair
from community.services import associations, mentoring
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
                starts_on=today - timedelta(days=75), ends_on=today + timedelta(days=290), goals=goals))
            held = mentoring.plan_meeting(pair, planned_on=today - timedelta(days=60), topic="Знакомство, план работы")
            mentoring.record_meeting(held, held=True, record="Составили план на год, выбрали темы открытых уроков.",
                                     today=today)
            mentoring.plan_meeting(pair, planned_on=today + timedelta(days=14), topic="Разбор посещённого урока")
    objects["community_group"] = group


def _data(association, kind: str, leader_id: int, theme: str) -> associations.AssociationData:
    return associations.AssociationData(
        municipality_id=association.municipality_id, school_id=association.school_id, name=association.name,
        kind=kind, leader_id=leader_id, starts_on=None, ends_on=None, theme=theme, is_active=association.is_active)
