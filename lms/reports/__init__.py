"""Reports: plugins register report providers; the core lists and renders them."""

from lms.reports.views import bp  # noqa: F401
