"""The core's demo data: a municipality, its schools and associations, teachers, tutors, staff, an admin."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.orgs.models import MethodAssociation, Municipality, School
from lms.users.models import User
from lms.users.services import ProfileData, create_user, find_user_by_email

DEMO_PASSWORD = "metodist-demo"
DEMO_DOMAIN = "demo.metodist"

MUNICIPALITY = "Городской округ Заречный (демо)"

SCHOOLS = [
    ("DEMO-01", "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
     "МБОУ СОШ № 1", "ул. Школьная, 1"),
    ("DEMO-02", "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 2»",
     "МБОУ Гимназия № 2", "пр. Мира, 14"),
    ("DEMO-03", "Муниципальное автономное общеобразовательное учреждение «Лицей № 3»",
     "МАОУ Лицей № 3", "ул. Садовая, 7"),
    ("DEMO-04", "Муниципальное бюджетное общеобразовательное учреждение «Основная общеобразовательная школа № 4»",
     "МБОУ ООШ № 4", "ул. Заречная, 22"),
    ("DEMO-05", "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 5»",
     "МБОУ ЦО № 5", "ул. Лесная, 3"),
]

ASSOCIATIONS = [
    ("Городское МО учителей информатики", None),
    ("Городское МО учителей математики", None),
    ("Городское МО учителей начальных классов", None),
    ("Городское МО учителей русского языка и литературы", None),
    ("Городское МО учителей иностранных языков", None),
    ("ШМО учителей естественно-научного цикла", "DEMO-01"),
]

# (last name, first name, patronymic, position, subjects, category, experience, association index)
TEACHERS = [
    ("Смирнова", "Анна", "Викторовна", "teacher", "Информатика", "first", 9, 0),
    ("Кузнецов", "Дмитрий", "Олегович", "teacher", "Математика", "highest", 21, 1),
    ("Попова", "Елена", "Сергеевна", "primary_teacher", "Начальные классы", "highest", 18, 2),
    ("Васильева", "Ольга", "Николаевна", "teacher", "Русский язык, Литература", "first", 14, 3),
    ("Петров", "Алексей", "Игоревич", "teacher", "Физика", "conformity", 4, 5),
    ("Соколова", "Татьяна", "Александровна", "teacher", "Английский язык", "none", 2, 4),
    ("Михайлова", "Наталья", "Владимировна", "teacher", "Химия, Биология", "first", 11, 5),
    ("Новиков", "Сергей", "Петрович", "teacher", "История, Обществознание", "highest", 26, None),
    ("Фёдорова", "Ирина", "Юрьевна", "primary_teacher", "Начальные классы", "first", 12, 2),
    ("Морозова", "Светлана", "Анатольевна", "teacher", "Математика", "methodologist", 30, 1),
    ("Волков", "Андрей", "Викторович", "teacher", "Информатика, Математика", "conformity", 6, 0),
    ("Алексеева", "Марина", "Евгеньевна", "teacher", "География", "first", 16, 5),
    ("Лебедева", "Юлия", "Андреевна", "teacher", "Русский язык, Литература", "none", 1, 3),
    ("Семёнова", "Галина", "Ивановна", "teacher", "Музыка", "highest", 33, None),
    ("Егоров", "Павел", "Сергеевич", "teacher", "Физическая культура", "first", 10, None),
    ("Павлова", "Людмила", "Михайловна", "primary_teacher", "Начальные классы", "mentor", 28, 2),
    ("Козлова", "Екатерина", "Дмитриевна", "teacher", "Английский язык, Немецкий язык", "first", 8, 4),
    ("Степанов", "Игорь", "Валентинович", "teacher", "Технология", "conformity", 19, None),
    ("Николаева", "Вера", "Павловна", "educational_psychologist", "", "first", 13, None),
    ("Орлова", "Ксения", "Алексеевна", "teacher", "Информатика", "none", 3, 0),
    ("Андреева", "Оксана", "Геннадьевна", "teacher", "Математика", "first", 15, 1),
    ("Макаров", "Виктор", "Александрович", "teacher", "ОБЗР", "highest", 24, None),
    ("Никитина", "Любовь", "Сергеевна", "primary_teacher", "Начальные классы", "conformity", 7, 2),
    ("Захарова", "Дарья", "Игоревна", "teacher", "Русский язык, Литература", "first", 10, 3),
    ("Зайцева", "Полина", "Олеговна", "teacher", "Биология", "none", 2, 5),
    ("Соловьёв", "Максим", "Андреевич", "additional_education_teacher", "Робототехника", "first", 5, 0),
    ("Борисова", "Нина", "Васильевна", "teacher", "Изобразительное искусство", "highest", 29, None),
    ("Яковлева", "Алла", "Викторовна", "speech_therapist", "", "first", 17, None),
    ("Григорьев", "Роман", "Евгеньевич", "teacher", "История", "conformity", 5, None),
    ("Романова", "Анастасия", "Сергеевна", "teacher", "Английский язык", "first", 9, 4),
    ("Воробьёва", "Елизавета", "Павловна", "teacher", "Математика, Информатика", "none", 1, 1),
    ("Сергеева", "Лариса", "Николаевна", "social_pedagogue", "", "first", 20, None),
    ("Кузьмина", "Валентина", "Петровна", "primary_teacher", "Начальные классы", "highest", 31, 2),
    ("Фролов", "Константин", "Игоревич", "teacher", "Физика, Астрономия", "first", 12, 5),
    ("Александрова", "Маргарита", "Юрьевна", "teacher", "Русский язык, Литература", "highest", 25, 3),
    ("Дмитриева", "Ольга", "Аркадьевна", "teacher_organiser", "", "conformity", 6, None),
    ("Королёва", "Евгения", "Сергеевна", "teacher", "Химия", "first", 11, 5),
    ("Гусев", "Артём", "Владимирович", "teacher", "Информатика", "none", 0, 0),
    ("Киселева", "Тамара", "Ивановна", "teacher", "Математика", "highest", 35, 1),
    ("Ильина", "Вероника", "Олеговна", "upbringing_adviser", "", "none", 2, None),
]

TUTORS = [
    ("tutor", "Белова", "Наталья", "Сергеевна", "methodologist"),
    ("tutor2", "Комаров", "Олег", "Викторович", "methodologist"),
    ("tutor3", "Тихонова", "Ирина", "Анатольевна", "tutor"),
]


def _get_or_create(model, defaults: dict | None = None, **filters):
    obj = db.session.scalar(select(model).filter_by(**filters))
    if obj is None:
        obj = model(**filters, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
    return obj


def _account(local: str, last: str, first: str, middle: str, roles: set[str],
             profile: ProfileData | None = None) -> User:
    email = f"{local}@{DEMO_DOMAIN}"
    user = find_user_by_email(email)
    if user is None:
        user = create_user(email=email, last_name=last, first_name=first, middle_name=middle, roles=roles,
                           password=DEMO_PASSWORD, profile=profile)
    return user


def load() -> dict:
    """Create what is missing; running it again changes nothing. Returns the demo objects."""
    municipality = _get_or_create(Municipality, name=MUNICIPALITY)
    schools = [
        _get_or_create(School, dict(municipality_id=municipality.id, name=name, short_name=short, address=address),
                       code=code)
        for code, name, short, address in SCHOOLS
    ]
    by_code = {s.code: s for s in schools}
    associations = [
        _get_or_create(MethodAssociation, dict(school_id=by_code[school].id if school else None),
                       municipality_id=municipality.id, name=name)
        for name, school in ASSOCIATIONS
    ]
    recorded = date(2026, 9, 1)
    teachers = []
    for index, (last, first, middle, position, subjects, category, years, assoc) in enumerate(TEACHERS):
        local = "teacher" if index == 0 else f"teacher{index:02d}"
        profile = ProfileData(
            school_id=schools[index % len(schools)].id, position=position, qualification_category=category,
            experience_years=years, experience_as_of=recorded,
            association_id=associations[assoc].id if assoc is not None else None,
            subjects=[s for s in subjects.split(",") if s.strip()],
        )
        teachers.append(_account(local, last, first, middle, {"teacher"}, profile))
    tutors = [
        _account(local, last, first, middle, {"tutor"},
                 ProfileData(school_id=None, position=position, qualification_category="highest"))
        for local, last, first, middle, position in TUTORS
    ]
    staff = _account("staff", "Гончарова", "Марина", "Олеговна", {"staff"},
                     ProfileData(position="methodologist"))
    admin = _account("admin", "Руденко", "Виктор", "Павлович", {"admin"})
    return {"municipality": municipality, "schools": schools, "associations": associations,
            "teachers": teachers, "tutors": tutors, "staff": staff, "admin": admin}
