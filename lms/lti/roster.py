"""Names and Role Provisioning: staff bring a platform course's roster in, page by page, matching each
member as a launch would (issuer and subject), so the people exist here before their first launch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from flask import Flask, current_app
from pylti1p3.exception import LtiException

from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.lti import services
from lms.lti.models import LtiLaunch, LtiPlatform
from lms.lti.passback import CachedTokenConnector, RetryLater
from lms.lti.tool import OurRegistration

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
#: A roster is read in pages of this many members; more pages than MAX_PAGES is refused as a loop.
PAGE_SIZE = 100
MAX_PAGES = 500


@dataclass
class RosterResult:
    users: list = field(default_factory=list)
    created: int = 0
    skipped: int = 0
    #: What the chosen target (a study group) said it did with the teachers, when one was chosen.
    placed: str = ""


@dataclass(frozen=True)
class RosterTarget:
    """Where a plugin lets staff put an imported roster (courses: a study group).

    :param choices: (id, label) pairs of the targets staff may pick, in display order.
    :param add: ``add(target_id, users, actor)`` puts the users there and returns a sentence saying what happened;
        raises ServiceError for a target that no longer takes members.
    """

    label: object
    choices: Callable[[], list[tuple[int, str]]]
    add: Callable[[int, list, object], str]


def register_roster_target(app: Flask, target: RosterTarget) -> None:
    app.extensions["lms.lti.roster_target"] = target


def roster_target() -> RosterTarget | None:
    return current_app.extensions.get("lms.lti.roster_target")


def import_roster(launch: LtiLaunch, *, target_id: int | None = None, actor=None) -> RosterResult:
    """Every active member of the launch's context, provisioned or matched, and put into the chosen target (a
    study group) when one is given.

    :raises ServiceError: the launch came without a roster service, or the platform refused or failed.
    """
    if not launch.memberships_url:
        raise ServiceError(_("The platform did not offer its course roster with this launch."))
    platform = db.session.get(LtiPlatform, launch.platform_id)
    connector = CachedTokenConnector(OurRegistration(platform), platform.id)
    result = RosterResult()
    try:
        token = connector.get_access_token([NRPS_SCOPE])
        for member in _members(connector, token, launch.memberships_url):
            _take(platform, member, result)
    except (LtiException, RetryLater, requests.RequestException, ValueError) as exc:
        raise ServiceError(_("The platform did not give its roster: %(answer)s", answer=str(exc)[:300])) from exc
    target = roster_target()
    if target_id is not None and target is not None:
        result.placed = target.add(target_id, result.users, actor)
    return result


def _members(connector, token: str, url: str):
    """The members of every page: ``limit`` asked, then ``Link: <…>; rel="next"`` followed (quoted or not)."""
    url = url + ("&" if "?" in url else "?") + f"limit={PAGE_SIZE}"
    for _page in range(MAX_PAGES):
        response = connector._requests_session.get(url, headers={"Authorization": f"Bearer {token}",
                                                                 "Accept": MEDIA_TYPE})
        if response.status_code >= 500:
            raise RetryLater(f"{response.status_code} {response.text[:300]}")
        if not response.ok:
            raise LtiException(f"{response.status_code} {response.text[:300]}")
        body = response.json()
        yield from (body.get("members") or []) if isinstance(body, dict) else []
        url = response.links.get("next", {}).get("url")  # requests reads RFC 8288 Link headers
        if not url:
            return
    raise LtiException(f"more than {MAX_PAGES} pages")


def _take(platform: LtiPlatform, member, result: RosterResult) -> None:
    if not isinstance(member, dict) or member.get("status", "Active") != "Active":
        result.skipped += 1
        return
    body = {"sub": member.get("user_id"), services.CLAIM + "roles": member.get("roles"),
            "given_name": member.get("given_name"), "family_name": member.get("family_name"),
            "name": member.get("name"), "email": member.get("email")}
    try:
        user, created = services.provision_member(platform, body)
    except ServiceError:
        result.skipped += 1  # no user id, or an account deactivated here: left as it is
        return
    result.users.append(user)
    result.created += int(created)
