"""Deep linking: the platform's staff pick our programmes, modules, lessons and diagnostics in our picker;
every item goes back with a line item, so the platform makes a gradebook column for it."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import current_app, render_template, request
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem

from lms.errors import ServiceError
from lms.extensions import csrf
from lms.i18n import _
from lms.lti import services
from lms.lti.launch import bp, our_url, refuse
from lms.lti.resources import parse_ref, resource_kinds
from lms.lti.store import get_store
from lms.lti.tool import DatabaseToolConf, OurMessageLaunch, OurRegistration, find_platform

DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
STAFF_ROLES = {"tutor", "staff"}


def _settings(body: dict) -> dict:
    settings = body.get(DL_CLAIM)
    return settings if isinstance(settings, dict) else {}


def start_picker(message, platform, body: dict):
    """The picker for a validated deep-linking launch; only the platform's teaching staff may pick."""
    if not services.mapped_roles(body.get(services.CLAIM + "roles")) & STAFF_ROLES:
        return refuse("deep linking by a learner", _("Only the platform's teachers and administrators can "
                                                      "choose content to add to a course."), 403)
    settings = _settings(body)
    if not isinstance(settings.get("deep_link_return_url"), str):
        return refuse("deep linking: no deep_link_return_url")
    kinds = [(kind, list(kind.list_items())) for kind in resource_kinds().values()]
    return render_template("lti/picker.html", launch_id=message.get_launch_id(), kinds=kinds, platform=platform,
                           multiple=str(settings.get("accept_multiple", True)).lower() != "false")


@bp.route("/deep-link", methods=["POST"])
@csrf.exempt  # the capability is the launch id (random, one-time, kept in the shared store)
def deep_link_respond():
    launch_id = request.form.get("launch_id", "")
    if not launch_id.startswith("lti1p3-launch-") or len(launch_id) > 80:
        return refuse("deep linking: bad launch id")
    try:
        message = OurMessageLaunch.from_cache(launch_id, FlaskRequest(), DatabaseToolConf())
        body = dict(message.get_launch_data())
    except LtiException as exc:
        return refuse(f"deep linking: {exc}", _("The choice took too long or was already sent. "
                                                 "Start again from the platform."))
    platform = find_platform(body.get("iss"), message.get_client_id())
    settings = _settings(body)
    if platform is None or not message.is_deep_link_launch() or \
            not services.mapped_roles(body.get(services.CLAIM + "roles")) & STAFF_ROLES:
        return refuse("deep linking: not a deep-linking launch of an active platform's staff")
    chosen = [parse_ref(value) for value in request.form.getlist("item")[:200]]
    chosen = [found for found in chosen if found is not None and found[0].is_available(found[1])]
    if not chosen:
        return refuse("deep linking: nothing chosen", _("Choose at least one item."), 400)
    if str(settings.get("accept_multiple", True)).lower() == "false":
        chosen = chosen[:1]
    if not get_store().add("dl-used-" + launch_id, True, 86400):
        return refuse("deep linking: response already sent for this launch")
    try:
        registration = OurRegistration(platform)
    except ServiceError as exc:
        current_app.logger.error("LTI deep linking: %s", exc.message)
        return refuse("deep linking: no signing key", exc.message, 503)
    resources = [item_resource(kind, ref) for kind, ref in chosen]
    deployment_id = body[services.CLAIM + "deployment_id"]
    token = DeepLink(registration, deployment_id, settings).get_response_jwt(resources)
    return_url = settings["deep_link_return_url"]
    response = current_app.make_response(render_template("lti/deep_link_return.html", return_url=return_url,
                                                         token=token, count=len(resources)))
    target = urlsplit(return_url)
    # Our pages post only to ourselves; this one posts the signed answer to the platform's return address.
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; form-action {target.scheme}://{target.netloc}; frame-ancestors *")
    current_app.logger.info("LTI deep linking: %d item(s) sent to platform %s", len(resources), platform.id)
    return response


def item_resource(kind, ref: int) -> DeepLinkResource:
    value = f"{kind.kind}:{ref}"
    title = kind.title(ref) or value
    line_item = LineItem().set_label(title).set_score_maximum(kind.score_maximum).set_resource_id(value)
    return (DeepLinkResource().set_url(our_url("lti.launch") + "?" + urlencode({"resource": value}))
            .set_title(title).set_custom_params({"resource": value}).set_lineitem(line_item).set_target("window"))
