"""The view modules of the assessments plugin; each attaches its routes to assessments.blueprint.bp."""

from assessments.views import attempts, bank, framework, home, manage, practical, routes, statistics  # noqa: F401
