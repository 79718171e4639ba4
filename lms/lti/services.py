"""Registrations and launches: add platforms and deployments, provision a launched user, record the launch."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.lti.models import LtiDeployment, LtiIdentity, LtiLaunch, LtiPlatform
from lms.models.mixins import check_version, utcnow
from lms.users.models import User, UserRole
from lms.users.services import build_user, find_user_by_email

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

#: LIS role names (the part after ``#``) → our roles. Never ``admin``: the head of service is appointed here.
ROLE_MAP = {
    "Instructor": "tutor",
    "TeachingAssistant": "tutor",
    "Learner": "teacher",
    "Student": "teacher",
    "Administrator": "staff",
    "SysAdmin": "staff",
}


@dataclass
class PlatformData:
    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    jwks_url: str
    auth_audience: str | None = None


def add_platform(data: PlatformData, deployment_ids: list[str]) -> LtiPlatform:
    """Register a platform with its deployments.

    :raises ServiceError: the issuer and client id are registered already, or a URL is not http(s).
    """
    _check_urls(data)
    if db.session.scalar(select(LtiPlatform.id).where(LtiPlatform.issuer == data.issuer,
                                                      LtiPlatform.client_id == data.client_id)):
        raise ServiceError(_("This issuer and client id are registered already."), field="client_id")
    platform = LtiPlatform(name=data.name, issuer=data.issuer, client_id=data.client_id,
                           auth_login_url=data.auth_login_url, auth_token_url=data.auth_token_url,
                           jwks_url=data.jwks_url, auth_audience=data.auth_audience or None)
    db.session.add(platform)
    db.session.flush()
    for deployment_id in deployment_ids:
        add_deployment(platform, deployment_id)
    return platform


def edit_platform(platform: LtiPlatform, data: PlatformData, deployment_ids: list[str], *,
                  version: int | None) -> LtiPlatform:
    """Change a platform's name, addresses and deployments. Its issuer and client id stay: the accounts its
    launches made are matched by them. A deployment id left off the list is switched off, not deleted (its
    launches keep their history), and one listed again is switched back on.

    :param version: the version the edit form was opened on (see :func:`check_version`).
    :raises ConflictError: someone saved the platform after the form was opened.
    :raises ServiceError: a URL is not http(s), or a deployment id is empty or too long.
    """
    check_version(platform, version, _("This platform was changed by someone else while you were editing it, "
                                       "so your changes were not saved. Check its current settings; saving "
                                       "again will replace them."))
    _check_urls(data)
    platform.name, platform.auth_login_url = data.name.strip(), data.auth_login_url
    platform.auth_token_url, platform.jwks_url = data.auth_token_url, data.jwks_url
    platform.auth_audience = data.auth_audience or None
    wanted = list(dict.fromkeys(d.strip() for d in deployment_ids if d.strip()))
    known = {d.deployment_id: d for d in platform.deployments}
    for deployment in platform.deployments:
        deployment.active = deployment.deployment_id in wanted
    for deployment_id in wanted:
        if deployment_id not in known:
            add_deployment(platform, deployment_id)
    db.session.flush()
    return platform


def _check_urls(data: PlatformData) -> None:
    for field, url in (("auth_login_url", data.auth_login_url), ("auth_token_url", data.auth_token_url),
                       ("jwks_url", data.jwks_url)):
        if not url.startswith(("https://", "http://")):
            raise ServiceError(_("Each platform address must start with https://."), field=field)


def set_active(platform: LtiPlatform, active: bool) -> LtiPlatform:
    """An inactive platform's logins and launches are refused; its users and history stay."""
    platform.active = active
    db.session.flush()
    return platform


def add_deployment(platform: LtiPlatform, deployment_id: str) -> LtiDeployment:
    deployment_id = deployment_id.strip()
    if not deployment_id or len(deployment_id) > 255:
        raise ServiceError(_("A deployment id is 1 to 255 characters."), field="deployments")
    if db.session.scalar(select(LtiDeployment.id).where(LtiDeployment.platform_id == platform.id,
                                                        LtiDeployment.deployment_id == deployment_id)):
        raise ServiceError(_("This deployment id is registered already."), field="deployments")
    deployment = LtiDeployment(platform=platform, deployment_id=deployment_id)
    db.session.add(deployment)
    db.session.flush()
    return deployment


def mapped_roles(claim_roles) -> set[str]:
    """Our roles for the LIS roles of a launch; a launch naming none of them is a learner's."""
    roles = set()
    for uri in claim_roles if isinstance(claim_roles, list) else []:
        if isinstance(uri, str):
            name = uri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            if name in ROLE_MAP:
                roles.add(ROLE_MAP[name])
    return roles or {"teacher"}


