"""Registering external tools: the client id and deployment id are ours, the keys and addresses the tool's."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from flask import current_app
from sqlalchemy import select

from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.lti.models import LtiTool
from lms.models.mixins import check_version


@dataclass
class ToolData:
    name: str
    login_url: str
    redirect_urls: list[str]
    jwks_url: str | None = None
    public_key: str | None = None
    client_id: str | None = None
    deployment_id: str | None = None
    target_link_uri: str | None = None


def _http(url: str) -> bool:
    return url.startswith(("https://", "http://")) and len(url) <= 500


def _check(data: ToolData) -> None:
    """The rules a tool's name, addresses and keys follow, on registration and on every edit.

    :raises ServiceError: a URL is not http(s), or there is neither a JWKS URL nor a valid public key.
    """
    if not data.name.strip():
        raise ServiceError(_("Give the tool a name."), field="name")
    if not _http(data.login_url):
        raise ServiceError(_("Each tool address must start with https://."), field="login_url")
    if not data.redirect_urls or not all(_http(url) for url in data.redirect_urls):
        raise ServiceError(_("Each tool address must start with https://."), field="redirect_urls")
    if data.target_link_uri and not _http(data.target_link_uri):
        raise ServiceError(_("Each tool address must start with https://."), field="target_link_uri")
    if data.jwks_url and not _http(data.jwks_url):
        raise ServiceError(_("Each tool address must start with https://."), field="jwks_url")
    if not data.jwks_url and not data.public_key:
        raise ServiceError(_("Give the tool's public keyset URL or its public key."), field="jwks_url")
    if data.public_key:
        try:
            load_pem_public_key(data.public_key.strip().encode())
        except ValueError:
            raise ServiceError(_("This is not a PEM public key."), field="public_key") from None


def add_tool(data: ToolData, *, active: bool = True) -> LtiTool:
    """Register a tool; without a client id or deployment id we make them up.

    :param active: False for a tool that registered itself: staff review it before it can be launched.
    :raises ServiceError: see :func:`_check`, or the client id is taken.
    """
    _check(data)
    client_id = data.client_id or secrets.token_urlsafe(16)
    if db.session.scalar(select(LtiTool.id).where(LtiTool.client_id == client_id)):
        raise ServiceError(_("This client id is taken by another tool."), field="client_id")
    tool = LtiTool(name=data.name.strip(), client_id=client_id,
                   deployment_id=data.deployment_id or secrets.token_urlsafe(8), login_url=data.login_url,
                   redirect_urls="\n".join(data.redirect_urls), jwks_url=data.jwks_url or None,
                   public_key=data.public_key.strip() if data.public_key else None,
                   target_link_uri=data.target_link_uri or None, active=active)
    db.session.add(tool)
    db.session.flush()
    return tool


def edit_tool(tool: LtiTool, data: ToolData, *, version: int | None) -> LtiTool:
    """Change a tool's name, addresses and keys; its client id and deployment id stay (the tool has them).

    :param version: the version the edit form was opened on (see :func:`check_version`).
    :raises ConflictError: someone saved the tool after the form was opened.
    :raises ServiceError: see :func:`_check`.
    """
    check_version(tool, version, _("This tool was changed by someone else while you were editing it, so your "
                                   "changes were not saved. Check its current settings; saving again will "
                                   "replace them."))
    _check(data)
    tool.name, tool.login_url = data.name.strip(), data.login_url
    tool.redirect_urls = "\n".join(data.redirect_urls)
    tool.jwks_url = data.jwks_url or None
    tool.target_link_uri = data.target_link_uri or None
    tool.public_key = data.public_key.strip() if data.public_key else None
    db.session.flush()
    return tool


def set_tool_active(tool: LtiTool, active: bool) -> LtiTool:
    """An inactive tool cannot be launched, and its tokens and scores are refused."""
    if tool.active != active:
        current_app.logger.info("LTI platform: tool %s %s", tool.id, "activated" if active else "deactivated")
    tool.active = active
    db.session.flush()
    return tool
