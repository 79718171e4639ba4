"""Municipalities, schools and methodological associations."""

from lms.orgs.views import bp  # noqa: F401
