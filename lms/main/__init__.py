"""The dashboard, language switch and health check."""

from lms.main.views import bp  # noqa: F401
