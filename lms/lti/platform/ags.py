"""Our Assignment and Grade Services and roster for tools: client-credentials tokens, line items, scores,
results and memberships. Errors carry the HTTP status and the OAuth-style code the tool sees."""

from __future__ import annotations

import json
import secrets
import time

import jwt
from flask import current_app
from sqlalchemy import select

from lms import signals
from lms.extensions import db
from lms.lti.models import LtiTool, LtiToolLineItem, LtiToolResult
from lms.lti.platform import SCOPES, roster_of
from lms.lti.platform.messages import LEARNER
from lms.lti.store import get_store
from lms.lti.tool import http_session
from lms.users.models import User

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}
MAX_ASSERTION = 8192


class AgsError(Exception):
    """Refused: ``status`` and ``error`` for the JSON answer, ``description`` for the tool's log and ours."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def _tool_key(tool: LtiTool, kid: str | None):
    """The tool's public key for this ``kid``: its PEM key, or its JWKS (fetched each time: tools rotate)."""
    if tool.public_key:
        return tool.public_key
    try:
        answer = http_session().get(tool.jwks_url)
        answer.raise_for_status()
        keys = jwt.PyJWKSet.from_dict(answer.json()).keys
    except (OSError, ValueError, jwt.PyJWTError) as exc:
        raise AgsError(400, "invalid_client", f"the tool's JWKS could not be read: {exc.__class__.__name__}") \
            from None
    found = [k for k in keys if kid is None or k.key_id == kid]
    if len(found) != 1:
        raise AgsError(401, "invalid_client", "no key in the tool's JWKS has the assertion's kid")
    return found[0].key


def issue_token(form: dict, token_url: str) -> dict:
    """Check a client-credentials request with a JWT client assertion and issue a short-lived token."""
    if form.get("grant_type") != "client_credentials":
        raise AgsError(400, "unsupported_grant_type", "grant_type must be client_credentials")
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise AgsError(400, "invalid_request", "client_assertion_type must be jwt-bearer")
    assertion = form.get("client_assertion") or ""
    if not assertion or len(assertion) > MAX_ASSERTION:
        raise AgsError(400, "invalid_request", "client_assertion is missing or oversized")
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise AgsError(400, "invalid_request", "client_assertion is not a JWT") from None
    client_id = unverified.get("sub")
    tool = db.session.scalar(select(LtiTool).where(LtiTool.client_id == str(client_id or ""),
                                                   LtiTool.active.is_(True))) if client_id else None
    if tool is None or unverified.get("iss") != client_id:
        raise AgsError(401, "invalid_client", "unknown client, or iss differs from sub")
    if header.get("alg") != "RS256":
        raise AgsError(401, "invalid_client", "the client assertion must be signed with RS256")
    try:
        claims = jwt.decode(assertion, _tool_key(tool, header.get("kid")), algorithms=["RS256"],
                            audience=token_url, leeway=60, options={"require": ["exp", "iat", "jti"]})
    except jwt.PyJWTError as exc:
        raise AgsError(401, "invalid_client", f"client assertion refused: {exc}") from None
    if not get_store().add(f"platform-jti:{tool.id}:{claims['jti']}", 1, exp=600):
        raise AgsError(401, "invalid_client", "client assertion replayed (jti seen before)")
    asked = str(form.get("scope") or "").split()
    granted = [scope for scope in asked if scope in SCOPES]
    if not granted:
        raise AgsError(400, "invalid_scope", "none of the requested scopes is offered")
    ttl = int(current_app.config["LTI_PLATFORM_TOKEN_TTL"])
    token = secrets.token_urlsafe(32)
    get_store().set(f"platform-token:{token}", {"tool": tool.id, "scopes": granted,
                                                "exp": time.time() + ttl}, exp=ttl + 60)
    current_app.logger.info("LTI platform: token for tool %s, scopes %s", tool.id, " ".join(granted))
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "scope": " ".join(granted)}


def authorised_tool(authorization: str | None, tool_id: int, scopes: tuple[str, ...]) -> LtiTool:
    """The tool behind a bearer token that holds one of ``scopes``, for this tool's endpoints."""
    if not authorization or not authorization.startswith("Bearer ") or len(authorization) > 500:
        raise AgsError(401, "invalid_token", "a Bearer token is required")
    grant = get_store().get(f"platform-token:{authorization[7:].strip()}")
    if not grant:
        raise AgsError(401, "invalid_token", "unknown token")
    if grant["exp"] < time.time():
        raise AgsError(401, "invalid_token", "the token has expired")
    if grant["tool"] != tool_id:
        raise AgsError(403, "insufficient_scope", "the token belongs to another tool")
    if not set(scopes) & set(grant["scopes"]):
        raise AgsError(403, "insufficient_scope", "the token does not hold the scope: " + " ".join(scopes))
    tool = db.session.get(LtiTool, tool_id)
    if tool is None or not tool.active:
        raise AgsError(401, "invalid_token", "the tool is not active")
    return tool


