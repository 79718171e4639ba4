"""Launching a tool: our OIDC login initiation, then the signed id_token our authorization endpoint posts."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jwt
from flask import current_app, url_for
from sqlalchemy import select

from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.lti.keys import signing_key
from lms.lti.models import LtiTool, LtiToolLineItem
from lms.lti.platform import SCOPES
from lms.lti.store import get_store
from lms.users.models import User

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
#: A login initiation must come back within this many seconds; an id_token is good for as long.
HINT_TTL = 600
TOKEN_TTL = 300


class AuthorizationRefused(Exception):
    """The tool's authentication request failed a check; ``reason`` is logged, the person sees a page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Link:
    """What a plugin launches: its resource, the learner's context and the tool's address."""

    kind: str
    ref: int
    label: str
    target_link_uri: str
    context_id: str
    context_title: str
    pass_mark: float = 1.0
    custom: dict = field(default_factory=dict)


def our_url(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def issuer() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def line_item_for(tool: LtiTool, user: User, link: Link) -> LtiToolLineItem:
    """The link's gradebook column, made on its first launch and kept up to date after."""
    item = db.session.scalar(select(LtiToolLineItem).where(
        LtiToolLineItem.tool_id == tool.id, LtiToolLineItem.resource_kind == link.kind,
        LtiToolLineItem.resource_ref == link.ref))
    if item is None:
        item = LtiToolLineItem(tool_id=tool.id, resource_kind=link.kind, resource_ref=link.ref)
        db.session.add(item)
    item.user_id, item.label, item.pass_mark = user.id, link.label[:200], link.pass_mark
    item.context_id = link.context_id[:100]
    db.session.flush()
    return item


def _ready_to_sign() -> None:
    """Refuse a launch we could not sign, in words for the teacher; the log tells staff what to run."""
    try:
        signing_key()
    except ServiceError:
        current_app.logger.error("LTI platform: launch refused: no active signing key (run flask lti rotate-key)")
        raise ServiceError(_("The external module cannot be opened yet: the service's link with external tools "
                             "is not set up. Tell the service's staff.")) from None


def begin_launch(tool: LtiTool, user: User, link: Link) -> str:
    """The tool's login initiation address for this launch (the browser goes there).

    The launch itself waits in the shared store under a one-time hint, so any worker can answer the
    tool's authentication request and nothing of it is in the session cookie.

    :raises ServiceError: we have no signing key, so the launch could not be signed (said on the route, before
        the teacher is sent to the tool).
    """
    _ready_to_sign()
    hint = secrets.token_urlsafe(24)
    # Stored before the line item is written: the database store commits on a connection of its own.
    get_store().set(f"platform-hint:{hint}", {
        "tool": tool.id, "user": user.id, "resource": [link.kind, link.ref], "target": link.target_link_uri,
        "context": [link.context_id, link.context_title], "custom": link.custom}, exp=HINT_TTL)
    line_item_for(tool, user, link)
    query = urlencode({"iss": issuer(), "login_hint": str(user.id), "lti_message_hint": hint,
                       "target_link_uri": link.target_link_uri, "client_id": tool.client_id,
                       "lti_deployment_id": tool.deployment_id})
    return tool.login_url + ("&" if "?" in tool.login_url else "?") + query


def authorize(user, params: dict) -> tuple[str, str, str]:
    """Answer the tool's OIDC authentication request: (where to post, the signed id_token, its state).

    :raises AuthorizationRefused: a parameter is missing or wrong, the hint is unknown, used or someone
        else's, or the redirect address is not one the tool registered.
    """
    def need(name: str) -> str:
        value = params.get(name)
        if not value or len(value) > 2000:
            raise AuthorizationRefused(f"missing or oversized {name}")
        return value

    if need("scope") != "openid" or need("response_type") != "id_token":
        raise AuthorizationRefused("scope must be openid and response_type id_token")
    if params.get("response_mode", "form_post") != "form_post":
        raise AuthorizationRefused("response_mode must be form_post")
    state, nonce, redirect_uri = need("state"), need("nonce"), need("redirect_uri")
    tool = db.session.scalar(select(LtiTool).where(LtiTool.client_id == need("client_id"),
                                                   LtiTool.active.is_(True)))
    if tool is None:
        raise AuthorizationRefused("unknown or inactive client_id")
    if redirect_uri not in tool.redirect_list:
        raise AuthorizationRefused(f"redirect_uri not registered for tool {tool.id}")
    if user is None or not user.is_authenticated or need("login_hint") != str(user.id):
        raise AuthorizationRefused("login_hint is not the signed-in user")
    store = get_store()
    key = f"platform-hint:{need('lti_message_hint')}"
    hint = store.get(key)
    if not hint or hint.get("user") != user.id or hint.get("tool") != tool.id:
        raise AuthorizationRefused("unknown, expired or someone else's lti_message_hint")
    _ready_to_sign()  # checked while the hint still stands, so the same launch can be retried once a key exists
    store.delete(key)  # one launch per hint: a replayed request gets nothing
    kind, ref = hint["resource"]
    item = db.session.scalar(select(LtiToolLineItem).where(
        LtiToolLineItem.tool_id == tool.id, LtiToolLineItem.resource_kind == kind, LtiToolLineItem.resource_ref == ref))
    if item is None or item.user_id != user.id:
        raise AuthorizationRefused("the launched link is gone")
    return redirect_uri, id_token(tool, user, item, hint, nonce), state


def id_token(tool: LtiTool, user, item: LtiToolLineItem, hint: dict, nonce: str) -> str:
    now = int(time.time())
    context_id, context_title = hint["context"]
    claims = {
        "iss": issuer(), "aud": tool.client_id, "azp": tool.client_id, "sub": str(user.id),
        "iat": now, "exp": now + TOKEN_TTL, "nonce": nonce,
        "name": user.full_name, "given_name": user.first_name, "family_name": user.last_name,
        "email": user.email, "locale": "ru",
        CLAIM + "message_type": "LtiResourceLinkRequest", CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": tool.deployment_id, CLAIM + "target_link_uri": hint["target"],
        CLAIM + "resource_link": {"id": item.resource_link_id, "title": item.label},
        CLAIM + "context": {"id": context_id, "title": context_title,
                            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseSection"]},
        CLAIM + "roles": [LEARNER],
        CLAIM + "custom": hint.get("custom") or {},
        CLAIM + "launch_presentation": {"document_target": "window", "locale": "ru"},
        CLAIM + "tool_platform": {"guid": issuer(), "name": "Metodist", "product_family_code": "metodist"},
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
            "scope": [scope for scope in SCOPES if "/lti-ags/" in scope],
            "lineitems": our_url("lti.platform_line_items", tool_id=tool.id),
            "lineitem": our_url("lti.platform_line_item", tool_id=tool.id, item_id=item.id)},
        "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
            "context_memberships_url": our_url("lti.platform_memberships", tool_id=tool.id, item_id=item.id),
            "service_versions": ["2.0"]},
    }
    key = signing_key()
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})
