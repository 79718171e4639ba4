"""Views of individual routes: the route page and its actions, steps, the caseload, the catalogue, exports."""

from assessments.views.routes import actions, caseload, catalogue, documents, pages, steps  # noqa: F401
