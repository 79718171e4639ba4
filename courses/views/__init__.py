"""The view modules of the courses plugin; each attaches its routes to courses.blueprint.bp."""

from courses.views import (  # noqa: F401
    assignments,
    attendance,
    catalogue,
    certificates,
    consultations,
    editing,
    groups,
    schedule,
)
