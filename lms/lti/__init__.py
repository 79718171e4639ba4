"""LTI 1.3 both ways: platforms launch our content (launch, deep_linking, passback); we launch tools (platform)."""

from __future__ import annotations

from flask import Flask

from lms.i18n import _l
from lms.users.permissions import perm, register_permissions

PERMISSIONS = (perm("lti.manage", {"staff", "admin"}, _l("Register LTI platforms and see score passback")),)


def init_app(app: Flask) -> None:
    from lms.lti import admin, deep_linking, passback  # noqa: F401  (routes on bp; passback's commit hook)
    from lms.lti.cli import lti_cli
    from lms.lti.launch import bp
    from lms.lti.platform import views as platform_views  # noqa: F401  (routes on bp)

    register_permissions(app, PERMISSIONS)
    app.register_blueprint(bp, url_prefix="/lti")
    app.cli.add_command(lti_cli)
