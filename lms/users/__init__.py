"""Users, roles, permissions and teachers' profiles."""

from lms.users.views import bp  # noqa: F401