def _names(body: dict) -> tuple[str, str]:
    given = str(body.get("given_name") or "").strip()[:100]
    family = str(body.get("family_name") or "").strip()[:100]
    if not (given or family):
        parts = str(body.get("name") or "").split()
        given, family = (" ".join(parts[:-1])[:100], parts[-1][:100]) if len(parts) > 1 else ("", "".join(parts)[:100])
    return family or _("LTI user"), given or "-"


def _email_for(platform: LtiPlatform, subject: str, claimed) -> str:
    """The platform's e-mail when it is free here; otherwise a placeholder that no mail is sent to.

    An e-mail a platform asserts is never proof of owning our account with that address: that would
    let any registered platform sign in as anyone, so a taken address is not linked, it is replaced.
    """
    email = str(claimed or "").strip().lower()
    if email and len(email) <= 254 and "@" in email and find_user_by_email(email) is None:
        return email
    digest = hashlib.sha256(f"{platform.issuer}\n{subject}".encode()).hexdigest()[:24]
    return f"lti-{digest}@lti.invalid"


def provision(platform: LtiPlatform, body: dict) -> User:
    """The user of this launch: matched by (issuer, subject), created on the first launch.

    Roles the launch maps to are added (never removed here, and never admin).

    :raises ServiceError: the launch has no subject, or the matched account was deactivated.
    """
    return provision_member(platform, body)[0]


def provision_member(platform: LtiPlatform, body: dict) -> tuple[User, bool]:
    """:func:`provision`, also saying whether the user was created (roster imports count them)."""
    subject = body.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise ServiceError(_("The platform did not say who you are (anonymous launch)."))
    roles = mapped_roles(body.get(CLAIM + "roles"))
    roles.discard("admin")
    identity = _identity(platform, subject)
    if identity is None:
        created = _create_member(platform, subject, body, roles)
        if created is not None:
            return created, True
        # A launch of the same person at the same moment (a double click is two logins) created them first.
        identity = _identity(platform, subject)
        if identity is None:
            raise ServiceError(_("Your account could not be created just now. Open the link again."))
    user = db.session.get(User, identity.user_id)
    if not user.active:
        raise ServiceError(_("Your account here has been deactivated. Please contact the methodological service."))
    for code in sorted(roles - user.role_codes):
        user.roles.append(UserRole(role=code))
    identity.last_launch_at = utcnow()
    db.session.flush()
    return user, False


def _identity(platform: LtiPlatform, subject: str) -> LtiIdentity | None:
    return db.session.scalar(select(LtiIdentity).where(LtiIdentity.issuer == platform.issuer,
                                                       LtiIdentity.subject == subject))


def _create_member(platform: LtiPlatform, subject: str, body: dict, roles: set[str]) -> User | None:
    """A new account and its identity in a savepoint; None when a concurrent launch's commit took the
    identity (PostgreSQL makes this insert wait for that one and then refuse it) or the e-mail first."""
    last, first = _names(body)
    for email in (_email_for(platform, subject, body.get("email")), _email_for(platform, subject, None)):
        try:
            with db.session.begin_nested():
                user = build_user(email=email, last_name=last, first_name=first, middle_name=None, roles=roles)
                db.session.flush()
                db.session.add(LtiIdentity(issuer=platform.issuer, subject=subject, user_id=user.id,
                                           platform_id=platform.id))
                db.session.flush()
        except IntegrityError:
            if _identity(platform, subject) is not None:
                return None
            continue  # the claimed e-mail was taken meanwhile by someone else: the placeholder instead
        signals.user_created.send(current_app._get_current_object(), user=user, actor=None)
        return user
    return None


def record_launch(platform: LtiPlatform, user: User, body: dict, kind: str, ref: int) -> LtiLaunch:
    """Remember the launch, with its AGS line item, so a later score goes back to the right column."""
    ags = body.get(AGS_CLAIM) if isinstance(body.get(AGS_CLAIM), dict) else {}
    scopes = ags.get("scope") if isinstance(ags.get("scope"), list) else []
    link = body.get(CLAIM + "resource_link") if isinstance(body.get(CLAIM + "resource_link"), dict) else {}
    context = body.get(CLAIM + "context") if isinstance(body.get(CLAIM + "context"), dict) else {}
    nrps = body.get(NRPS_CLAIM) if isinstance(body.get(NRPS_CLAIM), dict) else {}

    def text(value, size):
        return value[:size] if isinstance(value, str) and value else None

    launch = LtiLaunch(platform_id=platform.id, deployment_id=str(body.get(CLAIM + "deployment_id"))[:255],
                       user_id=user.id, resource_kind=kind, resource_ref=ref,
                       resource_link_id=text(link.get("id"), 255) or "",
                       context_id=text(context.get("id"), 255), lineitem_url=text(ags.get("lineitem"), 1000),
                       lineitems_url=text(ags.get("lineitems"), 1000),
                       ags_scopes=" ".join(s for s in scopes if isinstance(s, str))[:1000],
                       memberships_url=text(nrps.get("context_memberships_url"), 1000))
    db.session.add(launch)
    db.session.flush()
    return launch