def line_item(tool: LtiTool, item_id: int) -> LtiToolLineItem:
    item = db.session.get(LtiToolLineItem, item_id) if 0 < item_id < 2**31 else None
    if item is None or item.tool_id != tool.id:
        raise AgsError(404, "not_found", "unknown line item")
    return item


def describe(item: LtiToolLineItem, url: str) -> dict:
    return {"id": url, "label": item.label, "scoreMaximum": item.score_maximum,
            "resourceLinkId": item.resource_link_id, "resourceId": item.resource_link_id}


def line_items(tool: LtiTool, resource_link_id: str | None) -> list[LtiToolLineItem]:
    items = db.session.scalars(select(LtiToolLineItem).where(LtiToolLineItem.tool_id == tool.id)
                               .order_by(LtiToolLineItem.id)).all()
    return [i for i in items if resource_link_id in (None, i.resource_link_id)]


def _number(body: dict, name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1e9:
        raise AgsError(400, "invalid_request", f"{name} must be a number, 0 or more")
    return float(value)


def receive_score(tool: LtiTool, item: LtiToolLineItem, raw: bytes) -> LtiToolResult:
    """Record a score; a fully graded one at or above the pass mark tells the plugins the link is done."""
    if len(raw) > 65536:
        raise AgsError(413, "invalid_request", "the score is too large")
    try:
        body = json.loads(raw)
    except ValueError:
        raise AgsError(400, "invalid_request", "the score is not JSON") from None
    if not isinstance(body, dict):
        raise AgsError(400, "invalid_request", "the score is not a JSON object")
    if str(body.get("userId")) != str(item.user_id):
        raise AgsError(400, "unknown_user", "userId is not the learner of this line item")
    given, maximum = _number(body, "scoreGiven"), _number(body, "scoreMaximum")
    if given is not None and not maximum:
        raise AgsError(400, "invalid_request", "scoreGiven needs a positive scoreMaximum")
    if body.get("activityProgress") not in ACTIVITY or body.get("gradingProgress") not in GRADING:
        raise AgsError(400, "invalid_request", "activityProgress and gradingProgress must be LTI AGS values")
    result = LtiToolResult(line_item_id=item.id, user_id=item.user_id, score_given=given, score_maximum=maximum,
                           activity_progress=body["activityProgress"], grading_progress=body["gradingProgress"],
                           comment=str(body.get("comment") or "")[:1000])
    db.session.add(result)
    db.session.flush()
    share = given / maximum if given is not None else 0.0
    completed = body["gradingProgress"] == "FullyGraded" and given is not None and share + 1e-9 >= item.pass_mark
    current_app.logger.info("LTI platform: tool %s scored line item %s: %.3f%s", tool.id, item.id, share,
                            " (done)" if completed else "")
    signals.lti_score_received.send(tool, user=item.user, resource=(item.resource_kind, item.resource_ref),
                                    score=share, completed=completed, tool=tool)
    return result


def results(item: LtiToolLineItem, item_url: str, offset: int, limit: int) -> tuple[list[dict], bool]:
    """The latest result per user, a page of them, and whether there is a next page."""
    rows = db.session.scalars(select(LtiToolResult).where(LtiToolResult.line_item_id == item.id)
                              .order_by(LtiToolResult.id.desc())).all()
    latest: dict[int, LtiToolResult] = {}
    for row in rows:
        latest.setdefault(row.user_id, row)
    ordered = sorted(latest.values(), key=lambda r: r.user_id)
    page = ordered[offset:offset + limit]
    return [{"id": f"{item_url}/results/{r.user_id}", "scoreOf": item_url, "userId": str(r.user_id),
             "resultScore": (r.score_given / r.score_maximum * item.score_maximum
                             if r.score_given is not None and r.score_maximum else None),
             "resultMaximum": item.score_maximum, "comment": r.comment} for r in page], \
        offset + limit < len(ordered)


def memberships(item: LtiToolLineItem, offset: int, limit: int) -> tuple[dict, bool]:
    """A page of the roster of the launch's context (the plugin's members, or the learner alone), and whether
    there is a next page: a large group is read by the tool page by page (``Link: rel="next"``)."""
    kind = item.context_id.split(":", 1)[0]
    people: list[User] = roster_of(kind, item.context_id) or [item.user]
    page = people[offset:offset + limit]
    return {"context": {"id": item.context_id},
            "members": [{"status": "Active", "user_id": str(u.id), "name": u.full_name, "given_name": u.first_name,
                         "family_name": u.last_name, "email": u.email, "roles": [LEARNER]} for u in page]}, \
        offset + limit < len(people)
