"""pylti1p3 wired to our registrations, keys and shared store, with the checks the library leaves to us
(audience, expiry leeway, one-time nonces, JWKS refetch on an unknown key id, token size)."""

from __future__ import annotations

import hashlib

import jwt
import requests
from flask import current_app
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskCookieService, FlaskMessageLaunch, FlaskOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import select

from lms.extensions import db
from lms.lti.keys import signing_key
from lms.lti.models import LtiDeployment, LtiPlatform
from lms.lti.store import get_store


class LaunchRefused(Exception):
    """A launch failed a check. ``reason`` goes to the log; the person sees a general message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TimeoutSession(requests.Session):
    """Outgoing calls (JWKS, tokens, scores) never hang a worker on an unreachable platform."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", current_app.config.get("LTI_HTTP_TIMEOUT", 10))
        return super().request(*args, **kwargs)


def http_session() -> requests.Session:
    session = TimeoutSession()
    session.headers["User-Agent"] = "Metodist-LTI"
    return session


class OurRegistration(Registration):
    """A platform's registration with our current signing key and its id."""

    def __init__(self, platform: LtiPlatform, with_key: bool = True, session=None):
        super().__init__()
        self.platform_id = platform.id
        self.set_issuer(platform.issuer).set_client_id(platform.client_id)
        self.set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
        self.set_key_set_url(platform.jwks_url)
        if platform.auth_audience:
            self.set_auth_audience(platform.auth_audience)
        self._kid = None
        if with_key:
            key = signing_key(session)
            self.set_tool_private_key(key.private_pem).set_tool_public_key(key.public_pem)
            self._kid = key.kid

    def get_kid(self):
        return self._kid


def find_platform(issuer: str | None, client_id: str | None) -> LtiPlatform | None:
    """The active platform for this issuer and client id; without a client id, the issuer's only one."""
    if not issuer or len(issuer) > 500 or (client_id is not None and len(str(client_id)) > 255):
        return None
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer, LtiPlatform.active.is_(True))
    if client_id:
        query = query.where(LtiPlatform.client_id == str(client_id))
    found = list(db.session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


class DatabaseToolConf(ToolConfAbstract):
    """Registrations from lms_lti_platform: several client ids per issuer, several deployments each."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        # The key is needed only to sign (deep linking, services), never to check a launch.
        return OurRegistration(platform, with_key=False) if platform is not None else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        if platform is None or not isinstance(deployment_id, str):
            return None
        found = db.session.scalar(select(LtiDeployment.id).where(
            LtiDeployment.platform_id == platform.id, LtiDeployment.deployment_id == deployment_id,
            LtiDeployment.active.is_(True)))
        return Deployment().set_deployment_id(deployment_id) if found else None


class OurCookieService(FlaskCookieService):
    """pylti1p3's own cookie (SameSite=None; Secure over HTTPS), named per install (LTI_COOKIE_PREFIX)."""

    def __init__(self, request):
        super().__init__(request)
        self._cookie_prefix = current_app.config["LTI_COOKIE_PREFIX"]


def launch_storage() -> FlaskCacheDataStorage:
    return FlaskCacheDataStorage(get_store())


class OurOIDCLogin(FlaskOIDCLogin):
    def __init__(self, request, tool_config):
        super().__init__(request, tool_config, cookie_service=OurCookieService(request),
                         launch_data_storage=launch_storage())


class OurMessageLaunch(FlaskMessageLaunch):
    """Full verification of an id_token; every failure raises LtiException with the reason."""

    def __init__(self, request, tool_config, **_ignored):  # from_cache passes pylti1p3's defaults: ours win
        super().__init__(request, tool_config, cookie_service=OurCookieService(request),
                         launch_data_storage=launch_storage(), requests_session=http_session())

    def _get_id_token(self) -> str:
        token = super()._get_id_token()
        if len(token) > current_app.config["LTI_MAX_TOKEN_BYTES"]:
            raise LtiException(f"id_token too large ({len(token)} bytes)")
        return token

    def get_client_id(self):
        # aud may be an array; then azp names the client the token is for (OIDC Core 3.1.3.7).
        body = self._get_jwt_body()
        aud, azp = body.get("aud"), body.get("azp")
        if isinstance(aud, list):
            return azp if azp in aud else (aud[0] if len(aud) == 1 else None)
        return aud if isinstance(aud, str) else None

    def validate_nonce(self):
        super().validate_nonce()  # issued by our login initiation
        nonce = self._get_jwt_body().get("nonce")
        # Burnt atomically in the shared store: a replay reaching any worker finds it taken.
        ttl = current_app.config["LTI_NONCE_TTL"]
        if not isinstance(nonce, str) or not get_store().add("used-nonce-" + _digest(nonce), True, ttl):
            raise LtiException("Nonce already used (replayed launch)")
        return self

    def validate_jwt_signature(self):
        id_token = self._get_id_token()
        public_key, alg = self.get_public_key()
        assert self._registration is not None
        try:
            body = jwt.decode(id_token, public_key, algorithms=[alg], audience=self._registration.get_client_id(),
                              leeway=current_app.config["LTI_LEEWAY_SECONDS"],
                              options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]})
        except jwt.InvalidTokenError as exc:
            raise LtiException(f"Can't decode id_token: {exc}") from exc
        aud = body.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and body.get("azp") != self._registration.get_client_id():
            raise LtiException("aud has several entries and azp is not our client id")
        return self

    def fetch_public_key(self, key_set_url: str):
        # Cached in the shared store so workers do not fetch it per launch; see get_public_key for refetch.
        cache_key = "jwks-" + _digest(key_set_url)
        store = get_store()
        if not getattr(self, "_force_refetch", False):
            cached = store.get(cache_key)
            if cached:
                return cached
        try:
            response = self._requests_session.get(key_set_url)
            response.raise_for_status()
            key_set = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise LtiException(f"Platform JWKS {key_set_url} unreachable or not JSON: {exc}") from exc
        if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
            raise LtiException(f"Platform JWKS {key_set_url} has no keys list")
        store.set(cache_key, key_set, current_app.config["LTI_JWKS_CACHE_SECONDS"])
        return key_set

    def get_public_key(self):
        try:
            return super().get_public_key()
        except LtiException as exc:
            if "Unable to find public key" not in str(exc):
                raise
        # An unknown kid: the platform may have rotated its keys. Fetch its JWKS once more, bypassing the cache.
        assert self._registration is not None
        self._registration.set_key_set(None)
        self._force_refetch = True
        try:
            return super().get_public_key()
        except LtiException as exc:
            raise LtiException(f"{exc}: kid {self._jwt.get('header', {}).get('kid')!r} is not in the "
                               "platform's JWKS") from exc


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
