"""The tool's endpoints for platforms: our JWKS, OIDC login initiation and the launch itself."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import login_user
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.exception import LtiException, OIDCException

from lms import signals
from lms.auth.sessions import open_session
from lms.errors import ServiceError
from lms.extensions import csrf, db, limiter
from lms.i18n import _
from lms.lti import keys, services
from lms.lti.resources import parse_ref
from lms.lti.tool import DatabaseToolConf, OurMessageLaunch, OurOIDCLogin, find_platform

bp = Blueprint("lti", __name__)


def our_url(endpoint: str, **values) -> str:
    """An address of ours as platforms must be told it: on BASE_URL, never on a request header."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def refuse(reason: str, message: str | None = None, status: int = 400):
    """A clear page for the person, the technical reason in the log (never the token itself)."""
    current_app.logger.warning("LTI launch refused: %s", reason)
    db.session.rollback()
    return render_template("lti/refused.html", message=message or _(
        "The course platform's request to open this page could not be verified, so you were not signed in. "
        "Go back to the platform and open the link again; if this repeats, tell the platform's staff."),
        code=status), status


@bp.route("/jwks")
@csrf.exempt
def jwks():
    response = jsonify(keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login():
    try:
        oidc = OurOIDCLogin(FlaskRequest(), DatabaseToolConf())
        # Inside an iframe that blocks third-party cookies, the state cookie would be lost: pylti1p3's page
        # checks first and offers to open the launch in a new window.
        response = oidc.enable_check_cookies(
            main_msg=_("Your browser does not let this page keep its sign-in cookie inside the platform's frame."),
            click_msg=_("Open it in a new window"), loading_msg=_("Loading…"),
        ).redirect(our_url("lti.launch"))
    except (OIDCException, LtiException) as exc:
        return refuse(f"login initiation: {exc} (iss={request.values.get('iss', '')[:200]!r})")
    if response.status_code == 200:
        # The check page is pylti1p3's own inline script and style, and it only reloads this address.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors *")
    return response


def _resource_ref(body: dict) -> str | None:
    """Which of our items a link opens: the ``resource`` custom parameter, or in the target link's query."""
    custom = body.get(services.CLAIM + "custom")
    if isinstance(custom, dict) and isinstance(custom.get("resource"), str):
        return custom["resource"]
    target = body.get(services.CLAIM + "target_link_uri")
    if isinstance(target, str) and len(target) < 2000:
        values = parse_qs(urlsplit(target).query).get("resource")
        return values[0] if values else None
    return None


@bp.route("/launch", methods=["POST"])
@csrf.exempt
def launch():
    try:
        # The constructor already reads pylti1p3's session cookie (over HTTPS) and may refuse.
        message = OurMessageLaunch(FlaskRequest(), DatabaseToolConf())
        body = dict(message.get_launch_data())
    except LtiException as exc:
        return refuse(f"launch: {exc}")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # a token pylti1p3 cannot even read
        return refuse(f"launch: malformed id_token ({type(exc).__name__}: {exc})")
    platform = find_platform(body.get("iss"), message.get_client_id())
    if platform is None:  # deactivated between the checks
        return refuse("launch: platform not found")
    if message.is_deep_link_launch():
        from lms.lti.deep_linking import start_picker

        return start_picker(message, platform, body)
    if not message.is_resource_launch():
        return refuse(f"launch: unsupported message type {body.get(services.CLAIM + 'message_type')!r}")
    found = parse_ref(_resource_ref(body))
    if found is None:
        return refuse(f"launch: unknown resource {_resource_ref(body)!r}", _(
            "The link points to content that does not exist here. Ask the platform's staff to pick it again."), 404)
    kind, ref = found
    if kind.title(ref) is None:
        return refuse(f"launch: no {kind.kind} {ref}", _(
            "The link points to content that does not exist here. Ask the platform's staff to pick it again."), 404)
    if not kind.is_available(ref):
        return refuse(f"launch: {kind.kind} {ref} is not available (archived or closed)", _(
            "This content has been archived or closed and can no longer be opened from the platform."), 410)
    try:
        user = services.provision(platform, body)
        services.record_launch(platform, user, body, kind.kind, ref)
        # Receivers (a plugin addressing its content to the user) work in the same transaction.
        signals.lti_launched.send(current_app._get_current_object(), user=user, launch=body,
                                  resource=(kind.kind, ref))
        # A server-side session like a password sign-in's: signing out or deactivation ends it.
        open_session(user, remember=False, user_agent=request.user_agent.string)
        db.session.commit()
    except ServiceError as exc:
        return refuse(f"launch: {exc.message}", exc.message, 403)
    login_user(user)
    current_app.logger.info("LTI launch: user %s from platform %s opened %s %s", user.id, platform.id,
                            kind.kind, ref)
    return redirect(kind.url_for_item(ref))



@bp.route("/register")
@csrf.exempt
# Anyone may open it (the platform's administrator is not signed in here): a flood of inactive registrations
# is held back.
@limiter.limit(lambda: current_app.config["LTI_REGISTRATION_RATE_LIMIT"])
def dynamic_registration():
    """LTI Dynamic Registration: the platform opens this with ``openid_configuration`` and a token."""
    from urllib.parse import urlsplit as split

    from lms.lti import registration

    base = current_app.config["BASE_URL"].rstrip("/")
    urls = {"login": our_url("lti.login"), "launch": our_url("lti.launch"), "jwks": our_url("lti.jwks"),
            "domain": split(base).netloc}
    try:
        platform = registration.register(request.args.get("openid_configuration", ""),
                                         request.args.get("registration_token"), urls)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        response = current_app.make_response((render_template("lti/refused.html", message=exc.message,
                                                               code=400), 400))
    else:
        response = current_app.make_response(render_template("lti/registered.html", platform=platform))
    # The platform shows this page in its own frame (frame-ancestors overrides X-Frame-Options in browsers).
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors *"
    return response
