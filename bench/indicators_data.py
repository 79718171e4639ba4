"""The data set of bench/indicators.py: a municipality at 1/N of full scale, bulk-inserted into a migrated database.

Full scale: 100 schools, 10,000 teachers, 20 tutors; two finished diagnostics per teacher (50 answers and 15
competency results each: 1,000,000 answers, 300,000 results); 500 groups of 20 with 40 held sessions each
(400,000 attendance marks); one held consultation per teacher; one completed route per teacher with 5 steps
(3 done with the tutor) and 3 goals (2 closed by the repeated diagnostic); and the community plugin's registries
at the same scale (associations, mentoring, lesson visits, network events, contests, appeals).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from courses_pages import PASSWORD, STATUSES, bulk, municipality, people, settle

from assessments.models import (
    Answer,
    Attempt,
    Competency,
    CompetencyResult,
    Diagnostic,
    Domain,
    Framework,
    Item,
    Route,
    RouteGoal,
    RouteStep,
)
from courses.models import (
    AttendanceMark,
    ConsultationBooking,
    ConsultationSlot,
    Enrolment,
    Group,
    Module,
    Programme,
    ScheduledSession,
)
from lms.orgs.models import Municipality, School
from lms.reports.indicators import INDICATORS
from lms.users.models import TeacherProfile, User, UserRole
from lms.users.services import hash_password

FULL = {"schools": 100, "tutors": 20, "groups": 500}
MEMBERS, HELD = 20, 40  # per group
COMPETENCIES, ITEMS_PER_COMPETENCY, ANSWERS = 15, 4, 50  # per attempt: 50 answers over 60 items, 15 results
STEPS, DONE_STEPS, GOALS = 5, 3, 3  # per route
#: The data lie in one academic year (2026/27), which the pages show by default on the day we pass them.
YEAR_START = date(2026, 9, 1)
TODAY = date(2026, 12, 2)
REPORTS = ("assessments.deficits", "assessments.growth", "assessments.route_funnel", "courses.consultations",
           "courses.attendance_funnel")


def pages(school_id: int) -> dict[str, str]:
    """Every indicator page and analytics report, with the default period and once filtered by a school."""
    base = {"table": "/reports/indicators/", "xlsx": "/reports/indicators/indicators.xlsx",
            **{f"drill:{i.key}": f"/reports/indicators/{i.key}/" for i in INDICATORS},
            **{f"report:{key}": f"/reports/{key}" for key in REPORTS}}
    result = {}
    for name, url in base.items():
        result[name] = url
        result[f"{name}@school"] = f"{url}?school={school_id}"
    return result


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)


def generate(divisor: int, now: datetime) -> dict:
    """Fill a migrated database at 1/``divisor`` of full scale (inside an app context); returns the plan."""
    schools, tutors, groups = (max(1, n // divisor) for n in FULL.values())
    teachers = groups * MEMBERS
    stamp = {"created_at": now, "updated_at": now}
    versioned = {**stamp, "version": 1}
    password_hash = hash_password(PASSWORD)
    rows = municipality(schools, versioned)
    person = people(password_hash, versioned)

    head = 1
    tutor_ids = range(2, tutors + 2)
    teacher_ids = range(tutors + 2, tutors + teachers + 2)
    rows["users"] = bulk(User, [person(head, "head@bench.example", True)]
                         + [person(uid, f"tutor{uid}@bench.example", False) for uid in tutor_ids]
                         + [person(uid, f"teacher{uid}@bench.example", False) for uid in teacher_ids])
    rows["user_roles"] = bulk(UserRole, [{"user_id": head, "role": "admin"}]
                              + [{"user_id": uid, "role": "tutor"} for uid in tutor_ids]
                              + [{"user_id": uid, "role": "teacher"} for uid in teacher_ids])
    rows["teacher_profiles"] = bulk(TeacherProfile, ({
        "user_id": uid, "school_id": uid % schools + 1, "position": "teacher", "qualification_category": "first",
        "experience_years": uid % 35, "experience_as_of": now.date(), **stamp} for uid in teacher_ids))

    def tutor_of(index: int) -> int:  # the teacher's group's tutor also holds their consultation and route
        return tutor_ids[index // MEMBERS % tutors]

    # Courses: groups approved by order, every member marked at each of 40 held sessions (every 2 days).
    rows["programmes"] = bulk(Programme, [{"id": 1, "code": "BENCH", "title": "IT-школа", "status": "published",
                                           "summary": "", "description": "", **versioned}])
    rows["modules"] = bulk(Module, [{"id": 1, "programme_id": 1, "position": 0, "title": "Модуль 1",
                                     "description": "", "hours": 72, "form": "seminar", "delivery": "online",
                                     "min_attendance": 75, **versioned}])
    first_day = YEAR_START + timedelta(days=6)
    rows["groups"] = bulk(Group, ({
        "id": g + 1, "programme_id": 1, "name": f"Группа {g + 1:03d}", "source": "administration",
        "tutor_id": tutor_ids[g % tutors], "capacity": MEMBERS, "starts_on": first_day, "status": "approved",
        "ends_on": first_day + timedelta(days=2 * HELD), "note": "", **versioned} for g in range(groups)))
    rows["enrolments"] = bulk(Enrolment, ({"id": i + 1, "group_id": i // MEMBERS + 1, "user_id": uid,
                                           "status": "enrolled", "since": at(YEAR_START), **stamp}
                                          for i, uid in enumerate(teacher_ids)))
    rows["sessions"] = bulk(ScheduledSession, ({
        "id": g * HELD + k + 1, "group_id": g + 1, "module_id": 1,
        "starts_at": at(first_day + timedelta(days=2 * k), 6 + g % 8), "room_id": None,
        "ends_at": at(first_day + timedelta(days=2 * k), 7 + g % 8, 30), "online_url": "https://meet.example/b",
        "tutor_id": tutor_ids[g % tutors], "series": f"g{g + 1}", "topic": "", "cancelled": False, **versioned}
        for g in range(groups) for k in range(HELD)))
    rows["attendance_marks"] = bulk(AttendanceMark, ({
        "session_id": g * HELD + k + 1, "user_id": teacher_ids[g * MEMBERS + i],
        "status": STATUSES[(k + i) % len(STATUSES)], "source": "tutor", "marked_by_id": tutor_ids[g % tutors],
        "marked_at": at(first_day + timedelta(days=2 * k), 18)}
        for g in range(groups) for k in range(HELD) for i in range(MEMBERS)))
    # One held consultation per teacher: each tutor's slots every half hour of a working day, day after day.
    slots = [(i, tutor_of(i), at(YEAR_START + timedelta(days=10 + n // 16), 6 + n % 16 // 2, 30 * (n % 2)))
             for i, n in ((i, i // (MEMBERS * tutors) * MEMBERS + i % MEMBERS) for i in range(teachers))]
    rows["consultation_slots"] = bulk(ConsultationSlot, ({
        "id": i + 1, "tutor_id": tutor, "office_hours_id": None, "starts_at": starts,
        "ends_at": starts + timedelta(minutes=30), "place": "Каб. 1", "online_url": None, "cancelled": False}
        for i, tutor, starts in slots))
    rows["consultation_bookings"] = bulk(ConsultationBooking, ({
        "id": i + 1, "slot_id": i + 1, "active_slot_id": i + 1, "teacher_id": teacher_ids[i],
        "topic": "Формирующее оценивание", "status": "held", "outcome_notes": "Разобрали урок",
        "outcome_at": starts + timedelta(minutes=30), "outcome_by_id": tutor, "booked_at": starts - timedelta(days=3),
        **versioned} for i, tutor, starts in slots))
    # Diagnostics: a first sitting in September, a repeated one in November, 50 answers and 15 results each.
    rows["frameworks"] = bulk(Framework, [{"id": 1, "code": "BENCH", "version": "1", "title": "Профстандарт",
                                           "description": "", "current": True, "correlation": 0.3, **stamp}])
    rows["domains"] = bulk(Domain, [{"id": 1, "framework_id": 1, "code": "D1", "title": "Обучение",
                                     "description": "", "position": 0}])
    rows["competencies"] = bulk(Competency, ({
        "id": c + 1, "framework_id": 1, "domain_id": 1, "code": f"K{c + 1:02d}", "title": f"Компетенция {c + 1}",
        "description": "", "position": c, **versioned} for c in range(COMPETENCIES)))
    items = COMPETENCIES * ITEMS_PER_COMPETENCY
    rows["items"] = bulk(Item, ({
        "id": n + 1, "framework_id": 1, "competency_id": n // ITEMS_PER_COMPETENCY + 1, "code": f"I{n + 1:03d}",
        "type": "single_choice", "status": "live", "stem": "Вопрос", "explanation": "", "content": {},
        **versioned} for n in range(items)))
    rows["diagnostics"] = bulk(Diagnostic, [{
        "id": 1, "framework_id": 1, "title": "Диагностика", "description": "", "mode": "adaptive",
        "status": "open", "min_per_competency": 2, "max_per_competency": 6, "max_items": ANSWERS,
        "time_limit_minutes": None, "self_assessment": False, "pilot_share": 0.0, "opens_on": YEAR_START,
        "closes_on": YEAR_START + timedelta(days=300), "created_by_id": head, **versioned}])

    def sitting(i: int, repeat: int) -> datetime:
        return at(YEAR_START + timedelta(days=(60 if repeat else 5) + i % 20), 8 + i % 9)

    attempt_ids = [(2 * i + repeat + 1, i, repeat) for i in range(teachers) for repeat in (0, 1)]
    rows["attempts"] = bulk(Attempt, ({
        "id": aid, "diagnostic_id": 1, "user_id": teacher_ids[i], "number": repeat + 1, "open_key": None,
        "status": "finished", "started_at": sitting(i, repeat) - timedelta(minutes=40), "deadline_at": None,
        "finished_at": sitting(i, repeat), "finish_reason": "completed", "current_item_id": None, "seed": aid,
        "version": 1} for aid, i, repeat in attempt_ids))
    rows["answers"] = bulk(Answer, ({
        "attempt_id": aid, "item_id": (p + aid) % items + 1, "position": p, "response": {"choice": p % 4},
        "score": float(p % 2), "scored": True, "parameters_id": None, "answered_at": sitting(i, repeat)}
        for aid, i, repeat in attempt_ids for p in range(ANSWERS)))
    # First sitting: a deficit in a third of the competencies; the repeated one closes two of the three goals.
    rows["competency_results"] = bulk(CompetencyResult, ({
        "attempt_id": aid, "competency_id": c + 1, "estimate": 0.1 * c, "standard_error": 0.4,
        "level": 1 if deficit else 3, "target_level": 2, "p_deficit": 0.8 if deficit else 0.1, "deficit": deficit,
        "n_items": 3, "self_level": None, "level_probabilities": [0.2, 0.3, 0.3, 0.2]}
        for aid, i, repeat in attempt_ids for c in range(COMPETENCIES)
        for deficit in [(c + i) % 5 == 0 if repeat else (c + i) % 5 in (0, 1, 2)]))
    rows["routes"] = bulk(Route, ({
        "id": i + 1, "user_id": uid, "tutor_id": tutor_of(i), "framework_id": 1, "attempt_id": 2 * i + 1,
        "open_key": None, "status": "completed", "period_start": YEAR_START + timedelta(days=10),
        "period_end": YEAR_START + timedelta(days=90), "weekly_hours": 2.0, "delivery": None, "goal": "",
        "method": "milp", "review_comment": "", "teacher_note": "", "conclusion": "",
        "submitted_at": at(YEAR_START + timedelta(days=8)), "approved_at": at(YEAR_START + timedelta(days=9)),
        "approved_by_id": tutor_of(i), "completed_at": sitting(i, 1), "repeat_attempt_id": 2 * i + 2,
        "last_activity_at": sitting(i, 1), **versioned} for i, uid in enumerate(teacher_ids)))
    rows["route_goals"] = bulk(RouteGoal, ({
        "id": i * GOALS + n + 1, "route_id": i + 1, "competency_id": (n - i) % 5 + 1 + 5 * n % COMPETENCIES,
        "level": 1, "target_level": 2, "p_deficit": 0.8, "task": "", "status": "closed" if n else "reopened",
        "gap": not n, "level_after": 2 if n else 1} for i in range(teachers) for n in range(GOALS)))
    # Steps are done in the second half of October, after every consultation (the latest, the 500th of a tutor's,
    # is on 12 October), so a drill-down's first page holds one kind of record at every size and with any filter:
    # the page sends one describe query per kind it shows.
    rows["route_steps"] = bulk(RouteStep, ({
        "id": i * STEPS + n + 1, "route_id": i + 1, "position": n, "activity_id": None, "kind": "event",
        "title": f"Шаг {n + 1}", "form": "seminar", "organiser": "ИМЦ", "result_form": "none", "hours": 4.0,
        "starts_on": YEAR_START + timedelta(days=44 + 7 * n), "ends_on": YEAR_START + timedelta(days=44 + 7 * n),
        "slot": None, "closes": [f"K{n + 1:02d}"] if n < 3 else [],
        "status": "done" if n < DONE_STEPS else "planned",
        "done_at": at(YEAR_START + timedelta(days=45 + 7 * n)) if n < DONE_STEPS else None, "evidence": "",
        "marked_by_id": tutor_of(i) if n < DONE_STEPS else None, "booked_by_route": False}
        for i in range(teachers) for n in range(STEPS)))
    community = _community(schools, list(teacher_ids), list(tutor_ids), stamp, versioned)
    rows.update(community)
    settle(Municipality, School, User, Programme, Module, Group, Enrolment, ScheduledSession, ConsultationSlot,
           ConsultationBooking, Framework, Domain, Competency, Item, Diagnostic, Attempt, Route, RouteGoal, RouteStep,
           *COMMUNITY_MODELS)
    return {"rows": rows, "head": "head@bench.example", "urls": pages(school_id=1)}


def _community(schools: int, teachers: list[int], tutors: list[int], stamp: dict, versioned: dict) -> dict:
    """The community registries at the same scale: an МО per school with every teacher of it a member and four
    held meetings (members at two of them), one mentoring pair per ten teachers, a visited lesson per five,
    network events with a tenth of the teachers attending, contest applications and appeals."""
    from community.models import (
        Appeal,
        AssociationDetails,
        Contest,
        ContestApplication,
        EventParticipant,
        LessonVisit,
        Meeting,
        MeetingAttendance,
        Membership,
        MentoringPair,
        NetworkEvent,
    )
    from lms.orgs.models import MethodAssociation

    day = lambda n: YEAR_START + timedelta(days=n)  # noqa: E731
    school_of = {uid: uid % schools + 1 for uid in teachers}

    def every(k: int) -> list[int]:  # one teacher in k of each school (a plain stride would pick one school)
        return [uid for uid in teachers if (uid // schools) % k == 0]

    in_school = set(teachers)
    rows = {"associations": bulk(MethodAssociation, ({"id": s + 1, "municipality_id": 1, "school_id": s + 1,
                                                     "name": f"ШМО школы № {s + 1}", "is_active": True, **versioned}
                                                    for s in range(schools)))}
    rows["association_details"] = bulk(AssociationDetails, ({"association_id": s + 1, "kind": "mo",
                                                             **versioned} for s in range(schools)))
    rows["memberships"] = bulk(Membership, ({"id": n + 1, "association_id": school_of[uid], "user_id": uid,
                                             "joined_on": YEAR_START, **stamp} for n, uid in enumerate(teachers)))
    rows["meetings"] = bulk(Meeting, ({"id": s * 4 + k + 1, "association_id": s + 1, "held_on": day(20 + 21 * k),
                                       "topic": f"Заседание {k + 1}", "status": "held", **versioned}
                                      for s in range(schools) for k in range(4)))
    rows["meeting_attendance"] = bulk(MeetingAttendance, ({"meeting_id": (school_of[uid] - 1) * 4 + k + 1,
                                                           "user_id": uid} for uid in teachers for k in (0, 2)))
    rows["mentoring_pairs"] = bulk(MentoringPair, ({"id": n + 1, "mentor_id": uid, "mentee_id": uid + schools,
                                                    "starts_on": day(10), "ends_on": day(300), "status": "active",
                                                    **versioned}  # mentor and mentee of one school
                                                   for n, uid in enumerate(u for u in every(20)
                                                                           if u + schools in in_school)))
    rows["lesson_visits"] = bulk(LessonVisit, ({"id": n + 1, "visitor_id": tutors[n % len(tutors)], "teacher_id": uid,
                                                "kind": "visit", "visited_on": day(30 + n % 60), **versioned}
                                               for n, uid in enumerate(every(5))))
    events = max(1, len(teachers) // 200)
    rows["network_events"] = bulk(NetworkEvent, ({"id": e + 1, "kind": "seminar", "title": f"Семинар {e + 1}",
                                                  "held_on": day(40 + e % 90), "status": "held", **versioned}
                                                 for e in range(events)))
    rows["event_participants"] = bulk(EventParticipant, ({"id": n + 1, "event_id": n % events + 1, "user_id": uid,
                                                          "role": "participant", "attended": True, **stamp}
                                                         for n, uid in enumerate(every(10))))
    rows["contests"] = bulk(Contest, [{"id": 1, "title": "Педагог года", "applications_until": day(60), **versioned}])
    rows["contest_applications"] = bulk(ContestApplication, ({"id": n + 1, "contest_id": 1, "teacher_id": uid,
                                                              "submitted_on": day(30), "status": "submitted",
                                                              **versioned} for n, uid in enumerate(every(10))))
    rows["appeals"] = bulk(Appeal, ({"id": n + 1, "teacher_id": uid, "received_on": day(50), "due_on": day(80),
                                     "subject": "Обращение", "text": "Текст", "status": "open", **versioned}
                                    for n, uid in enumerate(every(50))))
    COMMUNITY_MODELS[:] = [MethodAssociation, Membership, Meeting, MentoringPair, LessonVisit,
                           NetworkEvent, EventParticipant, Contest, ContestApplication, Appeal]
    return rows


#: The community tables with explicit ids (filled by _community), whose PostgreSQL sequences move on.
COMMUNITY_MODELS: list = []
