"""Imports every core model module so the metadata (and Alembic) sees all core tables."""

from lms.models.mixins import TimestampMixin, utcnow  # noqa: F401
from lms.orgs import models as _orgs_models  # noqa: F401
from lms.users import models as _users_models  # noqa: F401
