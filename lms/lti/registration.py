"""LTI Dynamic Registration as a tool: a platform's administrator pastes one URL of ours; we read the
platform's OpenID configuration, register ourselves with its registration token, and keep the result
as an inactive platform until staff activate it."""

from __future__ import annotations

import requests
from flask import current_app
from sqlalchemy import select

from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.lti import services
from lms.lti.models import LtiPlatform
from lms.lti.tool import http_session

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = ("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score",
          "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly")


def _refused(reason: str) -> ServiceError:
    current_app.logger.warning("LTI dynamic registration refused: %s", reason)
    return ServiceError(_("The platform's registration request could not be completed. Ask its "
                          "administrator to try again, or register the platform by hand."))


def _get_json(session: requests.Session, url: str) -> dict:
    try:
        response = session.get(url)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise _refused(f"openid configuration {url[:200]}: {exc}") from exc
    if not isinstance(body, dict):
        raise _refused("openid configuration is not an object")
    return body


def register(openid_configuration_url: str, registration_token: str | None, urls: dict) -> LtiPlatform:
    """Register with the platform; the new platform is inactive until staff activate it.

    :param urls: our ``login``, ``launch`` and ``jwks`` addresses, and ``domain``.
    :raises ServiceError: the configuration is unreadable or inconsistent, or the platform refused us.
    """
    if not openid_configuration_url.startswith(("https://", "http://")) or len(openid_configuration_url) > 1000:
        raise _refused("openid_configuration is not a URL")
    session = http_session()
    config = _get_json(session, openid_configuration_url)
    issuer = config.get("issuer")
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")
    if not isinstance(issuer, str) or not all(isinstance(config.get(key), str) for key in needed):
        raise _refused("openid configuration lacks issuer or an endpoint")
    # The spec: the configuration's address must start with the issuer it names.
    if not openid_configuration_url.startswith(issuer.rstrip("/")):
        raise _refused(f"openid configuration {openid_configuration_url[:200]} is not under issuer {issuer[:200]}")
    product = (config.get(PLATFORM_CONFIGURATION) or {}).get("product_family_code", "")
    payload = {
        "application_type": "web", "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"], "redirect_uris": [urls["launch"]],
        "client_name": "Metodist", "jwks_uri": urls["jwks"], "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": urls["domain"], "target_link_uri": urls["launch"],
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri": urls["launch"],
                          "label": "Metodist"}],
        },
    }
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        response = session.post(config["registration_endpoint"], json=payload, headers=headers)
        answer = response.json() if response.ok else None
    except (requests.RequestException, ValueError) as exc:
        raise _refused(f"registration endpoint: {exc}") from exc
    if answer is None:
        raise _refused(f"registration endpoint answered {response.status_code} {response.text[:300]}")
    client_id = answer.get("client_id") if isinstance(answer, dict) else None
    deployment = (answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id") if isinstance(answer, dict) else None
    if not isinstance(client_id, str) or not client_id:
        raise _refused("registration answer has no client_id")
    if db.session.scalar(select(LtiPlatform.id).where(LtiPlatform.issuer == issuer,
                                                      LtiPlatform.client_id == client_id)):
        raise _refused("this issuer and client id are registered already")
    platform = services.add_platform(services.PlatformData(
        name=f"{product or issuer}"[:200], issuer=issuer, client_id=client_id,
        auth_login_url=config["authorization_endpoint"], auth_token_url=config["token_endpoint"],
        jwks_url=config["jwks_uri"]), [deployment] if isinstance(deployment, str) and deployment else [])
    platform.active = False  # staff check it and activate it on /lti/
    db.session.flush()
    current_app.logger.info("LTI dynamic registration: platform %s (%s) registered, inactive", platform.id, issuer)
    return platform
