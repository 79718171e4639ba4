"""Authentication: sign-in, sign-out, passwords."""

from lms.auth.views import bp  # noqa: F401
