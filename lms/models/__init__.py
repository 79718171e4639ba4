"""Core model helpers; import_all() makes every core table known to the metadata (and Alembic)."""


def import_all() -> None:
    """Import the core's model modules; called by create_app before plugins load theirs."""
    from lms.auth import models as _auth  # noqa: F401
    from lms.lti import models as _lti  # noqa: F401
    from lms.notifications import models as _notifications  # noqa: F401
    from lms.orgs import models as _orgs  # noqa: F401
    from lms.reports import models as _reports  # noqa: F401
    from lms.users import models as _users  # noqa: F401
