"""LTI Dynamic Registration 1.0 with us as the platform: staff open a tool's initiation URL with our OpenID
configuration and a one-time registration token; the tool posts its client registration, which becomes an
inactive tool for staff to review and activate."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode, urlsplit

from flask import current_app

from lms.errors import ServiceError
from lms.i18n import _
from lms.lti.models import LtiTool
from lms.lti.platform import SCOPES, tools
from lms.lti.platform.ags import AgsError
from lms.lti.platform.messages import issuer, our_url
from lms.lti.store import get_store

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
#: A registration token is good for this long (seconds): the tool's administrator finishes in one sitting.
TOKEN_TTL = 3600
#: A client registration is a few kilobytes; anything past this is refused unread.
MAX_BODY = 65536


def _http(url) -> bool:
    return isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= 500 \
        and bool(urlsplit(url).hostname)


def start(initiate_url: str) -> str:
    """The tool's initiation address with our configuration and a fresh one-time token (staff's browser goes
    there). The token waits in the shared store, so any worker takes the tool's registration.

    :raises ServiceError: the address is not http(s).
    """
    if not _http(initiate_url):
        # No field: the view redirects back to the tools page, so the message must be a flash.
        raise ServiceError(_("Each tool address must start with https://."))
    token = secrets.token_urlsafe(32)
    get_store().set(f"platform-registration:{token}", {"initiate": initiate_url}, exp=TOKEN_TTL)
    current_app.logger.info("LTI platform: dynamic registration started with %s", initiate_url[:200])
    query = urlencode({"openid_configuration": our_url("lti.platform_openid_configuration"),
                       "registration_token": token})
    return initiate_url + ("&" if "?" in initiate_url else "?") + query


def openid_configuration() -> dict:
    """Our platform's OpenID configuration, as the spec's tool reads it."""
    return {
        "issuer": issuer(),
        "authorization_endpoint": our_url("lti.platform_authorize"),
        "token_endpoint": our_url("lti.platform_token"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": our_url("lti.jwks"),
        "registration_endpoint": our_url("lti.platform_register"),
        "scopes_supported": ["openid", *SCOPES],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["iss", "aud", "sub", "name", "given_name", "family_name", "email", "locale"],
        PLATFORM_CONFIGURATION: {
            "product_family_code": "metodist", "version": "1.0",
            "messages_supported": [{"type": "LtiResourceLinkRequest"}],
            "variables": [],
        },
    }


def _refuse(status: int, error: str, reason: str) -> AgsError:
    current_app.logger.warning("LTI platform: dynamic registration refused: %s", reason)
    return AgsError(status, error, reason)


def _in_domain(url: str, domain: str) -> bool:
    """The URL's host is the declared domain (with its port, when the domain names one) or under it."""
    parts = urlsplit(url)
    if ":" in domain:
        return parts.netloc.lower() == domain
    host = (parts.hostname or "").lower()
    return host == domain or host.endswith("." + domain)


def register(authorization: str | None, raw: bytes) -> tuple[LtiTool, dict]:
    """Take a tool's client registration: a new inactive tool and the answer the tool keeps (its client_id).

    :raises AgsError: the token is missing, unknown, used or expired (401), the body is oversized (413), or
        the registration is malformed or names addresses outside its declared domain (400).
    """
    if not authorization or not authorization.startswith("Bearer ") or len(authorization) > 500:
        raise _refuse(401, "invalid_token", "a Bearer registration token is required")
    token = authorization[7:].strip()
    store = get_store()
    # The token is spent by the first request that shows it, whatever that request holds: one registration each.
    if not store.get(f"platform-registration:{token}") or not store.add(
            f"platform-registration-used:{token}", 1, exp=TOKEN_TTL):
        raise _refuse(401, "invalid_token", "unknown, used or expired registration token")
    store.delete(f"platform-registration:{token}")
    if len(raw) > MAX_BODY:
        raise _refuse(413, "invalid_client_metadata", "the registration is too large")
    try:
        body = json.loads(raw)
    except ValueError:
        raise _refuse(400, "invalid_client_metadata", "the registration is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get(TOOL_CONFIGURATION), dict):
        raise _refuse(400, "invalid_client_metadata", "the registration or its lti-tool-configuration is not an object")
    config = body[TOOL_CONFIGURATION]
    if body.get("application_type") != "web" or "id_token" not in (body.get("response_types") or []) \
            or not {"implicit", "client_credentials"} <= set(body.get("grant_types") or []):
        raise _refuse(400, "invalid_client_metadata",
                      "application_type web, response_types id_token and grant_types implicit and "
                      "client_credentials are required")
    redirects = body.get("redirect_uris")
    if not isinstance(redirects, list) or not redirects or len(redirects) > 20 or not all(map(_http, redirects)):
        raise _refuse(400, "invalid_redirect_uri", "redirect_uris must be a list of http(s) URLs")
    login, jwks, target = body.get("initiate_login_uri"), body.get("jwks_uri"), config.get("target_link_uri")
    if not all(map(_http, (login, jwks, target))):
        raise _refuse(400, "invalid_client_metadata",
                      "initiate_login_uri, jwks_uri and target_link_uri must be http(s) URLs")
    domain = config.get("domain")
    if not isinstance(domain, str) or not domain or len(domain) > 255:
        raise _refuse(400, "invalid_client_metadata", "lti-tool-configuration has no domain")
    domain = domain.lower()
    outside = [url for url in [login, target, *redirects] if not _in_domain(url, domain)]
    if outside:
        raise _refuse(400, "invalid_redirect_uri", f"addresses outside the declared domain {domain[:100]}: "
                                                   f"{' '.join(u[:200] for u in outside)}")
    name = body.get("client_name")
    name = name.strip()[:200] if isinstance(name, str) and name.strip() else domain
    scope = body.get("scope") if isinstance(body.get("scope"), str) else ""
    tool = tools.add_tool(tools.ToolData(name=name, login_url=login, redirect_urls=redirects, jwks_url=jwks,
                                         target_link_uri=target), active=False)
    current_app.logger.info("LTI platform: tool %s (%s) registered itself, inactive until staff activate it",
                            tool.id, domain)
    granted = " ".join(s for s in scope.split() if s in SCOPES)
    answer = {
        "client_id": tool.client_id, "application_type": "web", "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"], "initiate_login_uri": login, "redirect_uris": redirects,
        "client_name": name, "jwks_uri": jwks, "token_endpoint_auth_method": "private_key_jwt", "scope": granted,
        TOOL_CONFIGURATION: {"domain": domain, "target_link_uri": target, "deployment_id": tool.deployment_id,
                             "messages": config.get("messages") if isinstance(config.get("messages"), list)
                             else [], "claims": config.get("claims") if isinstance(config.get("claims"), list)
                             else []},
    }
    return tool, answer
