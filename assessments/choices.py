"""Closed vocabularies of individual routes: activity kinds, ИОМ forms and results, route and step states."""

from __future__ import annotations

from lms.i18n import _l, _lp

#: What a route step can be (DESIGN.md, DOMAIN.md §F.5).
ACTIVITY_KINDS = {
    "module": _l("Programme module"),
    "session": _l("Scheduled session"),
    "consultation": _l("Consultation"),
    "mentoring": _l("Mentoring"),
    "internship": _l("Internship"),
    "external": _l("External module"),
}

#: The «Форма» column of the ИОМ plan (DOMAIN.md §C).
ACTIVITY_FORMS = {
    "course": _l("Further training course"),
    "seminar": _l("Seminar"),
    "practicum": _l("Practicum"),
    "master_class": _l("Master class"),
    "webinar": _l("Webinar"),
    "lecture": _l("Lecture"),
    "internship": _l("Internship"),
    "consultation": _l("Consultation"),
    "mentoring": _l("Mentoring"),
    "self_study": _l("Self-study"),
    "contest": _l("Contest"),
}

#: The «Форма предъявления результата» column.
RESULT_FORMS = {
    "certificate": _l("Certificate"),
    "product": _l("Product (lesson plan, resource)"),
    "open_lesson": _l("Open lesson"),
    "talk": _l("Talk at a methodological association"),
    "publication": _l("Publication"),
    "report": _l("Consultation record"),
}

DELIVERY = {
    "onsite": _l("On site"),
    "online": _l("Online"),
    "blended": _l("Blended"),
}

ROUTE_STATUSES = {
    "draft": _l("Draft"),
    "review": _l("On review"),
    "returned": _lp("route", "Returned for rework"),
    "active": _l("Active"),
    "completed": _l("Completed"),
}

STEP_STATUSES = {
    "planned": _l("Planned"),
    "booked": _l("Booked"),
    "waiting": _l("On the waiting list"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}

GOAL_STATUSES = {
    "open": _l("Open"),
    "closed": _l("Closed"),
    "reopened": _l("Not closed by the repeated diagnostic"),
}

