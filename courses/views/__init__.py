"""The view modules of the courses plugin; each attaches its routes to courses.blueprint.bp."""

from courses.views import attendance, catalogue, consultations, editing, groups, schedule  # noqa: F401
