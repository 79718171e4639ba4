"""Small helpers shared by views of every package."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, url_for
from flask_login import current_user

from lms.extensions import db


def safe_back(target: str | None, default: str = "main.dashboard") -> str:
    """``target`` when it is a path on this site, else the default page: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for(default)


def get_or_404(model, ident, rule=None):
    """Load ``model`` by primary key: 404 when missing, 403 when ``rule(current_user, obj)`` is false."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if rule is not None and not rule(current_user, obj):
        abort(403)
    return obj
